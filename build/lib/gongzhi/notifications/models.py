"""The in-app inbox. E-mail and SMS copies are sent by backends after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                             on_delete=models.CASCADE, related_name="notifications")
    community = models.ForeignKey("places.Community", verbose_name=_("community"), null=True,
                                  blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    important = models.BooleanField(
        _("important"), default=False,
        help_text=_("Important notifications may also go out by SMS to people who allow it."))
    digested_at = models.DateTimeField(_("included in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        IN_APP = "in_app", _("Only in the app")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email_delivery = models.CharField(_("e-mail"), max_length=20, choices=Delivery.choices,
                                      default=Delivery.IN_APP)
    sms_enabled = models.BooleanField(_("SMS for important updates"), default=False)
    sms_more_than_daily = models.BooleanField(_("allow more than one SMS a day"),
                                              default=False)
    last_digest_on = models.DateField(_("last daily digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class SmsLog(models.Model):
    """One row per notification SMS we sent or held back (append-only).

    The one-SMS-a-day rule lives in the database: at most one row per user and local day
    may have ``counts_toward_cap`` (a partial unique constraint), so two workers delivering
    at the same moment cannot both send. People who allow more than one SMS a day are
    logged with ``counts_toward_cap=False``.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SUPPRESSED = "suppressed", _("Held back (daily limit)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                             on_delete=models.CASCADE, related_name="sms_logs")
    notification = models.ForeignKey(Notification, verbose_name=_("notification"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField(_("day"), help_text=_("Local date the SMS belongs to."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    counts_toward_cap = models.BooleanField(_("counts toward the daily limit"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS log entry")
        verbose_name_plural = _("SMS log")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="smslog_one_capped_per_day",
                                    condition=models.Q(counts_toward_cap=True)),
        ]
        indexes = [models.Index(fields=["user", "day"], name="smslog_user_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.status}"
