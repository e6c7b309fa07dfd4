"""Read OpenStreetMap extracts (.osm XML or .osm.pbf) into plain dataclasses.

Used to seed a community's map: building footprints, walkable paths and the public
spaces residents can propose projects for (parks, playgrounds, bike sheds, ...), plus
the everyday facilities (schools, clinics, markets) that 15-minute "community life
circle" analysis needs. Nothing is written anywhere: the result is the dry run, with
counts and the list of what was skipped and why, for an officer to review first.

OSM data is © OpenStreetMap contributors, ODbL 1.0: keep `ATTRIBUTION` next to any map
or export built from it.
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

from .geojson import POLYGONAL_TYPES, Boundary, GeometryError, validate_geometry
from .measure import BBox, bbox_contains, haversine_m, representative_point

__all__ = [
    "ATTRIBUTION",
    "DEMO_EXCLUDED_BUILDING_TYPES",
    "FOOTPATH_HIGHWAYS",
    "LICENSE",
    "OSM_TAG_TO_SPACE_KIND",
    "SKIP_REASONS",
    "SPACE_KINDS",
    "OsmAmenity",
    "OsmBuilding",
    "OsmFootpath",
    "OsmImportResult",
    "SkippedFeature",
    "osm_buildings_for_demo",
    "read_osm",
    "space_kind_for_tags",
]

ATTRIBUTION = "© OpenStreetMap contributors"
LICENSE = "ODbL-1.0"

# Space kinds, as stable codes. The spaces app owns the real choices; these are plain
# strings on purpose so this module stays free of Django models.
SPACE_KINDS = (
    "community_garden",
    "pocket_park",
    "footpath",
    "plaza",
    "activity_room",
    "community_living_room",
    "culture_wall",
    "bike_shed",
    "ev_charger",
    "street_lamp",
    "playground",
    "sports_court",
    "fitness_area",
    "book_corner",
    "derelict_site",
    "other",
)

# "key=value" → space kind. Checked in this order, so the first match wins when an
# object carries several (e.g. a library building that is also a university).
OSM_TAG_TO_SPACE_KIND: dict[str, str] = {
    # Green space. A leisure=garden is a pocket park unless it says it is a community
    # garden (see `_refine_kind`); allotments are gardens tended by residents.
    "landuse=allotments": "community_garden",
    "leisure=garden": "pocket_park",
    "leisure=park": "pocket_park",
    "leisure=playground": "playground",
    "leisure=pitch": "sports_court",
    "leisure=sports_centre": "sports_court",
    "leisure=sports_hall": "sports_court",
    "leisure=fitness_station": "fitness_area",
    "amenity=bicycle_parking": "bike_shed",
    "amenity=charging_station": "ev_charger",
    "highway=street_lamp": "street_lamp",
    "amenity=community_centre": "community_living_room",
    "amenity=library": "book_corner",
    "amenity=public_bookcase": "book_corner",
    "place=square": "plaza",
    "highway=pedestrian": "plaza",  # only as an area; a linear one is a footpath
    # Everyday facilities of the 15-minute community life circle (上海15分钟社区生活圈):
    # not spaces we manage, kept as 'other' with their raw tag for later analysis.
    "amenity=kindergarten": "other",
    "amenity=childcare": "other",
    "amenity=school": "other",
    "amenity=college": "other",
    "amenity=university": "other",
    "amenity=hospital": "other",
    "amenity=clinic": "other",
    "amenity=doctors": "other",
    "amenity=pharmacy": "other",
    "amenity=social_facility": "other",
    "amenity=nursing_home": "other",
    "amenity=marketplace": "other",
    "amenity=post_office": "other",
    "amenity=bank": "other",
    "amenity=police": "other",
    "amenity=townhall": "other",
    "amenity=toilets": "other",
    "amenity=arts_centre": "other",
    "amenity=theatre": "other",
    "shop=supermarket": "other",
    "shop=convenience": "other",
    "shop=greengrocer": "other",
    "shop=mall": "other",
    "leisure=stadium": "other",
    "leisure=swimming_pool": "other",
    "highway=bus_stop": "other",
    "railway=station": "other",
    "railway=subway_entrance": "other",
}

# Tags whose only purpose is linear: these never make a plaza unless area=yes.
_AREA_ONLY_IF_TAGGED = {"highway=pedestrian"}
# Point-only kinds (a lamp is never an area).
_NODE_ONLY = {"highway=street_lamp"}

FOOTPATH_HIGHWAYS = frozenset(
    {"footway", "path", "pedestrian", "steps", "living_street", "service", "cycleway"}
)

# building=* values that make poor demo "residential buildings".
DEMO_EXCLUDED_BUILDING_TYPES = frozenset(
    {"roof", "carport", "garage", "garages", "shed", "kiosk", "construction", "ruins", "toilets"}
)

SKIP_REASONS = ("invalid_geometry", "outside_boundary", "untagged", "unmapped", "building_part")

# Keys that say nothing about what an object is; an object with only these is untagged.
_META_KEYS = frozenset(
    {"created_by", "source", "note", "fixme", "FIXME", "comment", "attribution", "type"}
)
# Keys that name what a thing is, used to describe unmapped objects in the report.
_PRIMARY_KEYS = (
    "building",
    "highway",
    "amenity",
    "leisure",
    "landuse",
    "shop",
    "railway",
    "public_transport",
    "natural",
    "place",
    "barrier",
    "tourism",
    "office",
    "man_made",
    "waterway",
    "power",
    "route",
    "type",
)


@dataclass(frozen=True)
class OsmBuilding:
    osm_type: str  # "way" or "relation"
    osm_id: int
    name: str  # name:zh, else name, else ""
    building: str  # building=* value: yes, apartments, dormitory, ...
    levels: int | None  # building:levels
    geometry: dict[str, Any]  # normalised Polygon / MultiPolygon
    area_m2: float
    centroid: tuple[float, float]
    bbox: BBox
    tags: dict[str, str] = field(repr=False, compare=False)

    @property
    def ref(self) -> str:
        """OSM short reference, e.g. 'w125456038'."""
        return self.osm_type[0] + str(self.osm_id)


@dataclass(frozen=True)
class OsmFootpath:
    osm_id: int  # always a way
    name: str
    highway: str  # footway, path, service, ...
    geometry: dict[str, Any]  # LineString
    length_m: float
    centroid: tuple[float, float]
    bbox: BBox
    tags: dict[str, str] = field(repr=False, compare=False)
    osm_type: str = "way"

    @property
    def ref(self) -> str:
        return "w" + str(self.osm_id)


@dataclass(frozen=True)
class OsmAmenity:
    osm_type: str  # "node", "way" or "relation"
    osm_id: int
    kind: str  # one of SPACE_KINDS
    osm_tag: str  # the tag that decided the kind, e.g. "amenity=kindergarten"
    name: str
    geometry: dict[str, Any]  # Point, Polygon or MultiPolygon
    area_m2: float | None  # None for points
    centroid: tuple[float, float]
    bbox: BBox
    tags: dict[str, str] = field(repr=False, compare=False)

    @property
    def ref(self) -> str:
        return self.osm_type[0] + str(self.osm_id)


@dataclass(frozen=True)
class SkippedFeature:
    osm_type: str
    osm_id: int
    reason: str  # one of SKIP_REASONS
    detail: str  # e.g. "highway=primary" or the geometry error

    @property
    def ref(self) -> str:
        return self.osm_type[0] + str(self.osm_id)


@dataclass
class OsmImportResult:
    source: str
    buildings: list[OsmBuilding] = field(default_factory=list)
    footpaths: list[OsmFootpath] = field(default_factory=list)
    amenities: list[OsmAmenity] = field(default_factory=list)
    skipped: list[SkippedFeature] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    attribution: str = ATTRIBUTION

    @property
    def counts(self) -> dict[str, int]:
        """Features kept per kind: 'building', 'footpath' and each amenity space kind."""
        counts: Counter[str] = Counter()
        counts["building"] = len(self.buildings)
        counts["footpath"] = len(self.footpaths)
        counts.update(a.kind for a in self.amenities)
        return dict(counts)

    @property
    def skipped_counts(self) -> dict[str, int]:
        return dict(Counter(s.reason for s in self.skipped))

    def report(self, *, examples: int = 10) -> dict[str, Any]:
        """Dry-run summary, JSON-ready."""
        by_reason: dict[str, list[dict[str, str]]] = {}
        for item in self.skipped:
            bucket = by_reason.setdefault(item.reason, [])
            if len(bucket) < examples:
                bucket.append({"ref": item.ref, "detail": item.detail})
        other_tags = Counter(a.osm_tag for a in self.amenities if a.kind == "other")
        return {
            "source": self.source,
            "attribution": self.attribution,
            "counts": self.counts,
            "other_by_tag": dict(other_tags.most_common()),
            "skipped": self.skipped_counts,
            "skipped_examples": by_reason,
            "warnings": list(self.warnings),
            "elapsed_s": round(self.elapsed_s, 3),
        }

    def format_report(self) -> str:
        """The dry-run report as text for a management command or a log."""
        report = self.report(examples=5)
        lines = [f"OSM import (dry run) from {report['source']} — {self.attribution}"]
        lines.append("Kept:")
        lines += [f"  {kind}: {n}" for kind, n in sorted(report["counts"].items())]
        if report["skipped"]:
            lines.append("Skipped:")
            for reason, n in sorted(report["skipped"].items()):
                samples = ", ".join(
                    f"{e['ref']} ({e['detail']})" for e in report["skipped_examples"][reason]
                )
                lines.append(f"  {reason}: {n}  e.g. {samples}")
        if report["warnings"]:
            lines.append("Warnings:")
            lines += [f"  {w}" for w in report["warnings"]]
        lines.append(f"Read in {report['elapsed_s']} s")
        return "\n".join(lines)


# ------------------------------------------------------------------------ tag logic


def _name(tags: Mapping[str, str]) -> str:
    return tags.get("name:zh") or tags.get("name:zh-Hans") or tags.get("name") or ""


def _refine_kind(kind: str, tags: Mapping[str, str]) -> str:
    """Recognise community gardens, which OSM has no single tag for."""
    if kind == "pocket_park":
        garden_type = tags.get("garden:type", "")
        name = _name(tags) + " " + tags.get("name:en", "")
        if (
            garden_type in {"community", "allotment"}
            or "社区花园" in name
            or "community garden" in name.lower()
        ):
            return "community_garden"
    return kind


def space_kind_for_tags(
    tags: Mapping[str, str], *, is_area: bool = False
) -> tuple[str, str] | None:
    """(space kind, deciding "key=value") for an OSM object's tags, or None."""
    for tag, kind in OSM_TAG_TO_SPACE_KIND.items():
        key, value = tag.split("=", 1)
        if tags.get(key) != value:
            continue
        if tag in _AREA_ONLY_IF_TAGGED and not (is_area and tags.get("area") == "yes"):
            continue
        if tag in _NODE_ONLY and is_area:
            continue
        return _refine_kind(kind, tags), tag
    return None


