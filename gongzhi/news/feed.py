"""Announcements in the community feed."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches


@feed_branches("news", label=_("Announcements"))
def announcement_events(community, user, since) -> list[FeedBranch]:
    from gongzhi.news import selectors

    def event(community, pk, at, data) -> FeedEvent:
        important = bool(data["important"])
        return FeedEvent(source="news", kind="important" if important else "announcement",
                         title=data["title"], at=at, obj_id=pk,
                         url=reverse("news:detail", args=[community.slug, pk]),
                         summary=(gettext("Important notice from %(org)s") if important
                                  else gettext("Announcement from %(org)s"))
                         % {"org": data["org"]})

    return [FeedBranch(kind="announcement",
                       rows=selectors.published_since(community, user, since),
                       at=Coalesce("published_at", "created_at"), order=("-published_at",),
                       event=event, data={"title": F("title"), "important": F("important"),
                                          "org": F("organisation__name")})]
