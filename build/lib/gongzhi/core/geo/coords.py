"""WGS-84 ⇄ GCJ-02 ⇄ BD-09 coordinate conversion.

Chinese law requires maps published in China to use GCJ-02 ("Mars coordinates"), an
obfuscated datum that shifts WGS-84 positions by a few hundred metres. Baidu adds a
further offset on top (BD-09). Gaode/AMap, Tencent and Tianditu's Chinese tiles are
GCJ-02; Baidu tiles are BD-09; GPS, OpenStreetMap and everything we store are WGS-84.
So we store WGS-84 and convert only at the edge, when drawing on a Chinese basemap or
when a phone hands us a GCJ-02 position.

Everything takes and returns (lon, lat) in that order, like GeoJSON; several reference
implementations use (lat, lon), so watch the order when comparing.

The forward WGS-84 → GCJ-02 algorithm is the widely published one (krasovsky-like
ellipsoid a = 6378245.0, ee = 0.00669342162296594323). The inverse is not published,
so it is solved iteratively; the common one-step approximation is off by up to a few
metres, which is visible at the scale of a community garden.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BD09",
    "CHINA_BBOX",
    "CRS_NAMES",
    "GCJ02",
    "WGS84",
    "bd09_to_gcj02",
    "bd09_to_gcj02_array",
    "bd09_to_wgs84",
    "bd09_to_wgs84_array",
    "convert",
    "convert_array",
    "convert_geometry",
    "gcj02_to_bd09",
    "gcj02_to_bd09_array",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_array",
    "out_of_china",
    "out_of_china_array",
    "wgs84_to_bd09",
    "wgs84_to_bd09_array",
    "wgs84_to_gcj02",
    "wgs84_to_gcj02_array",
]

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
CRS_NAMES = (WGS84, GCJ02, BD09)

# Parameters of the published GCJ-02 algorithm. They are part of the obfuscation, not a
# real datum: do not "correct" A to the WGS-84 semi-major axis (6378137), it shifts the
# result by ~1e-7° and breaks agreement with every map provider.
A = 6378245.0
EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0

# (min_lon, min_lat, max_lon, max_lat): outside this rectangle GCJ-02 equals WGS-84.
# Same rectangle as coordTransform_py (wandergis) and AMap's JS helpers. It is a coarse
# rectangle (it includes e.g. parts of Korea and Mongolia) but it is what the map
# providers' published converters use, so matching it keeps us consistent with them.
CHINA_BBOX = (73.66, 3.86, 135.05, 53.55)

# Iterative inverses stop when the forward image is this close (degrees) to the target;
# 1e-12° is ~0.1 µm, far below the 1e-7° precision we store.
_INVERSE_TOL = 1e-12
_INVERSE_MAX_ITER = 30

FloatArray = NDArray[np.float64]


def _offset(
    lon: Any,
    lat: Any,
    sin: Callable[[Any], Any],
    cos: Callable[[Any], Any],
    sqrt: Callable[[Any], Any],
) -> tuple[Any, Any]:
    """GCJ-02 offset (dlon, dlat) in degrees at a WGS-84 position.

    Written once for both `math` (scalars) and `numpy` (arrays) by passing the functions.
    """
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    common = (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
    dlat = dlat + common
    dlat = dlat + (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
    dlon = dlon + common
    dlon = dlon + (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = sin(radlat)
    magic = 1.0 - EE * magic * magic
    sqrtmagic = sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * cos(radlat) * pi)
    return dlon, dlat


# --------------------------------------------------------------------------- scalars


def out_of_china(lon: float, lat: float) -> bool:
    """True where GCJ-02 leaves coordinates unchanged."""
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    return not (min_lon < lon < max_lon and min_lat < lat < max_lat)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (published algorithm; identity outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _offset(lon, lat, math.sin, math.cos, math.sqrt)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84, solved iteratively to ~1e-12° (identity outside China).

    Fixed-point iteration w ← w − (gcj(w) − target): the offset changes by well under
    1% per unit of position, so this contracts fast (4–6 steps in practice).
    """
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(_INVERSE_MAX_ITER):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = glon - lon, glat - lat
        wlon, wlat = wlon - elon, wlat - elat
        if abs(elon) < _INVERSE_TOL and abs(elat) < _INVERSE_TOL:
            break
    return wlon, wlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu's published formula, applied everywhere)."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lon: float, lat: float) -> tuple[float, float]:
    x = lon - 0.0065
    y = lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd09_to_gcj02(lon: float, lat: float, *, exact: bool = True) -> tuple[float, float]:
    """BD-09 → GCJ-02.

    The commonly published inverse is itself an approximation (round-trip error up to
    ~2e-6°, 0.2 m). With ``exact=True`` (default) it is only the starting point of a
    fixed-point refinement against `gcj02_to_bd09`, so round trips are exact to ~1e-12°.
    ``exact=False`` returns the classic formula, e.g. to match another library bit for bit.
    """
    glon, glat = _bd09_to_gcj02_approx(lon, lat)
    if not exact:
        return glon, glat
    for _ in range(_INVERSE_MAX_ITER):
        blon, blat = gcj02_to_bd09(glon, glat)
        elon, elat = blon - lon, blat - lat
        glon, glat = glon - elon, glat - elat
        if abs(elon) < _INVERSE_TOL and abs(elat) < _INVERSE_TOL:
            break
    return glon, glat


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → WGS-84 (via GCJ-02, both steps exact inverses)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


