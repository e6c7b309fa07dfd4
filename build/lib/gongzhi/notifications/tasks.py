"""Delivery of e-mail and SMS copies after the transaction that created the notifications.

E-mail goes out now for people who chose "immediately" (daily-digest people get theirs from
the periodic job in ``periodic.py``); SMS goes out for important notifications to people
who switched SMS on, within their daily limit.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from gongzhi.notifications.models import Notification, NotificationPreference


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    from gongzhi.notifications.services import sms_send_capped

    sent = 0
    qs = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user__in=qs.values("user_id"))
    }
    emailed: list[int] = []
    for n in qs:
        pref = prefs.get(n.user_id)
        if pref is None:
            continue
        if pref.email_delivery == NotificationPreference.Delivery.IMMEDIATE and n.user.email:
            send_mail(n.title, n.body or n.title, None, [n.user.email], fail_silently=True)
            emailed.append(n.pk)
            sent += 1
        if n.important and pref.sms_enabled:
            message = n.title if not n.body else f"{n.title}: {n.body}"
            if sms_send_capped(user=n.user, message=message[:300], notification=n, pref=pref):
                sent += 1
    if emailed:
        # Already e-mailed: keep them out of any later digest.
        Notification.objects.filter(pk__in=emailed).update(digested_at=timezone.now())
    return sent
