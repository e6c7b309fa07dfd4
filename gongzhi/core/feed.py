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
            event=lambda pk, at, d: FeedEvent(source="reports", kind="resolved", ...))]

``community_feed`` asks every branch of every wanted source in ONE query: each branch is
its queryset's newest ``limit`` rows (its own ``order``) as (id, time, JSON of ``data``),
the branches are glued with ``UNION ALL`` and the newest ``limit`` of all are kept; the
events are built from those rows alone. Asking nine sources one by one cost the
community home twelve queries (docs/operations.md, "Signed-in pages"); the rows and the
events are the same (``core/tests/test_feed_union.py`` compares them with the sources as
they were). A branch's ``at`` may be NULL for a row (a contest with no result yet): the
row gives no event. ``since`` is passed to the source (which filters as it likes) and
every event's time is at or after it.

A source may still return events itself (``@feed_source``: ``fn(community, user, since,
limit)``, at most ``limit`` events at or after ``since``, newest first, a constant number
of queries); those are merged with the union's.
"""

from __future__ import annotations

import datetime as dt
import json
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
    column as ``F("organisation__name")``), handed to ``event(pk, at, data)`` as
    Python values (datetimes as ISO text: ``feed_datetime`` reads them).
    """

    kind: str
    rows: QuerySet
    at: Any
    order: Sequence[Any]
    event: Callable[[int, datetime, dict[str, Any]], FeedEvent]
    data: dict[str, Any] = field(default_factory=dict)


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
            return _union_events([fn(community, user, since)], since, limit)

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


def _branch_sql(branch: FeedBranch, index: int, since: datetime | None, limit: int,
                connection) -> tuple[str, list[Any]]:
    qs = (branch.rows.select_related(None).prefetch_related(None)
          .annotate(_gz_id=F("pk"), _gz_at=branch.at,
                    _gz_data=JSONObject(_=F("pk"), **branch.data))
          .order_by(*branch.order).values_list("_gz_id", "_gz_at", "_gz_data")[:limit])
    sql, params = qs.query.sql_with_params()
    where = " WHERE q._gz_at IS NOT NULL"
    extra: list[Any] = []
    if since is not None:
        where += " AND q._gz_at >= %s"
        extra.append(connection.ops.adapt_datetimefield_value(since))
    return (f"SELECT {index} AS gz_b, q._gz_id AS gz_id, q._gz_at AS gz_at, q._gz_data AS gz_data "
            f"FROM ({sql}) q{where}", [*params, *extra])


def _union_events(groups: list[list[FeedBranch]], since: datetime | None,
                  limit: int) -> list[FeedEvent]:
    """The newest ``limit`` events of all branches, in one query: ties in time go to
    the earlier branch (sources in key order, a source's branches in its order), then
    the newer row."""
    branches = [b for group in groups for b in group]
    if not branches or limit <= 0:
        return []
    connection = connections[branches[0].rows.db]
    parts, params = [], []
    for index, branch in enumerate(branches):
        sql, found = _branch_sql(branch, index, since, limit, connection)
        parts.append(sql)
        params.extend(found)
    sql = ("SELECT gz_b, gz_id, gz_at, gz_data FROM ("
           + " UNION ALL ".join(parts)
           + ") feed ORDER BY gz_at DESC, gz_b, gz_id DESC LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    events = []
    for index, pk, at, data in rows:
        if isinstance(data, str):
            data = json.loads(data)
        data.pop("_", None)
        events.append(branches[index].event(pk, feed_datetime(at), data))
    return events


def community_feed(community: Any, user: Any, *, since: datetime | None = None,
                   limit: int = 30, sources: Iterable[str] | None = None) -> list[FeedEvent]:
    """The newest ``limit`` events of ``community`` that ``user`` may see (one query for
    the sources registered with ``feed_branches``)."""
    wanted = set(sources) if sources is not None else None
    chosen = [s for s in feed_sources() if wanted is None or s.key in wanted]
    events = _union_events([s.branches(community, user, since) for s in chosen
                            if s.branches is not None], since, limit)
    for source in chosen:
        if source.branches is None:
            events.extend(source.fn(community, user, since, limit))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
