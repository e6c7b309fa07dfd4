"""Problem reports in the community feed: reports that were resolved."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("reports", label=_("Problem reports"))
def resolved_reports(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.reports import selectors

    qs = selectors.reports_for(user, community).filter(resolved_at__isnull=False)
    if since is not None:
        qs = qs.filter(resolved_at__gte=since)
    return [FeedEvent(source="reports", kind="resolved", at=r.resolved_at or r.created_at,
                      title=f"{r.get_category_display()} · {r.location_text or r.description[:40]}",
                      url=reverse("reports:detail", args=[community.slug, r.pk]),
                      summary=gettext("Problem resolved"), obj_id=r.pk)
            for r in qs.order_by("-resolved_at")[:limit]]
