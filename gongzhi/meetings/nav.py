from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("meetings")
def _meeting_links(request, community) -> list[NavLink]:
    # "Meetings" is 议事 in the Chinese catalogue.
    return [NavLink(_("Meetings"), reverse("meetings:list", args=[community.slug]), 41)]


def _announced(community, viewer, *, start, end):
    from gongzhi.meetings.models import Meeting
    from gongzhi.meetings.selectors import meetings_visible_to

    return (meetings_visible_to(viewer, community)
            .filter(status=Meeting.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end)
            .select_related("space").order_by("starts_at")[:5])


# built once per kind of viewer (core.compiled.ViewerQuery); the week is a value
_ANNOUNCED = ViewerQuery(_announced, start=dt.datetime, end=dt.datetime)


@now_section(20, feed_sources=("meetings",))
def _meetings_this_week(request, community) -> NowBlock | None:
    """Announced meetings from today to seven days ahead."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = _ANNOUNCED.all(community, request.user, start=start,
                              end=start + dt.timedelta(days=8))
    items = [NowItem(m.title, reverse("meetings:detail", args=[community.slug, m.pk]),
                     meta=" · ".join(x for x in (date_format(timezone.localtime(m.starts_at),
                                                             "SHORT_DATETIME_FORMAT"),
                                                 m.place_label) if x))
             for m in meetings]
    return NowBlock("meetings", str(_("Meetings this week")), items,
                    more_url=reverse("meetings:list", args=[community.slug]) + "?when=upcoming",
                    more_label=str(_("All meetings")))
