"""``core.feed.feed_moments``: a branch that filters on the time is built once and takes
the time of each request as a value -- the same events as built for that request."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from gongzhi.core import feed
from gongzhi.core.compiled import ByAnswers
from gongzhi.core.feed import Moments, community_feed
from gongzhi.core.tests.feed_reference import reference_feed

pytestmark = pytest.mark.django_db

TIMED = ("activities", "meetings", "volunteers")


@pytest.fixture
def counted(monkeypatch):
    """Fresh kept builds, and how often each timed source's branches were built."""
    monkeypatch.setattr(feed, "_FRAGMENTS", ByAnswers())
    feed.feed_sources()
    builds = dict.fromkeys(TIMED, 0)
    for key in TIMED:
        source = feed._sources[key]

        def counting(community, user, since, _inner=source.branches, _key=key):
            builds[_key] += 1
            return _inner(community, user, since)

        monkeypatch.setitem(feed._sources, key, dataclasses.replace(source, branches=counting))
    return builds


def _shift(personas, *, days: float):
    from gongzhi.volunteers import services

    corps = services.corps_create(actor=personas.worker, community=personas.community,
                                  name="志愿服务总队")
    team = services.team_create(actor=personas.worker, corps=corps, name="环保队",
                                colour="green", theme="垃圾分类", leader=personas.worker)
    opportunity = services.opportunity_create(
        actor=personas.worker, community=personas.community, title="桶前值守", team=team,
        tasks="引导分类", location_text="东门")
    starts = timezone.now() + dt.timedelta(days=days)
    return services.shift_create(actor=personas.worker, opportunity=opportunity,
                                 starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                                 capacity=2)


def _keys(events):
    return [(e.source, e.kind, e.obj_id, e.at) for e in events]


def test_timed_sources_are_built_once_and_read_the_requests_time(personas, counted,
                                                                 monkeypatch):
    shift = _shift(personas, days=10)
    community, viewer = personas.community, AnonymousUser()
    first = community_feed(community, viewer, limit=50)
    assert ("volunteers", "shift", shift.pk) not in {(e.source, e.kind, e.obj_id)
                                                      for e in first}
    assert counted == dict.fromkeys(TIMED, 1)  # built for keeping, once each

    later = timezone.now() + dt.timedelta(days=5)  # the shift is now within the week
    monkeypatch.setattr(timezone, "now", lambda: later)
    events = community_feed(community, viewer, limit=50)
    assert counted == dict.fromkeys(TIMED, 1)  # not built again
    assert ("volunteers", "shift", shift.pk) in {(e.source, e.kind, e.obj_id) for e in events}
    assert _keys(events) == _keys(reference_feed(community, viewer, limit=50))

    monkeypatch.setattr(timezone, "now", lambda: later + dt.timedelta(days=6))  # it is over
    events = community_feed(community, viewer, limit=50)
    assert shift.pk not in {e.obj_id for e in events if e.source == "volunteers"}
    assert counted == dict.fromkeys(TIMED, 1)


def test_a_branch_that_reads_the_clock_itself_is_built_per_request(personas, monkeypatch):
    shift = _shift(personas, days=2)
    monkeypatch.setattr(feed, "_FRAGMENTS", ByAnswers())
    feed.feed_sources()
    source = feed._sources["volunteers"]
    calls = []

    def own_clock(community, user, since):
        from gongzhi.volunteers import selectors

        calls.append(1)
        branches = source.branches(community, user, since)
        rows = selectors.upcoming_shifts(community, limit=None)  # timezone.now() inside
        return [dataclasses.replace(branches[0], rows=rows)]

    monkeypatch.setitem(feed._sources, "volunteers",
                        dataclasses.replace(source, branches=own_clock))
    for _ in range(2):
        events = community_feed(personas.community, AnonymousUser(), limit=5,
                                sources=["volunteers"])
        assert [e.obj_id for e in events] == [shift.pk]
    # the build for keeping was refused (a time that is not a value), then each request
    assert len(calls) == 3


def test_this_weeks_bounds_are_monday_to_monday_in_local_time():
    tz = timezone.get_current_timezone()
    sunday_night = dt.datetime(2026, 12, 6, 23, 30, tzinfo=tz)  # a Sunday
    moments = Moments.at(sunday_night)
    assert moments.week_start == dt.datetime(2026, 11, 30, tzinfo=tz)
    assert moments.week_end == dt.datetime(2026, 12, 7, tzinfo=tz)
    assert moments.in_a_week == sunday_night + dt.timedelta(days=7)
    from gongzhi.activities.selectors import week_bounds

    assert (moments.week_start, moments.week_end) == week_bounds(sunday_night.date())
