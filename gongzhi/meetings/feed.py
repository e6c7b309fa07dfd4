"""Meetings in the community feed: announced (when they were put up) and held."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches, feed_datetime, feed_moments


@feed_branches("meetings", label=_("Meetings"))
def meeting_events(community, user, since) -> list[FeedBranch]:
    from gongzhi.meetings import selectors
    from gongzhi.meetings.models import Meeting

    now = feed_moments().now
    qs = selectors.meetings_visible_to(user, community)
    announced = qs.filter(status=Meeting.Status.PUBLISHED, starts_at__gte=now)
    held = qs.filter(status=Meeting.Status.HELD, starts_at__lte=now)
    if since is not None:
        announced = announced.filter(created_at__gte=since)
        held = held.filter(starts_at__gte=since)

    def announcement(community, pk, at, data) -> FeedEvent:
        starts = timezone.localtime(feed_datetime(data["starts_at"]))
        return FeedEvent(source="meetings", kind="announced", title=data["title"], at=at,
                         url=reverse("meetings:detail", args=[community.slug, pk]),
                         summary=gettext("Meeting on %(date)s")
                         % {"date": starts.strftime("%m-%d %H:%M")}, obj_id=pk)

    def was_held(community, pk, at, data) -> FeedEvent:
        return FeedEvent(source="meetings", kind="held", title=data["title"], at=at,
                         url=reverse("meetings:detail", args=[community.slug, pk]),
                         summary=gettext("Meeting held"), obj_id=pk)

    return [
        FeedBranch(kind="announced", rows=announced, at=F("created_at"),
                   order=("-created_at",), event=announcement,
                   data={"title": F("title"), "starts_at": F("starts_at")}),
        FeedBranch(kind="held", rows=held, at=F("starts_at"), order=("-starts_at",),
                   event=was_held, data={"title": F("title")}),
    ]