def _is_building(tags: Mapping[str, str]) -> bool:
    return tags.get("building", "no") != "no"


def _wants_area(tags: Mapping[str, str]) -> bool:
    """Will this closed way / multipolygon give us a building or an amenity area?"""
    return _is_building(tags) or space_kind_for_tags(tags, is_area=True) is not None


def _is_footpath(tags: Mapping[str, str]) -> bool:
    return tags.get("highway") in FOOTPATH_HIGHWAYS and tags.get("area") != "yes"


def _describe(tags: Mapping[str, str]) -> str:
    for key in _PRIMARY_KEYS:
        if key in tags:
            return f"{key}={tags[key]}"
    key = next(iter(sorted(tags)), "")
    return f"{key}={tags[key]}" if key else ""


def _untagged(tags: Mapping[str, str]) -> bool:
    return all(key in _META_KEYS for key in tags)


def _levels(tags: Mapping[str, str], ref: str, warnings: list[str]) -> int | None:
    raw = tags.get("building:levels")
    if raw is None:
        return None
    try:
        # "3;4" (parts with different heights) → the tallest; "5.5" → 5.
        return max(int(float(part)) for part in raw.replace(",", ";").split(";"))
    except (ValueError, OverflowError):  # "abc", "inf"
        warnings.append(f"{ref}: building:levels={raw!r} is not a number; ignored")
        return None


