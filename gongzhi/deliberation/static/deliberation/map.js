/* Opinion map: participants as dots coloured by group, each group outlined by the convex
   hull of its members (ECharts). The table next to the chart carries the same information
   for screen readers. No user text is drawn; group names in tooltips are escaped. */
(function () {
  "use strict";
  var box = document.getElementById("opinion-map");
  var src = document.getElementById("opinion-map-data");
  if (!box || !src || !window.echarts) return;
  var data = JSON.parse(src.textContent);
  var labels = data.labels || { you: "" };
  var chart = window.echarts.init(box, null, { renderer: "svg" });

  function cross(o, a, b) { return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]); }

  // Andrew's monotone chain: the hull's corners in order (fewer than 3 points: the points).
  function hull(points) {
    var pts = points.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    if (pts.length < 3) return pts;
    var lower = [], upper = [], i;
    for (i = 0; i < pts.length; i++) {
      while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], pts[i]) <= 0) lower.pop();
      lower.push(pts[i]);
    }
    for (i = pts.length - 1; i >= 0; i--) {
      while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], pts[i]) <= 0) upper.pop();
      upper.push(pts[i]);
    }
    upper.pop(); lower.pop();
    return lower.concat(upper);
  }

  var series = [];
  data.groups.forEach(function (g, i) {
    var members = data.points.filter(function (p) { return p[2] === i; })
      .map(function (p) { return [p[0], p[1]]; });
    var corners = hull(members);
    if (corners.length >= 3) {
      series.push({
        name: g.name, type: "custom", silent: true, z: 1, tooltip: { show: false },
        itemStyle: { color: g.colour },
        data: [corners[0]],
        renderItem: function (params, api) {
          return { type: "polygon", shape: { points: corners.map(function (c) { return api.coord(c); }) },
                   style: { fill: g.colour, opacity: 0.12, stroke: g.colour, lineWidth: 2 } };
        }
      });
    }
    series.push({
      name: g.name, type: "scatter", symbolSize: 7, z: 2,
      itemStyle: { color: g.colour, opacity: 0.8 }, data: members
    });
  });
  if (data.me) {
    series.push({ name: labels.you, type: "scatter", symbolSize: 16, z: 10,
      itemStyle: { color: "transparent", borderColor: "#111", borderWidth: 3 }, data: [data.me] });
  }
  chart.setOption({
    animation: false,
    legend: { bottom: 0, icon: "circle", textStyle: { fontSize: 14 },
              data: data.groups.map(function (g) { return g.name; }).concat(data.me ? [labels.you] : []) },
    grid: { left: 8, right: 8, top: 8, bottom: 40, containLabel: false },
    xAxis: { show: false, scale: true }, yAxis: { show: false, scale: true },
    tooltip: { trigger: "item", formatter: function (p) {  // gz-safe: escaped group name
      return GZ.escapeHtml(p.seriesName); } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
