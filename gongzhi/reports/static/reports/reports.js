/* Problem reports: the list map (open reports) and the pin map of the report form.
   Drawn on the community basemap (GongzhiMap, maps/map.js); without JavaScript the list
   and the coordinate fields are the fallback. All words come from cfg.labels (translated
   on the server). */
(function () {
  "use strict";
  var cfgEl = document.getElementById("map-config");
  var G = window.GongzhiMap;
  if (!cfgEl || typeof L === "undefined" || !G) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var t = cfg.labels || {};

  function fallbackCenter() {  // [lon, lat]
    return cfg.center || [121.5035, 31.2835];
  }

  var listEl = document.getElementById("reports-map");
  if (listEl) {
    var map = G.create(listEl, cfg, {scrollWheelZoom: false});
    G.fitCommunity(map, cfg);
    var addPage = function (data) {
      L.geoJSON(G.toMap(cfg, data), {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, {radius: 10, color: "#b3261e", weight: 3,
            fillColor: f.properties.overdue ? "#b3261e" : "#ffffff", fillOpacity: 0.95});
        },
        onEachFeature: function (f, layer) {
          var a = document.createElement("a");
          a.href = f.properties.url;
          a.textContent = "#" + f.properties.id + " " + f.properties.category_label +
            " · " + f.properties.status_label;
          layer.bindPopup(a);
        }
      }).addTo(map);
    };
    // The endpoint is paginated: follow `next` until the last page.
    var loadPage = function (url) {
      return fetch(url, {credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) { addPage(data); if (data.next) return loadPage(data.next); });
    };
    loadPage(listEl.getAttribute("data-geojson"))
      .catch(function () { /* the list below is the fallback */ });
  }

  var pinEl = document.getElementById("pin-map");
  if (pinEl) {
    var latIn = document.getElementById("id_lat");
    var lonIn = document.getElementById("id_lon");
    var status = document.getElementById("geo-status");
    var pmap = G.create(pinEl, cfg, {scrollWheelZoom: false});
    G.fitCommunity(pmap, cfg, {noFit: true});
    var c = fallbackCenter();
    var lat0 = parseFloat(latIn.value), lon0 = parseFloat(lonIn.value);
    var start = G.latLng(cfg, isNaN(lon0) ? c[0] : lon0, isNaN(lat0) ? c[1] : lat0);
    pmap.setView(start, 17);
    var marker = L.marker(start, {draggable: true, keyboard: true, icon: G.pinIcon(cfg),
                                  alt: t.pin || ""}).addTo(pmap);
    var moved = function (latlng, announce) {  // latlng in map coordinates
      var w = G.toWgs(cfg, latlng);
      latIn.value = w[1].toFixed(7);
      lonIn.value = w[0].toFixed(7);
      marker.setLatLng(latlng);
      if (announce) status.textContent = announce;
      document.body.dispatchEvent(new Event("pinmoved"));
    };
    pmap.on("click", function (e) { moved(e.latlng, t.pinPlaced); });
    marker.on("dragend", function () { moved(marker.getLatLng(), t.pinMoved); });
    [latIn, lonIn].forEach(function (el) {
      el.addEventListener("change", function () {
        var lat = parseFloat(latIn.value), lon = parseFloat(lonIn.value);
        if (!isNaN(lat) && !isNaN(lon)) { var ll = G.latLng(cfg, lon, lat); marker.setLatLng(ll); pmap.panTo(ll); }
      });
    });
    var btn = document.getElementById("use-location");
    btn.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = t.noGeo; return; }
      status.textContent = t.finding;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var ll = G.latLng(cfg, pos.coords.longitude, pos.coords.latitude);  // GPS gives WGS-84
        pmap.setView(ll, 18);
        moved(ll, t.atLocation);
      }, function () {
        status.textContent = t.geoFailed;
      }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
    });
  }
})();