# ---------------------------------------------------------------------------- reader


class _Reader:
    """State for one pass over a file; see `read_osm`."""

    def __init__(self, source: str, boundary: Boundary | None) -> None:
        self.result = OsmImportResult(source=source)
        self.boundary = boundary
        self.factory = osmium.geom.GeoJSONFactory()
        # Closed ways / multipolygons we expect an area from; any left at the end could
        # not be assembled (broken rings, members missing from the extract).
        self.pending_areas: dict[tuple[str, int], str] = {}
        self.untagged_ways: set[int] = set()
        self.relation_member_ways: set[int] = set()
        self.crossing_boundary = 0

    # -- helpers

    def skip(self, osm_type: str, osm_id: int, reason: str, detail: str) -> None:
        self.result.skipped.append(SkippedFeature(osm_type, osm_id, reason, detail))

    def check(
        self, osm_type: str, osm_id: int, geometry: dict[str, Any], allowed: tuple[str, ...]
    ) -> Any:
        """Validate, then clip by representative point. None if skipped."""
        try:
            checked = validate_geometry(geometry, region=None, allowed_types=allowed)
        except GeometryError as err:
            self.skip(osm_type, osm_id, "invalid_geometry", f"{err.code}: {err}")
            return None
        if self.boundary is not None:
            lon, lat = representative_point(checked.shape)
            inside = bbox_contains(self.boundary.bbox, lon, lat) and self.boundary.covers_point(
                lon, lat
            )
            if not inside:
                self.skip(osm_type, osm_id, "outside_boundary", "representative point outside")
                return None
            if not self.boundary.covers(checked.shape):
                self.crossing_boundary += 1
        return checked

    # -- primitives

    def node(self, obj: Any) -> None:
        if not obj.tags:
            return  # a way vertex, not a feature
        tags = dict(obj.tags)
        if _untagged(tags):
            self.skip("node", obj.id, "untagged", ", ".join(sorted(tags)))
            return
        match = space_kind_for_tags(tags)
        if match is None:
            self.skip("node", obj.id, "unmapped", _describe(tags))
            return
        if not obj.location.valid():
            self.skip("node", obj.id, "invalid_geometry", "node without a valid location")
            return
        point = {"type": "Point", "coordinates": [obj.location.lon, obj.location.lat]}
        checked = self.check("node", obj.id, point, ("Point",))
        if checked is not None:
            self.add_amenity("node", obj.id, match, tags, checked)

    def way(self, obj: Any) -> None:
        tags = dict(obj.tags)
        if not tags:
            self.untagged_ways.add(obj.id)  # reported at the end unless a relation uses it
            return
        if _is_footpath(tags):
            self.footpath(obj, tags)
            return
        if _wants_area(tags):
            if obj.is_closed():
                self.pending_areas[("way", obj.id)] = _describe(tags)
            else:
                self.skip("way", obj.id, "invalid_geometry", "area tags on an open way")
            return
        if "building:part" in tags:
            self.skip("way", obj.id, "building_part", f"building:part={tags['building:part']}")
        elif _untagged(tags):
            self.skip("way", obj.id, "untagged", ", ".join(sorted(tags)))
        else:
            self.skip("way", obj.id, "unmapped", _describe(tags))

    def footpath(self, obj: Any, tags: dict[str, str]) -> None:
        try:
            line = json.loads(self.factory.create_linestring(obj))
        except (osmium.InvalidLocationError, RuntimeError) as exc:
            self.skip("way", obj.id, "invalid_geometry", f"cannot build line: {exc}")
            return
        checked = self.check("way", obj.id, line, ("LineString",))
        if checked is None:
            return
        self.result.footpaths.append(
            OsmFootpath(
                osm_id=obj.id,
                name=_name(tags),
                highway=tags["highway"],
                geometry=checked.geometry,
                length_m=checked.length_m,
                centroid=checked.centroid,
                bbox=checked.bbox,
                tags=tags,
            )
        )

    def relation(self, obj: Any) -> None:
        tags = dict(obj.tags)
        rel_type = tags.get("type")
        for member in obj.members:
            if member.type == "w":
                self.relation_member_ways.add(member.ref)
        if rel_type in ("multipolygon", "boundary") and _wants_area(tags):
            self.pending_areas[("relation", obj.id)] = _describe(tags)
        elif not tags or _untagged(tags):
            self.skip("relation", obj.id, "untagged", f"type={rel_type}")
        else:
            self.skip("relation", obj.id, "unmapped", _describe(tags))

    def area(self, obj: Any) -> None:
        osm_type = "way" if obj.from_way() else "relation"
        osm_id = obj.orig_id()
        tags = dict(obj.tags)
        if self.pending_areas.pop((osm_type, osm_id), None) is None:
            return  # an area we did not ask for (landuse, closed footway loop, ...)
        try:
            geometry = json.loads(self.factory.create_multipolygon(obj))
        except (osmium.InvalidLocationError, RuntimeError) as exc:
            self.skip(osm_type, osm_id, "invalid_geometry", f"cannot build area: {exc}")
            return
        if len(geometry["coordinates"]) == 1:
            geometry = {"type": "Polygon", "coordinates": geometry["coordinates"][0]}
        checked = self.check(osm_type, osm_id, geometry, POLYGONAL_TYPES)
        if checked is None:
            return
        ref = osm_type[0] + str(osm_id)
        if _is_building(tags):
            self.result.buildings.append(
                OsmBuilding(
                    osm_type=osm_type,
                    osm_id=osm_id,
                    name=_name(tags),
                    building=tags["building"],
                    levels=_levels(tags, ref, self.result.warnings),
                    geometry=checked.geometry,
                    area_m2=checked.area_m2,
                    centroid=checked.centroid,
                    bbox=checked.bbox,
                    tags=tags,
                )
            )
        match = space_kind_for_tags(tags, is_area=True)
        if match is not None:
            self.add_amenity(osm_type, osm_id, match, tags, checked)

    def add_amenity(
        self, osm_type: str, osm_id: int, match: tuple[str, str], tags: dict[str, str], checked: Any
    ) -> None:
        kind, tag = match
        self.result.amenities.append(
            OsmAmenity(
                osm_type=osm_type,
                osm_id=osm_id,
                kind=kind,
                osm_tag=tag,
                name=_name(tags),
                geometry=checked.geometry,
                area_m2=checked.area_m2,
                centroid=checked.centroid,
                bbox=checked.bbox,
                tags=tags,
            )
        )

    def finish(self) -> OsmImportResult:
        for (osm_type, osm_id), what in sorted(self.pending_areas.items()):
            self.skip(
                osm_type,
                osm_id,
                "invalid_geometry",
                f"{what}: could not assemble the area (broken ring or members missing "
                "from the extract)",
            )
        for way_id in sorted(self.untagged_ways - self.relation_member_ways):
            self.skip("way", way_id, "untagged", "no tags")
        if self.crossing_boundary:
            self.result.warnings.append(
                f"{self.crossing_boundary} kept features extend beyond the boundary "
                "(kept because their representative point is inside)"
            )
        kept = len(self.result.buildings) + len(self.result.footpaths)
        if not kept + len(self.result.amenities):
            self.result.warnings.append("No features were kept.")
        return self.result


