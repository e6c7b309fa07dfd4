"""Contests in the community feed: a contest opens for entries, a result is announced
(one query)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("contests", label=_("Contests"))
def contest_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.contests import selectors

    events = []
    for c in selectors.latest_activity(community, user, since)[:limit]:
        if c.announced_at and (since is None or c.announced_at >= since):
            winner = (c.winner.proposed_name or c.winner.title) if c.winner else ""
            events.append(FeedEvent(
                source="contests", kind="result", title=c.title, at=c.announced_at,
                url=reverse("contests:results", args=[community.slug, c.pk]), obj_id=c.pk,
                summary=gettext("Result: %(winner)s") % {"winner": winner} if winner
                else gettext("Result announced")))
        if c.published_at and (since is None or c.published_at >= since):
            events.append(FeedEvent(
                source="contests", kind="opened", title=c.title, at=c.published_at,
                url=reverse("contests:detail", args=[community.slug, c.pk]), obj_id=c.pk,
                summary=gettext("New contest: send your entry")))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
