/* GongzhiMap: the one map setup every page uses (community map, report pin, project
 * maps, spatial analysis). Reads the JSON of gongzhi.maps.config.map_config.
 *
 *   var map = GongzhiMap.create(el, cfg, {scrollWheelZoom: false});
 *   GongzhiMap.fitCommunity(map, cfg);
 *
 * Basemap kinds: "local" (our OSM vector layers, drawn here with Leaflet: no tiles, no
 * key, no internet), raster tiles ("osm", "tianditu", "amap"), or "none" (plain
 * background plus a notice saying so). The OSM attribution is added only when OSM data
 * is drawn (GongzhiMap.osmDrawn). Text from OSM or users never goes in as HTML: labels and
 * pop-ups are built with textContent. Needs Leaflet (vendor/leaflet) and, for GCJ-02
 * basemaps, GongzhiCoords (spaces/coords.js). */
(function () {
  "use strict";

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function fmt(s, params) {
    return String(s || "").replace(/%\((\w+)\)s/g, function (m, k) {
      return params && params[k] != null ? String(params[k]) : m;
    });
  }

  // WGS-84 -> what the basemap draws in (identity unless the basemap is GCJ-02).
  function toMap(cfg, geo) {
    return cfg.crs === "gcj02" && window.GongzhiCoords ? window.GongzhiCoords.toGcj02(geo) : geo;
  }
  function latLng(cfg, lon, lat) {
    if (cfg.crs === "gcj02" && window.GongzhiCoords) {
      var p = window.GongzhiCoords.wgs84ToGcj02(lon, lat);
      return L.latLng(p[1], p[0]);
    }
    return L.latLng(lat, lon);
  }
  function toWgs(cfg, ll) {  // -> [lon, lat]
    if (cfg.crs === "gcj02" && window.GongzhiCoords) {
      var w = window.GongzhiCoords.gcj02ToWgs84(ll.lng, ll.lat);
      return [w[0], w[1]];
    }
    return [ll.lng, ll.lat];
  }

  /* ------------------------------------------------------------ attribution */
  function addAttribution(map, cfg, key, text, href) {
    map._gzAttr = map._gzAttr || {};
    if (map._gzAttr[key]) return;
    map._gzAttr[key] = true;
    var html = href ? '<a href="' + esc(href) + '" rel="noopener">' + esc(text) + "</a>" : esc(text);
    map.attributionControl.addAttribution(html);
  }
  function osmDrawn(map, cfg) {
    addAttribution(map, cfg, "osm", (cfg.labels && cfg.labels.osm) || "© OpenStreetMap contributors",
                   cfg.osmCopyright || "https://www.openstreetmap.org/copyright");
  }

  /* ------------------------------------------------------------ notice */
  // What the map fell back to, said in a line under the map: as an overlay it covered the
  // top of a small phone map and swallowed the taps meant for the map (pin pickers).
  function notice(map, text) {
    if (!text) return;
    var mapEl = map.getContainer();
    var next = mapEl.nextElementSibling;
    if (next && next.classList.contains("gz-map-notice")) { next.textContent = text; return; }
    var box = el("p", "gz-map-notice", text);
    box.setAttribute("role", "note");
    mapEl.parentNode.insertBefore(box, mapEl.nextSibling);
  }

  /* ------------------------------------------------------------ local basemap */
  var STYLE = {
    site: function (c) {
      var edu = {university: 1, college: 1, school: 1, kindergarten: 1}[c];
      return {stroke: false, fillColor: edu ? "#f4ecd6" : (c === "hospital" ? "#f6dede" : "#efebe4"), fillOpacity: 1};
    },
    green: function (c) {
      return {stroke: false, fillColor: c === "pitch" || c === "stadium" || c === "track" ? "#aedcb4" : "#c5e5b8", fillOpacity: 1};
    },
    water: function () { return {color: "#7fb3d5", weight: 1, fillColor: "#aad3df", fillOpacity: 1}; },
    building: function () { return {color: "#b9ada3", weight: 1, fillColor: "#dcd3cb", fillOpacity: 1}; },
    water_line: function () { return {color: "#8cc3e0", weight: 4, opacity: 1}; },
    rail: function () { return {color: "#8a8a8a", weight: 2, dashArray: "6 4"}; }
  };
  // Road widths in pixels at zoom 17; scaled with zoom.
  var ROADS = {
    major: {w: 11, fill: "#fbd38d", casing: "#c99a4a", prio: 1},
    minor: {w: 8, fill: "#ffffff", casing: "#b3aca4", prio: 2},
    service: {w: 5, fill: "#ffffff", casing: "#c8c2bb", prio: 4},
    path: {w: 2.5, fill: "#e0785a", casing: null, dash: "3 4", prio: 3},
    tunnel: {w: 6, fill: "#eeeeee", casing: "#bbbbbb", dash: "8 6", prio: 5}
  };
  var POI_COLOURS = {transport: "#1a5fb4", health: "#a51d2d", education: "#8a5a00",
                     shop: "#6b3fa0", public: "#0b6e6e", leisure: "#1e6b3a", other: "#5e5c64"};

  function roadWidth(cls, zoom) {
    var r = ROADS[cls] || ROADS.minor;
    return Math.max(1, r.w * Math.pow(2, (zoom - 17) * 0.7));
  }

  function lineMid(latlngs, map) {
    // The middle of the longest segment in screen space, and its angle (upright).
    var best = null, bestLen = -1;
    for (var i = 1; i < latlngs.length; i++) {
      var a = map.project(latlngs[i - 1], 18), b = map.project(latlngs[i], 18);
      var len = a.distanceTo(b);
      if (len > bestLen) { bestLen = len; best = [latlngs[i - 1], latlngs[i], a, b]; }
    }
    if (!best) return null;
    var ang = Math.atan2(best[3].y - best[2].y, best[3].x - best[2].x) * 180 / Math.PI;
    if (ang > 90) ang -= 180;
    if (ang < -90) ang += 180;
    return {at: L.latLng((best[0].lat + best[1].lat) / 2, (best[0].lng + best[1].lng) / 2),
            angle: ang, len18: bestLen};
  }

  function flatLines(layer) {
    var ll = layer.getLatLngs();
    if (!ll.length) return [];
    return ll[0] instanceof L.LatLng ? [ll] : ll;
  }

  function Labels(map) {
    if (!map.getPane("gzLabels")) {
      map.createPane("gzLabels").style.zIndex = 450;
      map.getPane("gzLabels").style.pointerEvents = "none";
    }
    this.map = map;
    this.items = [];
    var group = L.layerGroup().addTo(map);
    this.group = group;
    var self = this;
    map.on("zoomend moveend", function () { self.update(); });
  }
  Labels.prototype.add = function (latlng, text, opts) {
    var box = el("span", "gz-label " + (opts.cls || ""), text);
    if (opts.angle) box.style.transform = "translate(-50%, -50%) rotate(" + opts.angle.toFixed(1) + "deg)";
    var icon = L.divIcon({className: "gz-label-icon", html: box, iconSize: null});
    var m = L.marker(latlng, {icon: icon, interactive: false, keyboard: false,
                              pane: "gzLabels"});
    this.items.push({marker: m, text: String(text), minZoom: opts.minZoom || 0, prio: opts.prio || 5,
                     angle: opts.angle || 0, size: opts.size || 14, len18: opts.len18 || 0, shown: false});
  };
  Labels.prototype.update = function () {
    var map = this.map, zoom = map.getZoom(), bounds = map.getBounds().pad(0.1);
    var placed = [], group = this.group;
    var byName = {};
    this.items.slice().sort(function (a, b) { return a.prio - b.prio || b.len18 - a.len18; })
      .forEach(function (it) {
        var ll = it.marker.getLatLng();
        var ok = zoom >= it.minZoom && bounds.contains(ll);
        // A road label needs the road segment to be longer than the text.
        var w = it.text.length * it.size + 8, h = it.size + 8;
        if (ok && it.len18) ok = it.len18 * Math.pow(2, zoom - 18) > w * 0.9;
        if (ok) {
          var p = map.latLngToContainerPoint(ll);
          var rad = it.angle * Math.PI / 180;
          var bw = Math.abs(w * Math.cos(rad)) + Math.abs(h * Math.sin(rad));
          var bh = Math.abs(w * Math.sin(rad)) + Math.abs(h * Math.cos(rad));
          var box = [p.x - bw / 2, p.y - bh / 2, p.x + bw / 2, p.y + bh / 2];
          for (var i = 0; i < placed.length && ok; i++) {
            var q = placed[i];
            if (box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]) ok = false;
          }
          // The same street name at most once per 250 px.
          var seen = byName[it.text] || [];
          for (var j = 0; j < seen.length && ok; j++) if (seen[j].distanceTo(p) < 250) ok = false;
          if (ok) { placed.push(box); (byName[it.text] = seen).push(p); }
        }
        if (ok && !it.shown) group.addLayer(it.marker);
        if (!ok && it.shown) group.removeLayer(it.marker);
        it.shown = ok;
      });
  };

  function drawLocal(map, cfg, b, onDone) {
    if (!map.getPane("gzBase")) map.createPane("gzBase").style.zIndex = 250;
    var renderer = L.canvas({pane: "gzBase", padding: 0.3});
    fetch(b.url, {credentials: "same-origin", headers: {"Accept": "application/geo+json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (fc) {
        var layers = {};
        fc.features.forEach(function (f) {
          var l = f.properties.layer;
          (layers[l] = layers[l] || []).push(f);
        });
        var labels = new Labels(map);
        ["site", "green", "water", "building", "water_line", "rail"].forEach(function (name) {
          if (!layers[name]) return;
          L.geoJSON(toMap(cfg, {type: "FeatureCollection", features: layers[name]}), {
            renderer: renderer, pane: "gzBase", interactive: false,
            style: function (f) { return STYLE[name](f.properties["class"]); }
          }).addTo(map);
        });
        var roads = (layers.road || []).slice().sort(function (a, b) {
          return (ROADS[b.properties["class"]] || ROADS.minor).prio - (ROADS[a.properties["class"]] || ROADS.minor).prio;
        });
        var roadLayers = [];
        function roadStyle(f, casing) {
          var r = ROADS[f.properties["class"]] || ROADS.minor, w = roadWidth(f.properties["class"], map.getZoom());
          if (casing) return {color: r.casing || "transparent", weight: r.casing ? w + 2 : 0, opacity: r.casing ? 1 : 0, lineCap: "round"};
          return {color: r.fill, weight: w, dashArray: r.dash || null, opacity: 1, lineCap: r.dash ? "butt" : "round"};
        }
        [true, false].forEach(function (casing) {
          var lyr = L.geoJSON(toMap(cfg, {type: "FeatureCollection", features: roads}), {
            renderer: renderer, pane: "gzBase", interactive: false,
            style: function (f) { return roadStyle(f, casing); }
          }).addTo(map);
          roadLayers.push([lyr, casing]);
          if (!casing) {
            lyr.eachLayer(function (l) {
              var p = l.feature.properties;
              if (!p.name) return;
              flatLines(l).forEach(function (line) {
                var mid = lineMid(line, map);
                if (!mid) return;
                var major = p["class"] === "major";
                labels.add(mid.at, p.name, {cls: major ? "gz-label-major" : "gz-label-road",
                  angle: mid.angle, len18: mid.len18, prio: (ROADS[p["class"]] || ROADS.minor).prio,
                  minZoom: major ? 14 : 16, size: major ? 15 : 14});
              });
            });
          }
        });
        map.on("zoomend", function () {
          roadLayers.forEach(function (pair) {
            pair[0].setStyle(function (f) { return roadStyle(f, pair[1]); });
          });
        });
        (layers.building || []).forEach(function (f) {
          if (!f.properties.name) return;
          var c = L.geoJSON(toMap(cfg, f.geometry)).getBounds().getCenter();
          labels.add(c, f.properties.name, {cls: "gz-label-building", prio: 7, minZoom: 18, size: 12});
        });
        (layers.poi || []).forEach(function (f) {
          var g = toMap(cfg, f.geometry).coordinates;
          var ll = L.latLng(g[1], g[0]);
          L.circleMarker(ll, {renderer: renderer, pane: "gzBase", interactive: false, radius: 5,
            color: "#fff", weight: 1.5, fillColor: POI_COLOURS[f.properties["class"]] || POI_COLOURS.other,
            fillOpacity: 1}).addTo(map);
          if (f.properties.name) {
            labels.add(ll, f.properties.name, {cls: "gz-label-poi", prio: 6, minZoom: 17, size: 13});
          }
        });
        (layers.green || []).concat(layers.water || []).forEach(function (f) {
          if (!f.properties.name || f.geometry.type === "Point") return;
          var c = L.geoJSON(toMap(cfg, f.geometry)).getBounds().getCenter();
          labels.add(c, f.properties.name, {cls: f.properties.layer === "water" ? "gz-label-water" : "gz-label-green",
                                            prio: 6, minZoom: 16, size: 13});
        });
        labels.update();
        osmDrawn(map, cfg);
        map.fire("gz:basemap", {ok: true});
        if (onDone) onDone(null);
      })
      .catch(function (e) {
        notice(map, cfg.labels && cfg.labels.basemapFailed);
        map.fire("gz:basemap", {ok: false});
        if (onDone) onDone(e);
      });
  }

  function fixIcons(cfg) {
    // Leaflet guesses its image folder from the CSS URL, which fails behind hashed static
    // files: give it the real URLs.
    var s = cfg["static"] || {};
    if (s.markerIcon && L.Icon && L.Icon.Default) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({iconUrl: s.markerIcon, iconRetinaUrl: s.markerIcon2x,
                                   shadowUrl: s.markerShadow});
    }
  }

  // A large pin (44 × 72 px): easy to see, drag and tap on a phone.
  function pinIcon(cfg) {
    var s = cfg["static"] || {};
    return L.icon({iconUrl: s.markerIcon2x || s.markerIcon, iconSize: [44, 72], iconAnchor: [22, 72],
                   shadowUrl: s.markerShadow, shadowSize: [68, 68], shadowAnchor: [22, 68],
                   popupAnchor: [0, -66]});
  }

  function create(elm, cfg, options) {
    fixIcons(cfg);
    var opts = {preferCanvas: true, zoomControl: true, maxZoom: 20, minZoom: 13};
    for (var k in options || {}) opts[k] = options[k];
    var map = L.map(elm, opts);
    map.attributionControl.setPrefix(false);
    var b = cfg.basemap || {};
    if (b.kind === "local" && b.url) {
      elm.classList.add("map-local");
      drawLocal(map, cfg, b);
    } else if (b.url) {
      L.tileLayer(b.url, {attribution: esc(b.attribution || ""), subdomains: b.subdomains || "abc",
                          maxZoom: 19, maxNativeZoom: 19}).addTo(map);
      if (b.labelsUrl) L.tileLayer(b.labelsUrl, {subdomains: b.subdomains || "abc", maxZoom: 19}).addTo(map);
      if (b.osm) osmDrawn(map, cfg);
    } else {
      elm.classList.add("map-plain");
      notice(map, b.notice);
    }
    return map;
  }

  function fitCommunity(map, cfg, opts) {
    opts = opts || {};
    if (cfg.boundary) {
      var outline = L.geoJSON(toMap(cfg, cfg.boundary), {style: {color: "#3d3846", weight: 3,
        dashArray: "8 6", fill: false}, interactive: false}).addTo(map);
      if (!opts.noFit) map.fitBounds(outline.getBounds(), {padding: [8, 8], maxZoom: opts.maxZoom || 18});
      return outline;
    }
    if (opts.noFit) return null;
    if (cfg.center) map.setView(latLng(cfg, cfg.center[0], cfg.center[1]), 17);
    else map.setView([31.2835, 121.5035], 15);
    return null;
  }

  // A pop-up body built with the DOM (never HTML from data).
  function popup(p, labels) {
    var box = el("div", "gz-popup");
    box.appendChild(el("strong", "", p.name || p.title || p.number || ""));
    var bits = [p.kind_label || p.category_label, p.state_label || p.status_label].filter(Boolean);
    if (bits.length) { box.appendChild(el("br")); box.appendChild(document.createTextNode(bits.join(" · "))); }
    if (p.area_m2) { box.appendChild(el("br")); box.appendChild(document.createTextNode(p.area_m2 + " m²")); }
    else if (p.length_m) { box.appendChild(el("br")); box.appendChild(document.createTextNode(p.length_m + " m")); }
    if (p.url && /^\//.test(p.url)) {
      box.appendChild(el("br"));
      var a = el("a", "", (labels && labels.details) || "Details");
      a.href = p.url;
      box.appendChild(a);
    }
    return box;
  }

  window.GongzhiMap = {create: create, fitCommunity: fitCommunity, toMap: toMap, latLng: latLng,
                       toWgs: toWgs, esc: esc, el: el, fmt: fmt, popup: popup, notice: notice,
                       osmDrawn: osmDrawn, pinIcon: pinIcon, Labels: Labels};
})();
