"""Build an offline basemap (vector layers) from an OpenStreetMap extract.

The result is one GeoJSON FeatureCollection in WGS-84 with everything a resident needs
to find their way on the community map: streets and footpaths with their Chinese names,
water, green space, building outlines, sites (campuses, residential blocks) and named
points of interest. The browser draws it with Leaflet as styled vector layers (see
docs/geo.md, "Offline basemap"); no tile server, no key, no internet.

Pure: no Django. Input is an ``.osm`` / ``.osm.pbf`` file read with pyosmium; output is
plain dicts, clipped (shapely) to a bounding box so a community's basemap stays small.

Every feature has ``properties.layer`` (one of ``LAYERS``), ``properties.class`` (the
sub-kind used for styling, e.g. ``major`` for a road) and, where OSM has one,
``properties.name`` (``name:zh``, then ``name:zh-Hans``, then ``name``). Points of
interest also carry ``properties.kind`` (the deciding OSM tag value, e.g. ``bus_stop``).

OSM data is © OpenStreetMap contributors, ODbL 1.0: show ``ATTRIBUTION`` whenever the
result is drawn.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import osmium
import shapely
from shapely.geometry import mapping, shape

from .measure import BBox

__all__ = [
    "ATTRIBUTION",
    "LAYERS",
    "BasemapResult",
    "build_basemap",
    "classify",
]

ATTRIBUTION = "© OpenStreetMap contributors"

# Drawing order, bottom to top.
LAYERS = ("site", "green", "water", "building", "water_line", "rail", "road", "poi")

# highway=* value → road class.
ROAD_CLASSES: dict[str, str] = {
    "motorway": "major", "motorway_link": "major", "trunk": "major", "trunk_link": "major",
    "primary": "major", "primary_link": "major", "secondary": "major",
    "secondary_link": "major",
    "tertiary": "minor", "tertiary_link": "minor", "unclassified": "minor",
    "residential": "minor", "living_street": "minor", "road": "minor",
    "service": "service",
    "footway": "path", "path": "path", "pedestrian": "path", "steps": "path",
    "cycleway": "path", "track": "path", "corridor": "path", "bridleway": "path",
}

GREEN = {
    "leisure": {"park", "garden", "playground", "pitch", "recreation_ground",
                "nature_reserve", "dog_park", "golf_course", "track", "stadium"},
    "landuse": {"grass", "forest", "meadow", "recreation_ground", "village_green",
                "allotments", "cemetery", "orchard", "flowerbed", "plant_nursery"},
    "natural": {"wood", "scrub", "grassland", "heath"},
}
WATER_AREAS = {
    "natural": {"water", "wetland"},
    "landuse": {"reservoir", "basin"},
    "waterway": {"riverbank", "dock"},
    "leisure": {"swimming_pool"},
    "amenity": {"fountain"},
}
WATER_LINES = {"river", "canal", "stream", "ditch", "drain"}
SITES = {
    "landuse": {"residential", "commercial", "retail", "industrial", "construction",
                "education", "military", "religious"},
    "amenity": {"university", "college", "school", "kindergarten", "hospital", "clinic",
                "community_centre", "townhall", "marketplace"},
}
RAIL = {"rail", "light_rail", "tram", "narrow_gauge"}
# Points of interest: which tags make a labelled point (named objects only, except the
# ones residents look for even without a name).
POI_KEYS = ("amenity", "shop", "leisure", "tourism", "office", "healthcare", "railway",
            "highway", "public_transport")
POI_UNNAMED_OK = {"toilets", "subway_entrance", "bus_stop", "pharmacy", "post_office",
                  "bank", "atm", "recycling", "charging_station"}
POI_SKIP = {"parking_space", "bench", "waste_basket", "vending_machine", "traffic_signals",
            "crossing", "street_lamp", "stop", "give_way", "motorway_junction",
            "turning_circle", "platform", "construction"}

ROUND = 6  # decimals kept (~0.1 m): enough for drawing, a third fewer bytes than 7


def _name(tags: Mapping[str, str]) -> str:
    return tags.get("name:zh") or tags.get("name:zh-Hans") or tags.get("name") or ""


def _match(tags: Mapping[str, str], table: Mapping[str, set[str]]) -> str | None:
    for key, values in table.items():
        value = tags.get(key)
        if value in values:
            return value
    return None


def classify(tags: Mapping[str, str], *, is_area: bool) -> tuple[str, str] | None:
    """(layer, class) for an OSM object, or None when the basemap does not draw it.

    Areas: building → building; water, green, site tables. Ways (lines): highway → road,
    waterway → water_line, railway → rail. Points of interest are handled separately.
    """
    if is_area:
        if tags.get("building", "no") != "no" and "building:part" not in tags:
            return "building", tags.get("building", "yes")
        water = _match(tags, WATER_AREAS)
        if water:
            return "water", water
        green = _match(tags, GREEN)
        if green:
            return "green", green
        site = _match(tags, SITES)
        if site:
            return "site", site
        if tags.get("highway") == "pedestrian" and tags.get("area") == "yes":
            return "site", "pedestrian"
        return None
    highway = tags.get("highway")
    if highway in ROAD_CLASSES and tags.get("area") != "yes":
        if tags.get("tunnel") in ("yes", "building_passage") or tags.get("layer", "0")[:1] == "-":
            return "road", "tunnel"
        return "road", ROAD_CLASSES[highway]
    if tags.get("waterway") in WATER_LINES:
        return "water_line", tags["waterway"]
    if tags.get("railway") in RAIL and tags.get("tunnel") != "yes":
        return "rail", tags["railway"]
    return None


def _poi_kind(tags: Mapping[str, str]) -> str | None:
    for key in POI_KEYS:
        value = tags.get(key)
        if not value or value in POI_SKIP or value in ("yes", "no"):
            continue
        if key == "highway" and value != "bus_stop":
            continue
        if key == "railway" and value not in ("station", "subway_entrance", "halt"):
            continue
        if key == "public_transport" and value != "station":
            continue
        if _name(tags) or value in POI_UNNAMED_OK:
            return value
    return None


@dataclass
class BasemapResult:
    """The basemap of one area: a FeatureCollection plus counts for the report."""

    features: list[dict[str, Any]] = field(default_factory=list)
    bbox: BBox | None = None
    counts: dict[str, int] = field(default_factory=dict)
    named_roads: int = 0
    source: str = ""
    attribution: str = ATTRIBUTION
    elapsed_s: float = 0.0

    def feature_collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "bbox": list(self.bbox) if self.bbox else None,
                "attribution": self.attribution, "features": self.features}


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, ROUND)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    return obj


def _clip(geometry: dict[str, Any], box: Any, clip_box: BBox | None) -> dict[str, Any] | None:
    """Clip a GeoJSON geometry to the box; None when nothing is left."""
    geom = shape(geometry)
    if clip_box is None:
        out = geom
    else:
        if not geom.intersects(box):
            return None
        if box.contains(geom):
            out = geom
        else:
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            out = shapely.clip_by_rect(geom, *clip_box)
            if out.is_empty:
                return None
            if out.geom_type == "GeometryCollection":
                parts = [g for g in out.geoms if g.geom_type == geom.geom_type
                         or g.geom_type.replace("Multi", "") == geom.geom_type.replace("Multi", "")]
                if not parts:
                    return None
                out = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    if out.is_empty:
        return None
    # Snap to the 6-decimal grid keeping the shape valid (plain rounding can make a ring
    # touch itself).
    snapped = shapely.set_precision(out, 10 ** -ROUND)
    if snapped.is_empty:
        return None
    data = mapping(snapped)
    return {"type": data["type"], "coordinates": _round(data["coordinates"])}


def _anchor(geometry: dict[str, Any]) -> list[float]:
    point = shape(geometry).representative_point()
    return [round(point.x, ROUND), round(point.y, ROUND)]


class _Collector:
    """The features kept from one file: classified, clipped to the box, counted by layer.
    Each object is read while osmium's iteration step lasts (copied out at once)."""

    def __init__(self, bbox: BBox | None):
        self.bbox = bbox
        self.box = shapely.box(*bbox) if bbox is not None else None
        self.factory = osmium.geom.GeoJSONFactory()
        self.rows: list[tuple[int, str, int, dict[str, Any]]] = []
        self.counts: Counter[str] = Counter()

    def keep(self, layer: str, cls: str, tags: Mapping[str, str],
             geometry: dict[str, Any] | None, ref: tuple[str, int],
             extra: dict[str, Any] | None = None) -> None:
        if geometry is None:
            return
        clipped = _clip(geometry, self.box, self.bbox)
        if clipped is None:
            return
        props: dict[str, Any] = {"layer": layer, "class": cls}
        name = _name(tags)
        if name:
            props["name"] = name
        if extra:
            props.update(extra)
        self.rows.append((LAYERS.index(layer), ref[0], ref[1],
                          {"type": "Feature", "geometry": clipped, "properties": props}))
        self.counts[layer] += 1

    def area(self, obj: osmium.osm.Area, tags: dict[str, str]) -> None:
        """A closed way or multipolygon: its polygon, and a point if it is also a POI."""
        found = classify(tags, is_area=True)
        ref = ("w" if obj.from_way() else "r", obj.orig_id())
        if found:
            geometry = json.loads(self.factory.create_multipolygon(obj))
            if len(geometry["coordinates"]) == 1:
                geometry = {"type": "Polygon", "coordinates": geometry["coordinates"][0]}
            extra = {}
            if found[0] == "building" and tags.get("building:levels", "").isdigit():
                extra["levels"] = int(tags["building:levels"])
            self.keep(found[0], found[1], tags, geometry, ref, extra)
        kind = _poi_kind(tags)
        if kind and (found is None or found[0] in ("building", "site", "green")):
            geometry = json.loads(self.factory.create_multipolygon(obj))
            point = {"type": "Point", "coordinates": _anchor(geometry)}
            self.keep("poi", _poi_group(tags, kind), tags, point, ref, {"kind": kind})

    def way(self, obj: osmium.osm.Way, tags: dict[str, str]) -> None:
        found = classify(tags, is_area=False)
        if found:
            geometry = json.loads(self.factory.create_linestring(obj))
            self.keep(found[0], found[1], tags, geometry, ("w", obj.id))

    def node(self, obj: osmium.osm.Node, tags: dict[str, str]) -> None:
        kind = _poi_kind(tags)
        if kind:
            loc = obj.location
            point = {"type": "Point", "coordinates": [loc.lon, loc.lat]}
            self.keep("poi", _poi_group(tags, kind), tags, point, ("n", obj.id),
                      {"kind": kind})


