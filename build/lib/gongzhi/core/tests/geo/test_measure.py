"""Geodesic measurements, haversine and the nearby-bbox prefilter."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Polygon

from gongzhi.core.geo.measure import (
    EARTH_RADIUS_M,
    GEOD,
    bbox,
    bbox_contains,
    centroid,
    geodesic_area_m2,
    geodesic_distance_m,
    geodesic_length_m,
    geodesic_perimeter_m,
    haversine_m,
    haversine_m_array,
    nearby_bbox,
    representative_point,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[121.50, 31.28], [121.51, 31.28], [121.51, 31.29], [121.50, 31.29], [121.50, 31.28]]
    ],
}


def _utm_area(geometry: dict) -> float:
    # UTM zone 51N covers Shanghai; its scale factor (0.9996) keeps areas within 0.1%.
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1]))

    return shapely.transform(Polygon(geometry["coordinates"][0]), project).area


def test_area_of_a_square_near_shanghai_matches_a_metric_projection():
    area = geodesic_area_m2(SQUARE)
    assert area == pytest.approx(_utm_area(SQUARE), rel=2e-3)
    # ~951 m × 1109 m: degrees of longitude shrink with cos(latitude).
    assert 1.0e6 < area < 1.1e6


def test_area_ignores_winding_and_subtracts_holes():
    ring = SQUARE["coordinates"][0]
    clockwise = {"type": "Polygon", "coordinates": [ring[::-1]]}
    assert geodesic_area_m2(clockwise) == pytest.approx(geodesic_area_m2(SQUARE))
    hole = [
        [121.502, 31.282],
        [121.504, 31.282],
        [121.504, 31.284],
        [121.502, 31.284],
        [121.502, 31.282],
    ]
    with_hole = {"type": "Polygon", "coordinates": [ring, hole]}
    hole_area = geodesic_area_m2({"type": "Polygon", "coordinates": [hole]})
    assert geodesic_area_m2(with_hole) == pytest.approx(geodesic_area_m2(SQUARE) - hole_area)
    multi = {"type": "MultiPolygon", "coordinates": [[ring], [hole]]}
    assert geodesic_area_m2(multi) == pytest.approx(geodesic_area_m2(SQUARE) + hole_area)
    assert geodesic_area_m2({"type": "Point", "coordinates": [121.5, 31.28]}) == 0.0


def test_length_of_a_one_kilometre_line():
    lon2, lat2, _ = GEOD.fwd(121.5, 31.28, 30.0, 1000.0)
    line = {"type": "LineString", "coordinates": [[121.5, 31.28], [lon2, lat2]]}
    assert geodesic_length_m(line) == pytest.approx(1000.0, abs=1e-6)
    multi = {"type": "MultiLineString", "coordinates": [line["coordinates"]] * 2}
    assert geodesic_length_m(multi) == pytest.approx(2000.0, abs=1e-6)
    assert geodesic_length_m({"type": "Point", "coordinates": [121.5, 31.28]}) == 0.0
    assert geodesic_distance_m(121.5, 31.28, lon2, lat2) == pytest.approx(1000.0, abs=1e-6)


def test_perimeter_of_square():
    perimeter = geodesic_perimeter_m(SQUARE)
    assert perimeter == pytest.approx(2 * (951 + 1109), rel=5e-3)


def test_bbox_centroid_representative_point():
    assert bbox(SQUARE) == (121.50, 31.28, 121.51, 31.29)
    assert centroid(SQUARE) == pytest.approx((121.505, 31.285))
    u_shape = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    }
    lon, lat = representative_point(u_shape)
    assert Polygon(u_shape["coordinates"][0]).covers(Polygon([(lon, lat)] * 3).centroid)
    assert bbox_contains((0, 0, 1, 1), 1, 1) and not bbox_contains((0, 0, 1, 1), 1.1, 0.5)


def test_haversine_known_values():
    # One degree along the equator on the mean-radius sphere.
    assert haversine_m(0, 0, 1, 0) == pytest.approx(EARTH_RADIUS_M * math.pi / 180)
    assert haversine_m(121.5, 31.28, 121.5, 31.28) == 0.0
    assert haversine_m(0, 0, 180, 0) == pytest.approx(math.pi * EARTH_RADIUS_M)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(73, 135),
    st.floats(4, 53),
    st.floats(0, 360),
    st.floats(1, 20_000),
)
def test_haversine_is_within_0_6_percent_of_the_ellipsoid(lon, lat, azimuth, dist):
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, dist)
    # Worst case: north-south at the equator, where the meridian's radius of curvature
    # (6335 km) is 0.56% below the mean radius.
    assert haversine_m(lon, lat, lon2, lat2) == pytest.approx(dist, rel=6e-3)


def test_vectorised_haversine_broadcasts_and_matches_scalar():
    lons = np.array([121.50, 121.51, 121.52])
    lats = np.array([31.28, 31.29, 31.30])
    out = haversine_m_array(121.5, 31.28, lons, lats)
    assert out.shape == (3,)
    for i in range(3):
        assert out[i] == pytest.approx(haversine_m(121.5, 31.28, lons[i], lats[i]), rel=1e-12)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-179, 179),
    st.floats(-80, 80),
    st.floats(1, 20_000),
    st.floats(0, 360),
    st.floats(0, 1),
)
def test_nearby_bbox_contains_every_point_within_the_radius(lon, lat, metres, azimuth, frac):
    box = nearby_bbox(lon, lat, metres)
    # Geodesic (ellipsoid) distance, the stricter of the two.
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, metres * frac)
    lon2 = (lon2 + 180) % 360 - 180
    assert bbox_contains(box, lon2, lat2)
    # The spherical cap's widest point is poleward of the centre: probe that too.
    edge_lon = lon + math.degrees(
        math.asin(min(1.0, math.sin(metres / EARTH_RADIUS_M) / math.cos(math.radians(lat))))
    )
    if box[2] < 180:
        assert edge_lon <= box[2]


def test_nearby_bbox_is_tight_enough_to_be_useful():
    min_lon, min_lat, max_lon, max_lat = nearby_bbox(121.5, 31.28, 500)
    width_m = haversine_m(min_lon, 31.28, max_lon, 31.28)
    height_m = haversine_m(121.5, min_lat, 121.5, max_lat)
    assert 1000 <= width_m < 1030 and 1000 <= height_m < 1030


def test_nearby_bbox_edge_cases():
    assert nearby_bbox(0, 89.999, 1000)[0::2] == (-180.0, 180.0)  # the pole is in the cap
    assert nearby_bbox(179.999, 0, 1000)[0::2] == (-180.0, 180.0)  # crosses the antimeridian
    assert nearby_bbox(121.5, 31.28, 0)[:2] == pytest.approx((121.5, 31.28))
    with pytest.raises(ValueError):
        nearby_bbox(121.5, 31.28, -1)
