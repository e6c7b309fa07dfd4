"""In Chromium at 360 px: the basemap draws streets with their Chinese names and the OSM
attribution, user and OSM text stays text, the report pin is a real image with zh-Hans
words, and /api/v1/docs works with no other host (no CDN)."""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIL = '<img src=x onerror="window.__xss=1">'


def _watch(page, server: str) -> dict:
    seen: dict = {"errors": [], "bad": [], "foreign": []}
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: seen["bad"].append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    page.on("request", lambda r: seen["foreign"].append(r.url)
            if not r.url.startswith(server) and not r.url.startswith("data:") else None)
    return seen


def test_basemap_streets_names_attribution_and_escaping(live_server, phone_page, basemap,
                                                        make_space_on_map):
    page = phone_page
    seen = _watch(page, live_server.url)
    make_space_on_map(EVIL)
    from gongzhi.testing.factories import BuildingFactory

    BuildingFactory(community=basemap.community, number="7", name="7号楼", lon=121.5049,
                    lat=31.2846, footprint={"type": "Polygon", "coordinates": [[
                        [121.5048, 31.2845], [121.505, 31.2845], [121.505, 31.2847],
                        [121.5048, 31.2847], [121.5048, 31.2845]]]})
    page.goto(f"{live_server.url}/c/{basemap.community.slug}/map/")
    # a function, not an expression string: a string is eval'd, which the CSP forbids
    page.wait_for_function("() => (parseInt((document.getElementById('map') || {dataset: {}})"
                           ".dataset.drawn, 10) || 0) >= 1")
    page.wait_for_selector(".gz-label")
    page.wait_for_timeout(300)
    labels = page.eval_on_selector_all(".gz-label", "els => els.map(e => e.textContent)")
    assert {"四平路", "阜新路"} <= set(labels), labels
    assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")
    # The space named like HTML is shown as text in the list and in its pop-up.
    assert page.get_by_text(EVIL).count() >= 1
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert seen["errors"] == [] and seen["bad"] == [] and seen["foreign"] == []
    assert_accessible(page)
    # "Find my building" and "report a problem here" are 44 px targets.
    for sel in ("#report-here", "#f-building", "#find-building button"):
        box = page.locator(sel).bounding_box()
        assert box["height"] >= 44, sel
    # "Find my building" zooms to it and says so.
    page.select_option("#f-building", label="7号楼")
    page.click("#find-building button")
    assert "7号楼" in page.inner_text("#map-status")
    # Tapping the map chooses the place the report link carries.
    page.locator("#map").click(position={"x": 150, "y": 150})
    href = page.get_attribute("#report-here", "href")
    assert "lat=31.2" in href and "lon=121.5" in href


def test_report_pin_map_has_basemap_pin_and_chinese_words(live_server, phone_page, basemap,
                                                          personas):
    page = phone_page
    seen = _watch(page, live_server.url)
    page.context.add_cookies([_session(personas, live_server)])
    page.goto(f"{live_server.url}/c/{basemap.community.slug}/reports/new/?lat=31.2846&lon=121.5049")
    page.wait_for_selector("#pin-map .leaflet-marker-icon")
    page.wait_for_selector("#pin-map .gz-label")
    ok = page.evaluate("Array.from(document.querySelectorAll('#pin-map img.leaflet-marker-icon'))"
                       ".every(i => i.complete && i.naturalWidth > 0)")
    assert ok
    assert page.input_value("#id_lat") == "31.2846"
    page.locator("#pin-map").click(position={"x": 60, "y": 60})
    assert page.inner_text("#geo-status") == "已放置图钉。"
    assert page.input_value("#id_lat") != "31.2846"
    assert seen["bad"] == [] and seen["foreign"] == [] and seen["errors"] == []


def test_api_docs_work_offline(live_server, phone_page):
    page = phone_page
    seen = _watch(page, live_server.url)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    assert page.get_by_text("/api/v1/maps/basemap").count() >= 1
    assert seen["foreign"] == [] and seen["bad"] == []
    r = page.request.get(f"{live_server.url}/favicon.ico")
    assert r.status == 200 and r.headers["content-type"] == "image/x-icon"


def _session(personas, live_server) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(personas.verified)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value,
            "url": live_server.url}


@pytest.fixture
def make_space_on_map(basemap):
    from gongzhi.spaces.services import space_create

    def make(name: str):
        return space_create(actor=None, community=basemap.community, kind="pocket_park",
                            name=name, geometry={"type": "Point",
                                                 "coordinates": [121.5049, 31.2846]})
    return make
