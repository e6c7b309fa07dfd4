/* Small map islands: the project's spaces, and a pin picker on the proposal form.
   Tiles only when the site configures a WGS-84 basemap; the spaces' shapes always show. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function addTiles(map, el) {
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19, subdomains: el.dataset.subdomains || "abc",
        attribution: el.dataset.attribution || ""
      }).addTo(map);
    }
  }

  function spacesLayer() {
    var data = document.getElementById("project-spaces");
    var group = L.featureGroup();
    if (!data) { return group; }
    JSON.parse(data.textContent).forEach(function (s) {
      var layer = s.geometry ? L.geoJSON(s.geometry) : L.marker([s.lat, s.lon]);
      layer.bindTooltip(GZ.textNode(s.name));  // a space's name is text, never HTML
      group.addLayer(layer);
    });
    return group;
  }

  var el = document.getElementById("project-map");
  if (el) {
    var map = L.map(el, { scrollWheelZoom: false });
    addTiles(map, el);
    var group = spacesLayer().addTo(map);
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), { maxZoom: 18, padding: [20, 20] });
    }
  }

  var pick = document.getElementById("pick-map");
  if (pick) {
    var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
    var center = [parseFloat(pick.dataset.lat) || 31.2835, parseFloat(pick.dataset.lon) || 121.5035];
    var pmap = L.map(pick).setView(center, 16);
    addTiles(pmap, pick);
    var spaces = spacesLayer().addTo(pmap);
    if (spaces.getLayers().length) {
      pmap.fitBounds(spaces.getBounds(), { maxZoom: 18, padding: [30, 30] });
    }
    var marker = null;
    if (lat && lat.value && lon && lon.value) {
      marker = L.marker([parseFloat(lat.value), parseFloat(lon.value)]).addTo(pmap);
    }
    pmap.on("click", function (e) {
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(pmap); }
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      var status = document.getElementById("pick-status");
      if (status) { status.textContent = lat.value + ", " + lon.value; }
    });
  }
})();
