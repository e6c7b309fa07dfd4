"""The news menu entry and three blocks of the community home ("what is happening now"
for the person looking): unread important notices first, pinned announcements for their
building, and the latest events of their feed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section, shown_feed_sources
from gongzhi.core.urlcache import reverse


@nav_section("news")
def _news_links(request, community) -> list[NavLink]:
    return [NavLink(gettext("Announcements"), reverse("news:list", args=[community.slug]), 12),
            NavLink(gettext("What's happening"), reverse("news:feed", args=[community.slug]), 13)]


def _when(at) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


def _place_values(request, community) -> tuple[tuple[bool, bool], dict]:
    """The person's home as values of a compiled query: (has a building, has a unit) is
    the query's shape, the ids its values (``user_place``: one query, kept for the
    request)."""
    from gongzhi.news.selectors import user_place

    building, unit = user_place(request.user, community)
    return ((building is not None, unit is not None),
            {"now": timezone.now(), "building": building or 0, "unit": unit or 0})


def _place(has_building: bool, has_unit: bool, building: int, unit: int):
    return (building if has_building else None, unit if has_unit else None)


def _unread_build(community, viewer, has_building, has_unit, *, now, building, unit):
    from gongzhi.news import selectors
    from gongzhi.news.models import Announcement

    qs = selectors.unread_query(community, viewer, now=now,
                                place=_place(has_building, has_unit, building, unit))
    # nothing to read for this kind of viewer (not a resident): an empty queryset, which
    # is not compiled but costs no query
    return qs if qs is not None else Announcement.objects.none()


def _pinned_build(community, viewer, has_building, has_unit, *, now, building, unit):
    from gongzhi.news import selectors

    return selectors.pinned_query(community, viewer, skip_unread=True, now=now,
                                  place=_place(has_building, has_unit, building, unit))


# built once per kind of viewer and kind of home (core.compiled.ViewerQuery)
_UNREAD = ViewerQuery(_unread_build, now=dt.datetime, building=int, unit=int)
_PINNED = ViewerQuery(_pinned_build, now=dt.datetime, building=int, unit=int)


@now_section(1, "news.unread")
def _unread(request, community) -> NowBlock | None:
    if not request.user.is_authenticated:
        return None
    shape, values = _place_values(request, community)
    notices = _UNREAD.all(community, request.user, *shape, **values)
    if not notices:
        return None
    return NowBlock(
        key="news-unread", title=gettext("Please read and confirm"),
        summary=gettext("Important notices for you that you have not confirmed yet."),
        items=[NowItem(label=a.title, status=gettext("Unread"),
                       meta=f"{a.organisation.name} · {_when(a.published_at)}",
                       url=reverse("news:detail", args=[community.slug, a.pk]))
               for a in notices])


@now_section(2, "news.pinned")
def _pinned(request, community) -> NowBlock | None:
    shape, values = _place_values(request, community)
    notices = _PINNED.all(community, request.user, *shape, **values)
    if not notices:
        return None
    return NowBlock(
        key="news-pinned", title=gettext("Pinned announcements"),
        items=[NowItem(label=a.title, status=gettext("Pinned"),
                       meta=f"{a.organisation.name} · {_when(a.published_at)}",
                       url=reverse("news:detail", args=[community.slug, a.pk]))
               for a in notices],
        more_url=reverse("news:list", args=[community.slug]),
        more_label=gettext("All announcements"))


@now_section(95, "news.feed")
def _latest(request, community) -> NowBlock | None:
    from gongzhi.news import selectors

    # what the blocks above don't already show (the open votes, this week's meetings...)
    events = selectors.feed_for(community, request.user, limit=6,
                                skip=shown_feed_sources(request))
    if not events:
        return None
    return NowBlock(
        key="news-feed", title=gettext("Latest in the community"),
        items=[NowItem(label=e.title, meta=_when(e.at), status=e.summary, url=e.url)
               for e in events],
        more_url=reverse("news:feed", args=[community.slug]),
        more_label=gettext("Everything that is happening"))
