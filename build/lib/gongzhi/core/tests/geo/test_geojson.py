"""GeoJSON validation and normalisation."""

from __future__ import annotations

import json

import pytest
from django.utils.functional import Promise
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.core.geo.geojson import (
    ERROR_CODES,
    POLYGONAL_TYPES,
    Boundary,
    GeometryError,
    validate_feature,
    validate_feature_collection,
    validate_geometry,
)
from gongzhi.core.geo.measure import GEOD, geodesic_area_m2

# A small community around Siping Road (WGS-84), roughly 950 m × 1100 m.
COMMUNITY = {
    "type": "Polygon",
    "coordinates": [
        [
            [121.495, 31.280],
            [121.505, 31.280],
            [121.505, 31.290],
            [121.495, 31.290],
            [121.495, 31.280],
        ]
    ],
}
GARDEN_CW = [  # clockwise on purpose
    [121.500, 31.285],
    [121.500, 31.286],
    [121.501, 31.286],
    [121.501, 31.285],
    [121.500, 31.285],
]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(r) for r in rings]}


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def error_of(data, **options) -> GeometryError:
    with pytest.raises(GeometryError) as info:
        validate_geometry(data, **options)
    return info.value


# ------------------------------------------------------------------ normalisation


def test_polygon_is_normalised_with_metrics():
    ring = [[x + 1e-9, y, 12.0] for x, y in GARDEN_CW]  # noise below 7 decimals, and Z
    result = validate_geometry(polygon(ring))
    exterior = result.geometry["coordinates"][0]
    assert all(len(p) == 2 for p in exterior)  # Z stripped
    assert exterior[0] == [121.5, 31.285]  # rounded to 7 decimals
    assert signed_area(exterior) > 0  # exterior counter-clockwise (RFC 7946 §3.1.6)
    assert result.geom_type == "Polygon"
    assert result.area_m2 == pytest.approx(95.2 * 111.0, rel=0.02)
    assert result.length_m is None
    assert result.bbox == (121.5, 31.285, 121.501, 31.286)
    assert result.centroid == pytest.approx((121.5005, 31.2855))
    assert result.as_dict()["bbox"] == [121.5, 31.285, 121.501, 31.286]


def test_holes_are_wound_clockwise():
    outer = COMMUNITY["coordinates"][0]
    hole_ccw = GARDEN_CW[::-1]
    result = validate_geometry(polygon(outer, hole_ccw))
    exterior, hole = result.geometry["coordinates"]
    assert signed_area(exterior) > 0 and signed_area(hole) < 0
    assert result.area_m2 == pytest.approx(
        geodesic_area_m2(COMMUNITY) - geodesic_area_m2(polygon(GARDEN_CW))
    )


def test_every_supported_type_is_accepted():
    a, b, c = [121.50, 31.28], [121.51, 31.28], [121.51, 31.29]
    cases = {
        "Point": a,
        "MultiPoint": [a, b],
        "LineString": [a, b, c],
        "MultiLineString": [[a, b], [b, c]],
        "Polygon": [[a, b, c, a]],
        "MultiPolygon": [
            [[a, b, c, a]],
            [[[121.6, 31.3], [121.61, 31.3], [121.61, 31.31], [121.6, 31.3]]],
        ],
    }
    for kind, coordinates in cases.items():
        result = validate_geometry({"type": kind, "coordinates": coordinates})
        assert result.geom_type == kind
        assert (result.area_m2 is not None) == (kind in POLYGONAL_TYPES)
        assert (result.length_m is not None) == ("LineString" in kind)
    line = validate_geometry({"type": "LineString", "coordinates": [a, b]})
    assert line.length_m == pytest.approx(GEOD.inv(*a, *b)[2])
    point = validate_geometry({"type": "Point", "coordinates": a})
    assert point.bbox == (121.5, 31.28, 121.5, 31.28) and point.centroid == (121.5, 31.28)


def test_json_text_is_accepted():
    result = validate_geometry(json.dumps(polygon(GARDEN_CW)))
    assert result.geom_type == "Polygon"


ring_coords = st.tuples(
    st.floats(100, 130),  # lon
    st.floats(20, 45),  # lat
    st.floats(1e-4, 0.05),  # width (degrees)
    st.floats(1e-4, 0.05),  # height
    st.booleans(),  # clockwise?
)


@settings(max_examples=100, deadline=None)
@given(ring_coords)
def test_normalisation_is_idempotent_and_winding_independent(params):
    lon, lat, w, h, clockwise = params
    ring = [[lon, lat], [lon + w, lat], [lon + w, lat + h], [lon, lat + h], [lon, lat]]
    if clockwise:
        ring = ring[::-1]
    first = validate_geometry(polygon(ring))
    again = validate_geometry(first.geometry)
    assert again.geometry == first.geometry
    assert signed_area(first.geometry["coordinates"][0]) > 0
    reversed_area = validate_geometry(polygon(ring[::-1])).area_m2
    assert first.area_m2 == pytest.approx(reversed_area, rel=1e-9)


