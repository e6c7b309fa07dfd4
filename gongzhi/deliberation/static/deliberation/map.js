/* Opinion map: participants as dots coloured by group (ECharts scatter). The table next to
   the chart carries the same information for screen readers. No user text is drawn. */
(function () {
  "use strict";
  var box = document.getElementById("opinion-map");
  var src = document.getElementById("opinion-map-data");
  if (!box || !src || !window.echarts) return;
  var data = JSON.parse(src.textContent);
  var labels = data.labels || { you: "" };
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  var series = data.groups.map(function (g, i) {
    return {
      name: g.name, type: "scatter", symbolSize: 7,
      itemStyle: { color: g.colour, opacity: 0.75 },
      data: data.points.filter(function (p) { return p[2] === i; }).map(function (p) { return [p[0], p[1]]; })
    };
  });
  if (data.me) {
    series.push({ name: labels.you, type: "scatter", symbolSize: 16, z: 10,
      itemStyle: { color: "transparent", borderColor: "#111", borderWidth: 3 }, data: [data.me] });
  }
  chart.setOption({
    animation: false,
    legend: { bottom: 0, textStyle: { fontSize: 14 } },
    grid: { left: 8, right: 8, top: 8, bottom: 40, containLabel: false },
    xAxis: { show: false, scale: true }, yAxis: { show: false, scale: true },
    tooltip: { trigger: "item", formatter: function (p) {  // gz-safe: escaped group name
      return GZ.escapeHtml(p.seriesName); } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
