"""Delivery of e-mail copies for users who asked for them immediately."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task

from gongzhi.notifications.models import Notification, NotificationPreference


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    sent = 0
    qs = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user__in=qs.values("user_id"))
    }
    for n in qs:
        pref = prefs.get(n.user_id)
        if (pref and pref.email_delivery == NotificationPreference.Delivery.IMMEDIATE
                and n.user.email):
            send_mail(n.title, n.body or n.title, None, [n.user.email], fail_silently=True)
            sent += 1
    return sent
