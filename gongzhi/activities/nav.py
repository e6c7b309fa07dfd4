"""The nav link and the "today's activities" block on the community home."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("activities")
def _activity_links(request, community) -> list[NavLink]:
    return [NavLink(gettext("Activities"), reverse("activities:home", args=[community.slug]), 52)]


def _between(community, viewer, *, start, end):
    from gongzhi.activities import selectors

    return selectors.occurrences_between(community, start, end)[:6]


# built once (core.compiled.ViewerQuery); the day is a value
_BETWEEN = ViewerQuery(_between, start=dt.datetime, end=dt.datetime)


@now_section(25, feed_sources=("activities",))
def _activities_today(request, community) -> NowBlock | None:
    """今天的活动: today's dates (one query)."""
    from gongzhi.activities import selectors

    start, end = selectors.today_bounds()
    items = []
    for occ in _BETWEEN.all(community, request.user, start=start, end=end):
        meta = " · ".join(x for x in (timezone.localtime(occ.starts_at).strftime("%H:%M"),
                                      occ.activity.place_label) if x)
        items.append(NowItem(occ.activity.title,
                             reverse("activities:occurrence", args=[community.slug, occ.pk]),
                             meta=meta, status=gettext("Cancelled") if occ.is_cancelled else ""))
    return NowBlock("activities", gettext("Today's activities"), items,
                    more_url=reverse("activities:home", args=[community.slug]),
                    more_label=gettext("This week's activities"))
