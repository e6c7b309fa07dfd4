"""New published memories in the community feed (core.feed)."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches
from gongzhi.memory import selectors


@feed_branches("memory", label=gettext_lazy("New memories"))
def new_memories(community, user, since) -> list[FeedBranch]:
    from django.urls import reverse

    def event(community, pk, at, data) -> FeedEvent:
        return FeedEvent(source="memory", kind="published", title=data["title"],
                         url=reverse("memory:item", args=[community.slug, pk]),
                         at=at, summary=_("New in the community museum"), obj_id=pk)

    return [FeedBranch(kind="published", rows=selectors.published_since(user, community, since),
                       at=F("published_at"), order=("-published_at", "-id"), event=event,
                       data={"title": F("title")})]
