"""Problem reports in the community feed: reports that were resolved."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce, Left
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches


@feed_branches("reports", label=_("Problem reports"))
def resolved_reports(community, user, since) -> list[FeedBranch]:
    from gongzhi.reports import selectors
    from gongzhi.reports.models import Report

    qs = selectors.reports_for(user, community).filter(resolved_at__isnull=False)
    if since is not None:
        qs = qs.filter(resolved_at__gte=since)

    labels = dict(Report._meta.get_field("category").flatchoices)

    def event(community, pk, at, data) -> FeedEvent:
        category = labels.get(data["category"], data["category"])
        where = data["location_text"] or data["description"]
        return FeedEvent(source="reports", kind="resolved", at=at,
                         title=f"{category} · {where}",
                         url=reverse("reports:detail", args=[community.slug, pk]),
                         summary=gettext("Problem resolved"), obj_id=pk)

    return [FeedBranch(kind="resolved", rows=qs, at=Coalesce("resolved_at", "created_at"),
                       order=("-resolved_at",), event=event,
                       data={"category": F("category"), "location_text": F("location_text"),
                             "description": Left("description", 40)})]
