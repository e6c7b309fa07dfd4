// The proposal's location on a small map (一图). Without tiles configured it still shows
// the shape on a blank background; the text above is the list alternative.
(function () {
  var el = document.getElementById("dossier-map");
  var data = document.getElementById("dossier-location");
  if (!el || !data || typeof L === "undefined") return;
  var feature = JSON.parse(data.textContent);
  var map = L.map(el, { scrollWheelZoom: false });
  var tiles = el.dataset.tiles;
  if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
  var layer = L.geoJSON(feature).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 18, padding: [20, 20] });
})();
