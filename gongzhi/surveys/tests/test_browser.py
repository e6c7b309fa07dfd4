"""In headless Chromium at 360 px, in Chinese: a verified resident answers the belonging
survey page by page on a phone — an invalid number comes back with the error and what was
typed, then the thanks page; every page passes axe."""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import assert_accessible, login_with_password
from gongzhi.testing.factories import PASSWORD

from .test_views import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answering_a_survey_on_a_phone(live_server, phone_page, personas):
    from gongzhi.surveys.models import Response

    survey = make_survey(personas)
    page = phone_page
    base = live_server.url
    login_with_password(page, base, personas.verified.phone, PASSWORD)
    page.wait_for_load_state()
    page.goto(f"{base}/c/{survey.community.slug}/surveys/{survey.pk}/respond/")
    for _page in range(10):
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if page.locator("input[type=number]").count():
            break
        assert_accessible(page)
        # the fourth option of every Likert item ("同意"), tapped on its label
        for fs in page.locator("fieldset.q").all():
            fs.locator("label.option").nth(3).click()
        page.click("button[name=nav][value=next]")
        page.wait_for_load_state()
    page.fill("input[type=number]", "200")
    page.click("button[name=nav][value=next]")
    page.wait_for_selector(".form-errors")
    assert "0 到 100" in page.inner_text("main")
    assert page.input_value("input[type=number]") == "200"
    assert_accessible(page)
    page.fill("input[type=number]", "12")
    page.click("button[name=nav][value=next]")
    page.wait_for_load_state()
    assert "谢谢" in page.inner_text("main")
    assert Response.objects.filter(survey=survey).count() == 1