def build_basemap(path: str | os.PathLike[str], bbox: BBox | None = None) -> BasemapResult:
    """Read ``path`` and return the basemap features that meet ``bbox`` (clipped to it).

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat) in WGS-84; None keeps everything.
    Features are sorted by drawing order (``LAYERS``), then OSM id, so the output of the
    same file and box is byte-for-byte reproducible.
    """
    start = time.perf_counter()
    file_path = Path(path)
    if not file_path.is_file():
        raise FileNotFoundError(f"OSM file not found: {file_path}")
    if bbox is not None and not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise ValueError("bbox must be (min_lon, min_lat, max_lon, max_lat)")
    collect = _Collector(bbox)
    for obj in osmium.FileProcessor(str(file_path)).with_areas():
        tags = {t.k: t.v for t in obj.tags}
        if not tags:
            continue
        try:
            if isinstance(obj, osmium.osm.Area):
                collect.area(obj, tags)
            elif isinstance(obj, osmium.osm.Way):
                collect.way(obj, tags)
            elif isinstance(obj, osmium.osm.Node):
                collect.node(obj, tags)
        except (RuntimeError, ValueError, shapely.errors.GEOSException):
            # An area libosmium could not assemble, a way with missing nodes: skip it.
            continue
    rows, counts = collect.rows, collect.counts
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    features = [r[3] for r in rows]
    named_roads = len({f["properties"].get("name") for f in features
                       if f["properties"]["layer"] == "road" and f["properties"].get("name")})
    return BasemapResult(features=features, bbox=bbox, counts=dict(counts),
                         named_roads=named_roads, source=file_path.name,
                         elapsed_s=time.perf_counter() - start)


# POI groups, for the icon colour and the legend.
_POI_GROUPS = {
    "transport": {"bus_stop", "subway_entrance", "station", "halt", "bicycle_rental",
                  "charging_station", "fuel", "parking"},
    "health": {"hospital", "clinic", "doctors", "pharmacy", "dentist", "nursing_home",
               "social_facility"},
    "education": {"school", "kindergarten", "university", "college", "library",
                  "childcare"},
    "shop": {"supermarket", "convenience", "greengrocer", "mall", "marketplace",
             "bakery", "laundry"},
    "public": {"community_centre", "townhall", "police", "post_office", "toilets",
               "bank", "atm", "recycling", "shelter"},
    "leisure": {"park", "playground", "sports_centre", "stadium", "pitch",
                "swimming_pool", "fitness_station", "garden"},
}


def _poi_group(tags: Mapping[str, str], kind: str) -> str:
    for group, kinds in _POI_GROUPS.items():
        if kind in kinds:
            return group
    return "other"
