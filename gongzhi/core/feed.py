"""The community feed: what happened, from every app, newest first.

Each app contributes from its own ``feed.py`` (autodiscovered). Most sources describe
their events as *branches* (``@feed_branches``): a queryset of the rows the person may
see (read through the app's selectors, ``user`` may be anonymous), the expression of an
event's time, the order and the columns the event is built from::

    from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches

    @feed_branches("reports", label=_("Problem reports"))
    def resolved_reports(community, user, since) -> list[FeedBranch]:
        qs = selectors.reports_for(user, community).filter(resolved_at__isnull=False)
        return [FeedBranch(
            kind="resolved", rows=qs, at=F("resolved_at"), order=("-resolved_at",),
            data={"category": F("category")},
            event=lambda community, pk, at, d: FeedEvent(source="reports", ...))]

``community_feed`` asks every branch of every wanted source in ONE query: each branch is
its queryset's newest ``limit`` rows (its own ``order``) as (id, time, JSON of ``data``),
the branches are glued with ``UNION ALL`` and the newest ``limit`` of all are kept; the
events are built from those rows alone. Asking nine sources one by one cost the
community home twelve queries (docs/operations.md, "Signed-in pages"); the rows and the
events are the same (``core/tests/test_feed_union.py`` compares them with the sources as
they were). A branch's ``at`` may be NULL for a row (a contest with no result yet): the
row gives no event. ``since`` is passed to the source (which filters as it likes) and
every event's time is at or after it.

Without ``since`` (the home, the feed's first page) each source's branches are built once
per kind of viewer and language (``core.compiled.ViewerQuery``'s rules: the branch
function runs with a community that gives only its id and a viewer that answers only
``has_perm`` and the like); a source whose SQL holds something of the person's own, or
a time it read itself, is built per request (``_source_parts``). A branch that filters on
the time asks ``feed_moments()`` for it (now, this week's bounds, a week from now): while
a branch is built for keeping those are stand-ins, filled in at each run with the
request's. So a branch's ``event`` takes the community it is for and nothing from where
the branch was made.

A source may still return events itself (``@feed_source``: ``fn(community, user, since,
limit)``, at most ``limit`` events at or after ``since``, newest first, a constant number
of queries); those are merged with the union's.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from gongzhi.core.compiled import (
    VIEWER_ID,
    ByAnswers,
    NotCompilable,
    Viewer,
    _stand_in,
    building,
    find_slots,
    stand_in_community,
)
from gongzhi.core.db import prepared_cursor
from gongzhi.core.now import week_bounds


@dataclass(frozen=True)
class FeedEvent:
    source: str            # the registering source's key, e.g. "reports"
    kind: str              # what happened, short code within the source, e.g. "resolved"
    title: str             # user text (escaped by templates; never HTML)
    url: str
    at: datetime
    summary: str = ""      # one translated phrase, e.g. "问题已解决"
    obj_id: int | None = None


@dataclass(frozen=True)
class FeedBranch:
    """One kind of event of a source, read in the feed's one query.

    ``rows``: what the person may see (its own select_related/ordering are ignored);
    ``at``: the event's time (an expression; NULL means no event for that row);
    ``order``: which ``limit`` rows the branch gives (``order_by`` arguments; the
    source's own order, so the rows are the ones the source gave before);
    ``data``: the columns the event is built from ({name: expression}, a related
    column as ``F("organisation__name")``), handed to ``event(community, pk, at, data)``
    as Python values (datetimes as ISO text: ``feed_datetime`` reads them). ``event``
    gets the community it is for: the branch may have been built once for every
    community (``community_feed``), so it takes nothing else from where it was made.
    """

    kind: str
    rows: QuerySet
    at: Any
    order: Sequence[Any]
    event: Callable[[Any, int, datetime, dict[str, Any]], FeedEvent]
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Moments:
    """The times a feed branch may filter on, for one request (``feed_moments``)."""

    now: datetime
    week_start: datetime   # this week's Monday, 00:00 in the current time zone
    week_end: datetime     # the Monday after
    in_a_week: datetime    # now + 7 days

    @classmethod
    def at(cls, now: datetime) -> Moments:
        start, end = week_bounds(timezone.localtime(now).date())
        return cls(now=now, week_start=start, week_end=end,
                   in_a_week=now + dt.timedelta(days=7))


_MOMENT_NAMES = ("now", "week_start", "week_end", "in_a_week")
_building_moments = threading.local()


def feed_moments() -> Moments:
    """This request's times, for a branch's filters: use these, not ``timezone.now()``,
    and the branch is built once (its SQL takes them as values), not on every page."""
    kept = getattr(_building_moments, "stand_ins", None)
    return kept if kept is not None else Moments.at(timezone.now())


SourceFn = Callable[[Any, Any, datetime | None, int], Iterable[FeedEvent]]
BranchFn = Callable[[Any, Any, datetime | None], list[FeedBranch]]


@dataclass(frozen=True)
class FeedSource:
    key: str
    label: str | Promise
    fn: SourceFn                       # (community, user, since, limit) -> events
    branches: BranchFn | None = None   # set for sources read in the union query


_sources: dict[str, FeedSource] = {}
_discovered = False


def feed_source(key: str, *, label: str | Promise) -> Callable[[SourceFn], SourceFn]:
    """Register ``fn`` as the feed source ``key`` (one per app is the rule)."""

    def decorator(fn: SourceFn) -> SourceFn:
        _sources[key] = FeedSource(key=key, label=label, fn=fn)
        return fn

    return decorator


def feed_branches(key: str, *, label: str | Promise) -> Callable[[BranchFn], BranchFn]:
    """Register ``fn(community, user, since) -> [FeedBranch]`` as the feed source ``key``,
    read with the other sources' branches in one query."""

    def decorator(fn: BranchFn) -> BranchFn:
        def events(community: Any, user: Any, since: datetime | None,
                   limit: int) -> list[FeedEvent]:
            return _union_events(community, _parts([_sources[key]], community, user, since,
                                                   limit), since, limit)

        _sources[key] = FeedSource(key=key, label=label, fn=events, branches=fn)
        return fn

    return decorator


def feed_sources() -> list[FeedSource]:
    global _discovered
    if not _discovered:
        autodiscover_modules("feed")
        _discovered = True
    return sorted(_sources.values(), key=lambda s: s.key)


def feed_datetime(value: Any) -> datetime | None:
    """A datetime read from the union query (PostgreSQL gives datetimes and ISO text in
    JSON; SQLite gives its stored text, in UTC)."""
    if value is None or isinstance(value, datetime):
        found = value
    else:
        found = parse_datetime(str(value))
    if found is not None and timezone.is_naive(found):
        found = timezone.make_aware(found, dt.UTC)
    return found


def _branch_inner(branch: FeedBranch, limit: int, alias: str) -> tuple[str, tuple[Any, ...]]:
    """The branch's newest ``limit`` rows as (``_gz_id``, ``_gz_at``, ``_gz_data``)."""
    qs = (branch.rows.select_related(None).prefetch_related(None)
          .annotate(_gz_id=F("pk"), _gz_at=branch.at,
                    _gz_data=JSONObject(_=F("pk"), **branch.data))
          .order_by(*branch.order).values_list("_gz_id", "_gz_at", "_gz_data")[:limit])
    sql, params = qs.query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


@dataclass(frozen=True)
class _Part:
    """A branch in the union: its SQL and parameters, and the branch (for its events)."""

    sql: str
    params: Sequence[Any]
    branch: FeedBranch


def _part(branch: FeedBranch, limit: int, alias: str) -> _Part:
    sql, params = _branch_inner(branch, limit, alias)
    return _Part(sql, params, branch)


@dataclass(frozen=True)
class _Fragment:
    """A branch's SQL built once for a kind of viewer: the community's and the viewer's
    ids are filled in at each run (``core.compiled``)."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[Any, ...]
    branch: FeedBranch

    def part(self, community: Any, user: Any, moments: Moments | None, ops: Any) -> _Part:
        params = list(self.params)
        for slot in self.slots:
            if slot.name == "community":
                params[slot.position] = community.pk
            elif slot.name == "viewer":
                params[slot.position] = user.pk
            else:
                assert moments is not None
                value = getattr(moments, slot.name)
                params[slot.position] = (ops.adapt_datetimefield_value(value)
                                         if slot.adapt_datetime else value)
        return _Part(self.sql, params, self.branch)


# a source whose SQL cannot be kept (it holds the time it was built at, or something of
# the person's own: their organisations, their building): built for each request
_PER_REQUEST = "per request"
_FRAGMENTS = ByAnswers()


def _fragments(source: FeedSource, fake: Any, viewer: Viewer, limit: int,
               alias: str) -> list[_Fragment]:
    """The source's branches built for the stand-ins, their ids found in the SQL."""
    assert source.branches is not None
    fragments = []
    stand_ins = Moments(*(_stand_in(dt.datetime, 100 + i) for i in range(len(_MOMENT_NAMES))))
    values = {"community": fake.pk, "viewer": VIEWER_ID,
              **{name: getattr(stand_ins, name) for name in _MOMENT_NAMES}}
    _building_moments.stand_ins = stand_ins
    try:
        with building(viewer, [alias]):
            for branch in source.branches(fake, viewer, None):
                sql, params = _branch_inner(branch, limit, alias)
                slots = find_slots(connections[alias], params, values,
                                   optional=frozenset(values))
                fragments.append(_Fragment(sql, params, slots, branch))
    finally:
        _building_moments.stand_ins = None
    return fragments


def _source_parts(source: FeedSource, community: Any, user: Any, limit: int,
                  alias: str) -> list[_Part]:
    """The source's branches for this person, their SQL built once per kind of viewer
    (``core.compiled.ViewerQuery``: the same answers to what the source's selectors asked
    about the person; the times of ``feed_moments`` are values) unless it cannot be kept
    (``NotCompilable``: announcements hold the person's building and organisations):
    built for each request then."""
    from django.utils import translation

    assert source.branches is not None
    key = (alias, translation.get_language(), source.key, limit)
    found: list[_Fragment] | str | None = _FRAGMENTS.find(key, user, community)
    if found is None:
        fake = stand_in_community(type(community))
        viewer = Viewer(user, community, fake)
        try:
            found = _fragments(source, fake, viewer, limit, alias)
        except NotCompilable:
            found = _PER_REQUEST
        _FRAGMENTS.add(key, viewer, found)
    if isinstance(found, str):
        return [_part(branch, limit, alias) for branch in source.branches(community, user, None)]
    moments = (Moments.at(timezone.now())
               if any(slot.name in _MOMENT_NAMES for f in found for slot in f.slots) else None)
    ops = connections[alias].ops
    return [fragment.part(community, user, moments, ops) for fragment in found]


def _union_events(community: Any, parts: list[_Part], since: datetime | None,
                  limit: int) -> list[FeedEvent]:
    """The newest ``limit`` events of all branches, in one query: ties in time go to
    the earlier branch (sources in key order, a source's branches in its order), then
    the newer row."""
    if not parts or limit <= 0:
        return []
    connection = connections[parts[0].branch.rows.db]
    sqls: list[str] = []
    params: list[Any] = []
    where = " WHERE q._gz_at IS NOT NULL"
    if since is not None:
        where += " AND q._gz_at >= %s"
    for index, part in enumerate(parts):
        sqls.append(f"SELECT {index} AS gz_b, q._gz_id AS gz_id, q._gz_at AS gz_at, "
                    f"q._gz_data AS gz_data FROM ({part.sql}) q{where}")
        params.extend(part.params)
        if since is not None:
            params.append(connection.ops.adapt_datetimefield_value(since))
    sql = ("SELECT gz_b, gz_id, gz_at, gz_data FROM ("
           + " UNION ALL ".join(sqls)
           + ") feed ORDER BY gz_at DESC, gz_b, gz_id DESC LIMIT %s")
    # prepared on PostgreSQL: planning the union of a dozen branches took 3 ms, running
    # it under 1 (the community home at c001); a kind of viewer sends the same text
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    events = []
    for index, pk, at, data in rows:
        if isinstance(data, str):
            data = json.loads(data)
        data.pop("_", None)
        events.append(parts[index].branch.event(community, pk, feed_datetime(at), data))
    return events


def _parts(sources: list[FeedSource], community: Any, user: Any, since: datetime | None,
           limit: int) -> list[_Part]:
    from django.db import router

    from gongzhi.places.models import Community

    alias = router.db_for_read(Community)
    parts: list[_Part] = []
    for source in sources:
        if source.branches is None:
            continue
        if since is None and isinstance(community, Community):
            parts.extend(_source_parts(source, community, user, limit, alias))
        else:
            parts.extend(_part(branch, limit, branch.rows.db)
                         for branch in source.branches(community, user, since))
    return parts


def community_feed(community: Any, user: Any, *, since: datetime | None = None,
                   limit: int = 30, sources: Iterable[str] | None = None) -> list[FeedEvent]:
    """The newest ``limit`` events of ``community`` that ``user`` may see (one query for
    the sources registered with ``feed_branches``)."""
    wanted = set(sources) if sources is not None else None
    chosen = [s for s in feed_sources() if wanted is None or s.key in wanted]
    events = _union_events(community, _parts(chosen, community, user, since, limit), since,
                           limit)
    for source in chosen:
        if source.branches is None:
            events.extend(source.fn(community, user, since, limit))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
