"""Ballots in the community feed: voting opened, voting closed (one query)."""

from __future__ import annotations

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("decisions", label=_("Votes"))
def ballot_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.decisions import selectors

    qs = (selectors.ballots_of(community, user).filter(opened_at__isnull=False)
          .annotate(last=Coalesce("closed_at", "opened_at")).order_by("-last", "-pk"))
    if since is not None:
        qs = qs.filter(last__gte=since)
    events = []
    for b in qs[:limit]:
        if b.opened_at and (since is None or b.opened_at >= since):
            events.append(FeedEvent(
                source="decisions", kind="opened", title=b.title, at=b.opened_at,
                url=reverse("decisions:detail", args=[community.slug, b.pk]),
                summary=gettext("Voting opened"), obj_id=b.pk))
        if b.closed_at:
            events.append(FeedEvent(
                source="decisions", kind="closed", title=b.title, at=b.closed_at,
                url=reverse("decisions:results", args=[community.slug, b.pk]),
                summary=gettext("Voting closed: see the result"), obj_id=b.pk))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
