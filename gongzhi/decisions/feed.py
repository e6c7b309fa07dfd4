"""Ballots in the community feed: voting opened, voting closed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("decisions", label=_("Votes"))
def ballot_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.decisions import selectors

    qs = selectors.ballots_of(community, user)
    opened = qs.filter(opened_at__isnull=False)
    closed = qs.filter(closed_at__isnull=False)
    if since is not None:
        opened = opened.filter(opened_at__gte=since)
        closed = closed.filter(closed_at__gte=since)
    events = [FeedEvent(source="decisions", kind="opened", title=b.title,
                        at=b.opened_at or b.created_at,
                        url=reverse("decisions:detail", args=[community.slug, b.pk]),
                        summary=gettext("Voting opened"), obj_id=b.pk)
              for b in opened.order_by("-opened_at")[:limit]]
    events += [FeedEvent(source="decisions", kind="closed", title=b.title,
                         at=b.closed_at or b.updated_at,
                         url=reverse("decisions:results", args=[community.slug, b.pk]),
                         summary=gettext("Voting closed: see the result"), obj_id=b.pk)
               for b in closed.order_by("-closed_at")[:limit]]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
