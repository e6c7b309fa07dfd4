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


def test_what_if_by_tapping_the_map_on_a_phone(live_server, phone_page, town, personas):
    """Tap an empty place east of the buildings: the form takes the point, htmx brings
    the effect of a new garden there; tapping a facility chooses it for closing."""
    page = phone_page
    base = live_server.url
    login_with_password(page, base, personas.worker.phone, PASSWORD)
    page.wait_for_load_state()
    page.goto(f"{base}/c/{town['community'].slug}/access/")
    page.wait_for_selector("#access-map .leaflet-interactive")
    # tap near the east edge of the map (east of the easternmost building)
    page.locator("#access-map").scroll_into_view_if_needed()
    box = page.locator("#access-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 12, box["y"] + box["height"] / 2)
    got_lon = float(page.input_value("#mwi-lon"))
    got_lat = float(page.input_value("#mwi-lat"))
    assert abs(got_lon - CENTER[0]) < 0.02 and abs(got_lat - CENTER[1]) < 0.02
    assert "已选位置" in page.inner_text("#mwi-status")
    page.fill("#mwi-capacity", "30")
    page.click("#map-what-if button[type=submit]")
    page.wait_for_selector("#wi-result table")
    text = page.inner_text("#wi-result")
    assert "基尼系数" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # choosing a facility by tapping its square switches the change to "close"
    page.select_option("#map-category", "play")
    page.locator("#access-map .fac-icon").first.click()
    assert page.input_value("#mwi-space") == str(town["play"].pk)
    assert page.is_checked("#map-what-if input[value=close]")
    page.click("#map-what-if button[type=submit]")
    page.wait_for_selector("#wi-result .delta-down")  # residents losing the playground
    assert_accessible(page, exclude=["#access-map", "#lorenz-chart"])
