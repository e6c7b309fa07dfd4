from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.notifications.models import Notification


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("community")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