# ------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ({"type": "LineString", "coordinates": []}, "empty"),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "empty"),
        ({"type": "MultiPoint", "coordinates": []}, "empty"),
        ({"type": "Polygon", "coordinates": [[]]}, "empty"),
        (polygon([[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]), "self_intersection"),
        (polygon([[121.5, 31.28], [121.51, 31.28], [121.51, 31.29]]), "unclosed_ring"),
        (polygon(GARDEN_CW[:-1]), "unclosed_ring"),
        ({"type": "Point", "coordinates": [181.0, 31.0]}, "out_of_range"),
        ({"type": "Point", "coordinates": [-12.0, -91.0]}, "out_of_range"),
        ({"type": "LineString", "coordinates": [[121.5, 31.28]]}, "too_few_points"),
        ({"type": "LineString", "coordinates": [[121.5, 31.28], [121.5, 31.28]]}, "too_few_points"),
        (polygon([[121.5, 31.28], [121.51, 31.28], [121.5, 31.28]]), "too_few_points"),
        (polygon([[0, 0], [1, 1], [2, 2], [0, 0]]), "too_few_points"),  # no area
        ({"type": "GeometryCollection", "geometries": []}, "unsupported_type"),
        ({"type": "Feature", "geometry": None}, "unsupported_type"),
        ({"type": "Circle", "coordinates": [0, 0]}, "unsupported_type"),
        ([121.5, 31.28], "malformed"),
        ({"coordinates": [121.5, 31.28]}, "malformed"),
        ({"type": "Point"}, "malformed"),
        ({"type": "Point", "coordinates": [121.5]}, "malformed"),
        ({"type": "Point", "coordinates": ["121.5", 31.28]}, "malformed"),
        ({"type": "Point", "coordinates": [True, 31.28]}, "malformed"),
        ({"type": "Point", "coordinates": [float("nan"), 31.28]}, "malformed"),
        ({"type": "Polygon", "coordinates": [121.5, 31.28]}, "malformed"),
        ("{not json", "malformed"),
        (
            polygon(
                [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]],
                [[2, 2], [3, 2], [3, 3], [2, 2]],
            ),
            "invalid_polygon",
        ),
    ],
)
def test_refusals(data, code):
    assert error_of(data).code == code


def test_self_intersection_reports_where():
    err = error_of(
        polygon(
            [[121.50, 31.28], [121.52, 31.30], [121.52, 31.28], [121.50, 31.30], [121.50, 31.28]]
        )
    )
    assert err.code == "self_intersection"
    assert err.params["lon"] == pytest.approx(121.51)
    assert err.params["lat"] == pytest.approx(31.29)
    with override("en"):
        assert str(err) == "The outline crosses itself near (121.51, 31.29)."


def test_out_of_range_names_the_point():
    err = error_of({"type": "LineString", "coordinates": [[121.5, 31.28], [121.5, 95.0]]})
    assert err.params["index"] == 2 and err.params["path"] == [1]
    with override("en"):
        assert "Point 2 (121.5, 95.0) is out of range" in str(err)


def test_swapped_coordinates_out_of_range_in_shanghai():
    lat_lon = [[lat, lon] for lon, lat in GARDEN_CW]  # 31.28, 121.5: latitude > 90
    err = error_of(polygon(lat_lon))
    assert err.code == "swapped_coordinates"


def test_swapped_coordinates_in_range_both_ways_in_xinjiang():
    # Ürümqi (87.6°E, 43.8°N) typed as (43.8, 87.6) is a valid point near the North Pole.
    assert error_of({"type": "Point", "coordinates": [43.8, 87.6]}).code == "swapped_coordinates"
    # Without an expected region the same point is accepted as given.
    assert validate_geometry({"type": "Point", "coordinates": [43.8, 87.6]}, region=None)


def test_swapped_coordinates_detected_against_a_boundary():
    # Swapped against a boundary we need both orders in range: a square boundary
    # astride the diagonal lon = lat, e.g. around (45, 45).
    boundary = polygon([[44.9, 44.95], [45.1, 44.95], [45.1, 45.05], [44.9, 45.05], [44.9, 44.95]])
    point = {"type": "Point", "coordinates": [45.0, 44.92]}  # outside; swapped (44.92, 45.0) inside
    err = error_of(point, boundary=boundary, region=None)
    assert err.code == "swapped_coordinates"


def test_correct_order_outside_china_is_not_called_swapped():
    paris = {"type": "Point", "coordinates": [2.35, 48.85]}
    assert validate_geometry(paris).centroid == (2.35, 48.85)


