"""Parse, validate and normalise GeoJSON (RFC 7946, WGS-84 lon/lat).

Every shape a resident draws, an officer uploads or we import from OpenStreetMap goes
through `validate_geometry`, so the database only ever holds clean, consistently wound,
7-decimal lon/lat geometries with their bbox/centroid precomputed for indexed filtering.

Problems raise `GeometryError(code, message, params)`: `code` is a stable string for
programs and tests, `message` a translatable English sentence with named placeholders
filled from `params` (so `str(error)` is ready to show, in the active language). To feed
a Django form: `ValidationError(err.message, code=err.code, params=err.params)`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.utils.functional import Promise

# The only Django import allowed in this package: messages must be translatable.
from django.utils.translation import gettext_lazy as _
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from .coords import CHINA_BBOX
from .measure import BBox, geodesic_area_m2, geodesic_length_m

__all__ = [
    "ERROR_CODES",
    "GEOMETRY_TYPES",
    "LINEAR_TYPES",
    "POLYGONAL_TYPES",
    "PRECISION",
    "Boundary",
    "FeatureCollectionResult",
    "FeatureError",
    "GeometryError",
    "ValidatedFeature",
    "ValidatedGeometry",
    "validate_feature",
    "validate_feature_collection",
    "validate_geometry",
]

PRECISION = 7  # decimals: ~1 cm, the precision of OSM and of survey-grade phones
GEOMETRY_TYPES = (
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
)
POLYGONAL_TYPES = ("Polygon", "MultiPolygon")
LINEAR_TYPES = ("LineString", "MultiLineString")
# How deep the position arrays nest for each type (0 = a single position).
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}

ERROR_CODES = (
    "empty",
    "self_intersection",
    "invalid_polygon",
    "outside_boundary",
    "swapped_coordinates",
    "out_of_range",
    "unclosed_ring",
    "too_few_points",
    "unsupported_type",
    "malformed",
)

# CRS names that mean plain WGS-84 lon/lat; RFC 7946 dropped the `crs` member, but old
# exporters (QGIS, ArcGIS) still write it.
_WGS84_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
}


class GeometryError(ValueError):
    """A geometry we refuse, with a stable `code`, a translatable `message` and `params`.

    Indexes in `params` meant for people (`index`, `ring`, `part`) count from 1; `path`
    gives the 0-based position of the offending coordinate in the nested arrays, for a
    map widget to highlight it.
    """

    def __init__(
        self, code: str, message: str | Promise, params: dict[str, Any] | None = None
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"Unknown geometry error code {code!r}")
        super().__init__(code, message, params)
        self.code = code
        self.message = message
        self.params: dict[str, Any] = dict(params or {})

    def __str__(self) -> str:
        try:
            text = str(self.message)
            return text % self.params if self.params else text
        except Exception:  # e.g. Django settings not configured: still print something
            return f"{self.code}: {self.params}"

    def __repr__(self) -> str:
        return f"GeometryError({self.code!r}, params={self.params!r})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready {"code", "message", "params"} for API responses."""
        return {"code": self.code, "message": str(self), "params": self.params}


@dataclass(frozen=True)
class ValidatedGeometry:
    """A clean geometry plus the metrics the database indexes."""

    geometry: dict[str, Any]  # normalised GeoJSON geometry
    geom_type: str
    bbox: BBox  # (min_lon, min_lat, max_lon, max_lat)
    centroid: tuple[float, float]  # (lon, lat)
    area_m2: float | None  # polygons only
    length_m: float | None  # lines only
    shape: BaseGeometry = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "geometry": self.geometry,
            "type": self.geom_type,
            "bbox": list(self.bbox),
            "centroid": list(self.centroid),
            "area_m2": self.area_m2,
            "length_m": self.length_m,
        }


@dataclass(frozen=True)
class ValidatedFeature:
    geometry: ValidatedGeometry
    properties: dict[str, Any]
    id: str | int | None = None

    def as_geojson(self) -> dict[str, Any]:
        feature: dict[str, Any] = {
            "type": "Feature",
            "geometry": self.geometry.geometry,
            "properties": self.properties,
            "bbox": list(self.geometry.bbox),
        }
        if self.id is not None:
            feature["id"] = self.id
        return feature


@dataclass(frozen=True)
class FeatureError:
    index: int  # 0-based position in the collection
    id: str | int | None
    error: GeometryError


