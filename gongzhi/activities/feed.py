"""The community feed: activities taking place this week."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("activities", label=_("Activities"))
def activities_this_week(community, user, since, limit) -> list[FeedEvent]:
    """One event per date this week (newest first), cancelled ones said so (one query)."""
    from gongzhi.activities import selectors

    start, end = selectors.week_bounds(timezone.localdate())
    if since is not None:
        start = max(start, since)
    occs = list(selectors.occurrences_between(community, start, end + dt.timedelta(0))
                .order_by("-starts_at", "-id")[:limit])
    return [FeedEvent(source="activities", kind="cancelled" if o.is_cancelled else "date",
                      title=o.activity.title,
                      url=reverse("activities:occurrence", args=[community.slug, o.pk]),
                      at=o.starts_at,
                      summary=gettext("Cancelled") if o.is_cancelled
                      else gettext("Community activity"),
                      obj_id=o.pk) for o in occs]
