"""Ballots in the community feed: voting opened, voting closed."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches


@feed_branches("decisions", label=_("Votes"))
def ballot_events(community, user, since) -> list[FeedBranch]:
    from gongzhi.decisions import selectors

    qs = (selectors.ballots_of(community, user).filter(opened_at__isnull=False)
          .annotate(last=Coalesce("closed_at", "opened_at")))
    if since is not None:
        qs = qs.filter(last__gte=since)
    order = ("-last", "-pk")

    def opened(community, pk, at, data) -> FeedEvent:
        return FeedEvent(source="decisions", kind="opened", title=data["title"], at=at,
                         url=reverse("decisions:detail", args=[community.slug, pk]),
                         summary=gettext("Voting opened"), obj_id=pk)

    def closed(community, pk, at, data) -> FeedEvent:
        return FeedEvent(source="decisions", kind="closed", title=data["title"], at=at,
                         url=reverse("decisions:results", args=[community.slug, pk]),
                         summary=gettext("Voting closed: see the result"), obj_id=pk)

    title = {"title": F("title")}
    return [FeedBranch(kind="opened", rows=qs, at=F("opened_at"), order=order,
                       event=opened, data=title),
            FeedBranch(kind="closed", rows=qs, at=F("closed_at"), order=order,
                       event=closed, data=title)]
