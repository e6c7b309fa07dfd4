/* Survey results chart (ECharts). The tables on the page carry the same numbers. */
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  var box = document.getElementById("chart-scores");
  if (!el || !box || typeof echarts === "undefined") return;
  var d = JSON.parse(el.textContent);
  var chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : Number(v).toFixed(2); } },
    grid: { left: 90, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: d.subscales, axisLabel: { formatter: function (s) { return String(s); } } },  // gz-safe: axis labels are drawn on canvas; numbers
    series: [{ type: "bar", data: d.means, label: { show: true, position: "right",
      formatter: function (p) { return p.value == null ? "" : Number(p.value).toFixed(2); } } }]  // gz-safe: axis labels are drawn on canvas; numbers
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
