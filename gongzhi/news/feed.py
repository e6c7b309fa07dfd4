"""Announcements in the community feed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("news", label=_("Announcements"))
def announcement_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.news import selectors

    return [FeedEvent(source="news", kind="important" if a.important else "announcement",
                      title=a.title, at=a.published_at or a.created_at, obj_id=a.pk,
                      url=reverse("news:detail", args=[community.slug, a.pk]),
                      summary=(gettext("Important notice from %(org)s") if a.important
                               else gettext("Announcement from %(org)s"))
                      % {"org": a.organisation.name})
            for a in selectors.published_since(community, user, since)[:limit]]
