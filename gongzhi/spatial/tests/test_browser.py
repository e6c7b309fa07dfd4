"""In headless Chromium at 360 px, in Chinese: the access page draws the map and the
Lorenz curve, passes axe, and the what-if page shows who gains from a new garden."""

from __future__ import annotations

import pytest

from gongzhi.places.demo import offset
from gongzhi.testing.browser import assert_accessible, login_with_password
from gongzhi.testing.factories import PASSWORD

from .conftest import CENTER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_access_page_and_what_if_on_a_phone(live_server, phone_page, town, personas):
    page = phone_page
    base = live_server.url
    login_with_password(page, base, personas.worker.phone, PASSWORD)
    page.wait_for_load_state()
    slug = town["community"].slug
    page.goto(f"{base}/c/{slug}/access/")
    page.wait_for_selector("#access-map .leaflet-interactive")
    page.wait_for_selector("#lorenz-chart svg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#access-map path.leaflet-interactive").count() == 5  # buildings
    page.select_option("#map-category", "play")
    assert page.locator("#access-map .fac-icon").count() == 1  # the playground
    assert_accessible(page, exclude=["#access-map", "#lorenz-chart"])
    lon, lat = offset(CENTER, 420, 0)
    page.goto(f"{base}/c/{slug}/access/what-if/")
    assert_accessible(page)
    page.fill("#wi-name", "规划花园")
    page.fill("#wi-lon", f"{lon:.7f}")
    page.fill("#wi-lat", f"{lat:.7f}")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#eff-h")
    assert "+18" in page.inner_text("main")
    assert_accessible(page)
