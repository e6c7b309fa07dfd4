"""Pages, downloads and API: the permission matrix, content, errors and query counts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from gongzhi.places.demo import offset
from gongzhi.spatial import services
from gongzhi.testing.factories import BuildingFactory, HouseholdFactory

from .conftest import CENTER

pytestmark = pytest.mark.django_db

FULL = {"worker": 200, "admin": 200, "subdistrict_admin": 200}
REFUSED = {"anonymous": 302, "outsider": 403, "resident": 403, "verified": 403, "owner": 403,
           "other_admin": 403}


def url(view, community, **query):
    base = reverse(f"spatial:{view}", args=[community.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("name", ["access", "what_if", "csv", "geojson"])
@pytest.mark.parametrize("who", list(FULL) + list(REFUSED))
def test_permission_matrix(town, personas, name, who):
    r = personas.client(who).get(url(name, town["community"]))
    expected = FULL.get(who) or REFUSED[who]
    if who == "anonymous":
        assert r.status_code in (302, 403)
    else:
        assert r.status_code == expected


@pytest.mark.parametrize("who", ["resident", "verified", "owner"])
def test_residents_see_public_summary_only_when_switched_on(town, personas, who):
    community = town["community"]
    assert personas.client(who).get(url("access", community)).status_code == 403
    services.config_update(actor=personas.admin, community=community, public_summary=True)
    r = personas.client(who).get(url("access", community))
    assert r.status_code == 200
    html = r.content.decode()
    assert "access-map" not in html and "10号" not in html  # no building detail
    assert personas.client(who).get(url("csv", community)).status_code == 403
    assert personas.client(who).get(url("what_if", community)).status_code == 403
    # outsiders and other communities' staff still refused
    assert personas.client("outsider").get(url("access", community)).status_code == 403
    assert personas.client("other_admin").get(url("access", community)).status_code == 403


def test_access_page_content_in_chinese(town, personas):
    client = personas.client("worker")
    client.cookies["django_language"] = "zh-hans"
    r = client.get(url("access", town["community"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert "绿地" in html and "基尼系数" in html
    data = json.loads(html.split('id="access-data" type="application/json">')[1]
                      .split("</script>")[0])
    assert len(data["buildings"]) == 5
    assert data["lorenz"]["p"][0] == 0.0 and data["lorenz"]["p"][-1] == 1.0
    assert {c["code"] for c in data["categories"]} >= {"green", "play"}


def test_no_network_explains(personas):
    r = personas.client("worker").get(url("access", personas.community))
    assert r.status_code == 200
    assert "import-network" not in r.content.decode()  # only admins see the command
    r = personas.client("admin").get(url("access", personas.community))
    assert "import-network" in r.content.decode()


def test_csv_has_bom_and_rows(town, personas):
    r = personas.client("worker").get(url("csv", town["community"]))
    body = r.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert len(rows) == 1 + 5
    labels = [row[0] for row in rows[1:]]
    assert sorted(labels) == ["10", "11", "12", "13", "3"]
    assert r["Content-Disposition"].startswith("attachment;")


def test_geojson_download(town, personas):
    r = personas.client("admin").get(url("geojson", town["community"], mode="elderly"))
    data = json.loads(r.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 5
    props = {f["properties"]["label"]: f["properties"] for f in data["features"]}
    assert props["10"]["nearest"]["green"] == pytest.approx(50.0)
    assert data["properties"]["mode"] == "elderly"


def test_what_if_page_shows_effect_and_keeps_input(town, personas):
    client = personas.client("worker")
    lon, lat = offset(CENTER, 420, 0)
    r = client.get(url("what_if", town["community"], action="add", category="green",
                       lon=lon, lat=lat, capacity=20, name="规划花园"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "+18" in html  # 8 households × 2.3 persons gain green within 300 m
    r = client.get(url("what_if", town["community"], action="add", category="green",
                       lon="abc", lat=lat, name="保留的名字"))
    assert r.status_code == 400
    html = r.content.decode()
    assert "保留的名字" in html and 'aria-invalid="true"' in html


def test_access_page_query_count_is_constant(town, personas, django_assert_max_num_queries):
    client = personas.client("worker")
    client.get(url("access", town["community"]))  # warm the snapshot
    with django_assert_max_num_queries(19):
        client.get(url("access", town["community"]))
    for i in range(12):
        lon, lat = offset(CENTER, -400 + i * 60, 100)
        b = BuildingFactory(community=town["community"], number=f"n{i}", lon=lon, lat=lat)
        HouseholdFactory(building=b, room="101")
    client.get(url("access", town["community"]))
    with django_assert_max_num_queries(19):  # the same, with 12 more buildings
        r = client.get(url("access", town["community"]))
    assert r.content.decode().count('<th scope="row">n') == 12


def test_area_page(town, personas):
    region = town["community"].subdistrict
    r = personas.client("subdistrict_admin").get(reverse("spatial:area", args=[region.pk]))
    assert r.status_code == 200 and town["community"].name in r.content.decode()
    assert personas.client("outsider").get(
        reverse("spatial:area", args=[region.pk])).status_code == 403


# ---------------------------------------------------------------- API


def api(path):
    return f"/api/v1/spatial{path}"


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("outsider", 403),
                                        ("verified", 403), ("other_admin", 403),
                                        ("worker", 200), ("subdistrict_admin", 200)])
def test_api_access_matrix(town, personas, who, status):
    r = personas.client(who).get(api(f"/communities/{town['community'].slug}/access"))
    assert r.status_code == status
    if status != 200:
        assert r["Content-Type"] == "application/problem+json"
    else:
        body = r.json()
        assert len(body["buildings"]) == 5 and body["mode"] == "standard"


def test_api_summary_for_residents_when_public(town, personas):
    path = api(f"/communities/{town['community'].slug}/access/summary")
    assert personas.client("verified").get(path).status_code == 403
    services.config_update(actor=personas.admin, community=town["community"],
                           public_summary=True)
    body = personas.client("verified").get(path).json()
    assert {c["code"] for c in body["categories"]} >= {"green"}
    assert "buildings" not in body


def test_api_what_if_and_errors(town, personas):
    path = api(f"/communities/{town['community'].slug}/access/what-if")
    client = personas.client("worker")
    lon, lat = offset(CENTER, 420, 0)
    r = client.post(path, {"changes": [{"action": "add", "category": "green", "lon": lon,
                                        "lat": lat, "capacity": 20}]},
                    content_type="application/json")
    assert r.status_code == 200
    green = r.json()["delta"]["categories"]["green"]
    assert green["covered_after"] > green["covered_before"]
    for bad in ({"changes": []},
                {"changes": [{"action": "add", "category": "green", "lon": 500, "lat": 1}]},
                {"changes": [{"action": "add", "category": "nope", "lon": lon, "lat": lat}]},
                {"changes": [{"action": "close", "space": "999999"}]},
                {"changes": [{"action": "add", "category": "green"}]},
                {"changes": [{"action": "add", "category": "g", "name": "x" * 101,
                              "lon": lon, "lat": lat}]}):
        r = client.post(path, bad, content_type="application/json")
        assert r.status_code in (400, 422), bad
        assert r["Content-Type"] == "application/problem+json"
    assert personas.client("verified").post(path, {"changes": []},
                                            content_type="application/json").status_code in (
        400, 403, 422)


def test_api_no_network_is_404(personas):
    r = personas.client("worker").get(api(f"/communities/{personas.community.slug}/access"))
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


def test_openapi_lists_spatial(personas):
    spec = personas.client("anonymous").get("/api/v1/openapi.json").json()
    assert any(p.startswith("/api/v1/spatial/communities/") for p in spec["paths"])


def test_nav_link(town, personas):
    r = personas.client("worker").get(reverse("core:community", args=[town["community"].slug]))
    assert reverse("spatial:access", args=[town["community"].slug]) in r.content.decode()
    services.config_update(actor=personas.admin, community=town["community"],
                           public_summary=True)
    r = personas.client("verified").get(reverse("core:community",
                                                args=[town["community"].slug]))
    # residents' pages pay no query for the link; they reach the summary by its URL
    assert reverse("spatial:access", args=[town["community"].slug]) not in r.content.decode()
