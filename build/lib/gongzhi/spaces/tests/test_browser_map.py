"""The participation map on a 360-px phone: layers draw, the list works, axe is clean."""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Thirty lamps ten metres apart must show up as clusters or markers.
DRAWN = "document.querySelectorAll('.marker-cluster, .leaflet-marker-icon').length > 0"


def test_map_page_draws_spaces_and_offers_an_accessible_list(live_server, phone_page,
                                                             make_space):
    from gongzhi.spaces.models import Space

    for i in range(30):
        make_space(name=f"路灯{i}", kind="street_lamp",
                   geometry={"type": "Point", "coordinates": [121.5035 + i * 0.0001, 31.2835]})
    make_space(name="锅炉房旧址", kind="derelict_site")
    community = Space.objects.first().community
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/c/{community.slug}/map/")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_function(DRAWN)
    page.wait_for_timeout(500)
    assert errors == []
    assert page.get_by_text("锅炉房旧址").count() >= 1  # in the list beside the map
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("document.activeElement.className")
