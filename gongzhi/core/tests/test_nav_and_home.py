"""The community menu (a few primary links, "more", a workbench for staff) and the
community home's "happening now" blocks (through selectors, constant queries)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from gongzhi.core.nav import MORE, PRIMARY, PRIMARY_MAX, WORK, NavLink, community_nav, nav_section

pytestmark = pytest.mark.django_db


def _nav(personas, name):
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("nav")
    request = RequestFactory().get(f"/c/{personas.community.slug}/reports/")
    request.user = personas.user(name) if name != "anonymous" else __import__(
        "django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
    return community_nav(request, personas.community)


@pytest.mark.parametrize("name", ["anonymous", "verified", "worker", "admin"])
def test_a_phone_sized_menu_for_everyone(personas, name):
    nav = _nav(personas, name)
    assert len(nav.primary) <= PRIMARY_MAX
    assert all(link.group == PRIMARY for link in nav.primary)
    if name in ("worker", "admin"):
        labels = {str(link.label) for link in nav.work}
        assert {"Verification", "Ledger"} <= labels or {"居民认证", "台账"} & labels
        assert not [link for link in nav.primary + nav.more if link.group == WORK]
    else:
        assert nav.work == []
    assert any(link.current for link in nav.primary)  # /reports/ is current


def test_a_new_app_lands_in_more_by_default_and_may_ask_for_primary(personas):
    @nav_section("zz_test_volunteers")
    def _links(request, community):
        return [NavLink("Volunteers", "/c/x/volunteers/", 5),
                NavLink("Surveys", "/c/x/surveys/", 6, group=PRIMARY)]

    try:
        nav = _nav(personas, "verified")
        assert "Volunteers" in [link.label for link in nav.more]
        # asking for primary puts it there by order; the bar never grows past the maximum
        assert len(nav.primary) <= PRIMARY_MAX
        assert "Surveys" in [link.label for link in nav.primary + nav.more]
        assert NavLink("a", "/").group == MORE
    finally:
        from gongzhi.core import nav as navmod

        navmod._sections.pop("zz_test_volunteers")


@pytest.mark.parametrize("name", ["verified", "worker"])
def test_menu_is_native_disclosures_without_inline_script(personas, name):
    html = personas.client(name).get(f"/c/{personas.community.slug}/").content.decode()
    assert 'class="community-nav"' in html and "<details" in html and "<summary" in html
    assert "onclick" not in html and "<script>" not in html
    assert ("nav-work" in html) is (name == "worker")


def test_switcher_is_hidden_with_a_single_community(personas):
    html = personas.client("verified").get(f"/c/{personas.community.slug}/").content.decode()
    assert 'id="community-switcher"' not in html


def _busy(personas, n):
    from gongzhi.decisions import services as ballots
    from gongzhi.meetings.tests.conftest import make_meeting
    from gongzhi.reports.models import Report, Status
    from gongzhi.testing.factories import OrganisationFactory

    org = OrganisationFactory(community=personas.community)
    for i in range(n):
        b = ballots.ballot_create(actor=personas.admin, community=personas.community,
                                  title=f"投票{i}", method="plurality",
                                  options=[{"key": "a", "label": "甲"},
                                           {"key": "b", "label": "乙"}],
                                  closes_at=timezone.now() + dt.timedelta(days=3))
        ballots.ballot_open(actor=personas.admin, ballot=b)
        make_meeting(personas.community, title=f"本周会议{i}", days=2)
        Report.objects.create(community=personas.community, reporter=personas.verified,
                              category="lamp", description="路灯不亮", lat=31.28, lon=121.5,
                              status=Status.IN_PROGRESS, location_text=f"{i}号楼",
                              organisation=org)


def test_home_shows_what_is_happening_now(personas):
    _busy(personas, 2)
    html = personas.client("verified").get(
        f"/c/{personas.community.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "投票1" in html and "本周会议0" in html and "1号楼" in html
    assert 'id="now-h"' in html


def test_home_query_count_is_constant(personas, django_assert_max_num_queries):
    _busy(personas, 1)
    client = personas.client("verified")
    url = f"/c/{personas.community.slug}/"
    client.get(url)
    # 30 for core's blocks, +12 for the news blocks (unread notices, pinned, the latest
    # feed events: one or two queries per feed source) and open contests.
    with django_assert_max_num_queries(42) as small:
        client.get(url)
    _busy(personas, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def _block(html: str, key: str) -> str:
    """The HTML of one "happening now" block of the home."""
    start = html.index(f'id="now-{key}"')
    return html[start:html.index("</section>", start)]


def test_latest_news_leaves_out_what_a_block_above_shows(personas):
    """An open vote is in the open-votes block and a meeting in this week's; the
    latest-news block at the end lists other news, not the same vote again. With no
    block showing votes, their events come back into the latest news."""
    from gongzhi.core.now import community_now, shown_feed_sources
    from gongzhi.decisions.models import Ballot, BallotState
    from gongzhi.news.selectors import feed_for

    _busy(personas, 1)
    community, user = personas.community, personas.verified
    # the feed as a whole has the vote and the meeting
    titles = {e.title for e in feed_for(community, user, limit=30)}
    assert "投票0" in titles and "本周会议0" in titles
    html = personas.client("verified").get(f"/c/{community.slug}/",
                                           HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "投票0" in _block(html, "ballots") and "本周会议0" in _block(html, "meetings")
    latest = _block(html, "news-feed") if 'id="now-news-feed"' in html else ""
    assert "投票0" not in latest and "本周会议0" not in latest
    request = RequestFactory().get("/")
    request.user = user
    community_now(request, community)
    assert {"decisions", "meetings"} <= shown_feed_sources(request)
    # no open vote, no closed one: no block shows votes, the feed may list them again
    Ballot.objects.filter(community=community).update(state=BallotState.DRAFT)
    community_now(request, community)
    assert "decisions" not in shown_feed_sources(request)
    assert "meetings" in shown_feed_sources(request)
