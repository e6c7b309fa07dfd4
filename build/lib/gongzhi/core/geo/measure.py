"""Measurements on WGS-84 lon/lat geometries.

Areas and lengths are geodesic (pyproj.Geod on the WGS-84 ellipsoid) because planar
maths on degrees is wrong by cos(latitude) and a Web-Mercator projection inflates areas
by ~37% at Shanghai's latitude. Point-to-point distance uses the haversine formula on a
sphere: it is within 0.6% of the ellipsoidal answer (worst case north-south near the
equator; ~0.2% at Shanghai), cheap, and vectorises for "what is
within 500 m of me" queries.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

__all__ = [
    "EARTH_RADIUS_M",
    "GEOD",
    "BBox",
    "as_shape",
    "bbox",
    "bbox_contains",
    "centroid",
    "geodesic_area_m2",
    "geodesic_distance_m",
    "geodesic_length_m",
    "geodesic_perimeter_m",
    "haversine_m",
    "haversine_m_array",
    "nearby_bbox",
    "representative_point",
]

GEOD = Geod(ellps="WGS84")
# IUGG mean Earth radius: minimises the haversine error against the ellipsoid overall.
EARTH_RADIUS_M = 6_371_008.8

BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)


def as_shape(geometry: dict[str, Any] | BaseGeometry) -> BaseGeometry:
    """Shapely geometry from a GeoJSON geometry dict (or pass a shapely one through)."""
    if isinstance(geometry, BaseGeometry):
        return geometry
    return shape(geometry)


def _polygons(geom: BaseGeometry) -> list[Any]:
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return []


def geodesic_area_m2(geometry: dict[str, Any] | BaseGeometry) -> float:
    """Area on the WGS-84 ellipsoid in m² (0 for points and lines).

    Each polygon is oriented first because pyproj returns a signed area (negative for
    clockwise rings); holes are subtracted.
    """
    geom = as_shape(geometry)
    total = 0.0
    for polygon in _polygons(geom):
        area, _perimeter = GEOD.geometry_area_perimeter(orient(polygon, sign=1.0))
        total += area
    return abs(total)


def geodesic_perimeter_m(geometry: dict[str, Any] | BaseGeometry) -> float:
    """Perimeter (all rings, holes included) on the WGS-84 ellipsoid in metres."""
    geom = as_shape(geometry)
    return sum(GEOD.geometry_area_perimeter(p)[1] for p in _polygons(geom))


def geodesic_length_m(geometry: dict[str, Any] | BaseGeometry) -> float:
    """Length of a (Multi)LineString on the WGS-84 ellipsoid in metres (0 for points;
    for polygons the ring lengths, i.e. the perimeter)."""
    geom = as_shape(geometry)
    if geom.is_empty or geom.geom_type in ("Point", "MultiPoint"):
        return 0.0
    return float(GEOD.geometry_length(geom))


def geodesic_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Ellipsoidal (exact) distance in metres between two lon/lat points."""
    _az12, _az21, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


def bbox(geometry: dict[str, Any] | BaseGeometry) -> BBox:
    """(min_lon, min_lat, max_lon, max_lat). Ignores the antimeridian: fine for China."""
    min_x, min_y, max_x, max_y = as_shape(geometry).bounds
    return (float(min_x), float(min_y), float(max_x), float(max_y))


def bbox_contains(box: BBox, lon: float, lat: float) -> bool:
    """True if (lon, lat) lies in the closed box."""
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def centroid(geometry: dict[str, Any] | BaseGeometry) -> tuple[float, float]:
    """Centroid (lon, lat).

    Computed in the lon/lat plane: over a neighbourhood, the local equirectangular
    projection is an affine map of lon/lat and affine maps preserve centroids, so this
    is the metric centroid to well under a metre. It can fall outside a concave shape;
    use `representative_point` when the point must lie on the feature.
    """
    point = as_shape(geometry).centroid
    return (float(point.x), float(point.y))


def representative_point(geometry: dict[str, Any] | BaseGeometry) -> tuple[float, float]:
    """A point guaranteed to lie on the geometry (for "is this feature inside?" tests)."""
    point = as_shape(geometry).representative_point()
    return (float(point.x), float(point.y))


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres on a sphere of radius `EARTH_RADIUS_M`."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    # min() guards against h creeping above 1 by rounding for antipodal points.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def haversine_m_array(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Vectorised `haversine_m` with numpy broadcasting (e.g. one point vs. many)."""
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def nearby_bbox(lon: float, lat: float, metres: float, *, pad: float = 0.01) -> BBox:
    """Lon/lat box containing every point within `metres` of (lon, lat).

    For a cheap indexed prefilter (`min_lon <= lon <= max_lon AND ...`) before an exact
    distance test. Uses the exact extent of a spherical cap (the widest longitude span is
    not at the centre's latitude, so lat ± r and lon ± r/cos(lat) is slightly too small),
    grown by `pad` (1%) so it also covers ellipsoidal distances, which differ from the
    sphere by up to ~0.6%. Near a pole, or across the antimeridian, the longitude range
    becomes the full [-180, 180]: over-inclusive but never missing a point.
    """
    if metres < 0:
        raise ValueError("metres must be non-negative")
    angular = metres * (1.0 + pad) / EARTH_RADIUS_M  # radians
    phi = math.radians(lat)
    min_phi = phi - angular
    max_phi = phi + angular
    half_pi = math.pi / 2
    if min_phi <= -half_pi or max_phi >= half_pi or angular >= half_pi:
        # The cap contains a pole: every longitude is reachable.
        return (
            -180.0,
            max(-90.0, math.degrees(min_phi)),
            180.0,
            min(90.0, math.degrees(max_phi)),
        )
    dlmb = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(phi))))
    min_lon = lon - dlmb
    max_lon = lon + dlmb
    if min_lon < -180.0 or max_lon > 180.0:
        min_lon, max_lon = -180.0, 180.0
    return (min_lon, math.degrees(min_phi), max_lon, math.degrees(max_phi))
