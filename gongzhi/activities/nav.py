"""The nav link and the "today's activities" block on the community home."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section


@nav_section("activities")
def _activity_links(request, community) -> list[NavLink]:
    return [NavLink(gettext("Activities"), reverse("activities:home", args=[community.slug]), 52)]


@now_section(25, feed_sources=("activities",))
def _activities_today(request, community) -> NowBlock | None:
    """今天的活动: today's dates (one query)."""
    from gongzhi.activities import selectors

    items = []
    for occ in selectors.today(community):
        meta = " · ".join(x for x in (timezone.localtime(occ.starts_at).strftime("%H:%M"),
                                      occ.activity.place_label) if x)
        items.append(NowItem(occ.activity.title,
                             reverse("activities:occurrence", args=[community.slug, occ.pk]),
                             meta=meta, status=gettext("Cancelled") if occ.is_cancelled else ""))
    return NowBlock("activities", gettext("Today's activities"), items,
                    more_url=reverse("activities:home", args=[community.slug]),
                    more_label=gettext("This week's activities"))
