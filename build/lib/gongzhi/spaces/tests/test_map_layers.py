from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.spaces import map_layers
from gongzhi.spaces.mapconfig import basemap_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_layer():
    map_layers.register_layer("secret", "Secret", "/x/{slug}/s.geojson", order=99,
                              permission=lambda user, c: user.has_perm("spaces.view_duties", c),
                              style={"color": "#000"})
    yield
    map_layers.unregister_layer("secret")


def test_layers_are_ordered_and_filtered_by_permission(personas, extra_layer):
    c = personas.community
    keys = [layer.key for layer in map_layers.layers_for(personas.verified, c)]
    assert keys[:2] == ["buildings", "spaces"] and "secret" not in keys
    worker_layers = map_layers.layers_for(personas.worker, c)
    assert worker_layers[-1].key == "secret"
    assert worker_layers[-1].url_for(c) == "/x/test-community/s.geojson"
    assert map_layers.all_layers()[1].url_for(c) == "/api/v1/spaces/?community=test-community"


def test_map_page_shows_layer_toggles_and_config(personas, extra_layer):
    r = personas.client("worker").get(reverse("spaces:map", args=["test-community"]))
    html = r.content.decode()
    assert 'id="layer-spaces"' in html and 'id="layer-secret"' in html
    cfg = r.context["map_config"]
    assert [layer["key"] for layer in cfg["layers"]][-1] == "secret"
    assert cfg["crs"] == "wgs84" and cfg["basemap"]["url"] == ""
    r = personas.client("anonymous").get(reverse("spaces:map", args=["test-community"]))
    assert 'id="layer-secret"' not in r.content.decode()


@pytest.mark.parametrize(("kind", "crs", "host"), [
    ("none", "wgs84", ""), ("osm", "wgs84", "openstreetmap.org"),
    ("tianditu", "wgs84", "tianditu.gov.cn"), ("amap", "gcj02", "autonavi.com"),
])
def test_basemap_settings(settings, kind, crs, host):
    settings.MAP_BASEMAP = kind
    settings.MAP_TILE_URL = ""
    settings.TIANDITU_KEY = "k"
    cfg = basemap_config()
    assert cfg["crs"] == crs
    assert host in cfg["url"]


def test_tile_url_override(settings):
    settings.MAP_BASEMAP = "osm"
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert basemap_config()["url"] == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_nav_links(personas):
    r = personas.client("anonymous").get(reverse("spaces:list", args=["test-community"]))
    html = r.content.decode()
    assert reverse("spaces:map", args=["test-community"]) in html
