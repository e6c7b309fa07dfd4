/* Small map islands: the project's spaces, and a pin picker on the proposal form, drawn on
   the community basemap (GongzhiMap, maps/map.js). Names go in with textContent. */
(function () {
  "use strict";
  var G = window.GongzhiMap;
  var cfgEl = document.getElementById("map-config");
  if (typeof L === "undefined" || !G || !cfgEl) { return; }
  var cfg = JSON.parse(cfgEl.textContent);

  // The project's few places are drawn as SVG (the basemap uses a canvas, preferCanvas):
  // each place is then its own element, which the tooltip and keyboard can reach.
  function spacesLayer() {
    var data = document.getElementById("project-spaces");
    var group = L.featureGroup();
    var svg = L.svg({padding: 0.3});
    if (!data) { return group; }
    JSON.parse(data.textContent).forEach(function (s) {
      var layer = s.geometry
        ? L.geoJSON(G.toMap(cfg, s.geometry), {
            style: {color: "#1d4ed8", weight: 4, fillColor: "#93c5fd", fillOpacity: 0.5, renderer: svg},
            pointToLayer: function (f, ll) {
              return L.circleMarker(ll, {renderer: svg, radius: 10, color: "#fff", weight: 2.5,
                                         fillColor: "#1d4ed8", fillOpacity: 1});
            }})
        : L.marker(G.latLng(cfg, s.lon, s.lat), {icon: G.pinIcon(cfg)});
      var tip = document.createElement("span");
      tip.textContent = s.name;
      layer.bindTooltip(tip, {permanent: true, direction: "top", className: "gz-tip"});  // gz-safe: tip is a span filled with textContent
      group.addLayer(layer);
    });
    return group;
  }

  var el = document.getElementById("project-map");
  if (el) {
    var map = G.create(el, cfg, {scrollWheelZoom: false});
    G.fitCommunity(map, cfg, {noFit: true});
    var group = spacesLayer().addTo(map);
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), {maxZoom: 18, padding: [30, 30]});
    } else {
      G.fitCommunity(map, cfg);
    }
  }

  var pick = document.getElementById("pick-map");
  if (pick) {
    var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
    var pmap = G.create(pick, cfg);
    G.fitCommunity(pmap, cfg);
    var spaces = spacesLayer().addTo(pmap);
    if (spaces.getLayers().length) {
      pmap.fitBounds(spaces.getBounds(), {maxZoom: 18, padding: [30, 30]});
    }
    var marker = null;
    if (lat && lat.value && lon && lon.value) {
      marker = L.marker(G.latLng(cfg, parseFloat(lon.value), parseFloat(lat.value)),
                        {icon: G.pinIcon(cfg)}).addTo(pmap);
    }
    pmap.on("click", function (e) {
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng, {icon: G.pinIcon(cfg)}).addTo(pmap); }
      var w = G.toWgs(cfg, e.latlng);
      lat.value = w[1].toFixed(6);
      lon.value = w[0].toFixed(6);
      var status = document.getElementById("pick-status");
      if (status) { status.textContent = (cfg.labels && cfg.labels.pinPlaced) || ""; }
    });
  }
})();
