"""The community's own news (社区公告): announcements, read confirmations, the feed's
follow / mute choices.

An `Announcement` is written for an organisation of the community (the residents'
committee, the property company, the Party branch — ``orgs.Organisation``) to an audience:
the whole community, some buildings or some units (entrances). It may be pinned, may
expire, and may be *important*: then each person in the audience is asked to tap 已读,
which writes a `ReadReceipt` (one per person per announcement, a unique constraint), and
the worker sees, per building, who has and hasn't read it and can remind the rest.

`FeedPreference` stores one person's choice per feed source (``core.feed``) in one
community: follow (shown under "Following") or mute (hidden from their feed and home).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import TimeStampedModel


class Audience(models.TextChoices):
    COMMUNITY = "community", _("The whole community")
    BUILDINGS = "buildings", _("Some buildings")
    UNITS = "units", _("Some units (entrances)")


class AnnouncementQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(published_at__isnull=False, published_at__lte=now,
                           withdrawn_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Announcement(TimeStampedModel):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="announcements")
    organisation = models.ForeignKey("orgs.Organisation",
                                     verbose_name=pgettext_lazy("notice sender", "from"),
                                     on_delete=models.PROTECT, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"),
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=5000)
    important = models.BooleanField(
        _("important: ask everyone to confirm they have read it"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    audience = models.CharField(_("for whom"), max_length=10, choices=Audience.choices,
                                default=Audience.COMMUNITY)
    buildings = models.ManyToManyField("places.Building", verbose_name=_("buildings"),
                                       blank=True, related_name="+")
    units = models.ManyToManyField("places.Unit", verbose_name=_("units"), blank=True,
                                   related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    expires_at = models.DateTimeField(_("shown until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["community", "-published_at"],
                                name="announcement_comm_pub")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__isnull=True)
                                   | Q(published_at__isnull=True)
                                   | Q(expires_at__gt=models.F("published_at")),
                                   name="announcement_expires_after_publish"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return (self.published_at is not None and self.published_at <= now
                and self.withdrawn_at is None
                and (self.expires_at is None or self.expires_at > now))


class ReadReceipt(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE,
                                     related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="read_receipts")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"],
                                               name="readreceipt_once")]

    def __str__(self) -> str:
        return f"{self.announcement_id} ← {self.user_id}"



class FeedPreference(models.Model):
    class Choice(models.TextChoices):
        FOLLOW = "follow", _("Follow")
        MUTE = "mute", _("Mute")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="feed_preferences")
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE,
                                  related_name="+")
    source = models.CharField(max_length=30)
    choice = models.CharField(max_length=6, choices=Choice.choices)

    class Meta:
        verbose_name = _("feed preference")
        verbose_name_plural = _("feed preferences")
        constraints = [models.UniqueConstraint(fields=["user", "community", "source"],
                                               name="feedpref_unique")]

    def __str__(self) -> str:
        return f"{self.source}: {self.choice}"
