"""One bbox parser for every map endpoint; the report form starts where the map was
tapped; favicon and API docs are served by us."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.maps.bbox import BBoxError, bbox_param, parse_bbox

pytestmark = pytest.mark.django_db


def test_parse_bbox_accepts_and_refuses():
    assert parse_bbox("121.5, 31.28,121.51,31.29") == (121.5, 31.28, 121.51, 31.29)
    for raw in ("1,2,3", "a,b,c,d", "nan,1,2,3", "1,2,inf,4", "200,0,201,1", "0,95,1,96",
                "2,0,1,1", "1,2,3,4\x00", "1," * 200):
        with pytest.raises(BBoxError):
            parse_bbox(raw)
    assert bbox_param(None) is None and bbox_param("") is None


def test_message_is_in_the_users_language():
    with translation.override("zh-hans"), pytest.raises(BBoxError) as err:
        parse_bbox("1,2,3")
    assert "四个数字" in str(err.value)


@pytest.mark.parametrize("url", ["/api/v1/spaces/", "/api/v1/spaces/buildings",
                                 "/api/v1/reports/geojson", "/api/v1/reports/"])
def test_every_map_endpoint_refuses_a_bad_bbox_the_same_way(personas, url):
    c = personas.client("anonymous")
    for raw, words in (("1,2,3", "four numbers"), ("0,95,1,96", "latitudes"),
                       ("2,0,1,1", "minimum")):
        r = c.get(url, {"community": personas.community.slug, "bbox": raw},
                  HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
        assert words in r.json()["title"], (url, r.json())


def test_report_form_starts_where_the_map_was_tapped(personas):
    c = personas.client("verified")
    url = reverse("reports:create", args=[personas.community.slug])
    r = c.get(url, {"lat": "31.2846123", "lon": "121.5049"})
    assert r.context["form"].initial["lat"] == 31.2846123
    assert r.context["form"].initial["lon"] == 121.5049
    for bad in ({"lat": "95", "lon": "121"}, {"lat": "x", "lon": "1"}, {"lat": "nan",
                                                                         "lon": "1"}):
        r = c.get(url, bad)
        assert r.context["form"].initial["lat"] == personas.community.center_lat
    html = r.content.decode()
    assert "maps/map" in html
    cfg = r.context["map_config"]
    assert cfg["static"]["markerIcon"].startswith("/static/")
    with translation.override("zh-hans"):
        r = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.context["map_config"]["labels"]["pinPlaced"] == "已放置图钉。"


def test_favicon_and_offline_api_docs(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r["Content-Type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/api/v1/docs").content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle" in html and "api/swagger-init" in html
    assert "cdn" not in html.lower() and "<script>" not in html  # no inline script
    page = client.get(reverse("spaces:map", args=["nope"]))
    assert page.status_code == 404