@dataclass
class FeatureCollectionResult:
    features: list[ValidatedFeature]
    errors: list[FeatureError]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_geojson(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [f.as_geojson() for f in self.features]}


# ------------------------------------------------------------------------- boundary


class Boundary:
    """A community boundary (Polygon/MultiPolygon, WGS-84) to check geometries against.

    Build it once and reuse it for many features: it prepares the shapely geometry and,
    when a tolerance is given, a local metric projection (azimuthal equidistant around
    the boundary) so that "within 5 m of the boundary" really means metres.
    """

    def __init__(self, geometry: dict[str, Any] | BaseGeometry, tolerance_m: float = 0.0) -> None:
        if tolerance_m < 0:
            raise ValueError("tolerance_m must be non-negative")
        if isinstance(geometry, BaseGeometry):
            geometry = shapely.geometry.mapping(geometry)
        checked = validate_geometry(geometry, region=None, allowed_types=POLYGONAL_TYPES)
        self.geometry: dict[str, Any] = checked.geometry
        self.shape: BaseGeometry = checked.shape
        self.bbox: BBox = checked.bbox
        self.tolerance_m = float(tolerance_m)
        lon0, lat0 = checked.centroid
        self._to_metric = Transformer.from_crs(
            "EPSG:4326",
            f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m",
            always_xy=True,
        )
        self._metric = self._project(self.shape)
        self._zone = self._metric.buffer(self.tolerance_m) if self.tolerance_m else self._metric
        shapely.prepare(self.shape)
        shapely.prepare(self._zone)

    @classmethod
    def coerce(
        cls, boundary: dict[str, Any] | BaseGeometry | Boundary, tolerance_m: float | None = None
    ) -> Boundary:
        if isinstance(boundary, Boundary):
            if tolerance_m is None or tolerance_m == boundary.tolerance_m:
                return boundary
            return cls(boundary.shape, tolerance_m)
        return cls(boundary, tolerance_m or 0.0)

    def _project(self, geom: BaseGeometry) -> BaseGeometry:
        def forward(xy: np.ndarray) -> np.ndarray:
            x, y = self._to_metric.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geom, forward)

    def covers(self, geom: BaseGeometry) -> bool:
        """True if `geom` lies inside the boundary (grown by the tolerance)."""
        if not self.tolerance_m:
            return bool(self.shape.covers(geom))
        return bool(self._zone.covers(self._project(geom)))

    def covers_point(self, lon: float, lat: float) -> bool:
        return self.covers(Point(lon, lat))

    def distance_m(self, lon: float, lat: float) -> float:
        """Metres from (lon, lat) to the boundary polygon (0 inside)."""
        return float(self._metric.distance(self._project(Point(lon, lat))))


# ----------------------------------------------------------------------- validation


def validate_geometry(
    data: dict[str, Any] | str | bytes,
    *,
    boundary: dict[str, Any] | BaseGeometry | Boundary | None = None,
    tolerance_m: float | None = None,
    region: BBox | None = CHINA_BBOX,
    allowed_types: Iterable[str] | None = None,
) -> ValidatedGeometry:
    """Validate and normalise one GeoJSON geometry.

    - `boundary`: the geometry must lie inside it (within `tolerance_m` metres).
    - `region`: the area the data is expected in, used only to recognise (lat, lon)
      input: if the coordinates are outside it but swapped they are inside, we refuse
      with 'swapped_coordinates'. A boundary, when given, is used for this instead.
    - `allowed_types`: e.g. `POLYGONAL_TYPES` for a space's outline.

    Normalises: strips Z, rounds to 7 decimals, winds polygon exteriors counter-
    clockwise and holes clockwise (RFC 7946 right-hand rule).
    """
    obj = _load_json(data)
    if not isinstance(obj, dict):
        raise GeometryError("malformed", _("A GeoJSON geometry must be a JSON object."))
    geom_type = obj.get("type")
    if not isinstance(geom_type, str):
        raise GeometryError("malformed", _("The geometry has no “type”."))
    if geom_type not in GEOMETRY_TYPES:
        raise GeometryError(
            "unsupported_type",
            _("Geometry type “%(type)s” is not supported."),
            {"type": geom_type},
        )
    allowed = tuple(allowed_types) if allowed_types is not None else GEOMETRY_TYPES
    if geom_type not in allowed:
        raise GeometryError(
            "unsupported_type",
            _("A %(type)s is not allowed here; expected one of: %(allowed)s."),
            {"type": geom_type, "allowed": ", ".join(allowed)},
        )
    if "coordinates" not in obj or obj["coordinates"] is None:
        raise GeometryError("malformed", _("The geometry has no “coordinates”."))

    coords = _parse_coords(obj["coordinates"], _DEPTH[geom_type], ())
    positions = list(_iter_positions(coords, _DEPTH[geom_type], ()))
    if not positions:
        raise GeometryError("empty", _("The geometry is empty."))

    bound = Boundary.coerce(boundary, tolerance_m) if boundary is not None else None
    _check_range_and_order(positions, region, bound)
    _check_structure(geom_type, coords)
    coords = _wind(geom_type, coords)

    geometry = {"type": geom_type, "coordinates": coords}
    geom = shape(geometry)
    if geom_type in POLYGONAL_TYPES:
        _check_polygon_validity(geom)
    if bound is not None:
        _check_inside(geom, positions, bound)
    return _with_metrics(geometry, geom)