def read_osm(
    path: str | os.PathLike[str],
    boundary: dict[str, Any] | Boundary | None = None,
) -> OsmImportResult:
    """Read buildings, footpaths and amenities from an .osm or .osm.pbf file.

    With a `boundary` (GeoJSON Polygon/MultiPolygon), keep only the features whose
    representative point (a point guaranteed to lie on the feature) is inside it; the
    features are not cut, so a building straddling the boundary stays whole.
    """
    start = time.perf_counter()
    file_path = Path(path)
    if not file_path.is_file():
        raise FileNotFoundError(f"OSM file not found: {file_path}")
    bound = Boundary.coerce(boundary) if boundary is not None else None
    reader = _Reader(str(file_path), bound)
    # with_areas() makes two passes (relations first) and turns closed ways and
    # multipolygon relations into Area objects with assembled rings; it also enables
    # the node location cache that ways need for their coordinates.
    processor = osmium.FileProcessor(str(file_path)).with_areas()
    for obj in processor:
        # Objects are only valid during their iteration step: every handler copies out
        # what it needs.
        if isinstance(obj, osmium.osm.Area):
            reader.area(obj)
        elif isinstance(obj, osmium.osm.Node):
            reader.node(obj)
        elif isinstance(obj, osmium.osm.Way):
            reader.way(obj)
        elif isinstance(obj, osmium.osm.Relation):
            reader.relation(obj)
    result = reader.finish()
    result.elapsed_s = time.perf_counter() - start
    return result


