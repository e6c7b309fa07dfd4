"""Pure-Python geometry toolkit: coordinate systems, GeoJSON validation, measurements
and OpenStreetMap import. No Django models here (only gettext for error messages).

`osm_import` is not imported eagerly: it needs pyosmium, which web requests never use.
"""

from .coords import (
    BD09,
    GCJ02,
    WGS84,
    bd09_to_gcj02,
    bd09_to_wgs84,
    convert,
    convert_array,
    convert_geometry,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from .geojson import (
    Boundary,
    GeometryError,
    ValidatedFeature,
    ValidatedGeometry,
    validate_feature,
    validate_feature_collection,
    validate_geometry,
)
from .measure import (
    bbox,
    centroid,
    geodesic_area_m2,
    geodesic_length_m,
    haversine_m,
    haversine_m_array,
    nearby_bbox,
)

__all__ = [
    "BD09",
    "GCJ02",
    "WGS84",
    "Boundary",
    "GeometryError",
    "ValidatedFeature",
    "ValidatedGeometry",
    "bbox",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "centroid",
    "convert",
    "convert_array",
    "convert_geometry",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "geodesic_area_m2",
    "geodesic_length_m",
    "haversine_m",
    "haversine_m_array",
    "nearby_bbox",
    "validate_feature",
    "validate_feature_collection",
    "validate_geometry",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]