def validate_feature(data: dict[str, Any] | str | bytes, **options: Any) -> ValidatedFeature:
    """Validate a GeoJSON Feature; `options` as for `validate_geometry`."""
    obj = _load_json(data)
    if not isinstance(obj, dict) or obj.get("type") != "Feature":
        raise GeometryError("malformed", _("Expected a GeoJSON Feature."))
    properties = obj.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise GeometryError("malformed", _("Feature “properties” must be an object or null."))
    if obj.get("geometry") is None:
        raise GeometryError("empty", _("The feature has no geometry."))
    feature_id = obj.get("id")
    if feature_id is not None and not isinstance(feature_id, str | int):
        feature_id = str(feature_id)
    return ValidatedFeature(validate_geometry(obj["geometry"], **options), properties, feature_id)


def validate_feature_collection(
    data: dict[str, Any] | str | bytes, *, strict: bool = False, **options: Any
) -> FeatureCollectionResult:
    """Validate an uploaded FeatureCollection (a lone Feature or geometry is accepted too).

    Collects one `FeatureError` per bad feature so an import can show them all; with
    `strict=True` the first one is raised instead (its params gain `feature`, 1-based).
    """
    obj = _load_json(data)
    if not isinstance(obj, dict):
        raise GeometryError("malformed", _("GeoJSON must be a JSON object."))
    _check_crs_member(obj)
    kind = obj.get("type")
    if kind == "FeatureCollection":
        raw = obj.get("features")
        if not isinstance(raw, list):
            raise GeometryError("malformed", _("A FeatureCollection needs a “features” list."))
    elif kind == "Feature":
        raw = [obj]
    elif kind in GEOMETRY_TYPES:
        raw = [{"type": "Feature", "geometry": obj, "properties": {}}]
    else:
        raise GeometryError(
            "unsupported_type",
            _("GeoJSON type “%(type)s” is not supported."),
            {"type": str(kind)},
        )
    if options.get("boundary") is not None:
        # Prepare once, not once per feature.
        options["boundary"] = Boundary.coerce(options["boundary"], options.pop("tolerance_m", None))
    result = FeatureCollectionResult(features=[], errors=[])
    for index, item in enumerate(raw):
        try:
            result.features.append(validate_feature(item, **options))
        except GeometryError as err:
            item_id = item.get("id") if isinstance(item, dict) else None
            if strict:
                err.params.setdefault("feature", index + 1)
                raise
            result.errors.append(FeatureError(index, item_id, err))
    return result


# -------------------------------------------------------------------------- helpers


def _load_json(data: dict[str, Any] | str | bytes) -> Any:
    if isinstance(data, str | bytes | bytearray):
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise GeometryError(
                "malformed", _("The text is not valid JSON: %(error)s"), {"error": str(exc)}
            )
    return data


def _check_crs_member(obj: dict[str, Any]) -> None:
    crs = obj.get("crs")
    if crs is None:
        return
    name = None
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
    if name not in _WGS84_CRS_NAMES:
        raise GeometryError(
            "malformed",
            _(
                "Only WGS-84 longitude/latitude GeoJSON is supported, but the file declares "
                "the coordinate system %(crs)s."
            ),
            {"crs": str(name or crs)},
        )


def _parse_coords(value: Any, depth: int, path: tuple[int, ...]) -> Any:
    """Check nesting and numbers; return lists of [lon, lat] rounded, Z stripped."""
    if depth == 0:
        return _parse_position(value, path)
    if not isinstance(value, list | tuple):
        raise GeometryError(
            "malformed",
            _("Coordinates at %(path)s should be a list."),
            {"path": _fmt_path(path)},
        )
    return [_parse_coords(item, depth - 1, (*path, i)) for i, item in enumerate(value)]


