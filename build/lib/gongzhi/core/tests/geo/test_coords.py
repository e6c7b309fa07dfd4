"""WGS-84 ⇄ GCJ-02 ⇄ BD-09 conversions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.core.geo import coords
from gongzhi.core.geo.coords import (
    CHINA_BBOX,
    bd09_to_gcj02,
    bd09_to_gcj02_array,
    bd09_to_wgs84,
    convert,
    convert_array,
    convert_geometry,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    gcj02_to_wgs84_array,
    out_of_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
    wgs84_to_gcj02_array,
)
from gongzhi.core.geo.measure import haversine_m

# Published WGS-84 → GCJ-02 vectors from the test suite of googollee/eviltransform
# (python/test.py, TESTS: "wgsLat, wgsLng, gcjLat, gcjLng"; note lat-first order there).
EVILTRANSFORM_VECTORS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # beijing
]

# Baidu Maps geoconv v1 API documentation example: coords=114.21892734521,29.575429778924
# with from=1 (WGS-84) to=5 (BD-09) returns x=114.23074871804, y=29.579084601442.
# Baidu's server is not bound to the published formulas, so we only expect metre-level
# agreement (measured: 1.7e-6° lon, 4.6e-6° lat, about 0.5 m).
BAIDU_GEOCONV_EXAMPLE = ((114.21892734521, 29.575429778924), (114.23074871804, 29.579084601442))

# Inside China, away from the edges of the passthrough rectangle so that the ~0.01°
# offset never carries a point across it.
china_lon = st.floats(min_value=CHINA_BBOX[0] + 0.1, max_value=CHINA_BBOX[2] - 0.1)
china_lat = st.floats(min_value=CHINA_BBOX[1] + 0.1, max_value=CHINA_BBOX[3] - 0.1)

ROUND_TRIP_TOL = 1e-9  # degrees; the requirement is 1e-6 (~0.1 m), we do far better


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM_VECTORS)
def test_wgs_to_gcj_matches_eviltransform_vectors(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lon, lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    assert lon == pytest.approx(gcj_lon, abs=1e-9)
    assert lat == pytest.approx(gcj_lat, abs=1e-9)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM_VECTORS)
def test_gcj_to_wgs_inverts_eviltransform_vectors(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert lon == pytest.approx(wgs_lon, abs=1e-9)
    assert lat == pytest.approx(wgs_lat, abs=1e-9)


def test_array_versions_match_scalar_vectors():
    table = np.array(EVILTRANSFORM_VECTORS)
    wgs_lat, wgs_lon, gcj_lat, gcj_lon = table.T
    lon, lat = wgs84_to_gcj02_array(wgs_lon, wgs_lat)
    np.testing.assert_allclose(lon, gcj_lon, atol=1e-9, rtol=0)
    np.testing.assert_allclose(lat, gcj_lat, atol=1e-9, rtol=0)
    lon, lat = gcj02_to_wgs84_array(gcj_lon, gcj_lat)
    np.testing.assert_allclose(lon, wgs_lon, atol=1e-9, rtol=0)
    np.testing.assert_allclose(lat, wgs_lat, atol=1e-9, rtol=0)


def test_one_step_inverse_would_not_be_accurate_enough():
    # Why the inverse is iterative: the popular gcj - (wgs2gcj(gcj) - gcj) shortcut
    # misses by more than our 1e-6° budget.
    _wlat, _wlon, gcj_lat, gcj_lon = EVILTRANSFORM_VECTORS[0]
    f_lon, f_lat = wgs84_to_gcj02(gcj_lon, gcj_lat)
    approx = (2 * gcj_lon - f_lon, 2 * gcj_lat - f_lat)
    exact = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert max(abs(approx[0] - exact[0]), abs(approx[1] - exact[1])) > 1e-6


def test_wgs_to_bd_matches_baidu_geoconv_example_to_a_metre():
    (lon, lat), (bd_lon, bd_lat) = BAIDU_GEOCONV_EXAMPLE
    got = wgs84_to_bd09(lon, lat)
    assert haversine_m(*got, bd_lon, bd_lat) < 1.0
    back = bd09_to_wgs84(bd_lon, bd_lat)
    assert haversine_m(*back, lon, lat) < 1.0


def test_gcj_offset_in_shanghai_is_a_few_hundred_metres():
    siping = (121.5, 31.285)  # Siping Road, Yangpu
    offset = haversine_m(*siping, *wgs84_to_gcj02(*siping))
    assert 300 < offset < 700
    # BD-09 adds roughly another kilometre on top of GCJ-02.
    assert 500 < haversine_m(*wgs84_to_gcj02(*siping), *wgs84_to_bd09(*siping)) < 1500


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_wgs_gcj_round_trip_inside_china(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(back[0] - lon) < ROUND_TRIP_TOL
    assert abs(back[1] - lat) < ROUND_TRIP_TOL
    again = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert abs(again[0] - lon) < ROUND_TRIP_TOL
    assert abs(again[1] - lat) < ROUND_TRIP_TOL


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_gcj_bd_and_wgs_bd_round_trips_inside_china(lon, lat):
    back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert abs(back[0] - lon) < ROUND_TRIP_TOL
    assert abs(back[1] - lat) < ROUND_TRIP_TOL
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert abs(back[0] - lon) < ROUND_TRIP_TOL
    assert abs(back[1] - lat) < ROUND_TRIP_TOL


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=50))
def test_vectorised_equals_scalar(points):
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    for src, dst in [("wgs84", "gcj02"), ("gcj02", "wgs84"), ("gcj02", "bd09"), ("bd09", "wgs84")]:
        a_lon, a_lat = convert_array(lon, lat, src, dst)
        for i, (x, y) in enumerate(points):
            s_lon, s_lat = convert(x, y, src, dst)
            assert abs(a_lon[i] - s_lon) < 1e-11
            assert abs(a_lat[i] - s_lat) < 1e-11


def test_classic_bd_inverse_is_available_and_less_exact():
    lon, lat = 121.5, 31.285
    bd = gcj02_to_bd09(lon, lat)
    classic = bd09_to_gcj02(*bd, exact=False)
    exact = bd09_to_gcj02(*bd)
    assert max(abs(exact[0] - lon), abs(exact[1] - lat)) < ROUND_TRIP_TOL
    assert max(abs(classic[0] - lon), abs(classic[1] - lat)) < 5e-6
    np.testing.assert_allclose(bd09_to_gcj02_array(*bd, exact=False), classic, atol=1e-12)


outside_china = st.one_of(
    st.tuples(st.floats(-180, 73.0), st.floats(-90, 90)),
    st.tuples(st.floats(135.1, 180), st.floats(-90, 90)),
    st.tuples(st.floats(-180, 180), st.floats(53.6, 90)),
    st.tuples(st.floats(-180, 180), st.floats(-90, 3.8)),
)


@given(outside_china)
def test_passthrough_outside_china(point):
    lon, lat = point
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    a_lon, a_lat = wgs84_to_gcj02_array([lon], [lat])
    assert (a_lon[0], a_lat[0]) == (lon, lat)
    a_lon, a_lat = gcj02_to_wgs84_array([lon], [lat])
    assert (a_lon[0], a_lat[0]) == (lon, lat)


@pytest.mark.parametrize(
    "place",
    [(139.6917, 35.6895), (-74.006, 40.7128), (151.2093, -33.8688), (2.3522, 48.8566)],
    ids=["tokyo", "new_york", "sydney", "paris"],
)
def test_world_cities_are_not_shifted(place):
    assert wgs84_to_gcj02(*place) == place


def test_mixed_array_converts_only_points_in_china():
    lon, lat = wgs84_to_gcj02_array([121.5, 2.35], [31.285, 48.85])
    assert lon[0] != 121.5 and lat[0] != 31.285
    assert (lon[1], lat[1]) == (2.35, 48.85)
    back_lon, back_lat = gcj02_to_wgs84_array(lon, lat)
    np.testing.assert_allclose(back_lon, [121.5, 2.35], atol=1e-12)
    np.testing.assert_allclose(back_lat, [31.285, 48.85], atol=1e-12)


def test_arrays_keep_shape_and_accept_empty_input():
    lon = np.full((2, 3), 121.5)
    lat = np.full((2, 3), 31.285)
    out_lon, out_lat = gcj02_to_wgs84_array(lon, lat)
    assert out_lon.shape == (2, 3) and out_lat.shape == (2, 3)
    empty_lon, empty_lat = gcj02_to_wgs84_array([], [])
    assert empty_lon.size == 0 and empty_lat.size == 0
    # Results are fresh arrays: writing to them must not touch the inputs.
    out_lon[0, 0] = 0
    assert lon[0, 0] == 121.5


def test_convert_geometry_converts_every_position_and_keeps_structure():
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [[121.50, 31.28], [121.51, 31.28], [121.51, 31.29], [121.50, 31.28]],
            [[121.505, 31.282], [121.506, 31.283, 12.5], [121.506, 31.282], [121.505, 31.282]],
        ],
        "bbox": [121.5, 31.28, 121.51, 31.29],
    }
    gcj = convert_geometry(polygon, "wgs84", "gcj02")
    assert "bbox" not in gcj
    assert gcj["coordinates"][1][1][2] == 12.5  # Z kept
    for ring_in, ring_out in zip(polygon["coordinates"], gcj["coordinates"], strict=True):
        for p_in, p_out in zip(ring_in, ring_out, strict=True):
            expected = wgs84_to_gcj02(p_in[0], p_in[1])
            assert p_out[0] == pytest.approx(expected[0], abs=1e-12)
            assert p_out[1] == pytest.approx(expected[1], abs=1e-12)
    back = convert_geometry(gcj, "gcj02", "wgs84")
    for ring_in, ring_out in zip(polygon["coordinates"], back["coordinates"], strict=True):
        for p_in, p_out in zip(ring_in, ring_out, strict=True):
            assert math.dist(p_in[:2], p_out[:2]) < ROUND_TRIP_TOL
    # The input is not modified.
    assert polygon["coordinates"][0][0] == [121.50, 31.28]


def test_convert_geometry_handles_features_and_collections():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.5, 31.28]}},
            {"type": "Feature", "geometry": None, "properties": {}},
            {
                "type": "Feature",
                "geometry": {
                    "type": "GeometryCollection",
                    "geometries": [{"type": "Point", "coordinates": [121.6, 31.3]}],
                },
            },
        ],
    }
    out = convert_geometry(fc, "wgs84", "bd09")
    assert out["features"][0]["geometry"]["coordinates"] == list(wgs84_to_bd09(121.5, 31.28))
    assert out["features"][1]["geometry"] is None
    inner = out["features"][2]["geometry"]["geometries"][0]["coordinates"]
    assert inner == list(wgs84_to_bd09(121.6, 31.3))


def test_unknown_crs_is_refused():
    with pytest.raises(ValueError, match="Unknown coordinate system"):
        convert(121.5, 31.28, "wgs84", "epsg3857")
    assert convert(121.5, 31.28, "gcj02", "gcj02") == (121.5, 31.28)


def test_constants_are_the_published_ones():
    assert coords.A == 6378245.0
    assert coords.EE == 0.00669342162296594323
    x_pi = coords.X_PI
    assert x_pi == math.pi * 3000.0 / 180.0
