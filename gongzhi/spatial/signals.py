"""Recompute cached access results when spaces, buildings or the ledger change.

A save or delete schedules, after the transaction commits, a background task for the
community (bulk imports send no signals; the page checks the fingerprint when it reads,
so nothing stays stale). The task compares the input fingerprint first, so a change that
does not touch the inputs costs four queries. No query runs inside the writer's
transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gongzhi.places.models import Building, Household
from gongzhi.spaces.models import Space


def _flush(community_id: int) -> None:
    from gongzhi.spatial.models import WalkNetwork
    from gongzhi.spatial.services import schedule_refresh

    if WalkNetwork.objects.filter(community_id=community_id).exists():
        schedule_refresh(community_id)


def _changed(community_id: int | None) -> None:
    if community_id is None:
        return
    transaction.on_commit(lambda: _flush(community_id))


@receiver(post_save, sender=Space)
@receiver(post_delete, sender=Space)
@receiver(post_save, sender=Building)
@receiver(post_delete, sender=Building)
@receiver(post_save, sender=Household)
@receiver(post_delete, sender=Household)
def access_inputs_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    _changed(getattr(instance, "community_id", None))
