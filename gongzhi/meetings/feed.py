"""Meetings in the community feed: announced (when they were put up) and held."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("meetings", label=_("Meetings"))
def meeting_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.meetings import selectors
    from gongzhi.meetings.models import Meeting

    now = timezone.now()
    qs = selectors.meetings_visible_to(user, community)
    announced = qs.filter(status=Meeting.Status.PUBLISHED, starts_at__gte=now)
    held = qs.filter(status=Meeting.Status.HELD, starts_at__lte=now)
    if since is not None:
        announced = announced.filter(created_at__gte=since)
        held = held.filter(starts_at__gte=since)
    events = [FeedEvent(source="meetings", kind="announced", title=m.title, at=m.created_at,
                        url=reverse("meetings:detail", args=[community.slug, m.pk]),
                        summary=gettext("Meeting on %(date)s")
                        % {"date": timezone.localtime(m.starts_at).strftime("%m-%d %H:%M")},
                        obj_id=m.pk)
              for m in announced.order_by("-created_at")[:limit]]
    events += [FeedEvent(source="meetings", kind="held", title=m.title, at=m.starts_at,
                         url=reverse("meetings:detail", args=[community.slug, m.pk]),
                         summary=gettext("Meeting held"), obj_id=m.pk)
               for m in held.order_by("-starts_at")[:limit]]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
