/* Subdistrict report charts (ECharts, SVG). Every figure is also in a table on the page;
   names reach ECharts as data (it renders text with textContent in SVG). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var el = document.getElementById("area-data");
  if (!el) return;
  var d = JSON.parse(el.textContent);
  var labEl = document.getElementById("area-labels");
  var lab = labEl ? JSON.parse(labEl.getAttribute("data-labels") || "{}") : {};
  var charts = [];
  function pct(v) { return v == null ? "—" : Math.round(v * 100) + "%"; }
  function make(id, option) {
    var box = document.getElementById(id);
    if (!box) return;
    var c = echarts.init(box, null, { renderer: "svg" });
    c.setOption(Object.assign({ aria: { enabled: true }, animation: false }, option));
    charts.push(c);
  }
  var yCats = { type: "category", data: d.communities, inverse: true,
                axisLabel: { width: 80, overflow: "truncate" } };
  make("chart-per1000", {
    tooltip: { trigger: "axis" }, grid: { left: 88, right: 16, top: 10, bottom: 30 },
    xAxis: { type: "value" }, yAxis: yCats,
    series: [{ name: lab.per1000 || "", type: "bar", data: d.per_1000, itemStyle: { color: "#1a5fb4" } }]
  });
  make("chart-loop", {
    tooltip: { trigger: "axis", valueFormatter: pct }, legend: { bottom: 0 },
    grid: { left: 88, right: 16, top: 10, bottom: 50 },
    xAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: pct } }, yAxis: yCats,  // gz-safe: numbers only
    series: [{ name: lab.answered || "", type: "bar", data: d.answered },
             { name: lab.decided || "", type: "bar", data: d.decided },
             { name: lab.implemented || "", type: "bar", data: d.implemented }]
  });
  if (d.trend && d.trend.months) {
    make("chart-trend-area", {
      tooltip: { trigger: "axis" }, legend: { bottom: 0, type: "scroll" },
      grid: { left: 36, right: 10, top: 10, bottom: 56 },
      xAxis: { type: "category", data: d.trend.months }, yAxis: { type: "value", minInterval: 1 },
      series: d.trend.reports.map(function (s) {
        return { name: s.name, type: "line", data: s.data, symbolSize: 6 };
      })
    });
  }
  if (d.access && d.access.series && d.access.series.length) {
    make("chart-access-area", {
      tooltip: { trigger: "axis", valueFormatter: pct }, legend: { bottom: 0, type: "scroll" },
      grid: { left: 88, right: 16, top: 10, bottom: 56 },
      xAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: pct } },  // gz-safe: numbers only
      yAxis: { type: "category", data: d.access.communities, inverse: true,
               axisLabel: { width: 80, overflow: "truncate" } },
      series: d.access.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
