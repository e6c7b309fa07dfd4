"""New published memories in the community feed (core.feed)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.feed import FeedEvent, feed_source
from gongzhi.memory import selectors


@feed_source("memory", label=gettext_lazy("New memories"))
def new_memories(community, user, since, limit) -> list[FeedEvent]:
    from django.urls import reverse

    return [FeedEvent(source="memory", kind="published", title=item.title,
                      url=reverse("memory:item", args=[community.slug, item.pk]),
                      at=item.published_at, summary=_("New in the community museum"),
                      obj_id=item.pk)
            for item in selectors.new_since(user, community, since, limit)
            if item.published_at is not None]
