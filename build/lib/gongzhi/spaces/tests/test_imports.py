"""OSM import on the Siping extract, GeoJSON export → import round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from gongzhi.places.demo import S_CENTER, square
from gongzhi.places.models import Building, Community
from gongzhi.spaces.models import Space
from gongzhi.spaces.osm import osm_import
from gongzhi.spaces.services import spaces_export_geojson, spaces_import_geojson

from .conftest import LAT, LON
from .conftest import square as small_square

pytestmark = pytest.mark.django_db
SIPING = Path("/work/shared/data/osm/siping.osm")
needs_osm = pytest.mark.skipif(not SIPING.exists(), reason="shared OSM extract not present")


@pytest.fixture
def siping(personas):
    c = personas.community
    c.boundary = square(*S_CENTER, 260)  # the demo S community: 520 m square
    c.save(update_fields=["boundary"])
    return c


@needs_osm
def test_osm_dry_run_counts_and_writes_nothing(siping):
    report = osm_import(actor=None, community=siping, path=SIPING, dry_run=True)
    assert (report.buildings, report.footpaths, report.amenities) == (101, 23, 21)
    assert report.skipped["outside_boundary"] == 665
    assert report.skipped["invalid_geometry"] == 1
    assert Building.objects.filter(community=siping).exclude(osm_id="").count() == 0
    assert Space.objects.filter(community=siping).count() == 0


@needs_osm
def test_osm_import_writes_then_skips_on_second_run(siping):
    from django.utils import translation

    with translation.override("en"):  # the reasons below are read in English
        report = osm_import(actor=None, community=siping, path=SIPING, dry_run=False)
    assert report.created_buildings == 101
    # Paths whose middle is inside but which run on past the boundary are refused by
    # the same check as a hand-drawn shape, each with its reason in the report.
    refused_on_create = [r for r in report.refused if r.what in ("footpath",) or
                         r.what not in ("invalid_geometry", "outside_boundary")]
    assert report.created_spaces == 44 - len(refused_on_create)
    assert report.created_spaces >= 30
    assert all("outside" in r.detail.lower() for r in refused_on_create)
    assert Building.objects.filter(community=siping).exclude(osm_id="").count() == 101
    assert Space.objects.filter(community=siping).count() == report.created_spaces
    again = osm_import(actor=None, community=siping, path=SIPING, dry_run=False)
    assert again.created_buildings == 0
    assert again.created_spaces == 0
    assert again.already_there == 101 + report.created_spaces


@needs_osm
def test_osm_management_command_dry_run(siping, capsys):
    call_command("spaces", "import-osm", siping.slug, str(SIPING), "--dry-run")
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "buildings=101 footpaths=23 amenities=21" in out
    assert Building.objects.filter(community=siping).exclude(osm_id="").count() == 0


@needs_osm
def test_osm_web_page_dry_run(siping, personas):
    upload = SimpleUploadedFile("siping.osm", SIPING.read_bytes())
    r = personas.client("worker").post(reverse("spaces:import_osm", args=[siping.slug]),
                                       {"file": upload, "dry_run": "on"})
    assert r.status_code == 200
    assert r.context["report"].buildings == 101
    assert Space.objects.filter(community=siping).count() == 0


def test_osm_page_refuses_other_files(personas):
    upload = SimpleUploadedFile("notes.txt", b"hello")
    r = personas.client("worker").post(
        reverse("spaces:import_osm", args=[personas.community.slug]), {"file": upload})
    assert "file" in r.context["form"].errors


def test_geojson_round_trip(personas, make_space):
    make_space(name="园", state="planned", opening_hours="8-18", capacity=20,
               life_circle="5min", rules="不要踩草")
    make_space(name="路", kind="footpath", geometry={
        "type": "LineString", "coordinates": [[LON, LAT], [LON + 0.001, LAT]]})
    exported = spaces_export_geojson(actor=None, community=personas.community)
    other = personas.other_community
    other.boundary = personas.community.boundary
    other.save(update_fields=["boundary"])
    report = spaces_import_geojson(actor=None, community=other,
                                   data=json.dumps(exported), dry_run=False)
    assert report.created == 2 and report.refused_count == 0
    a = list(Space.objects.filter(community=personas.community).order_by("name")
             .values("name", "kind", "state", "geometry", "area_m2", "length_m", "capacity",
                     "opening_hours", "life_circle", "rules"))
    b = list(Space.objects.filter(community=other).order_by("name")
             .values("name", "kind", "state", "geometry", "area_m2", "length_m", "capacity",
                     "opening_hours", "life_circle", "rules"))
    assert a == b


def test_geojson_import_reports_each_bad_feature_and_dry_run_writes_nothing(personas):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "好", "kind": "plaza"},
         "geometry": small_square(LON, LAT)},
        {"type": "Feature", "properties": {"name": "交叉", "kind": "plaza"},
         "geometry": {"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.001, LAT + 0.001],
                                                          [LON + 0.001, LAT], [LON, LAT + 0.001],
                                                          [LON, LAT]]]}},
        {"type": "Feature", "properties": {"name": "远", "kind": "plaza"},
         "geometry": {"type": "Point", "coordinates": [LON + 1, LAT]}},
        {"type": "Feature", "properties": {"name": "反", "kind": "plaza"},
         "geometry": {"type": "Point", "coordinates": [LAT, LON]}},
        {"type": "Feature", "properties": {"name": "怪", "kind": "volcano"},
         "geometry": {"type": "Point", "coordinates": [LON, LAT]}},
    ]}
    report = spaces_import_geojson(actor=None, community=personas.community,
                                   data=json.dumps(fc), dry_run=True)
    assert [r.ok for r in report.rows] == [True, False, False, False, False]
    assert [r.code for r in report.rows[1:]] == ["self_intersection", "outside_boundary",
                                                 "swapped_coordinates", "kind"]
    assert Space.objects.count() == 0
    report = spaces_import_geojson(actor=None, community=personas.community,
                                   data=json.dumps(fc), dry_run=False)
    assert report.created == 1


def test_geojson_import_page(personas):
    upload = SimpleUploadedFile("x.geojson", b"{not json")
    r = personas.client("worker").post(
        reverse("spaces:import_geojson", args=[personas.community.slug]), {"file": upload})
    assert r.status_code == 200
    assert r.context["form"].errors["file"]


def test_export_download(personas, space):
    r = personas.client("admin").get(reverse("spaces:export", args=[personas.community.slug]))
    assert r["Content-Disposition"].endswith('-spaces.geojson"')
    body = json.loads(r.content)
    assert [f["properties"]["name"] for f in body["features"]] == ["口袋公园"]


def test_boundaryless_community_refuses_osm(personas):
    Community.objects.filter(pk=personas.community.pk).update(boundary=None)
    personas.community.refresh_from_db()
    report = osm_import(actor=None, community=personas.community, path=SIPING, dry_run=True)
    assert report.error
