"""End to end on a 360-px phone: a resident signs up with a code, agrees, asks to join."""

from __future__ import annotations

import re

import pytest

from gongzhi.accounts.models import Membership, User
from gongzhi.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_signs_up_on_a_phone_and_waits_for_verification(live_server, phone_page,
                                                                  sms_outbox):
    from gongzhi.testing.factories import CommunityFactory, HouseholdFactory

    community = CommunityFactory(name="S社区", slug="s-community")
    HouseholdFactory(building__community=community, building__number="3", room="502")
    page = phone_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.fill("#id_phone", "12345")
    page.click("main button[type=submit]")
    assert page.locator(".error").count() == 1          # explained, and kept
    assert page.input_value("#id_phone") == "12345"
    assert_accessible(page)
    page.fill("#id_phone", "13812345678")
    page.click("main button[type=submit]")

    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms_outbox[-1][1]).group(1)
    page.fill("#id_code", code)
    assert_accessible(page)
    page.click("main button[type=submit]")

    page.wait_for_url("**/accounts/consent/")
    assert_accessible(page)
    page.check("#id_agree")
    page.click("main button[type=submit]")

    page.goto(live_server.url + "/accounts/join/s-community/")
    assert_accessible(page)
    page.fill("#id_building", "3")
    page.fill("#id_room", "502")
    page.select_option("#id_tenure", "owner")
    page.click("main button[type=submit]")
    page.wait_for_selector(".notice")
    assert_accessible(page)
    # The page fits a 360-px screen: nothing forces sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    user = User.objects.get(phone="13812345678")
    membership = Membership.objects.get(user=user)
    assert membership.status == Membership.Status.PENDING
    assert membership.household is not None
    assert user.consents.count() == 1


def test_english_is_one_click_away(live_server, phone_page):
    page = phone_page
    page.goto(live_server.url + "/")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
