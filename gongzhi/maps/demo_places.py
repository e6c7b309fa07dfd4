"""Real places for the demo: features of the shipped Siping extract to put demo data on.

The demo's spaces, lamps, paths, gardens, reports and ideas sit on real features of
``gongzhi/maps/data/siping.osm.pbf`` (© OpenStreetMap contributors, ODbL): a lamp on a
footpath, a garden in a real open space, a report on the lane in front of a real building.
``extract_path()`` says which file the demo uses; ``GONGZHI_DEMO_OSM`` overrides it (a
path, or ``none`` to see the fallback). Without an extract every function here returns
nothing and the demo falls back to its made-up grid, saying so.

Pure apart from reading the file: no Django models.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, mapping, shape
from shapely.ops import substring

from gongzhi.core.geo.measure import BBox, haversine_m

PACKAGED = Path(__file__).resolve().parent / "data" / "siping.osm.pbf"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "osm" / "siping.osm.pbf"


def extract_path() -> Path | None:
    """The OSM extract the demo uses, or None (then the demo falls back)."""
    override = os.environ.get("GONGZHI_DEMO_OSM", "").strip()
    if override:
        if override.lower() == "none":
            return None
        path = Path(override)
        return path if path.is_file() else None
    for path in (PACKAGED, SHARED):
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=4)
def _features(path: str) -> tuple[dict[str, Any], ...]:
    from gongzhi.core.geo.basemap import build_basemap

    return tuple(build_basemap(path).features)


def features(layer: str | None = None, *, cls: tuple[str, ...] = (),
             bbox: BBox | None = None) -> list[dict[str, Any]]:
    """Basemap features of the demo extract (layer, class, representative point in bbox)."""
    path = extract_path()
    if path is None:
        return []
    out = []
    for f in _features(str(path)):
        p = f["properties"]
        if layer and p["layer"] != layer:
            continue
        if cls and p["class"] not in cls:
            continue
        if bbox is not None:
            pt = shape(f["geometry"]).representative_point()
            if not (bbox[0] <= pt.x <= bbox[2] and bbox[1] <= pt.y <= bbox[3]):
                continue
        out.append(f)
    return out


def named(name: str, layer: str | None = None) -> dict[str, Any] | None:
    """The first feature called ``name`` (biggest first for areas), or None."""
    found = [f for f in features(layer) if f["properties"].get("name") == name]
    if not found:
        return None
    found.sort(key=lambda f: -shape(f["geometry"]).area)
    return found[0]


def _metres(lat: float) -> tuple[float, float]:
    return 111_320 * math.cos(math.radians(lat)), 111_320


def _to_local(geom, lon0: float, lat0: float):
    from shapely.affinity import affine_transform

    mx, my = _metres(lat0)
    return affine_transform(geom, [mx, 0, 0, my, -lon0 * mx, -lat0 * my])


def _to_wgs(geom, lon0: float, lat0: float):
    from shapely.affinity import affine_transform

    mx, my = _metres(lat0)
    return affine_transform(geom, [1 / mx, 0, 0, 1 / my, lon0, lat0])


def _rounded(geom) -> dict[str, Any]:
    data = mapping(geom)

    def r(c):
        return [r(x) for x in c] if isinstance(c[0], (list, tuple)) else [round(c[0], 7),
                                                                           round(c[1], 7)]
    return {"type": data["type"], "coordinates": r(data["coordinates"])}


def longest_line(f: dict[str, Any]) -> LineString:
    g = shape(f["geometry"])
    if g.geom_type == "MultiLineString":
        return max(g.geoms, key=lambda part: part.length)
    return g


def points_along(lines: list[dict[str, Any]], spacing_m: float, count: int,
                 offset_m: float = 0.0) -> list[dict[str, Any]]:
    """Up to ``count`` GeoJSON Points every ``spacing_m`` along the lines, in order (lamps
    on footpaths). ``offset_m`` shifts them sideways off the centre line (to the kerb)."""
    out: list[dict[str, Any]] = []
    for f in lines:
        line = longest_line(f)
        lon0, lat0 = line.coords[0]
        local = _to_local(line, lon0, lat0)
        d = spacing_m / 2
        while d < local.length and len(out) < count:
            pt = local.interpolate(d)
            if offset_m:
                ahead = local.interpolate(min(d + 1, local.length))
                dx, dy = ahead.x - pt.x, ahead.y - pt.y
                norm = math.hypot(dx, dy) or 1
                from shapely.geometry import Point
                pt = Point(pt.x - dy / norm * offset_m, pt.y + dx / norm * offset_m)
            out.append(_rounded(_to_wgs(pt, lon0, lat0)))
            d += spacing_m
        if len(out) >= count:
            break
    return out


def piece_of(f: dict[str, Any], start_m: float, length_m: float) -> dict[str, Any]:
    """A LineString: ``length_m`` of the feature's line from ``start_m``."""
    line = longest_line(f)
    lon0, lat0 = line.coords[0]
    local = _to_local(line, lon0, lat0)
    start = max(0.0, min(start_m, local.length - 1))
    return _rounded(_to_wgs(substring(local, start, min(local.length, start + length_m)),
                            lon0, lat0))


