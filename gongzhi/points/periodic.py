"""Points' periodic jobs: award confirmed activity every 15 minutes, weekly summaries."""

from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("points.sync", minutes=15)
def sync_all() -> int:
    from gongzhi.places.models import Community
    from gongzhi.points.services import sync_community

    return sum(sync_community(c) for c in Community.objects.filter(is_active=True))


@periodic("points.weekly_summary", minutes=7 * 24 * 60)
def weekly_summary() -> int:
    from gongzhi.points.services import weekly_summaries

    return weekly_summaries()
