"""Bad shapes are refused with a message naming the problem; typed text is kept."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gongzhi.spaces.models import Space

from .conftest import LAT, LON, square

pytestmark = pytest.mark.django_db

BOWTIE = {"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.001, LAT + 0.001],
                                              [LON + 0.001, LAT], [LON, LAT + 0.001],
                                              [LON, LAT]]]}
EMPTY = {"type": "Polygon", "coordinates": []}
OUTSIDE = square(LON + 0.05, LAT)  # ~5 km east, outside the ±0.01° test boundary
SWAPPED = {"type": "Point", "coordinates": [LAT, LON]}

CASES = [
    (BOWTIE, "self_intersection", ("crosses itself", "intersect")),
    (EMPTY, "empty", ("empty",)),
    (OUTSIDE, "outside_boundary", ("outside",)),
    (SWAPPED, "swapped_coordinates", ("swapped", "order")),
]


@pytest.mark.parametrize(("geometry", "code", "words"), CASES,
                         ids=[c[1] for c in CASES])
def test_form_refuses_bad_geometry_and_keeps_the_text(personas, geometry, code, words):
    typed = json.dumps(geometry)
    response = personas.client("worker").post(
        reverse("spaces:create", args=[personas.community.slug]),
        {"name": "坏形状", "kind": "plaza", "state": "open", "geometry": typed},
        HTTP_ACCEPT_LANGUAGE="en", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    form = response.context["form"]
    message = " ".join(form.errors["geometry"]).lower()
    assert any(w in message for w in words), message
    assert form.errors.as_data()["geometry"][0].code == code
    assert form["geometry"].value() == typed
    assert typed.replace('"', "&quot;") in response.content.decode()
    assert not Space.objects.filter(name="坏形状").exists()


def test_form_refuses_text_that_is_not_json(personas):
    response = personas.client("worker").post(
        reverse("spaces:create", args=[personas.community.slug]),
        {"name": "x", "kind": "plaza", "state": "open", "geometry": "[[121.5, 31.2"})
    assert response.status_code == 200
    assert "geometry" in response.context["form"].errors
    assert "[[121.5, 31.2" in response.content.decode()


@pytest.mark.parametrize(("geometry", "code", "words"), CASES,
                         ids=[c[1] for c in CASES])
def test_api_refuses_bad_geometry_with_400(personas, geometry, code, words):
    response = personas.client("worker").post(
        "/api/v1/spaces/", {"community": personas.community.slug, "kind": "plaza",
                            "name": "坏形状", "geometry": geometry},
        content_type="application/json", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "geometry"
    assert any(w in body["errors"][0]["message"].lower() for w in words)


def test_area_is_computed_for_a_polygon(make_space):
    # 0.0004° × 0.0004° at 31.28°N ≈ 38.1 m × 44.5 m ≈ 1,695 m²
    space = make_space(geometry=square(LON, LAT, 0.0002))
    assert space.area_m2 == pytest.approx(1695, rel=0.01)
    assert space.length_m is None
    assert (space.lon, space.lat) == (pytest.approx(LON), pytest.approx(LAT))
    assert space.min_lon == pytest.approx(LON - 0.0002)
    assert space.max_lat == pytest.approx(LAT + 0.0002)


def test_length_is_computed_for_a_line(make_space):
    # 0.001° of latitude ≈ 110.9 m
    line = {"type": "LineString", "coordinates": [[LON, LAT], [LON, LAT + 0.001]]}
    space = make_space(kind="footpath", geometry=line)
    assert space.length_m == pytest.approx(110.9, abs=0.3)
    assert space.area_m2 is None


def test_point_has_neither(make_space):
    space = make_space(kind="street_lamp", geometry={"type": "Point", "coordinates": [LON, LAT]})
    assert space.area_m2 is None and space.length_m is None
    assert space.min_lon == space.max_lon == pytest.approx(LON)
