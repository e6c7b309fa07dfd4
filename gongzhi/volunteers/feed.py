"""Volunteer shifts of the coming week in the community feed (dated when they start)."""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches, feed_datetime, feed_moments


@feed_branches("volunteers", label=_("Volunteer shifts this week"))
def shifts_this_week(community, user, since) -> list[FeedBranch]:
    from gongzhi.volunteers import selectors

    moments = feed_moments()
    now = moments.now
    shifts = selectors.upcoming_shifts(community, limit=None, now=now).filter(
        starts_at__lte=moments.in_a_week)

    def event(community, pk, at, data) -> FeedEvent:
        starts = timezone.localtime(feed_datetime(data["starts_at"]))
        return FeedEvent(
            source="volunteers", kind="shift", title=data["title"], at=at,
            url=reverse("volunteers:shift", args=[community.slug, pk]), obj_id=pk,
            summary=gettext("Volunteers needed %(when)s")
            % {"when": starts.strftime("%m-%d %H:%M")})

    # A shift is "news" from the moment it is this week's: dated a week before it starts
    # (shifts have no creation time), never in the future. The soonest shifts, as before.
    return [FeedBranch(
        kind="shift", rows=shifts,
        at=Least(Value(now, output_field=DateTimeField()),
                 F("starts_at") - Value(dt.timedelta(days=7))),
        order=("starts_at", "id"), event=event,
        data={"title": F("opportunity__title"), "starts_at": F("starts_at")})]