def osm_buildings_for_demo(
    path: str | os.PathLike[str],
    bbox: BBox,
    limit: int = 20,
    *,
    min_area_m2: float = 30.0,
    exclude_types: frozenset[str] = DEMO_EXCLUDED_BUILDING_TYPES,
) -> list[OsmBuilding]:
    """Real building footprints for demo data: up to `limit` buildings whose centroid is
    inside `bbox` (min_lon, min_lat, max_lon, max_lat), nearest to its centre first.

    `measure.nearby_bbox(lon, lat, metres)` gives a bbox around a point. Sheds and
    kiosks below `min_area_m2`, and canopies, garages and the like (`exclude_types`,
    by building=* value), are left out. The order is deterministic (distance, then
    OSM id) so demo data is reproducible. Show `ATTRIBUTION` wherever they appear.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    if not (min_lon <= max_lon and min_lat <= max_lat):
        raise ValueError("bbox must be (min_lon, min_lat, max_lon, max_lat)")
    centre_lon = (min_lon + max_lon) / 2
    centre_lat = (min_lat + max_lat) / 2
    result = read_osm(path)
    candidates = [
        b
        for b in result.buildings
        if b.area_m2 >= min_area_m2
        and b.building not in exclude_types
        and bbox_contains(bbox, *b.centroid)
    ]
    candidates.sort(
        key=lambda b: (haversine_m(centre_lon, centre_lat, *b.centroid), b.osm_type, b.osm_id)
    )
    return candidates[: max(0, limit)]
