/* Report statistics charts (ECharts). The tables below carry the same numbers. */
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof echarts === "undefined") return;
  var d = JSON.parse(el.textContent);
  // Small screens: fewer, tilted month labels and a scrolling legend below the plot, so
  // nothing overlaps at 360 px.
  var narrow = window.matchMedia("(max-width: 40rem)").matches;
  var monthAxis = { type: "category", data: d.months,
                    axisLabel: { hideOverlap: true, rotate: narrow ? 45 : 0, fontSize: narrow ? 11 : 12 } };
  var legend = { type: "scroll", bottom: 0, itemGap: narrow ? 8 : 12, textStyle: { fontSize: narrow ? 11 : 12 } };
  var counts = echarts.init(document.getElementById("chart-counts"), null, { renderer: "svg" });
  counts.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis", confine: true }, legend: legend,
    grid: { left: 8, right: 8, top: 10, bottom: narrow ? 72 : 60, containLabel: true },
    xAxis: monthAxis, yAxis: { type: "value", minInterval: 1 },
    series: d.series.map(function (s) { return { name: s.name, type: "bar", stack: "n", data: s.data }; })
  });
  var times = echarts.init(document.getElementById("chart-times"), null, { renderer: "svg" });
  times.setOption({
    aria: { enabled: true },
    tooltip: { trigger: "axis", confine: true }, legend: legend,
    grid: { left: 8, right: 8, top: 10, bottom: narrow ? 64 : 40, containLabel: true },
    xAxis: monthAxis, yAxis: { type: "value" },
    series: [{ name: d.labels.accept, type: "line", data: d.accept, symbol: "circle" },
             { name: d.labels.resolve, type: "line", data: d.resolve, symbol: "triangle",
               lineStyle: { type: "dashed" } }]
  });
  window.addEventListener("resize", function () { counts.resize(); times.resize(); });
})();
