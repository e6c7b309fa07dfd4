"""Background work: the opinion map is computed here, never in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def compute_snapshot(conversation_id: int) -> int | None:
    from gongzhi.deliberation.services import snapshot_compute

    snap = snapshot_compute(conversation_id=conversation_id)
    return snap.pk if snap is not None else None
