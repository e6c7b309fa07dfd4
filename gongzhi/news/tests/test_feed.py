"""Every feed source: events a user may see, newest first, constant queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.core.feed import feed_sources


def test_every_app_has_a_source():
    keys = {s.key for s in feed_sources()}
    assert {"reports", "projects", "meetings", "decisions", "volunteers", "contests",
            "news"} <= keys


@pytest.mark.parametrize("key", ["reports", "projects", "meetings", "decisions",
                                 "volunteers", "contests", "news"])
def test_a_source_runs_in_constant_queries(personas, key, django_assert_max_num_queries):
    source = {s.key: s for s in feed_sources()}[key]
    for user in (AnonymousUser(), personas.verified, personas.worker):
        with django_assert_max_num_queries(6):
            events = list(source.fn(personas.community, user, None, 10))
        assert all(e.source == key for e in events)


def test_resolved_reports_appear_with_their_category(personas, orgs):
    from django.utils import timezone

    from gongzhi.core.feed import community_feed
    from gongzhi.reports.models import Report

    Report.objects.create(community=personas.community, category="lamp",
                          description="3号楼门口路灯坏了", lat=31.28, lon=121.5,
                          reporter=personas.verified, status="resolved",
                          organisation=orgs["property"], accepted_at=timezone.now(),
                          resolved_at=timezone.now())
    events = community_feed(personas.community, AnonymousUser())
    assert [e.kind for e in events if e.source == "reports"] == ["resolved"]
