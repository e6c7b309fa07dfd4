/* The community participation map and the geometry picker. Reads its configuration
 * from <script type="application/json" id="map-config"> (see spaces/views.py). */
(function () {
  "use strict";
  var C = window.GongzhiCoords;

  function readConfig() {
    var el = document.getElementById("map-config");
    return el ? JSON.parse(el.textContent) : null;
  }

  function baseMap(cfg, el) {
    // maxZoom on the map itself: with no basemap there is no tile layer to provide one,
    // and marker clustering refuses to start without it.
    var map = L.map(el, {preferCanvas: true, zoomControl: true, maxZoom: 20});
    var b = cfg.basemap || {};
    if (b.url) {
      L.tileLayer(b.url, {attribution: b.attribution || "", subdomains: b.subdomains || "abc",
                          maxZoom: 19}).addTo(map);
      if (b.labelsUrl) {
        L.tileLayer(b.labelsUrl, {subdomains: b.subdomains || "abc", maxZoom: 19}).addTo(map);
      }
    } else {
      el.classList.add("map-plain");
    }
    map.attributionControl.setPrefix(false);
    if (cfg.osmAttribution) map.attributionControl.addAttribution(cfg.osmAttribution);
    return map;
  }

  // WGS-84 -> what the basemap draws in (identity unless the basemap is GCJ-02).
  function toMap(cfg, geo) { return cfg.crs === "gcj02" ? C.toGcj02(geo) : geo; }
  function latLngToWgs(cfg, ll) {
    if (cfg.crs === "gcj02") { var w = C.gcj02ToWgs84(ll.lng, ll.lat); return [w[0], w[1]]; }
    return [ll.lng, ll.lat];
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function stateColour(state, fallback) {
    return {derelict: "#7a4b00", planned: "#1a5fb4", under_renovation: "#9c4f00",
            open: "#1e6b3a", temporarily_closed: "#a51d2d", removed: "#5e5c64"}[state] || fallback;
  }

  function popupHtml(p) {
    var html = "<strong>" + esc(p.name || p.title || "") + "</strong>";
    var bits = [p.kind_label || p.category_label || p.kind, p.state_label || p.status_label || p.state];
    bits = bits.filter(Boolean);
    if (bits.length) html += "<br>" + esc(bits.join(" · "));
    if (p.area_m2) html += "<br>" + esc(p.area_m2) + " m²";
    else if (p.length_m) html += "<br>" + esc(p.length_m) + " m";
    if (p.url) html += '<br><a href="' + esc(p.url) + '">' + esc(window.gettext ? gettext("Details") : "Details") + "</a>";
    return html;
  }

  function makeLayer(cfg, layer) {
    var style = layer.style || {};
    var colour = style.color || "#1e6b3a";
    var group = L.layerGroup();
    var clusters = L.markerClusterGroup ? L.markerClusterGroup({chunkedLoading: true,
      maxClusterRadius: 50, showCoverageOnHover: false}) : L.layerGroup();
    var shapes = L.geoJSON(null, {
      style: function (f) {
        var c = style.byState ? stateColour(f.properties.state, colour) : colour;
        return {color: c, weight: style.weight || 2, fillColor: style.fill || c, fillOpacity: 0.35};
      },
      onEachFeature: function (f, l) { l.bindPopup(popupHtml(f.properties || {})); }
    });
    group.addLayer(shapes);
    group.addLayer(clusters);
    group._gzAdd = function (fc) {
      var pts = [], other = [];
      fc.features.forEach(function (f) {
        if (!f.geometry) return;
        if (f.geometry.type === "Point") pts.push(f); else other.push(f);
      });
      shapes.addData(toMap(cfg, {type: "FeatureCollection", features: other}));
      var markers = pts.map(function (f) {
        var g = toMap(cfg, f.geometry).coordinates;
        var c = style.byState ? stateColour(f.properties.state, colour) : colour;
        return L.circleMarker([g[1], g[0]], {radius: 7, color: "#fff", weight: 2,
          fillColor: c, fillOpacity: 0.95}).bindPopup(popupHtml(f.properties || {}));
      });
      clusters.addLayers ? clusters.addLayers(markers) : markers.forEach(function (m) { clusters.addLayer(m); });
    };
    return group;
  }

  function fetchAll(url, onPage, onDone) {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/geo+json, application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (fc) {
        onPage(fc);
        if (fc.next) fetchAll(fc.next, onPage, onDone); else if (onDone) onDone();
      })
      .catch(function (e) { if (onDone) onDone(e); });
  }

  function withParams(url, params) {
    var q = Object.keys(params).filter(function (k) { return params[k]; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
    if (!q) return url;
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + q;
  }

  function fitCommunity(cfg, map) {
    if (cfg.boundary) {
      var outline = L.geoJSON(toMap(cfg, cfg.boundary), {style: {color: "#333", weight: 2,
        dashArray: "6 4", fill: false}, interactive: false}).addTo(map);
      map.fitBounds(outline.getBounds(), {padding: [10, 10]});
    } else if (cfg.center) {
      var c = toMap(cfg, {type: "Point", coordinates: cfg.center}).coordinates;
      map.setView([c[1], c[0]], 16);
    } else {
      map.setView([31.2835, 121.5035], 15);
    }
  }

  function initMapPage(cfg, el) {
    var map = baseMap(cfg, el);
    fitCommunity(cfg, map);
    var status = document.getElementById("map-status");
    var pending = 0;
    cfg.layers.forEach(function (layer) {
      var group = makeLayer(cfg, layer);
      var box = document.getElementById("layer-" + layer.key);
      var on = box ? box.checked : layer.visible;
      if (on) group.addTo(map);
      if (box) box.addEventListener("change", function () {
        if (box.checked) group.addTo(map); else map.removeLayer(group);
      });
      var url = layer.url;
      if (layer.filterable !== false) url = withParams(url, cfg.filters || {});
      pending++;
      fetchAll(withParams(url, {limit: 2000}), group._gzAdd, function (err) {
        pending--;
        if (err && status) status.textContent = (cfg.labels.failed || "") + " " + layer.label;
        else if (!pending && status) status.textContent = cfg.labels.loaded || "";
      });
    });
  }

  /* ---------------------------------------------------------------- picker */
  function initPicker(cfg, el) {
    var textarea = document.getElementById(cfg.picker.textarea);
    var map = baseMap(cfg, el);
    fitCommunity(cfg, map);
    var mode = "Point", vertices = [], drawn = L.layerGroup().addTo(map);
    var modeButtons = document.querySelectorAll("[data-draw-mode]");

    function current() {
      try { return JSON.parse(textarea.value); } catch (e) { return null; }
    }
    function show(geo) {
      drawn.clearLayers();
      if (!geo || !geo.type) return;
      L.geoJSON(toMap(cfg, geo), {pointToLayer: function (f, ll) {
        return L.circleMarker(ll, {radius: 8, color: "#1a5fb4"});
      }}).addTo(drawn);
      vertices.forEach(function (v) {
        var g = toMap(cfg, {type: "Point", coordinates: v}).coordinates;
        L.circleMarker([g[1], g[0]], {radius: 4, color: "#a51d2d"}).addTo(drawn);
      });
    }
    function write(geo) {
      textarea.value = geo ? JSON.stringify(geo) : "";
      show(geo);
    }
    function fromVertices() {
      var ring = vertices.map(function (v) { return [Number(v[0].toFixed(7)), Number(v[1].toFixed(7))]; });
      if (mode === "LineString") return ring.length >= 2 ? {type: "LineString", coordinates: ring} : null;
      if (ring.length < 3) return null;
      return {type: "Polygon", coordinates: [ring.concat([ring[0]])]};
    }
    map.on("click", function (e) {
      var p = latLngToWgs(cfg, e.latlng);
      p = [Number(p[0].toFixed(7)), Number(p[1].toFixed(7))];
      if (mode === "Point") { vertices = []; write({type: "Point", coordinates: p}); return; }
      vertices.push(p);
      var g = fromVertices();
      if (g) write(g); else show({type: "MultiPoint", coordinates: vertices});
    });
    Array.prototype.forEach.call(modeButtons, function (btn) {
      btn.addEventListener("click", function () {
        mode = btn.getAttribute("data-draw-mode");
        Array.prototype.forEach.call(modeButtons, function (b) { b.setAttribute("aria-pressed", b === btn ? "true" : "false"); });
        vertices = [];
      });
    });
    var undo = document.querySelector("[data-draw-undo]");
    if (undo) undo.addEventListener("click", function () { vertices.pop(); write(fromVertices()); });
    var clear = document.querySelector("[data-draw-clear]");
    if (clear) clear.addEventListener("click", function () { vertices = []; write(null); });
    textarea.addEventListener("change", function () { show(current()); });
    show(current());
  }

  document.addEventListener("DOMContentLoaded", function () {
    var cfg = readConfig();
    var el = document.getElementById("map");
    if (!cfg || !el || !window.L) return;
    if (cfg.picker) initPicker(cfg, el); else initMapPage(cfg, el);
  });
})();
