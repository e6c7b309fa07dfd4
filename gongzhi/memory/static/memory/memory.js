/* Memory archive map islands on the community basemap (GongzhiMap, maps/map.js):
   the memories layer (museum and map pages), one memory's place, and the place picker
   on the submit form. Titles go in with textContent only (GongzhiMap.popup). */
(function () {
  "use strict";
  var G = window.GongzhiMap;
  var cfgEl = document.getElementById("map-config");
  if (typeof L === "undefined" || !G || !cfgEl) { return; }
  var cfg = JSON.parse(cfgEl.textContent);
  var COLOURS = {memory_story: "#8a4b08", memory_photo: "#1d4ed8", memory_audio: "#6b3fa0",
                 memory_video: "#b3261e", memory_document: "#1b6e3a"};

  function dot(p, ll) {
    return L.circleMarker(ll, {radius: 11, color: "#fff", weight: 2.5,
                               fillColor: COLOURS[p.kind] || "#8a4b08", fillOpacity: 0.95});
  }

  var layerEl = document.getElementById("memory-map");
  if (layerEl) {
    var map = G.create(layerEl, cfg, {scrollWheelZoom: false});
    G.fitCommunity(map, cfg);
    var url = layerEl.getAttribute("data-geojson");
    if (url && /^\//.test(url)) {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (data) {
          var group = L.geoJSON(G.toMap(cfg, data), {
            pointToLayer: function (f, ll) { return dot(f.properties || {}, ll); },
            onEachFeature: function (f, layer) {
              var node = G.popup(f.properties || {}, cfg.labels);
              layer.bindPopup(node);  // gz-safe: a DOM node built with textContent
            }
          }).addTo(map);
          if (group.getLayers().length) {
            map.fitBounds(group.getBounds(), {maxZoom: 18, padding: [30, 30]});
          }
        }).catch(function () { /* the list links stay usable without the map */ });
    }
  }

  var pointEl = document.getElementById("memory-point-map");
  var pointData = document.getElementById("memory-point");
  if (pointEl && pointData) {
    var pt = JSON.parse(pointData.textContent);
    var pmap = G.create(pointEl, cfg, {scrollWheelZoom: false});
    var ll = G.latLng(cfg, pt.lon, pt.lat);
    L.marker(ll, {icon: G.pinIcon(cfg)}).addTo(pmap);
    pmap.setView(ll, 18);
  }

  var pick = document.getElementById("pick-map");
  var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
  if (pick && lat && lon) {
    var kmap = G.create(pick, cfg, {scrollWheelZoom: false});
    G.fitCommunity(kmap, cfg);
    var marker = null;
    if (lat.value && lon.value) {
      marker = L.marker(G.latLng(cfg, parseFloat(lon.value), parseFloat(lat.value)),
                        {icon: G.pinIcon(cfg)}).addTo(kmap);
    }
    kmap.on("click", function (e) {
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng, {icon: G.pinIcon(cfg)}).addTo(kmap); }
      var w = G.toWgs(cfg, e.latlng);
      lat.value = w[1].toFixed(6);
      lon.value = w[0].toFixed(6);
      var status = document.getElementById("pick-status");
      if (status) { status.textContent = (cfg.labels && cfg.labels.pinPlaced) || ""; }
    });
  }
})();
