"""Background recomputation of the cached access results (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_access(community_id: int) -> int:
    """Recompute both walking speeds for a community when their inputs changed."""
    from gongzhi.places.models import Community
    from gongzhi.spatial.models import WalkingMode
    from gongzhi.spatial.services import snapshot_refresh

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    done = 0
    for mode in WalkingMode.values:
        if snapshot_refresh(community=community, mode=mode) is not None:
            done += 1
    return done