# ---------------------------------------------------------------------------- arrays


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    # broadcast_arrays returns read-only views; copy so callers may mutate the results.
    return lon_a.copy(), lat_a.copy()


def out_of_china_array(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Vectorised `out_of_china`."""
    lon_a, lat_a = _as_arrays(lon, lat)
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    inside = (lon_a > min_lon) & (lon_a < max_lon) & (lat_a > min_lat) & (lat_a < max_lat)
    return ~inside


def wgs84_to_gcj02_array(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `wgs84_to_gcj02`; returns new float64 arrays (lon, lat)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    dlon, dlat = _offset(lon_a, lat_a, np.sin, np.cos, np.sqrt)
    outside = out_of_china_array(lon_a, lat_a)
    return np.where(outside, lon_a, lon_a + dlon), np.where(outside, lat_a, lat_a + dlat)


def gcj02_to_wgs84_array(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `gcj02_to_wgs84` (iterative, to ~1e-12°)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    outside = out_of_china_array(lon_a, lat_a)
    wlon, wlat = lon_a.copy(), lat_a.copy()
    for _ in range(_INVERSE_MAX_ITER):
        glon, glat = wgs84_to_gcj02_array(wlon, wlat)
        elon, elat = glon - lon_a, glat - lat_a
        wlon -= elon
        wlat -= elat
        if wlon.size == 0 or max(np.abs(elon).max(), np.abs(elat).max()) < _INVERSE_TOL:
            break
    return np.where(outside, lon_a, wlon), np.where(outside, lat_a, wlat)


def gcj02_to_bd09_array(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `gcj02_to_bd09`."""
    lon_a, lat_a = _as_arrays(lon, lat)
    z = np.hypot(lon_a, lat_a) + 0.00002 * np.sin(lat_a * X_PI)
    theta = np.arctan2(lat_a, lon_a) + 0.000003 * np.cos(lon_a * X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02_array(
    lon: ArrayLike, lat: ArrayLike, *, exact: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Vectorised `bd09_to_gcj02`."""
    lon_a, lat_a = _as_arrays(lon, lat)
    x = lon_a - 0.0065
    y = lat_a - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    glon, glat = z * np.cos(theta), z * np.sin(theta)
    if not exact:
        return glon, glat
    for _ in range(_INVERSE_MAX_ITER):
        blon, blat = gcj02_to_bd09_array(glon, glat)
        elon, elat = blon - lon_a, blat - lat_a
        glon -= elon
        glat -= elat
        if glon.size == 0 or max(np.abs(elon).max(), np.abs(elat).max()) < _INVERSE_TOL:
            break
    return glon, glat


def wgs84_to_bd09_array(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `wgs84_to_bd09`."""
    return gcj02_to_bd09_array(*wgs84_to_gcj02_array(lon, lat))


def bd09_to_wgs84_array(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Vectorised `bd09_to_wgs84`."""
    return gcj02_to_wgs84_array(*bd09_to_gcj02_array(lon, lat))


# ------------------------------------------------------------------------- dispatch

_SCALAR: dict[tuple[str, str], Callable[[float, float], tuple[float, float]]] = {
    (WGS84, GCJ02): wgs84_to_gcj02,
    (GCJ02, WGS84): gcj02_to_wgs84,
    (GCJ02, BD09): gcj02_to_bd09,
    (BD09, GCJ02): bd09_to_gcj02,
    (WGS84, BD09): wgs84_to_bd09,
    (BD09, WGS84): bd09_to_wgs84,
}

_ARRAY: dict[tuple[str, str], Callable[[ArrayLike, ArrayLike], tuple[FloatArray, FloatArray]]] = {
    (WGS84, GCJ02): wgs84_to_gcj02_array,
    (GCJ02, WGS84): gcj02_to_wgs84_array,
    (GCJ02, BD09): gcj02_to_bd09_array,
    (BD09, GCJ02): bd09_to_gcj02_array,
    (WGS84, BD09): wgs84_to_bd09_array,
    (BD09, WGS84): bd09_to_wgs84_array,
}


def _check_crs(src: str, dst: str) -> None:
    for name in (src, dst):
        if name not in CRS_NAMES:
            raise ValueError(f"Unknown coordinate system {name!r}; expected one of {CRS_NAMES}")


def convert(lon: float, lat: float, src: str, dst: str) -> tuple[float, float]:
    """Convert one point between 'wgs84', 'gcj02' and 'bd09'."""
    _check_crs(src, dst)
    if src == dst:
        return lon, lat
    return _SCALAR[(src, dst)](lon, lat)


def convert_array(
    lon: ArrayLike, lat: ArrayLike, src: str, dst: str
) -> tuple[FloatArray, FloatArray]:
    """Convert arrays of points between 'wgs84', 'gcj02' and 'bd09'."""
    _check_crs(src, dst)
    if src == dst:
        return _as_arrays(lon, lat)
    return _ARRAY[(src, dst)](lon, lat)


def convert_geometry(geometry: dict[str, Any], src: str, dst: str) -> dict[str, Any]:
    """Return a copy of a GeoJSON geometry (or Feature/FeatureCollection) with every
    position converted. Z values are kept. Used to hand our WGS-84 shapes to a GCJ-02
    or BD-09 basemap, and to bring drawn shapes back.
    """
    _check_crs(src, dst)
    positions: list[list[float]] = []
    _collect_positions(geometry, positions)
    if src == dst or not positions:
        return _rebuild(geometry, iter(positions))
    lon, lat = convert_array([p[0] for p in positions], [p[1] for p in positions], src, dst)
    converted = [[float(x), float(y), *p[2:]] for x, y, p in zip(lon, lat, positions, strict=True)]
    return _rebuild(geometry, iter(converted))


def _collect_positions(obj: Any, out: list[list[float]]) -> None:
    if isinstance(obj, dict):
        kind = obj.get("type")
        if kind == "FeatureCollection":
            for feature in obj.get("features") or []:
                _collect_positions(feature, out)
        elif kind == "Feature":
            _collect_positions(obj.get("geometry"), out)
        elif kind == "GeometryCollection":
            for geom in obj.get("geometries") or []:
                _collect_positions(geom, out)
        else:
            _collect_coords(obj.get("coordinates"), out)


def _collect_coords(coords: Any, out: list[list[float]]) -> None:
    if not isinstance(coords, list | tuple) or not coords:
        return
    if isinstance(coords[0], int | float):
        out.append(list(coords))
    else:
        for item in coords:
            _collect_coords(item, out)


def _rebuild(obj: Any, positions: Any) -> Any:
    """Copy `obj`, taking positions in the same order `_collect_positions` found them."""
    if not isinstance(obj, dict):
        return obj
    new = dict(obj)
    kind = obj.get("type")
    if kind == "FeatureCollection":
        new["features"] = [_rebuild(f, positions) for f in obj.get("features") or []]
    elif kind == "Feature":
        new["geometry"] = _rebuild(obj.get("geometry"), positions)
    elif kind == "GeometryCollection":
        new["geometries"] = [_rebuild(g, positions) for g in obj.get("geometries") or []]
    elif "coordinates" in obj:
        new["coordinates"] = _rebuild_coords(obj["coordinates"], positions)
    # A bbox member would be stale after conversion; drop it rather than lie.
    new.pop("bbox", None)
    return new


def _rebuild_coords(coords: Any, positions: Any) -> Any:
    if not isinstance(coords, list | tuple) or not coords:
        return coords
    if isinstance(coords[0], int | float):
        return next(positions)
    return [_rebuild_coords(item, positions) for item in coords]
