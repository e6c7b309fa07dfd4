"""The feed in one query (``core.feed``'s union of every source's branches) shows the
same events as the sources did when each was asked apart (``feed_reference``), for
every kind of event, every persona, any limit and ``since``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.core.feed import community_feed
from gongzhi.core.tests.feed_reference import reference_feed

pytestmark = pytest.mark.django_db

EVERY_KIND = {("activities", "date"), ("activities", "cancelled"), ("contests", "opened"),
              ("contests", "result"), ("decisions", "opened"), ("decisions", "closed"),
              ("meetings", "announced"), ("meetings", "held"), ("memory", "published"),
              ("news", "announcement"), ("news", "important"), ("projects", "decided"),
              ("projects", "result"), ("reports", "resolved"), ("volunteers", "shift")}


def _shown(events) -> list[tuple]:
    return [(e.source, e.kind, e.title, e.url, e.at, e.summary, e.obj_id) for e in events]


def _assert_same(new, old, everything) -> None:
    """The same events at the same times, newest first. Events at the same instant came
    in no fixed order before (the demo makes many at once): at each time the same set,
    and at the last time shown, where the limit cuts, events of that time."""
    new, old = _shown(new), _shown(old)
    assert [e[4] for e in new] == [e[4] for e in old]
    times = sorted({e[4] for e in new}, reverse=True)
    for at in times[:-1]:
        assert {e for e in new if e[4] == at} == {e for e in old if e[4] == at}
    if times:
        assert {e for e in new if e[4] == times[-1]} <= set(_shown(everything))


@pytest.fixture
def demo():
    ctx = DemoContext(small=True)
    for _order, _name, step in demo_steps():
        step(ctx)
    # the demo cancels no date of this week's activities: one is
    from gongzhi.activities.models import Occurrence
    from gongzhi.activities.selectors import week_bounds

    start, end = week_bounds(timezone.localdate())
    occurrence = (Occurrence.objects.filter(starts_at__gte=start, starts_at__lt=end)
                  .order_by("starts_at").first())
    assert occurrence is not None
    Occurrence.objects.filter(pk=occurrence.pk).update(status=Occurrence.Status.CANCELLED)
    return ctx


def test_the_union_shows_what_every_source_showed(demo):
    from gongzhi.accounts.models import Membership, RoleAssignment, User

    seen: set[tuple[str, str]] = set()
    for community in demo.communities.values():
        resident = User.objects.filter(memberships__community=community,
                                       memberships__status=Membership.Status.VERIFIED
                                       ).order_by("pk").first()
        worker = User.objects.filter(pk__in=RoleAssignment.objects.filter(
            community=community, role="worker").values("user_id")).order_by("pk").first()
        for user in (AnonymousUser(), resident, worker):
            if user is None:
                continue
            everything = reference_feed(community, user, limit=1000)
            seen |= {(e.source, e.kind) for e in everything}
            _assert_same(community_feed(community, user, limit=1000), everything, everything)
            for limit in (1, 6, 50):
                _assert_same(community_feed(community, user, limit=limit),
                             reference_feed(community, user, limit=limit), everything)
            since = timezone.now() - dt.timedelta(days=5)
            _assert_same(community_feed(community, user, since=since, limit=50),
                         reference_feed(community, user, since=since, limit=50), everything)
            some = ["news", "reports", "volunteers"]
            _assert_same(community_feed(community, user, sources=some, limit=6),
                         reference_feed(community, user, sources=some, limit=6), everything)
    assert EVERY_KIND - seen == set()
    with CaptureQueriesContext(connection) as ctx:
        events = community_feed(demo.communities["s"], AnonymousUser(), limit=6)
    assert len(ctx) == 1 and len(events) == 6
