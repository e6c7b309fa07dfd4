"""The community feed: what happened, from every app, newest first.

Each app contributes from its own ``feed.py`` (autodiscovered) with ``@feed_source``::

    from gongzhi.core.feed import FeedEvent, feed_source

    @feed_source("reports", label=_("Problem reports"))
    def resolved_reports(community, user, since, limit) -> list[FeedEvent]:
        return [FeedEvent(source="reports", kind="resolved", title=r.title, url=...,
                          at=r.resolved_at, summary=_("Resolved"), obj_id=r.pk)
                for r in selectors.resolved_since(community, user, since)[:limit]]

A source function reads through its app's selectors (so it shows only what ``user`` may
see — ``user`` may be anonymous), returns at most ``limit`` events at or after ``since``
(newest first), and costs a constant number of queries. ``community_feed`` merges the
sources; the news app adds follow and mute on top (``sources`` picks which to ask).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


SourceFn = Callable[[Any, Any, datetime | None, int], Iterable[FeedEvent]]


@dataclass(frozen=True)
class FeedSource:
    key: str
    label: str | Promise
    fn: SourceFn


_sources: dict[str, FeedSource] = {}
_discovered = False


def feed_source(key: str, *, label: str | Promise) -> Callable[[SourceFn], SourceFn]:
    """Register ``fn`` as the feed source ``key`` (one per app is the rule)."""

    def decorator(fn: SourceFn) -> SourceFn:
        _sources[key] = FeedSource(key=key, label=label, fn=fn)
        return fn

    return decorator


def feed_sources() -> list[FeedSource]:
    global _discovered
    if not _discovered:
        autodiscover_modules("feed")
        _discovered = True
    return sorted(_sources.values(), key=lambda s: s.key)


def community_feed(community: Any, user: Any, *, since: datetime | None = None,
                   limit: int = 30, sources: Iterable[str] | None = None) -> list[FeedEvent]:
    """The newest ``limit`` events of ``community`` that ``user`` may see."""
    wanted = set(sources) if sources is not None else None
    events: list[FeedEvent] = []
    for source in feed_sources():
        if wanted is not None and source.key not in wanted:
            continue
        events.extend(source.fn(community, user, since, limit))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