def test_outside_boundary_with_distance_and_tolerance():
    lon, lat, _ = GEOD.fwd(121.505, 31.285, 90.0, 100.0)  # 100 m east of the east edge
    point = {"type": "Point", "coordinates": [lon, lat]}
    err = error_of(point, boundary=COMMUNITY)
    assert err.code == "outside_boundary"
    assert err.params["index"] == 1
    assert err.params["distance_m"] == pytest.approx(100.0, abs=0.5)
    with override("en"):
        assert str(err).startswith("Point 1 (")
        assert "m outside the community boundary." in str(err)
    assert validate_geometry(point, boundary=COMMUNITY, tolerance_m=110)
    assert error_of(point, boundary=COMMUNITY, tolerance_m=50).code == "outside_boundary"


def test_outside_boundary_between_points():
    u_boundary = polygon(
        [[121.49, 31.28], [121.52, 31.28], [121.52, 31.30], [121.51, 31.30], [121.51, 31.29],
         [121.50, 31.29], [121.50, 31.30], [121.49, 31.30], [121.49, 31.28]]
    )  # fmt: skip
    line = {"type": "LineString", "coordinates": [[121.495, 31.295], [121.515, 31.295]]}
    err = error_of(line, boundary=u_boundary)
    assert err.code == "outside_boundary"
    assert "index" not in err.params


def test_inside_boundary_passes_and_boundary_object_is_reusable():
    boundary = Boundary(COMMUNITY, tolerance_m=5)
    for _ in range(3):
        assert validate_geometry(polygon(GARDEN_CW), boundary=boundary).area_m2 > 0
    with pytest.raises(GeometryError):
        Boundary({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})


def test_allowed_types_restricts():
    err = error_of({"type": "Point", "coordinates": [121.5, 31.28]}, allowed_types=POLYGONAL_TYPES)
    assert err.code == "unsupported_type"
    with override("en"):
        assert str(err) == "A Point is not allowed here; expected one of: Polygon, MultiPolygon."


def test_error_object_contract():
    err = error_of({"type": "Polygon", "coordinates": [GARDEN_CW[:-1]]})
    assert err.code in ERROR_CODES
    assert isinstance(err.message, Promise)  # gettext_lazy: translated when rendered
    assert err.params["ring"] == 1 and err.params["part"] == 1
    with override("en"):
        data = err.as_dict()
    assert data["code"] == "unclosed_ring"
    assert data["message"] == (
        "Ring 1 of polygon 1 is not closed: its last point must repeat its first point."
    )
    json.dumps(data)  # API-ready
    assert isinstance(err, ValueError)
    with pytest.raises(ValueError, match="Unknown geometry error code"):
        GeometryError("nope", "x")


# ---------------------------------------------------------------- features


def test_feature_and_collection():
    good = {
        "type": "Feature",
        "id": 7,
        "geometry": polygon(GARDEN_CW),
        "properties": {"name": "百草园"},
    }
    feature = validate_feature(good)
    assert feature.id == 7 and feature.properties == {"name": "百草园"}
    assert feature.as_geojson()["bbox"] == list(feature.geometry.bbox)

    bad = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [200, 0]},
        "properties": None,
    }
    empty = {"type": "Feature", "geometry": None, "properties": None}
    fc = {"type": "FeatureCollection", "features": [good, bad, empty, "junk"]}
    result = validate_feature_collection(fc)
    assert len(result.features) == 1 and not result.ok
    assert [(e.index, e.error.code) for e in result.errors] == [
        (1, "out_of_range"),
        (2, "empty"),
        (3, "malformed"),
    ]
    assert result.as_geojson()["features"][0]["properties"]["name"] == "百草园"

    with pytest.raises(GeometryError) as info:
        validate_feature_collection(fc, strict=True)
    assert info.value.code == "out_of_range" and info.value.params["feature"] == 2


def test_collection_accepts_lone_feature_or_geometry_and_checks_boundary():
    assert len(validate_feature_collection(polygon(GARDEN_CW)).features) == 1
    far = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.6, 31.3]}}
    result = validate_feature_collection(
        {"type": "FeatureCollection", "features": [far]}, boundary=COMMUNITY, tolerance_m=10
    )
    assert result.errors[0].error.code == "outside_boundary"


def test_collection_refuses_other_crs_and_bad_shapes():
    fc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [],
    }
    with pytest.raises(GeometryError) as info:
        validate_feature_collection(fc)
    assert info.value.code == "malformed" and "3857" in info.value.params["crs"]
    fc["crs"]["properties"]["name"] = "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert validate_feature_collection(fc).ok
    with pytest.raises(GeometryError):
        validate_feature_collection({"type": "FeatureCollection", "features": None})
    with pytest.raises(GeometryError):
        validate_feature_collection({"type": "Topology"})
    with pytest.raises(GeometryError):
        validate_feature({"type": "Feature", "geometry": polygon(GARDEN_CW), "properties": []})
