"""GeoJSON endpoints: bbox, filters, pagination, validation, query counts, OpenAPI."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.places.models import Building
from gongzhi.spaces.demo import _make
from gongzhi.spaces.models import Space

from .conftest import LAT, LON, square

pytestmark = pytest.mark.django_db


def _bulk(community, n, *, kind="street_lamp", step=0.00005):
    rows = [_make(community, kind, f"灯{i}", {"type": "Point",
                                              "coordinates": [LON + (i % 20) * step,
                                                              LAT + (i // 20) * step]})
            for i in range(n)]
    return Space.objects.bulk_create(rows)


def test_bbox_filter_returns_exactly_the_intersecting_spaces(personas, make_space):
    inside = make_space(name="内", geometry={"type": "Point", "coordinates": [LON, LAT]})
    straddle = make_space(name="跨", geometry={"type": "LineString", "coordinates": [
        [LON - 0.003, LAT], [LON - 0.001, LAT]]})
    make_space(name="外", geometry={"type": "Point", "coordinates": [LON + 0.005, LAT]})
    bbox = f"{LON - 0.002},{LAT - 0.001},{LON + 0.001},{LAT + 0.001}"
    r = personas.client("anonymous").get("/api/v1/spaces/", {"community": "test-community",
                                                            "bbox": bbox})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/geo+json"
    assert sorted(f["id"] for f in r.json()["features"]) == sorted([inside.pk, straddle.pk])


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "121.6,31,121.5,32", "121,200,122,201",
                                  "nan,31,122,32", "1,2,3,4,5"])
def test_malformed_bbox_is_400_problem(personas, bbox):
    r = personas.client("anonymous").get("/api/v1/spaces/", {"community": "test-community",
                                                            "bbox": bbox})
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    assert "bbox" in r.json()["title"]


def test_kind_and_state_filters(personas, make_space):
    park = make_space(name="园")
    make_space(name="灯", kind="street_lamp", geometry={"type": "Point",
                                                       "coordinates": [LON, LAT]})
    make_space(name="旧", state="derelict")
    c = personas.client("anonymous")
    r = c.get("/api/v1/spaces/", {"community": "test-community", "kind": "pocket_park",
                                  "state": "open"})
    assert [f["id"] for f in r.json()["features"]] == [park.pk]
    assert c.get("/api/v1/spaces/", {"community": "test-community",
                                     "kind": "volcano"}).status_code == 400


def test_pagination_follows_next_links(personas):
    spaces = _bulk(personas.community, 25)
    c = personas.client("anonymous")
    url, seen, pages = "/api/v1/spaces/?community=test-community&limit=10", [], 0
    while url:
        body = c.get(url).json()
        seen += [f["id"] for f in body["features"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert seen == sorted(s.pk for s in spaces)


def test_feature_shape(personas, space):
    f = personas.client("anonymous").get("/api/v1/spaces/",
                                         {"community": "test-community"}).json()["features"][0]
    assert f["type"] == "Feature" and f["geometry"]["type"] == "Polygon"
    assert f["properties"]["kind"] == "pocket_park"
    assert f["properties"]["area_m2"] == pytest.approx(1695, rel=0.01)


def test_unknown_community_is_404(personas):
    assert personas.client("anonymous").get(
        "/api/v1/spaces/", {"community": "nope"}).status_code == 404


def test_geojson_endpoint_query_count_is_constant(personas, django_assert_max_num_queries):
    c = personas.client("worker")
    _bulk(personas.community, 5)
    few = _queries(c, "/api/v1/spaces/", community="test-community")
    _bulk(personas.community, 195)
    assert _queries(c, "/api/v1/spaces/", community="test-community") == few
    with django_assert_max_num_queries(10):
        r = c.get("/api/v1/spaces/", {"community": "test-community"})
    assert len(r.json()["features"]) == 200


def _queries(client, url, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # the person's access rows read once, kept after
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, params)
    return len(ctx.captured_queries)


def test_map_page_query_count_is_constant(personas, django_assert_max_num_queries):
    c = personas.client("worker")
    url = reverse("spaces:map", args=["test-community"])
    _bulk(personas.community, 10)
    c.get(url)  # warm caches (nav and layer discovery)
    few = _queries(c, url)
    _bulk(personas.community, 190)
    assert _queries(c, url) == few
    # 15 today, of which 9 are the base page (session, user, roles, inbox, switcher).
    with django_assert_max_num_queries(16):
        r = c.get(url)
    assert r.status_code == 200
    # The list beside the map is real HTML and paginated.
    assert r.content.decode().count('class="list-item"') == 50
    assert 'id="map-config"' in r.content.decode()


def test_list_page_query_count_and_filters(personas, make_space, django_assert_max_num_queries):
    _bulk(personas.community, 120)
    make_space(name="锅炉房旧址", kind="derelict_site", state="derelict")
    c = personas.client("anonymous")
    with django_assert_max_num_queries(10):
        r = c.get(reverse("spaces:list", args=["test-community"]),
                  {"kind": "derelict_site", "state": "derelict"})
    assert r.context["page"].paginator.count == 1
    assert "锅炉房旧址" in r.content.decode()
    r = c.get(reverse("spaces:list", args=["test-community"]), {"q": "锅炉"})
    assert r.context["page"].paginator.count == 1


def test_buildings_geojson(personas):
    Building.objects.create(community=personas.community, number="9",
                            footprint=square(LON, LAT), lon=LON, lat=LAT)
    Building.objects.create(community=personas.community, number="10",
                            footprint=square(LON + 0.008, LAT), lon=LON + 0.008, lat=LAT)
    c = personas.client("anonymous")
    r = c.get("/api/v1/spaces/buildings", {"community": "test-community"})
    assert len(r.json()["features"]) == 2
    bbox = f"{LON - 0.001},{LAT - 0.001},{LON + 0.001},{LAT + 0.001}"
    r = c.get("/api/v1/spaces/buildings", {"community": "test-community", "bbox": bbox})
    assert [f["properties"]["number"] for f in r.json()["features"]] == ["9"]


def test_openapi_lists_the_spaces_endpoints(personas):
    schema = personas.client("anonymous").get("/api/v1/openapi.json").json()
    assert "/api/v1/spaces/" in schema["paths"]
    assert "/api/v1/spaces/buildings" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/spaces/"]["get"]["parameters"]}
    assert {"community", "bbox", "kind", "state", "limit", "offset"} <= params
