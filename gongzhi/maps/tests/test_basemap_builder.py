"""The offline basemap built from the shipped Siping extract (pure, no database)."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import box, shape

from gongzhi.core.geo.basemap import LAYERS, build_basemap, classify
from gongzhi.core.geo.measure import nearby_bbox

from .conftest import EXTRACT, S_CENTER

AREA = nearby_bbox(*S_CENTER, 660)


@pytest.fixture(scope="module")
def result():
    return build_basemap(EXTRACT, AREA)


def test_every_layer_a_resident_needs_is_there(result):
    assert set(result.counts) >= {"road", "building", "green", "water", "poi", "site"}
    # Independent reference: the import reader (its own osmium pass) finds the same
    # buildings meeting the area.
    from gongzhi.core.geo.osm_import import read_osm

    area = box(*AREA)
    expected = sum(1 for b in read_osm(EXTRACT).buildings if shape(b.geometry).intersects(area))
    assert result.counts["building"] == expected == 330
    assert result.counts["road"] == 225
    assert result.named_roads == 26


def test_streets_carry_their_chinese_names(result):
    names = {f["properties"].get("name") for f in result.features
             if f["properties"]["layer"] == "road"}
    assert {"四平路", "彰武路", "中山北二路", "同三路", "国康路"} <= names
    classes = {f["properties"]["class"] for f in result.features
               if f["properties"].get("name") == "四平路"}
    assert "major" in classes
    paths = [f for f in result.features if f["properties"]["layer"] == "road"
             and f["properties"]["class"] == "path"]
    assert len(paths) > 20  # footpaths are drawn, not only streets
    pois = {f["properties"].get("name") for f in result.features
            if f["properties"]["layer"] == "poi"}
    assert "同济大学" in pois and "交通银行" in pois


def test_everything_is_clipped_to_the_area_and_valid(result):
    area = box(*AREA).buffer(1e-6)  # coordinates are rounded to 6 decimals
    for f in result.features:
        g = shape(f["geometry"])
        assert g.is_valid and not g.is_empty
        assert area.contains(g), f["properties"]


def test_drawing_order_and_reproducible(result):
    order = [LAYERS.index(f["properties"]["layer"]) for f in result.features]
    assert order == sorted(order)
    again = build_basemap(EXTRACT, AREA)
    assert json.dumps(again.feature_collection()) == json.dumps(result.feature_collection())


def test_classify():
    assert classify({"building": "yes"}, is_area=True) == ("building", "yes")
    assert classify({"building": "no", "leisure": "park"}, is_area=True) == ("green", "park")
    assert classify({"natural": "water"}, is_area=True) == ("water", "water")
    assert classify({"highway": "primary"}, is_area=False) == ("road", "major")
    assert classify({"highway": "footway"}, is_area=False) == ("road", "path")
    assert classify({"highway": "primary", "tunnel": "yes"}, is_area=False) == ("road", "tunnel")
    assert classify({"highway": "bus_stop"}, is_area=False) is None
    assert classify({"waterway": "canal"}, is_area=False) == ("water_line", "canal")


def test_bad_input():
    with pytest.raises(FileNotFoundError):
        build_basemap("/nonexistent.osm.pbf")
    with pytest.raises(ValueError):
        build_basemap(EXTRACT, (121.6, 31.2, 121.5, 31.3))
