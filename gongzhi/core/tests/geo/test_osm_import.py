"""OpenStreetMap import: a synthetic extract for the mapping rules, the real Siping
Road extract (© OpenStreetMap contributors, ODbL) for counts, names and speed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongzhi.core.geo.geojson import GeometryError, validate_geometry
from gongzhi.core.geo.measure import haversine_m, nearby_bbox, representative_point
from gongzhi.core.geo.osm_import import (
    ATTRIBUTION,
    OSM_TAG_TO_SPACE_KIND,
    SKIP_REASONS,
    SPACE_KINDS,
    osm_buildings_for_demo,
    read_osm,
    space_kind_for_tags,
)

# ------------------------------------------------------------- synthetic extract

_NODES = {
    # a 40 m × 40 m-ish square (building)
    1: (121.5000, 31.2800),
    2: (121.5004, 31.2800),
    3: (121.5004, 31.2804),
    4: (121.5000, 31.2804),
    # bow-tie (invalid building)
    5: (121.5010, 31.2800),
    6: (121.5014, 31.2804),
    7: (121.5014, 31.2800),
    8: (121.5010, 31.2804),
    # plaza square
    9: (121.5020, 31.2800),
    10: (121.5024, 31.2800),
    11: (121.5024, 31.2804),
    12: (121.5020, 31.2804),
    # footway loop (closed but linear)
    13: (121.5030, 31.2800),
    14: (121.5034, 31.2800),
    15: (121.5034, 31.2804),
    # community garden
    16: (121.5040, 31.2800),
    17: (121.5044, 31.2800),
    18: (121.5044, 31.2804),
    19: (121.5040, 31.2804),
    # open way with building tag, untagged way
    20: (121.5050, 31.2800),
    21: (121.5052, 31.2802),
    22: (121.5054, 31.2800),
}
_TAGGED_NODES = {
    100: ((121.5001, 31.2806), {"highway": "street_lamp"}),
    101: ((121.5002, 31.2806), {"amenity": "bicycle_parking", "capacity": "20"}),
    102: ((121.5003, 31.2806), {"amenity": "charging_station"}),
    103: ((121.5004, 31.2806), {"amenity": "restaurant", "name": "小笼包"}),
    104: ((121.5005, 31.2806), {"source": "survey"}),
    105: ((121.5006, 31.2806), {"amenity": "kindergarten", "name": "四平幼儿园"}),
    106: ((121.5007, 31.2806), {"leisure": "fitness_station"}),
    107: ((121.5008, 31.2806), {"amenity": "public_bookcase"}),
}
_WAYS = {
    200: (
        [1, 2, 3, 4, 1],
        {
            "building": "apartments",
            "building:levels": "3;6",
            "name": "Block 7",
            "name:zh": "七号楼",
        },
    ),
    201: ([5, 6, 7, 8, 5], {"building": "yes"}),
    202: ([9, 10, 11, 12, 9], {"highway": "pedestrian", "area": "yes", "name": "市民广场"}),
    203: ([13, 14, 15, 13], {"highway": "footway"}),
    204: (
        [16, 17, 18, 19, 16],
        {"leisure": "garden", "garden:type": "community", "name": "百草园"},
    ),
    205: ([20, 21, 22], {"building": "yes"}),
    206: ([20, 22], {}),
    207: ([1, 2], {"highway": "primary", "name": "四平路"}),
    208: ([3, 4], {"building:part": "yes"}),
    209: ([21, 22], {"highway": "service"}),
}
_RELATIONS = {
    300: ([("way", 207)], {"type": "route", "route": "bus", "name": "6路"}),
}


def _tags_xml(tags: dict[str, str]) -> str:
    return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())


def write_synthetic_osm(path: Path) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node_id, (lon, lat) in sorted(_NODES.items()):
        lines.append(f'<node id="{node_id}" version="1" lat="{lat}" lon="{lon}"/>')
    for node_id, ((lon, lat), tags) in sorted(_TAGGED_NODES.items()):
        lines.append(
            f'<node id="{node_id}" version="1" lat="{lat}" lon="{lon}">{_tags_xml(tags)}</node>'
        )
    for way_id, (refs, tags) in sorted(_WAYS.items()):
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        lines.append(f'<way id="{way_id}" version="1">{nds}{_tags_xml(tags)}</way>')
    for rel_id, (members, tags) in sorted(_RELATIONS.items()):
        mem = "".join(f'<member type="{t}" ref="{r}" role=""/>' for t, r in members)
        lines.append(f'<relation id="{rel_id}" version="1">{mem}{_tags_xml(tags)}</relation>')
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def synthetic(tmp_path):
    return read_osm(write_synthetic_osm(tmp_path / "tiny.osm"))


def test_synthetic_buildings(synthetic):
    assert [b.osm_id for b in synthetic.buildings] == [200]
    block = synthetic.buildings[0]
    assert block.name == "七号楼"  # name:zh preferred over name
    assert block.building == "apartments"
    assert block.levels == 6  # "3;6" → tallest part
    assert block.ref == "w200" and block.osm_type == "way"
    assert block.geometry["type"] == "Polygon"
    assert 1400 < block.area_m2 < 1700  # ~38 m × 44 m
    assert validate_geometry(block.geometry).geometry == block.geometry


def test_synthetic_amenities_map_to_space_kinds(synthetic):
    kinds = {a.ref: (a.kind, a.osm_tag) for a in synthetic.amenities}
    assert kinds == {
        "n100": ("street_lamp", "highway=street_lamp"),
        "n101": ("bike_shed", "amenity=bicycle_parking"),
        "n102": ("ev_charger", "amenity=charging_station"),
        "n105": ("other", "amenity=kindergarten"),
        "n106": ("fitness_area", "leisure=fitness_station"),
        "n107": ("book_corner", "amenity=public_bookcase"),
        "w202": ("plaza", "highway=pedestrian"),
        "w204": ("community_garden", "leisure=garden"),
    }
    garden = next(a for a in synthetic.amenities if a.ref == "w204")
    assert garden.name == "百草园" and garden.area_m2 > 0
    lamp = next(a for a in synthetic.amenities if a.ref == "n100")
    assert lamp.geometry == {"type": "Point", "coordinates": [121.5001, 31.2806]}
    assert lamp.area_m2 is None


def test_synthetic_footpaths(synthetic):
    # The closed footway loop is a path, not a plaza; the service road counts too.
    assert sorted((f.osm_id, f.highway) for f in synthetic.footpaths) == [
        (203, "footway"),
        (209, "service"),
    ]
    loop = next(f for f in synthetic.footpaths if f.osm_id == 203)
    assert loop.geometry["type"] == "LineString"
    assert loop.length_m == pytest.approx(38 + 44 + 58, rel=0.05)


def test_synthetic_skips_have_reasons(synthetic):
    skipped = {s.ref: (s.reason, s.detail) for s in synthetic.skipped}
    assert skipped["w201"][0] == "invalid_geometry"  # bow-tie building
    assert skipped["w205"] == ("invalid_geometry", "area tags on an open way")
    assert skipped["w206"] == ("untagged", "no tags")
    assert skipped["w207"] == ("unmapped", "highway=primary")
    assert skipped["w208"][0] == "building_part"
    assert skipped["n103"] == ("unmapped", "amenity=restaurant")
    assert skipped["n104"][0] == "untagged"
    assert skipped["r300"] == ("unmapped", "route=bus")
    assert set(synthetic.skipped_counts) <= set(SKIP_REASONS)
    assert synthetic.counts["building"] == 1
    assert synthetic.counts["footpath"] == 2


def test_report_is_json_ready_and_credits_osm(synthetic):
    report = synthetic.report()
    json.dumps(report, ensure_ascii=False)
    assert report["attribution"] == ATTRIBUTION == "© OpenStreetMap contributors"
    assert report["counts"]["street_lamp"] == 1
    assert report["skipped"]["unmapped"] >= 3
    assert report["other_by_tag"] == {"amenity=kindergarten": 1}
    text = synthetic.format_report()
    assert ATTRIBUTION in text and "invalid_geometry" in text


def test_mapping_constant_uses_the_space_vocabulary():
    assert set(OSM_TAG_TO_SPACE_KIND.values()) <= set(SPACE_KINDS)
    assert len(SPACE_KINDS) == 16
    assert space_kind_for_tags({"leisure": "park"}) == ("pocket_park", "leisure=park")
    assert space_kind_for_tags({"leisure": "park", "name": "鞍山四村社区花园"})[0] == (
        "community_garden"
    )
    assert space_kind_for_tags({"place": "square"}) == ("plaza", "place=square")
    assert space_kind_for_tags({"highway": "pedestrian"}) is None  # linear: a footpath
    assert space_kind_for_tags({"highway": "street_lamp"}, is_area=True) is None
    assert space_kind_for_tags({"amenity": "community_centre"})[0] == "community_living_room"
    assert space_kind_for_tags({"amenity": "restaurant"}) is None


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_osm(tmp_path / "nope.osm")


def test_invalid_boundary_is_refused(tmp_path):
    path = write_synthetic_osm(tmp_path / "tiny.osm")
    with pytest.raises(GeometryError):
        read_osm(path, boundary={"type": "Point", "coordinates": [121.5, 31.28]})


# ---------------------------------------------------------------- real extract


@pytest.fixture(scope="module")
def siping(siping_osm):
    return read_osm(siping_osm)


def test_siping_xml_and_pbf_agree(siping, siping_pbf):
    from_pbf = read_osm(siping_pbf)
    assert from_pbf.counts == siping.counts
    assert from_pbf.skipped_counts == siping.skipped_counts
    assert {b.ref for b in from_pbf.buildings} == {b.ref for b in siping.buildings}
    assert {(a.ref, a.kind) for a in from_pbf.amenities} == {
        (a.ref, a.kind) for a in siping.amenities
    }


def test_siping_counts(siping):
    counts = siping.counts
    assert 450 <= counts["building"] <= 550  # the extract has ~500 buildings
    assert counts["footpath"] > 100
    assert counts["sports_court"] > 10
    assert counts["pocket_park"] >= 5
    assert counts["book_corner"] >= 1
    assert counts["community_living_room"] >= 1
    assert counts["other"] > 10  # schools, hospital, kindergarten, bus stops...
    other_tags = {a.osm_tag for a in siping.amenities if a.kind == "other"}
    assert {"amenity=school", "amenity=hospital", "amenity=kindergarten"} <= other_tags
    assert all(a.kind in SPACE_KINDS for a in siping.amenities)
    assert siping.skipped_counts.get("unmapped", 0) > 0
    assert all(s.reason in SKIP_REASONS for s in siping.skipped)


def test_siping_keeps_chinese_names(siping):
    names = {b.name for b in siping.buildings}
    assert "同济大学图书馆" in names  # a multipolygon relation
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names) > 50
    centres = {a.name for a in siping.amenities if a.kind == "community_living_room"}
    assert "四平路街道社区文化服务中心" in centres


def test_siping_geometries_are_normalised(siping):
    for item in [*siping.buildings, *siping.footpaths, *siping.amenities]:
        assert validate_geometry(item.geometry, region=None).geometry == item.geometry
    for building in siping.buildings:
        assert building.area_m2 > 0
        assert building.geometry["type"] in ("Polygon", "MultiPolygon")


def test_siping_reports_its_reading_time(siping_osm):
    # Speed is measured in bench/, never asserted here (a loaded CI machine is no clock).
    result = read_osm(siping_osm)
    assert result.elapsed_s > 0


def _square(lon: float, lat: float, metres: float) -> dict:
    min_lon, min_lat, max_lon, max_lat = nearby_bbox(lon, lat, metres, pad=0)
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_siping_clip_to_a_small_boundary(siping, siping_osm):
    centre = next(a for a in siping.amenities if a.name == "四平路街道社区文化服务中心")
    boundary = _square(*centre.centroid, 150)
    clipped = read_osm(siping_osm, boundary=boundary)
    assert 0 < clipped.counts["building"] < siping.counts["building"] / 5
    assert clipped.skipped_counts["outside_boundary"] > 0
    assert centre.ref in {a.ref for a in clipped.amenities}
    from shapely.geometry import Point, shape

    area = shape(boundary)
    for item in [*clipped.buildings, *clipped.footpaths, *clipped.amenities]:
        assert area.covers(Point(representative_point(item.geometry)))
    kept = {b.ref for b in clipped.buildings}
    assert kept <= {b.ref for b in siping.buildings}


def test_buildings_for_demo(siping_osm):
    lon, lat = 121.5005, 31.2845
    box = nearby_bbox(lon, lat, 300)
    buildings = osm_buildings_for_demo(siping_osm, box, limit=12)
    assert 0 < len(buildings) <= 12
    distances = [haversine_m(lon, lat, *b.centroid) for b in buildings]
    assert distances == sorted(distances)
    assert all(
        box[0] <= b.centroid[0] <= box[2] and box[1] <= b.centroid[1] <= box[3] for b in buildings
    )
    assert all(b.area_m2 >= 30 and b.building != "roof" for b in buildings)
    again = osm_buildings_for_demo(siping_osm, box, limit=12)
    assert [b.ref for b in again] == [b.ref for b in buildings]  # reproducible demo data
    assert osm_buildings_for_demo(siping_osm, box, limit=0) == []
    with pytest.raises(ValueError):
        osm_buildings_for_demo(siping_osm, (box[2], box[1], box[0], box[3]))


def test_shanghai_centre_roads_only_extract_reads(shanghai_center_pbf):
    result = read_osm(shanghai_center_pbf)
    assert result.counts["building"] == 0
    assert result.skipped_counts["unmapped"] > 1000