def _parse_position(value: Any, path: tuple[int, ...]) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise GeometryError(
            "malformed",
            _("Position %(path)s should be a [longitude, latitude] pair."),
            {"path": _fmt_path(path)},
        )
    lon, lat = value[0], value[1]
    for number in (lon, lat):
        # bool is an int subclass; true/false in JSON is never a coordinate.
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise GeometryError(
                "malformed",
                _("Position %(path)s contains something that is not a number."),
                {"path": _fmt_path(path)},
            )
        if not math.isfinite(number):
            raise GeometryError(
                "malformed",
                _("Position %(path)s contains an infinite or undefined number."),
                {"path": _fmt_path(path)},
            )
    # + 0.0 turns -0.0 into 0.0 so identical points serialise identically.
    return [round(float(lon), PRECISION) + 0.0, round(float(lat), PRECISION) + 0.0]


def _fmt_path(path: tuple[int, ...]) -> str:
    return "[" + "][".join(str(i) for i in path) + "]" if path else "[]"


def _iter_positions(
    coords: Any, depth: int, path: tuple[int, ...]
) -> Iterable[tuple[tuple[int, ...], list[float]]]:
    if depth == 0:
        yield path, coords
        return
    for i, item in enumerate(coords):
        yield from _iter_positions(item, depth - 1, (*path, i))


def _in_range(lon: float, lat: float) -> bool:
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0


def _in_box(points: Sequence[tuple[float, float]], box: BBox) -> bool:
    return all(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in points)


def _check_range_and_order(
    positions: list[tuple[tuple[int, ...], list[float]]],
    region: BBox | None,
    boundary: Boundary | None,
) -> None:
    points = [(p[0], p[1]) for _path, p in positions]
    swapped = [(y, x) for x, y in points]
    first_bad = next((i for i, (x, y) in enumerate(points) if not _in_range(x, y)), None)

    looks_swapped = False
    if all(_in_range(x, y) for x, y in swapped):
        if boundary is not None:
            # Swapping must move the shape into the community, from entirely outside it.
            looks_swapped = all(boundary.covers_point(x, y) for x, y in swapped) and not any(
                _in_range(x, y) and boundary.covers_point(x, y) for x, y in points
            )
        elif region is not None:
            looks_swapped = _in_box(swapped, region) and not _in_box(points, region)
    if looks_swapped:
        raise GeometryError(
            "swapped_coordinates",
            _(
                "The coordinates seem to be in (latitude, longitude) order; GeoJSON needs "
                "(longitude, latitude). Swap the two numbers of every point."
            ),
            {"lon": points[0][0], "lat": points[0][1]},
        )
    if first_bad is not None:
        path, (lon, lat) = positions[first_bad]
        raise GeometryError(
            "out_of_range",
            _(
                "Point %(index)s (%(lon)s, %(lat)s) is out of range: longitude must be "
                "between -180 and 180 and latitude between -90 and 90."
            ),
            {"index": first_bad + 1, "lon": lon, "lat": lat, "path": list(path)},
        )


def _distinct(points: Sequence[Sequence[float]]) -> int:
    return len({(p[0], p[1]) for p in points})


def _check_line(line: list[list[float]], part: int | None) -> None:
    if _distinct(line) < 2:
        params: dict[str, Any] = {"count": _distinct(line)}
        if part is None:
            msg = _("A line needs at least two different points.")
        else:
            msg = _("Line %(part)s needs at least two different points.")
            params["part"] = part
        raise GeometryError("too_few_points", msg, params)


def _check_ring(ring: list[list[float]], ring_no: int, part: int | None) -> None:
    params: dict[str, Any] = {"ring": ring_no, "part": part or 1}
    if not ring:
        raise GeometryError("empty", _("Ring %(ring)s of polygon %(part)s is empty."), params)
    if _distinct(ring) < 3:
        raise GeometryError(
            "too_few_points",
            _("Ring %(ring)s of polygon %(part)s needs at least three different points."),
            params,
        )
    if ring[0] != ring[-1]:
        raise GeometryError(
            "unclosed_ring",
            _(
                "Ring %(ring)s of polygon %(part)s is not closed: its last point must "
                "repeat its first point."
            ),
            {**params, "lon": ring[0][0], "lat": ring[0][1]},
        )


