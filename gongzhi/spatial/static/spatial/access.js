/* Access page: Leaflet choropleth of buildings by walking distance, facilities, and the
   Lorenz curve (ECharts). The tables on the page carry the same figures. All text that
   comes from the data is escaped before it reaches a tooltip. */
(function () {
  "use strict";
  var el = document.getElementById("access-data");
  if (!el) return;
  var d = JSON.parse(el.textContent);
  var C = window.GongzhiCoords;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ---- map
  var mapEl = document.getElementById("access-map");
  if (mapEl && typeof L !== "undefined" && d.buildings.length) {
    var cfg = d.config || {};
    var gcj = cfg.crs === "gcj02";
    var toMap = function (lon, lat) {
      if (gcj && C) { var g = C.wgs84ToGcj02(lon, lat); return [g[1], g[0]]; }
      return [lat, lon];
    };
    var map = L.map(mapEl, { maxZoom: 19 });
    var b = cfg.basemap || {};
    if (b.url) {
      L.tileLayer(b.url, { attribution: b.attribution || "", subdomains: b.subdomains || "abc",
                           maxZoom: 19 }).addTo(map);
      if (b.labelsUrl) L.tileLayer(b.labelsUrl, { subdomains: b.subdomains || "abc", maxZoom: 19 }).addTo(map);
    }
    if (cfg.boundary) {
      var boundary = gcj && C ? C.toGcj02(cfg.boundary) : cfg.boundary;
      L.geoJSON(boundary, { style: { color: "#555", weight: 2, fill: false, dashArray: "4 4" },
                            interactive: false }).addTo(map);
    }
    var layer = L.layerGroup().addTo(map);
    var facLayer = L.layerGroup().addTo(map);
    var bounds = [];
    var thresholds = {};
    d.categories.forEach(function (c) { thresholds[c.code] = c.threshold; });
    var n = d.categories.length;

    function colour(b, code) {
      if (code === "__completeness") {
        var share = n ? b.completeness / n : 0;
        return share >= 1 ? "#1e6b3a" : share >= 0.5 ? "#c07a00" : "#a51d2d";
      }
      var m = b.nearest[code], t = thresholds[code];
      if (m === null || m === undefined) return "#a51d2d";
      return m <= t ? "#1e6b3a" : m <= 2 * t ? "#c07a00" : "#a51d2d";
    }
    function label(b, code) {
      if (code === "__completeness") return esc(d.labels.completeness) + ": " + b.completeness + "/" + n;
      var m = b.nearest[code];
      return m === null || m === undefined ? esc(d.labels.none) : Math.round(m) + " " + esc(d.labels.m);
    }
    function draw(code) {
      layer.clearLayers();
      d.buildings.forEach(function (b) {
        var ll = toMap(b.lon, b.lat);
        bounds.push(ll);
        L.circleMarker(ll, { radius: 7, color: "#222", weight: 1, fillColor: colour(b, code),
                             fillOpacity: 0.85 })
          .bindTooltip("<strong>" + esc(b.label) + "</strong><br>" + label(b, code))  // gz-safe: every value passes esc()
          .addTo(layer);
      });
      facLayer.clearLayers();
      d.facilities.forEach(function (f) {
        if (code !== "__completeness" && f.category !== code) return;
        L.marker(toMap(f.lon, f.lat), {
          icon: L.divIcon({ className: "fac-icon", html: '<span class="swatch swatch-fac"></span>',
                            iconSize: [14, 14] }),
          keyboard: false
        }).bindTooltip(esc(d.labels.facility) + ": " + esc(f.name))
          .on("click", function () { pickFacility(f); }).addTo(facLayer);
      });
    }

    // ---- what if, by tapping the map: the form below the map carries the change;
    // htmx sends it and swaps in the server-rendered (autoescaped) effect.
    var wif = document.getElementById("map-what-if");
    var picked = null;
    function wifAction() {
      var r = wif && wif.querySelector("input[name=action]:checked");
      return r ? r.value : "add";
    }
    function setStatus(text) {
      var st = document.getElementById("mwi-status");
      if (st) st.textContent = text;
    }
    function pickFacility(f) {
      if (!wif) return;
      var sel = document.getElementById("mwi-space");
      sel.value = String(f.id);
      if (wifAction() === "add") {
        var close = wif.querySelector("input[name=action][value=close]");
        if (close) close.checked = true;
      }
      setStatus(d.labels.pickedFacility.replace("%(name)s", f.name));
    }
    if (wif) {
      map.on("click", function (e) {
        if (wifAction() === "close") return;
        var lon = e.latlng.lng, lat = e.latlng.lat;
        if (gcj && C) { var w = C.gcj02ToWgs84(lon, lat); lon = w[0]; lat = w[1]; }
        document.getElementById("mwi-lon").value = lon.toFixed(6);
        document.getElementById("mwi-lat").value = lat.toFixed(6);
        if (picked) picked.setLatLng(e.latlng);
        else picked = L.circleMarker(e.latlng, { radius: 10, color: "#1a5fb4", weight: 3,
                                                 fillOpacity: 0.25, interactive: false }).addTo(map);
        setStatus(d.labels.picked + ": " + lon.toFixed(5) + ", " + lat.toFixed(5));
      });
    }
    var select = document.getElementById("map-category");
    draw(select ? select.value : (d.categories[0] || {}).code);
    if (select) select.addEventListener("change", function () { draw(select.value); });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
    else if (cfg.center) map.setView(toMap(cfg.center[0], cfg.center[1]), 16);
    L.control.attribution({ prefix: false }).addAttribution(esc(cfg.osmAttribution || "")).addTo(map);
  }

  // ---- Lorenz curve
  var chartEl = document.getElementById("lorenz-chart");
  if (chartEl && typeof echarts !== "undefined" && d.lorenz) {
    var pts = d.lorenz.p.map(function (p, i) { return [p, d.lorenz.L[i]]; });
    var chart = echarts.init(chartEl, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 64 },
      legend: { bottom: 0, data: [d.labels.lorenz, d.labels.equality] },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return (v * 100).toFixed(0) + "%"; } },
      xAxis: { type: "value", min: 0, max: 1, name: d.labels.residents, nameLocation: "middle",
               nameGap: 28, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } },  // gz-safe: numbers only
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } },  // gz-safe: numbers only
      series: [
        { name: d.labels.lorenz, type: "line", data: pts, showSymbol: false, areaStyle: { opacity: 0.15 },
          lineStyle: { width: 3, color: "#1a5fb4" }, itemStyle: { color: "#1a5fb4" } },
        { name: d.labels.equality, type: "line", data: [[0, 0], [1, 1]], showSymbol: false,
          lineStyle: { type: "dashed", color: "#5e5c64" }, itemStyle: { color: "#5e5c64" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
})();
