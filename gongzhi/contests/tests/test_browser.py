"""On a 360-px phone in Chinese: the contest gallery, an entry with keyboard navigation,
the vote page, and an important notice with 已读 and its receipts. axe checks each page."""

from __future__ import annotations

import pytest

from gongzhi.contests import services
from gongzhi.decisions.tests.test_browser import _login
from gongzhi.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _templates():
    from gongzhi.projects.template_data import ensure_default_templates

    ensure_default_templates()


def test_gallery_entry_keyboard_and_vote_on_a_phone(live_server, phone_page, personas,
                                                     gallery_contest):
    base, page = live_server.url, phone_page
    slug, pk = personas.community.slug, gallery_contest.pk
    page.goto(f"{base}/c/{slug}/contests/{pk}/")
    assert page.locator(".gallery img[loading=lazy]").count() == 3
    assert_accessible(page)
    first = gallery_contest.entries.order_by("created_at", "id").first()
    page.goto(f"{base}/c/{slug}/contests/{pk}/entries/{first.pk}/")
    assert_accessible(page)
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.keyboard.press("ArrowRight")
    assert f"/entries/{first.pk}/" not in page.url
    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    _login(page, base, personas.verified)
    page.goto(f"{base}/c/{slug}/contests/{pk}/vote/")
    assert_accessible(page)
    page.locator("input[name=approve]").first.check()
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    from gongzhi.decisions.models import VoterRecord

    assert VoterRecord.objects.filter(ballot=contest.ballot).count() == 1


def test_an_important_notice_is_confirmed_and_counted(live_server, phone_page, personas,
                                                      cast):
    from gongzhi.news import services as news
    from gongzhi.news.models import ReadReceipt

    base, page = live_server.url, phone_page
    slug = personas.community.slug
    a = news.announcement_create(actor=personas.worker, community=personas.community,
                                 organisation=cast["_org"], title="3号楼停水通知",
                                 body="12月3日9点到15点停水", important=True)
    _login(page, base, personas.owner)
    page.goto(f"{base}/c/{slug}/")
    assert page.locator("#now-news-unread").count() == 1
    assert_accessible(page)
    page.goto(f"{base}/c/{slug}/news/{a.pk}/")
    assert_accessible(page)
    page.click("#read-state button")
    page.wait_for_selector("#read-state .notice")
    assert ReadReceipt.objects.filter(announcement=a, user=personas.owner).exists()
    page.context.clear_cookies()
    _login(page, base, personas.worker)
    page.goto(f"{base}/c/{slug}/news/{a.pk}/receipts/")
    assert_accessible(page)
    page.goto(f"{base}/c/{slug}/feed/")
    assert_accessible(page)
