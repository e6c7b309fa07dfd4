"""Volunteer shifts of the coming week in the community feed (dated when they start)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("volunteers", label=_("Volunteer shifts this week"))
def shifts_this_week(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.volunteers import selectors

    week = timezone.now() + dt.timedelta(days=7)
    shifts = selectors.upcoming_shifts(community, limit=None).filter(starts_at__lte=week)
    # A shift is "news" from the moment it is this week's: dated a week before it starts
    # (shifts have no creation time), never in the future.
    now = timezone.now()
    events = []
    for s in shifts[:limit]:
        at = min(now, s.starts_at - dt.timedelta(days=7))
        if since is not None and at < since:
            continue
        events.append(FeedEvent(
            source="volunteers", kind="shift", title=s.opportunity.title, at=at,
            url=reverse("volunteers:shift", args=[community.slug, s.pk]), obj_id=s.pk,
            summary=gettext("Volunteers needed %(when)s")
            % {"when": timezone.localtime(s.starts_at).strftime("%m-%d %H:%M")}))
    return events
