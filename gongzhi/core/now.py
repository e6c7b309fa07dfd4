""""Happening now" on the community home: each app contributes one block from its
``nav.py`` with ``@now_section(order)``.

A block function ``(request, community) -> NowBlock | None`` reads through its app's
selectors (already scoped to what the user may see), costs a constant number of queries
(a test counts them) and returns ``None`` when it has nothing to show.

A block that shows events of a feed source (open votes: the ``decisions`` source) names it
(``feed_sources=``): while the block is on the page, the home's latest-news block, which
comes last, leaves that source out (``shown_feed_sources``) -- the same vote or activity is
not listed twice on one screen, and the feed's query reads fewer sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils import timezone


@dataclass
class NowItem:
    label: str
    url: str
    meta: str = ""          # e.g. "closes 12月3日", "今天 19:00 · 社区活动室"
    status: str = ""        # a short status word shown as a tag


@dataclass
class NowBlock:
    key: str
    title: str
    items: list[NowItem] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""
    summary: str = ""       # one sentence with a count, e.g. "5 reports being handled"


_blocks: list[tuple[int, str, Callable]] = []
_block_feed_sources: dict[str, tuple[str, ...]] = {}
_SHOWN = "_gz_now_feed_sources"


def now_section(order: int, name: str | None = None, *,
                feed_sources: tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
    def decorator(fn: Callable) -> Callable:
        key = name or f"{fn.__module__}.{fn.__name__}"
        _blocks[:] = [b for b in _blocks if b[1] != key]
        _blocks.append((order, key, fn))
        _blocks.sort(key=lambda b: b[0])
        _block_feed_sources[key] = feed_sources
        return fn

    return decorator


def shown_feed_sources(request: HttpRequest) -> set[str]:
    """The feed sources whose events a block already on this home page shows."""
    return set(getattr(request, _SHOWN, ()))


def community_now(request: HttpRequest, community) -> list[NowBlock]:
    from django.utils.module_loading import autodiscover_modules

    from gongzhi.core.templatetags import gz

    if not gz._nav_discovered:
        autodiscover_modules("nav")
        gz._nav_discovered = True
    blocks = []
    shown: set[str] = set()
    setattr(request, _SHOWN, shown)
    for _order, key, fn in _blocks:
        block = fn(request, community)
        if block is not None and (block.items or block.summary):
            blocks.append(block)
            shown.update(_block_feed_sources.get(key, ()))
    return blocks


def week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The week of ``day``: its Monday at 00:00 and the Monday after, in the current time
    zone (the activity calendar's week and the feed's "this week")."""
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(days=7)
