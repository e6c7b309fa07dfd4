"""Places with a capacity and a waiting list (meetings, volunteer shifts, activity dates).

The row that has the places (``seats_taken``, ``capacity``; a CHECK constraint keeps
``seats_taken <= capacity``) is locked by the caller for the whole transaction. A seat is
taken by one conditional UPDATE, so two requests can never both take the last one; the
waiting list moves up in the order people joined it (``queued_at``, then id).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


def take_seat(obj: models.Model, *, capacity: int | None) -> bool:
    """Take one place on ``obj`` if any is left (``capacity`` None: no limit)."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if capacity is None:
        rows.update(seats_taken=F("seats_taken") + 1)
        return True
    try:
        with transaction.atomic():
            updated = rows.filter(seats_taken__lt=F("capacity")).update(
                seats_taken=F("seats_taken") + 1)
    except IntegrityError:  # the CHECK constraint: the last line of defence
        return False
    return bool(updated)


def free_seat(obj: models.Model) -> None:
    type(obj)._default_manager.filter(pk=obj.pk, seats_taken__gt=0).update(
        seats_taken=F("seats_taken") - 1)


def promote_waitlist(obj: models.Model, waiting: models.QuerySet[Any], *,
                     capacity: int | None, registered: str) -> list[Any]:
    """Move people from ``waiting`` (the waitlisted rows of ``obj``) up while places are
    free; returns them in order. The caller holds ``obj``'s lock and notifies them."""
    promoted: list[Any] = []
    while True:
        nxt = waiting.select_for_update().order_by("queued_at", "id").first()
        if nxt is None or not take_seat(obj, capacity=capacity):
            break
        nxt.status = registered
        nxt.promoted_at = timezone.now()
        nxt.save(update_fields=["status", "promoted_at"])
        promoted.append(nxt)
    return promoted
