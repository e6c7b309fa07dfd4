"""Contests in the community feed: a contest opens for entries, a result is announced."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches


@feed_branches("contests", label=_("Contests"))
def contest_events(community, user, since) -> list[FeedBranch]:
    from gongzhi.contests import selectors

    # both branches from the same contests (the newest by their latest event), as the
    # source gave them when it asked once: a result if announced, the opening
    contests = selectors.latest_activity(community, user, since)
    order = ("-last", "-pk")

    def result(community, pk, at, data) -> FeedEvent:
        winner = data["winner_name"] or data["winner_title"] if data["winner"] else ""
        return FeedEvent(
            source="contests", kind="result", title=data["title"], at=at,
            url=reverse("contests:results", args=[community.slug, pk]), obj_id=pk,
            summary=gettext("Result: %(winner)s") % {"winner": winner} if winner
            else gettext("Result announced"))

    def opened(community, pk, at, data) -> FeedEvent:
        return FeedEvent(
            source="contests", kind="opened", title=data["title"], at=at,
            url=reverse("contests:detail", args=[community.slug, pk]), obj_id=pk,
            summary=gettext("New contest: send your entry"))

    return [
        FeedBranch(kind="result", rows=contests, at=F("announced_at"), order=order,
                   event=result, data={"title": F("title"), "winner": F("winner_id"),
                                       "winner_name": F("winner__proposed_name"),
                                       "winner_title": F("winner__title")}),
        FeedBranch(kind="opened", rows=contests, at=F("published_at"), order=order,
                   event=opened, data={"title": F("title")}),
    ]
