"""The news menu entry and three blocks of the community home ("what is happening now"
for the person looking): unread important notices first, pinned announcements for their
building, and the latest events of their feed."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section, shown_feed_sources


@nav_section("news")
def _news_links(request, community) -> list[NavLink]:
    return [NavLink(gettext("Announcements"), reverse("news:list", args=[community.slug]), 12),
            NavLink(gettext("What's happening"), reverse("news:feed", args=[community.slug]), 13)]


def _when(at) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


@now_section(1, "news.unread")
def _unread(request, community) -> NowBlock | None:
    from gongzhi.news import selectors

    notices = selectors.unread_important(community, request.user)
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
    from gongzhi.news import selectors

    notices = selectors.pinned_for(community, request.user, skip_unread=True)
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
