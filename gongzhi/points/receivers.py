"""Points listen to the apps that confirm activity; those apps never import points.

When a volunteer's hours are confirmed, someone checks in at a meeting, care of a space is
recorded or a proposal is accepted, the other app saves its own row as usual. A
``post_save`` receiver connected here (from ``PointsConfig.ready``) schedules
`services.award_object` for after the commit, so the earning never slows down or breaks
the other app's transaction. Rows written in bulk (the demo, imports) send no signal:
`services.sync_community`, run by ``gongzhi tick`` every 15 minutes, awards those too.
Both paths are idempotent (unique constraint ``points_entry_source_once``).
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger(__name__)

WATCHED = ("volunteers.ShiftSignup", "meetings.Attendance", "spaces.CareLog",
           "projects.Proposal")


def _confirmed(instance) -> bool:
    label = instance._meta.label
    if label == "volunteers.ShiftSignup":
        return instance.confirmed_at is not None
    if label == "projects.Proposal":
        return instance.answer == "accepted"
    return True


def _after_commit(model, pk: int) -> None:
    from gongzhi.points.services import award_object

    try:
        obj = model.objects.filter(pk=pk).first()
        if obj is not None:
            award_object(obj)
    except Exception:  # the earning is retried by the periodic sync
        log.exception("points: awarding %s %s failed", model._meta.label, pk)


def on_save(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if raw or not _confirmed(instance):
        return
    transaction.on_commit(lambda: _after_commit(sender, instance.pk))


def connect() -> None:
    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:  # that app is not installed
            continue
        post_save.connect(on_save, sender=model, dispatch_uid=f"points.earn.{label}")
