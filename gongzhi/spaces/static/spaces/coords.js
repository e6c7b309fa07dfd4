/* WGS-84 <-> GCJ-02 conversion for Chinese basemaps (AMap, Tencent, ...).
 * A line-by-line port of gongzhi/core/geo/coords.py (forward: the published algorithm;
 * inverse: fixed-point iteration to 1e-12 degrees). Positions are [lon, lat] like GeoJSON.
 * Tested against the Python version in gongzhi/spaces/tests/test_coords_js.py (node). */
(function (root) {
  "use strict";
  var A = 6378245.0;
  var EE = 0.00669342162296594323;
  var CHINA = [73.66, 3.86, 135.05, 53.55];
  var TOL = 1e-12;
  var MAX_ITER = 30;
  var PI = Math.PI;

  function outOfChina(lon, lat) {
    return !(CHINA[0] < lon && lon < CHINA[2] && CHINA[1] < lat && lat < CHINA[3]);
  }

  function offset(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0;
    var sin = Math.sin, sqrt = Math.sqrt;
    var common = (20.0 * sin(6.0 * x * PI) + 20.0 * sin(2.0 * x * PI)) * 2.0 / 3.0;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(Math.abs(x));
    dlat = dlat + common;
    dlat = dlat + (20.0 * sin(y * PI) + 40.0 * sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dlat = dlat + (160.0 * sin(y / 12.0 * PI) + 320.0 * sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(Math.abs(x));
    dlon = dlon + common;
    dlon = dlon + (20.0 * sin(x * PI) + 40.0 * sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dlon = dlon + (150.0 * sin(x / 12.0 * PI) + 300.0 * sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radlat = lat / 180.0 * PI;
    var magic = sin(radlat);
    magic = 1.0 - EE * magic * magic;
    var sqrtmagic = sqrt(magic);
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * PI);
    dlon = (dlon * 180.0) / (A / sqrtmagic * Math.cos(radlat) * PI);
    return [dlon, dlat];
  }

  function wgs84ToGcj02(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var d = offset(lon, lat);
    return [lon + d[0], lat + d[1]];
  }

  function gcj02ToWgs84(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var wlon = lon, wlat = lat;
    for (var i = 0; i < MAX_ITER; i++) {
      var g = wgs84ToGcj02(wlon, wlat);
      var elon = g[0] - lon, elat = g[1] - lat;
      wlon -= elon;
      wlat -= elat;
      if (Math.abs(elon) < TOL && Math.abs(elat) < TOL) break;
    }
    return [wlon, wlat];
  }

  /* Return a copy of a GeoJSON geometry / Feature / FeatureCollection with every
   * position passed through fn(lon, lat) -> [lon, lat]. */
  function mapGeometry(obj, fn) {
    if (!obj || typeof obj !== "object") return obj;
    if (obj.type === "FeatureCollection") {
      return Object.assign({}, obj, {features: obj.features.map(function (f) { return mapGeometry(f, fn); })});
    }
    if (obj.type === "Feature") {
      return Object.assign({}, obj, {geometry: mapGeometry(obj.geometry, fn)});
    }
    if (obj.type === "GeometryCollection") {
      return Object.assign({}, obj, {geometries: obj.geometries.map(function (g) { return mapGeometry(g, fn); })});
    }
    function walk(c) {
      if (typeof c[0] === "number") return fn(c[0], c[1]).concat(c.slice(2));
      return c.map(walk);
    }
    var copy = Object.assign({}, obj, {coordinates: walk(obj.coordinates)});
    delete copy.bbox;
    return copy;
  }

  var api = {
    outOfChina: outOfChina,
    wgs84ToGcj02: wgs84ToGcj02,
    gcj02ToWgs84: gcj02ToWgs84,
    toGcj02: function (geo) { return mapGeometry(geo, wgs84ToGcj02); },
    toWgs84: function (geo) { return mapGeometry(geo, gcj02ToWgs84); },
    mapGeometry: mapGeometry
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.GongzhiCoords = api;
})(this);