def _check_polygon_rings(polygon: list[list[list[float]]], part: int | None) -> None:
    if not polygon:
        if part is None:
            raise GeometryError("empty", _("The polygon has no rings."))
        raise GeometryError("empty", _("Polygon %(part)s has no rings."), {"part": part})
    for ring_no, ring in enumerate(polygon, start=1):
        _check_ring(ring, ring_no, part)


def _check_structure(geom_type: str, coords: Any) -> None:
    if geom_type == "LineString":
        _check_line(coords, None)
    elif geom_type == "MultiLineString":
        for part, line in enumerate(coords, start=1):
            _check_line(line, part)
    elif geom_type == "Polygon":
        _check_polygon_rings(coords, None)
    elif geom_type == "MultiPolygon":
        for part, polygon in enumerate(coords, start=1):
            _check_polygon_rings(polygon, part)


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in the lon/lat plane: > 0 for counter-clockwise rings."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        total += x1 * y2 - x2 * y1
    return total / 2.0


def _wind_polygon(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    wound = []
    for i, ring in enumerate(polygon):
        ccw = _signed_area(ring) > 0
        want_ccw = i == 0  # exterior counter-clockwise, holes clockwise (RFC 7946 §3.1.6)
        wound.append(ring if ccw == want_ccw else ring[::-1])
    return wound


def _wind(geom_type: str, coords: Any) -> Any:
    if geom_type == "Polygon":
        return _wind_polygon(coords)
    if geom_type == "MultiPolygon":
        return [_wind_polygon(p) for p in coords]
    return coords


_LOCATION = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]")


def _check_polygon_validity(geom: BaseGeometry) -> None:
    parts = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    # Not geom.area == 0: a symmetric bow-tie also has zero (signed) area, and it is a
    # self-intersection, not a degenerate ring.
    if any(part.exterior.convex_hull.area == 0 for part in parts):
        raise GeometryError(
            "too_few_points",
            _("The polygon has no area: its points lie on a line."),
        )
    if geom.is_valid:
        return
    reason = explain_validity(geom)  # e.g. "Self-intersection[121.5 31.28]"
    params: dict[str, Any] = {"reason": reason}
    match = _LOCATION.search(reason)
    if match:
        params["lon"] = round(float(match.group(1)), PRECISION)
        params["lat"] = round(float(match.group(2)), PRECISION)
    if "Self-intersection" in reason or "Ring Self-intersection" in reason:
        if "lon" in params:
            msg = _("The outline crosses itself near (%(lon)s, %(lat)s).")
        else:
            msg = _("The outline crosses itself.")
        raise GeometryError("self_intersection", msg, params)
    if "lon" in params:
        msg = _("The polygon is not valid near (%(lon)s, %(lat)s): %(reason)s.")
    else:
        msg = _("The polygon is not valid: %(reason)s.")
    raise GeometryError("invalid_polygon", msg, params)


def _check_inside(
    geom: BaseGeometry,
    positions: list[tuple[tuple[int, ...], list[float]]],
    boundary: Boundary,
) -> None:
    if boundary.covers(geom):
        return
    for number, (path, (lon, lat)) in enumerate(positions, start=1):
        if not boundary.covers_point(lon, lat):
            raise GeometryError(
                "outside_boundary",
                _(
                    "Point %(index)s (%(lon)s, %(lat)s) is %(distance_m)s m outside the "
                    "community boundary."
                ),
                {
                    "index": number,
                    "lon": lon,
                    "lat": lat,
                    "distance_m": round(boundary.distance_m(lon, lat), 1),
                    "path": list(path),
                },
            )
    raise GeometryError(
        "outside_boundary",
        _("The shape leaves the community boundary between its points."),
    )


def _with_metrics(geometry: dict[str, Any], geom: BaseGeometry) -> ValidatedGeometry:
    geom_type = geometry["type"]
    min_x, min_y, max_x, max_y = geom.bounds
    c = geom.centroid
    area = geodesic_area_m2(geom) if geom_type in POLYGONAL_TYPES else None
    length = geodesic_length_m(geom) if geom_type in LINEAR_TYPES else None
    return ValidatedGeometry(
        geometry=geometry,
        geom_type=geom_type,
        bbox=(min_x, min_y, max_x, max_y),
        centroid=(round(c.x, PRECISION), round(c.y, PRECISION)),
        area_m2=area,
        length_m=length,
        shape=geom,
    )
