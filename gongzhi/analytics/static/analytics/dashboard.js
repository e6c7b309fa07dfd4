/* Participation-equity and trend charts (ECharts). Tables on the page carry the numbers. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var eqEl = document.getElementById("equity-data");
  var box = document.getElementById("chart-equity");
  if (eqEl && box) {
    var d = JSON.parse(eqEl.textContent);
    var c = echarts.init(box, null, { renderer: "svg" });
    c.setOption({
      aria: { enabled: true }, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 100, right: 16, top: 10, bottom: 50 },
      /* ratios above 3 are drawn at 3 (the table has the exact value) */
      xAxis: { type: "value", min: 0, max: 3 },
      yAxis: { type: "category", data: d.activities, inverse: true,
               axisLabel: { width: 92, overflow: "truncate" } },
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar",
                 data: s.data.map(function (v) { return v == null ? null : Math.min(v, 3); }) };
      })
        .concat([{ type: "line", data: [], markLine: { silent: true, symbol: "none",
          data: [{ xAxis: 1 }], label: { formatter: "1" } } }])  // gz-safe: a constant
    });
    window.addEventListener("resize", function () { c.resize(); });
  }
  var trEl = document.getElementById("trend-data");
  var tbox = document.getElementById("chart-trend");
  if (trEl && tbox) {
    var t = JSON.parse(trEl.textContent);
    var tc = echarts.init(tbox, null, { renderer: "svg" });
    var labels = JSON.parse(tbox.getAttribute("data-labels") || "[]");
    tc.setOption({
      aria: { enabled: true }, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      grid: { left: 36, right: 10, top: 10, bottom: 50 },
      xAxis: { type: "category", data: t.months }, yAxis: { type: "value", minInterval: 1 },
      series: [{ name: labels[0] || "", type: "bar", data: t.reports },
               { name: labels[1] || "", type: "line", data: t.proposals, symbol: "triangle" }]
    });
    window.addEventListener("resize", function () { tc.resize(); });
  }
  var acEl = document.getElementById("access-chart-data");
  var abox = document.getElementById("chart-access");
  if (acEl && abox) {
    var a = JSON.parse(acEl.textContent);
    if (a) {
      var ac = echarts.init(abox, null, { renderer: "svg" });
      var pct = function (v) { return v == null ? "—" : Math.round(v * 100) + "%"; };
      ac.setOption({
        aria: { enabled: true }, tooltip: { trigger: "axis", valueFormatter: pct },
        grid: { left: 96, right: 16, top: 10, bottom: 30 },
        xAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: pct } },  // gz-safe: numbers only
        yAxis: { type: "category", data: a.categories, inverse: true,
                 axisLabel: { width: 88, overflow: "truncate" } },
        series: [{ type: "bar", data: a.covered, itemStyle: { color: "#1e6b3a" },
                   label: { show: true, position: "right", formatter: function (p) { return pct(p.value); } } }]  // gz-safe: numbers only
      });
      window.addEventListener("resize", function () { ac.resize(); });
    }
  }
})();
