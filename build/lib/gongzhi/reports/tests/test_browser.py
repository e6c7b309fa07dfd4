"""End to end on a 360-px phone: a resident reports a broken lamp with a photo, a worker
accepts and resolves it, the resident confirms. axe checks the map and report pages."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.reports.models import EventKind, Report, Status
from gongzhi.testing.browser import PHONE_VIEWPORT, assert_accessible, login_with_password
from gongzhi.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def _login(page, base, user):
    login_with_password(page, base, user.phone, PASSWORD)
    page.wait_for_load_state()
    if "/consent/" in page.url:
        page.check("#id_agree")
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def test_lamp_report_round_trip_on_a_phone(live_server, browser, phone_page, personas, org,
                                           make_report):
    existing = make_report(category="lamp", description="路灯一闪一闪")  # at the centre
    base = live_server.url
    slug = personas.community.slug
    page = phone_page
    _login(page, base, personas.verified)

    # The map page of open reports.
    page.goto(f"{base}/c/{slug}/reports/")
    page.wait_for_selector("#reports-map.leaflet-container")
    assert_accessible(page)

    # Report a broken lamp: category, pin on the map, description, photo.
    page.goto(f"{base}/c/{slug}/reports/new/")
    page.wait_for_selector("#pin-map.leaflet-container")
    assert_accessible(page)
    page.check("input[name=category][value=lamp]")
    # The pin starts at the centre, next to an open lamp report: offered as a duplicate.
    page.wait_for_selector(f"#similar a[href$='/reports/{existing.pk}/']")
    assert_accessible(page)
    page.click("#pin-map", position={"x": 120, "y": 90})
    lat = float(page.input_value("#id_lat"))
    assert lat != personas.community.center_lat  # the tap moved the pin
    page.fill("#id_description", "3号楼前的路灯不亮了，晚上很黑")
    page.set_input_files("#id_photos", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg",
                                               "buffer": _photo_bytes()}])
    page.click("#report-form button[type=submit]")
    page.wait_for_url("**/reports/*/")
    assert_accessible(page)
    report = Report.objects.exclude(pk=existing.pk).get()
    assert report.category == "lamp" and report.photos.count() == 1
    assert page.locator(".photos img").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    # A worker accepts (assigning the property company) and resolves it.
    ctx = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN", is_mobile=True,
                              has_touch=True)
    wpage = ctx.new_page()
    wpage.set_default_timeout(15_000)
    _login(wpage, base, personas.worker)
    wpage.goto(f"{base}/c/{slug}/reports/{report.pk}/")
    assert_accessible(wpage)
    wpage.select_option("#org-accept", str(org.pk))
    wpage.click("form:has(input[value=accept]) button[type=submit]")
    wpage.wait_for_selector("#note-resolve")
    wpage.fill("#note-resolve", "已更换灯泡，恢复照明")
    wpage.click("form:has(input[value=resolve]) button[type=submit]")
    wpage.wait_for_selector(".status-resolved")
    assert_accessible(wpage)
    wpage.goto(f"{base}/c/{slug}/reports/queue/")
    assert_accessible(wpage)
    # Statistics: charts drawn without script errors, tables for screen readers.
    errors: list = []
    wpage.on("pageerror", lambda exc: errors.append(exc))
    wpage.goto(f"{base}/c/{slug}/reports/stats/")
    wpage.wait_for_selector("#chart-counts svg")
    assert errors == []
    assert_accessible(wpage)
    ctx.close()

    # The resident confirms the fix.
    page.goto(f"{base}/c/{slug}/reports/{report.pk}/")
    page.click("form:has(input[value=confirm]) button[type=submit]")
    page.wait_for_selector(".status-closed")
    assert_accessible(page)
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert list(report.events.values_list("kind", flat=True)) == [
        EventKind.SUBMITTED, EventKind.ACCEPTED, EventKind.RESOLVED, EventKind.CONFIRMED]
