"""The community feed: activities taking place this week."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches, feed_moments


@feed_branches("activities", label=_("Activities"))
def activities_this_week(community, user, since) -> list[FeedBranch]:
    """One event per date this week (newest first), cancelled ones said so."""
    from gongzhi.activities import selectors
    from gongzhi.activities.models import Occurrence

    moments = feed_moments()  # this week (selectors.week_bounds), as values
    start, end = moments.week_start, moments.week_end
    if since is not None:
        start = max(start, since)

    def event(community, pk, at, data) -> FeedEvent:
        cancelled = data["status"] == Occurrence.Status.CANCELLED
        return FeedEvent(source="activities", kind="cancelled" if cancelled else "date",
                         title=data["title"],
                         url=reverse("activities:occurrence", args=[community.slug, pk]),
                         at=at, summary=gettext("Cancelled") if cancelled
                         else gettext("Community activity"), obj_id=pk)

    return [FeedBranch(
        kind="date", rows=selectors.occurrences_between(community, start, end),
        at=F("starts_at"), order=("-starts_at", "-id"), event=event,
        data={"title": F("activity__title"), "status": F("status")})]
