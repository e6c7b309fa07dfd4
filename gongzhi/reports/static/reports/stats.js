/* Report statistics charts (ECharts). The tables below carry the same numbers. */
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof echarts === "undefined") return;
  var d = JSON.parse(el.textContent);
  var counts = echarts.init(document.getElementById("chart-counts"), null, { renderer: "svg" });
  counts.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis" }, legend: { type: "scroll", bottom: 0 },
    grid: { left: 40, right: 10, top: 10, bottom: 60 },
    xAxis: { type: "category", data: d.months }, yAxis: { type: "value", minInterval: 1 },
    series: d.series.map(function (s) { return { name: s.name, type: "bar", stack: "n", data: s.data }; })
  });
  var times = echarts.init(document.getElementById("chart-times"), null, { renderer: "svg" });
  times.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis" }, legend: { bottom: 0 },
    grid: { left: 40, right: 10, top: 10, bottom: 40 },
    xAxis: { type: "category", data: d.months }, yAxis: { type: "value" },
    series: [{ name: d.labels.accept, type: "line", data: d.accept, symbol: "circle" },
             { name: d.labels.resolve, type: "line", data: d.resolve, symbol: "triangle",
               lineStyle: { type: "dashed" } }]
  });
  window.addEventListener("resize", function () { counts.resize(); times.resize(); });
})();
