/* The community participation map and the geometry picker. Reads its configuration
 * from <script type="application/json" id="map-config"> (gongzhi.maps.config.map_config);
 * the map itself (basemap, attribution, labels) comes from GongzhiMap (maps/map.js). */
(function () {
  "use strict";
  var G = window.GongzhiMap;

  function readConfig() {
    var el = document.getElementById("map-config");
    return el ? JSON.parse(el.textContent) : null;
  }

  function stateColour(state, fallback) {
    return {derelict: "#7a4b00", planned: "#1a5fb4", under_renovation: "#9c4f00",
            open: "#1e6b3a", temporarily_closed: "#a51d2d", removed: "#5e5c64"}[state] || fallback;
  }

  // The community's own buildings stand out from the basemap's grey ones; the one found
  // with "find my building" is red.
  function buildingStyle(focus) {
    return {color: focus ? "#b3261e" : "#7a4b00", weight: focus ? 4 : 2,
            fillColor: focus ? "#f6c9c4" : "#f2cf94", fillOpacity: 0.95};
  }

  function makeLayer(cfg, map, layer, labels) {
    var style = layer.style || {};
    var colour = style.color || "#1e6b3a";
    var isBuildings = layer.key === "buildings";
    var group = L.layerGroup();
    // Points are clustered only when there are many (B's 200 lamps), and never from
    // zoom 17 on, where a resident looks for one lamp.
    var clusters = null;
    function pointGroup(n) {
      if (clusters) return clusters;
      clusters = (L.markerClusterGroup && n > 120) ? L.markerClusterGroup({chunkedLoading: true,
        maxClusterRadius: 35, disableClusteringAtZoom: 17, showCoverageOnHover: false}) : L.layerGroup();
      group.addLayer(clusters);
      return clusters;
    }
    var shapes = L.geoJSON(null, {
      style: function (f) {
        var c = style.byState ? stateColour(f.properties.state, colour) : colour;
        if (isBuildings) {
          var focus = cfg.focusBuilding && f.properties.id === cfg.focusBuilding;
          return buildingStyle(focus);
        }
        var line = f.geometry && /LineString/.test(f.geometry.type);
        return {color: c, weight: line ? 6 : (style.weight || 3), fillColor: style.fill || c,
                fillOpacity: 0.45, opacity: 0.95};
      },
      onEachFeature: function (f, l) {
        l.bindPopup(G.popup(f.properties || {}, cfg.labels));  // gz-safe: a DOM node built with textContent
        if (isBuildings) {
          var p = f.properties || {};
          if (p.source === "osm") G.osmDrawn(map, cfg);
          var label = p.name || p.number;
          if (label) labels.add(l.getBounds().getCenter(), label,
                                {cls: "gz-label-mine", prio: 0, minZoom: 16, size: 15});
          if (cfg.focusBuilding && p.id === cfg.focusBuilding) {
            group._gzFocus = l;
          }
        }
      }
    });
    group.addLayer(shapes);
    group._gzShapes = shapes;
    group._gzAdd = function (fc) {
      // How many features are drawn, for people testing the page (canvas has no DOM).
      var mapEl = map.getContainer();
      mapEl.setAttribute("data-drawn", String((parseInt(mapEl.getAttribute("data-drawn"), 10) || 0) + fc.features.length));
      var pts = [], other = [];
      fc.features.forEach(function (f) {
        if (!f.geometry) return;
        if (f.geometry.type === "Point") pts.push(f); else other.push(f);
      });
      shapes.addData(G.toMap(cfg, {type: "FeatureCollection", features: other}));
      var markers = pts.map(function (f) {
        var g = G.toMap(cfg, f.geometry).coordinates;
        var c = style.byState ? stateColour(f.properties.state, colour) : colour;
        return L.circleMarker([g[1], g[0]], {radius: 8, color: "#fff", weight: 2.5,
          fillColor: c, fillOpacity: 0.95}).bindPopup(G.popup(f.properties || {}, cfg.labels));  // gz-safe: a DOM node built with textContent
      });
      if (!markers.length) { labels.update(); return; }
      var target = pointGroup(fc.features.length);
      if (target.addLayers) target.addLayers(markers);
      else markers.forEach(function (m) { target.addLayer(m); });
      labels.update();
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

  /* "Report a problem here": a tap on the map chooses the place; the button (and a link
   * in the pop-up) opens the report form with that place. */
  function reportHere(cfg, map) {
    var btn = document.getElementById("report-here");
    if (!btn) return;
    var base = btn.getAttribute("data-base");
    var chosen = null, marker = null;
    function link(lonlat) {
      return base + "?lat=" + lonlat[1].toFixed(7) + "&lon=" + lonlat[0].toFixed(7);
    }
    function refresh() {
      var c = chosen || G.toWgs(cfg, map.getCenter());
      btn.href = link(c);
    }
    map.on("moveend", function () { if (!chosen) refresh(); });
    map.on("click", function (e) {
      chosen = G.toWgs(cfg, e.latlng);
      if (marker) marker.setLatLng(e.latlng);
      else marker = L.marker(e.latlng, {icon: G.pinIcon(cfg), keyboard: false,
                                        alt: cfg.labels.reportHere}).addTo(map);
      var box = G.el("div", "gz-popup");
      var a = G.el("a", "btn", cfg.labels.reportHere);
      a.href = link(chosen);
      box.appendChild(a);
      marker.bindPopup(box).openPopup();  // gz-safe: a DOM node built with textContent
      refresh();
      var status = document.getElementById("map-status");
      if (status) status.textContent = cfg.labels.chosen;
    });
    refresh();
  }

  function findBuilding(cfg, map, buildings) {
    var form = document.getElementById("find-building");
    if (!form) return;
    var select = document.getElementById("f-building");
    form.addEventListener("submit", function (ev) {
      var id = parseInt(select.value, 10);
      if (!id || !buildings) return;  // no JS path: the page reloads with ?building=
      ev.preventDefault();
      cfg.focusBuilding = id;
      buildings.eachLayer(function (l) {
        if (!l.eachLayer) return;
        l.eachLayer(function (f) {
          if (!f.feature) return;
          var mine = f.feature.properties.id === id;
          f.setStyle(buildingStyle(mine));
          if (mine) {
            map.fitBounds(f.getBounds(), {maxZoom: 18, padding: [40, 40]});
            f.openPopup(f.getBounds().getCenter());
            var status = document.getElementById("map-status");
            var name = f.feature.properties.name || f.feature.properties.number;
            if (status) status.textContent = G.fmt(cfg.labels.buildingShown, {name: name});
          }
        });
      });
      if (history.replaceState) history.replaceState(null, "", "?building=" + id);
    });
  }

  function initMapPage(cfg, el) {
    var map = G.create(el, cfg, {tap: true});
    G.fitCommunity(map, cfg);
    var labels = new G.Labels(map);
    var status = document.getElementById("map-status");
    var pending = 0, buildings = null;
    // ?layer=key (repeatable) switches a layer on, e.g. links from the volunteer pages
    var wanted = new URLSearchParams(window.location.search).getAll("layer");
    cfg.layers.forEach(function (layer) {
      var group = makeLayer(cfg, map, layer, labels);
      if (layer.key === "buildings") buildings = group;
      var box = document.getElementById("layer-" + layer.key);
      if (box && wanted.indexOf(layer.key) >= 0) box.checked = true;
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
        else if (!pending && status && !(cfg.basemap && cfg.basemap.notice)) status.textContent = cfg.labels.loaded || "";
        if (layer.key === "buildings") {
          // Open on the homes (or the building asked for), not on the whole boundary.
          var target = group._gzFocus || group._gzShapes;
          var bounds = target.getBounds && target.getBounds();
          if (bounds && bounds.isValid()) {
            map.fitBounds(bounds, {maxZoom: group._gzFocus ? 18 : 17, padding: [30, 30]});
            if (group._gzFocus) group._gzFocus.openPopup(bounds.getCenter());
          }
        }
      });
    });
    reportHere(cfg, map);
    findBuilding(cfg, map, buildings);
  }

  /* ---------------------------------------------------------------- picker */
  function initPicker(cfg, el) {
    var textarea = document.getElementById(cfg.picker.textarea);
    var map = G.create(el, cfg);
    G.fitCommunity(map, cfg);
    var mode = "Point", vertices = [], drawn = L.layerGroup().addTo(map);
    var modeButtons = document.querySelectorAll("[data-draw-mode]");

    function current() {
      try { return JSON.parse(textarea.value); } catch (e) { return null; }
    }
    function show(geo) {
      drawn.clearLayers();
      if (!geo || !geo.type) return;
      L.geoJSON(G.toMap(cfg, geo), {pointToLayer: function (f, ll) {
        return L.circleMarker(ll, {radius: 9, color: "#1a5fb4"});
      }}).addTo(drawn);
      vertices.forEach(function (v) {
        var g = G.toMap(cfg, {type: "Point", coordinates: v}).coordinates;
        L.circleMarker([g[1], g[0]], {radius: 5, color: "#a51d2d"}).addTo(drawn);
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
      var p = G.toWgs(cfg, e.latlng);
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
    if (!cfg || !el || !window.L || !G) return;
    if (cfg.picker) initPicker(cfg, el); else initMapPage(cfg, el);
  });
})();
