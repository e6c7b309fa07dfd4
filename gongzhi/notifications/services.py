"""Sending notifications: in-app rows now, e-mail/SMS after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from gongzhi.notifications.models import Notification


def notification_send(
    *,
    users: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    community=None,
) -> list[Notification]:
    """Put one notification in each user's inbox (deduplicated, anonymised users skipped)."""
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in users:
        if user is None or user.pk in seen or getattr(user, "deleted_at", None):
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, community=community, kind=kind, title=str(title),
                                 body=str(body), url=url))
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [n.pk for n in created if n.pk]
        from gongzhi.notifications.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(ids) if ids else None)
    return created


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