def strip_along(f: dict[str, Any], start_m: float, length_m: float, side_m: float,
                depth_m: float) -> dict[str, Any]:
    """A Polygon ``depth_m`` deep beside a stretch of the line, ``side_m`` off its centre
    (a bike shed along a lane)."""
    line = longest_line(f)
    lon0, lat0 = line.coords[0]
    local = _to_local(line, lon0, lat0)
    start = max(0.0, min(start_m, local.length - 1))
    part = substring(local, start, min(local.length, start + length_m))
    near = part.offset_curve(side_m)
    far = part.offset_curve(side_m + depth_m)
    ring = list(near.coords) + list(reversed(far.coords))
    from shapely.geometry import Polygon
    poly = Polygon(ring + [ring[0]])
    if not poly.is_valid:
        poly = part.buffer(depth_m / 2, cap_style="flat").envelope
    return _rounded(_to_wgs(poly, lon0, lat0))


def inner(f: dict[str, Any], keep: float = 0.6) -> dict[str, Any]:
    """The feature's polygon shrunk towards its middle (a garden inside a green space)."""
    g = shape(f["geometry"])
    if g.geom_type == "MultiPolygon":
        g = max(g.geoms, key=lambda p: p.area)
    c = g.representative_point()
    local = _to_local(g, c.x, c.y)
    shrink = -math.sqrt(local.area) * (1 - math.sqrt(keep)) / 2
    small = local.buffer(shrink).simplify(0.5)
    if small.is_empty or small.geom_type != "Polygon":
        small = local
    return _rounded(_to_wgs(small, c.x, c.y))


def nearest(items: list[dict[str, Any]], lon: float, lat: float) -> list[dict[str, Any]]:
    def dist(f):
        p = shape(f["geometry"]).representative_point()
        return haversine_m(lon, lat, p.x, p.y)
    return sorted(items, key=dist)


def polygon(f: dict[str, Any]) -> dict[str, Any]:
    g = shape(f["geometry"])
    if g.geom_type == "MultiPolygon":
        g = max(g.geoms, key=lambda p: p.area)
    return _rounded(g)


def beside(f: dict[str, Any], metres: float = 3.0) -> tuple[float, float]:
    """A point ``metres`` outside the south side of a building's outline: where a
    resident stands in front of it."""
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    g = shape(f["geometry"])
    c = g.centroid
    local = _to_local(g, c.x, c.y)
    minx, miny, maxx, maxy = local.bounds
    edge = nearest_points(local.exterior if local.geom_type == "Polygon" else local.boundary,
                          Point(0, miny - 20))[0]
    norm = math.hypot(edge.x, edge.y) or 1
    out = Point(edge.x + edge.x / norm * metres, edge.y + edge.y / norm * metres)
    p = _to_wgs(out, c.x, c.y)
    return round(p.x, 7), round(p.y, 7)


def clip(geometry: dict[str, Any], boundary: dict[str, Any], margin_m: float = 2.0
         ) -> dict[str, Any] | None:
    """The part of ``geometry`` inside ``boundary`` shrunk by ``margin_m`` (the largest
    piece), or the geometry itself when it is inside already; None when nothing is left."""
    g = shape(geometry)
    b = shape(boundary)
    c = b.representative_point()
    local_b = _to_local(b, c.x, c.y).buffer(-margin_m)
    local_g = _to_local(g, c.x, c.y)
    if local_b.contains(local_g):
        return geometry
    part = local_g.intersection(local_b)
    if part.is_empty:
        return None
    if hasattr(part, "geoms"):
        pieces = [p for p in part.geoms if p.geom_type == g.geom_type]
        if not pieces:
            return None
        part = max(pieces, key=lambda p: p.length if "Line" in g.geom_type else p.area)
    if part.geom_type != g.geom_type:
        return None
    return _rounded(_to_wgs(part, c.x, c.y))
