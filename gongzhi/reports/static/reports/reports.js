/* Problem reports: the list map (open reports) and the pin map of the report form.
   Works without tiles (draws the community boundary) and without JavaScript (the list and
   the coordinate fields are the fallback). */
(function () {
  "use strict";
  var cfgEl = document.getElementById("map-config");
  if (!cfgEl || typeof L === "undefined") return;
  var cfg = JSON.parse(cfgEl.textContent);
  var t = window.gettext || function (s) { return s; };
  var bm = cfg.basemap || {};
  // Data is WGS-84. A GCJ-02 basemap (AMap) needs it shifted for display and clicks shifted
  // back (GongzhiCoords from the spaces app).
  var gcj = bm.crs === "gcj02" && window.GongzhiCoords;
  function toMap(lat, lon) {
    if (!gcj) return L.latLng(lat, lon);
    var p = window.GongzhiCoords.wgs84ToGcj02(lon, lat);
    return L.latLng(p[1], p[0]);
  }
  function fromMap(ll) {
    if (!gcj) return { lat: ll.lat, lng: ll.lng };
    var p = window.GongzhiCoords.gcj02ToWgs84(ll.lng, ll.lat);
    return { lat: p[1], lng: p[0] };
  }
  function geo(data) { return gcj ? window.GongzhiCoords.toGcj02(data) : data; }

  function baseMap(el) {
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 20 }).setView(toMap(cfg.center[0], cfg.center[1]), 17);
    if (bm.url) {
      L.tileLayer(bm.url, { maxZoom: 19, subdomains: bm.subdomains || "abc",
                            attribution: bm.attribution || "" }).addTo(map);
      if (bm.labelsUrl) {
        L.tileLayer(bm.labelsUrl, { maxZoom: 19, subdomains: bm.subdomains || "abc" }).addTo(map);
      }
    }
    if (cfg.boundary) {
      var b = L.geoJSON(geo(cfg.boundary), { style: { color: "#1f5f99", weight: 2, fillOpacity: 0.04 },
                                             interactive: false }).addTo(map);
      map.fitBounds(b.getBounds());
    }
    return map;
  }

  var listEl = document.getElementById("reports-map");
  if (listEl) {
    var map = baseMap(listEl);
    var addPage = function (data) {
        L.geoJSON(geo(data), {
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 8, color: "#b3261e", weight: 2,
              fillColor: f.properties.overdue ? "#b3261e" : "#ffffff", fillOpacity: 0.9 });
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
      return fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { addPage(data); if (data.next) return loadPage(data.next); });
    };
    loadPage(listEl.dataset.geojson)
      .catch(function () { /* the list below is the fallback */ });
  }

  var pinEl = document.getElementById("pin-map");
  if (pinEl) {
    var latIn = document.getElementById("id_lat");
    var lonIn = document.getElementById("id_lon");
    var status = document.getElementById("geo-status");
    var pmap = baseMap(pinEl);
    var start = toMap(parseFloat(latIn.value) || cfg.center[0],
                      parseFloat(lonIn.value) || cfg.center[1]);
    var marker = L.marker(start, { draggable: true, keyboard: true,
                                   alt: t("Pin: where the problem is") }).addTo(pmap);
    function moved(latlng, announce) {  // latlng in map coordinates
      var w = fromMap(latlng);
      latIn.value = w.lat.toFixed(7);
      lonIn.value = w.lng.toFixed(7);
      marker.setLatLng(latlng);
      if (announce) status.textContent = announce;
      document.body.dispatchEvent(new Event("pinmoved"));
    }
    pmap.on("click", function (e) { moved(e.latlng, t("Pin placed.")); });
    marker.on("dragend", function () { moved(marker.getLatLng(), t("Pin moved.")); });
    [latIn, lonIn].forEach(function (el) {
      el.addEventListener("change", function () {
        var lat = parseFloat(latIn.value), lon = parseFloat(lonIn.value);
        if (!isNaN(lat) && !isNaN(lon)) { var ll = toMap(lat, lon); marker.setLatLng(ll); pmap.panTo(ll); }
      });
    });
    var btn = document.getElementById("use-location");
    btn.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = t("Your browser cannot tell your location. Tap the map or describe where it is.");
        return;
      }
      status.textContent = t("Finding your location…");
      navigator.geolocation.getCurrentPosition(function (pos) {
        var ll = toMap(pos.coords.latitude, pos.coords.longitude);  // GPS gives WGS-84
        pmap.setView(ll, 18);
        moved(ll, t("Pin placed at your location. Move it if needed."));
      }, function () {
        status.textContent = t("Could not get your location. Tap the map or describe where it is.");
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
})();
