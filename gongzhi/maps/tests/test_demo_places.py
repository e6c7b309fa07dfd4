"""The demo's places sit on real features of the shipped Siping extract, and without an
extract the demo says what it fell back to (console and map)."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import Point, shape

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.maps import demo_places as dp

pytestmark = pytest.mark.django_db


def _metres(a, b) -> float:
    """Distance in metres between two shapely geometries at Shanghai's latitude."""
    from shapely.affinity import scale

    k = math.cos(math.radians(31.28))
    return scale(a, k, 1, origin=(0, 0)).distance(scale(b, k, 1, origin=(0, 0))) * 111_320


@pytest.fixture(scope="module")
def roads():
    return [shape(f["geometry"]) for f in dp.features("road")]


def _run(until: int) -> DemoContext:
    ctx = DemoContext(small=True)
    for order, _name, step in demo_steps():
        if order <= until:
            step(ctx)
    return ctx


def test_demo_places_are_real_places(roads):
    from gongzhi.places.models import Building
    from gongzhi.reports.models import Report
    from gongzhi.spaces.models import Space

    ctx = _run(50)
    assert not [n for n in ctx.notes if "made-up" in n], ctx.notes
    s, b = ctx.communities["s"], ctx.communities["b"]
    # Homes are real OSM outlines.
    assert not Building.objects.filter(osm_id="").exists()
    # Every lamp stands on (within 6 m of the centre line of) a real street or footpath.
    lamps = Space.objects.filter(kind="street_lamp")
    assert lamps.count() == 12 + 20
    for lamp in lamps:
        p = Point(lamp.lon, lamp.lat)
        assert min(_metres(p, r) for r in roads) <= 6, lamp.name
    # The garden is inside the real green space of 同济新村.
    green = shape(dp.named("小区绿地", "green")["geometry"])
    garden = shape(Space.objects.get(community=s, kind="community_garden").geometry)
    assert green.buffer(1e-7).contains(garden)
    # The 500 m footpath of B follows real lanes.
    for path in Space.objects.filter(community=b, kind="footpath"):
        line = shape(path.geometry)
        assert max(_metres(Point(c), min(roads, key=lambda r: r.distance(Point(c))))
                   for c in line.coords) < 1
    # Reports are where a resident would stand: at a lamp, path, shed or in front of a home.
    places = [shape(sp.geometry) for sp in Space.objects.all()]
    places += [shape(bl.footprint) for bl in Building.objects.exclude(footprint=None)]
    for report in Report.objects.all()[:40]:
        p = Point(report.lon, report.lat)
        assert min(_metres(p, g) for g in places) <= 10, report.location_text


def test_without_an_extract_the_demo_says_what_it_fell_back_to(monkeypatch, personas):
    from django.test import Client
    from django.urls import reverse

    monkeypatch.setenv("GONGZHI_DEMO_OSM", "none")
    ctx = _run(12)
    notes = " ".join(ctx.notes)
    assert "no OpenStreetMap extract" in notes and "made-up rectangles" in notes
    assert "NO basemap" in notes
    s = ctx.communities["s"]
    html = Client().get(reverse("spaces:map", args=[s.slug])).content.decode()
    assert "OpenStreetMap" in html and "没有导入" in html or "has been imported" in html
