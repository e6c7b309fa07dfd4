"""Sending notifications: in-app rows now, e-mail/SMS after the transaction commits.

Delivery rules (see docs/notifications.md):

* every notification lands in the in-app inbox;
* e-mail: per person, immediately, in one daily digest, or never (``NotificationPreference``);
* SMS: only for notifications marked ``important``, only to people who switched SMS on, and
  at most one per person per local day unless they allowed more (enforced by ``SmsLog``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.accounts.access import forget_roles
from gongzhi.notifications.i18n import Text, render_for
from gongzhi.notifications.models import Notification, NotificationPreference, SmsLog

PREFERENCE_FIELDS = ["email_delivery", "sms_enabled", "sms_more_than_daily"]


def notification_send(
    *,
    users: Iterable,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    community=None,
    important: bool = False,
) -> list[Notification]:
    """Put one notification in each user's inbox (deduplicated, anonymised users skipped).

    ``important=True`` also allows an SMS copy (subject to each person's choice and the
    daily limit). E-mail and SMS go out after the transaction commits, through the tasks
    backend.
    """
    seen: set[int] = set()
    rows: list[Notification] = []
    for user in users:
        if user is None or user.pk in seen or getattr(user, "deleted_at", None):
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, community=community, kind=kind,
                                 title=render_for(user, title)[:200],
                                 body=render_for(user, body), url=url, important=important))
    created = Notification.objects.bulk_create(rows)
    for row in created:
        # a person notified in their own request sees the badge count it (their access
        # rows, which carry the unread count, are read again)
        forget_roles(row.user)
    if created:
        ids = [n.pk for n in created if n.pk]
        from gongzhi.notifications.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.enqueue(ids) if ids else None)
    return created


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    marked = qs.update(read_at=timezone.now())
    forget_roles(user)  # the badge of the rest of this request counts again
    return marked


# --- preferences ------------------------------------------------------------------------

def notification_preference_update(*, user, email_delivery: str, sms_enabled: bool,
                                   sms_more_than_daily: bool) -> NotificationPreference:
    """Save a person's own delivery choices (only they may change them)."""
    from gongzhi.core.audit import audit_record, snapshot

    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    before = snapshot(pref, PREFERENCE_FIELDS)
    pref.email_delivery = email_delivery
    pref.sms_enabled = sms_enabled
    pref.sms_more_than_daily = sms_more_than_daily and sms_enabled
    pref.full_clean(exclude=["user"])
    pref.save(update_fields=PREFERENCE_FIELDS)
    audit_record(actor=user, action="notifications.preference_update", target=pref,
                 before=before, after=snapshot(pref, PREFERENCE_FIELDS))
    return pref


# --- SMS with a daily limit -------------------------------------------------------------

def sms_send_capped(*, user, message: str, notification: Notification | None = None,
                    pref: NotificationPreference | None = None, today: dt.date | None = None
                    ) -> bool:
    """Send one notification SMS unless the person's daily limit is used up.

    Returns True when the SMS was sent. The limit is counted in the database: the first SMS
    of a local day takes the day's single capped slot (a partial unique constraint), so a
    concurrent second attempt fails to insert and is logged as held back.
    """
    from gongzhi.notifications.sms import send_sms

    if not user.phone or getattr(user, "deleted_at", None):
        return False
    if pref is None:
        pref = NotificationPreference.objects.filter(user=user).first()
    if pref is None or not pref.sms_enabled:
        return False
    day = today or timezone.localdate()
    if pref.sms_more_than_daily:
        SmsLog.objects.create(user=user, notification=notification, day=day,
                              status=SmsLog.Status.SENT, counts_toward_cap=False)
    else:
        try:
            with transaction.atomic():
                SmsLog.objects.create(user=user, notification=notification, day=day,
                                      status=SmsLog.Status.SENT, counts_toward_cap=True)
        except IntegrityError:
            SmsLog.objects.create(user=user, notification=notification, day=day,
                                  status=SmsLog.Status.SUPPRESSED, counts_toward_cap=False)
            return False
    send_sms(user.phone, message)
    return True


def sms_sent_today(user, today: dt.date | None = None) -> int:
    day = today or timezone.localdate()
    return SmsLog.objects.filter(user=user, day=day, status=SmsLog.Status.SENT).count()


# --- daily digest -----------------------------------------------------------------------

def _site_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def digest_send_daily(*, now: dt.datetime | None = None) -> int:
    """E-mail one summary per person who chose the daily digest (once per local day).

    Each person's slot for the day is claimed with a conditional UPDATE on their preference,
    so two nodes running the job at once never send the same person two digests. Returns
    the number of e-mails sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = (NotificationPreference.objects
                  .filter(email_delivery=NotificationPreference.Delivery.DAILY)
                  .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
                  .filter(user__email__isnull=False, user__deleted_at__isnull=True)
                  .exclude(user__email="")
                  .filter(user__notifications__digested_at__isnull=True,
                          user__notifications__read_at__isnull=True)
                  .select_related("user").distinct())
    sent = 0
    for pref in candidates:
        claimed = (NotificationPreference.objects.filter(pk=pref.pk)
                   .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
                   .update(last_digest_on=today))
        if not claimed:
            continue
        items = list(Notification.objects
                     .filter(user=pref.user, digested_at__isnull=True, read_at__isnull=True)
                     .select_related("community").order_by("created_at", "id")[:200])
        if not items:
            continue
        user = pref.user
        email = user.email
        if not email:  # not reached: the query takes only people with an address
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("Gongzhi: %(n)s new messages") % {"n": len(items)}
            body = render_to_string("notifications/digest_email.txt", {
                "user": user, "items": items, "site_url": settings.SITE_URL,
                "inbox_url": _site_url("/inbox/"),
                "links": {n.pk: _site_url(n.url) for n in items},
            })
        send_mail(subject, body, None, [email], fail_silently=True)
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=now)
        sent += 1
    return sent
