"""Problem reports (居民报事): a resident drops a pin, the community answers in public.

The workflow (which status may follow which, and who may move it) is a table in
``gongzhi.reports.workflow``; these models hold the data and the invariants the database
can enforce by itself: one "me too" per person per report, a reason for every refusal and
every hidden report, coordinates on the globe, an append-only public timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import AppendOnlyError
from gongzhi.core.uploads import safe_upload_name


class Category(models.TextChoices):
    LAMP = "lamp", _("Street lamp out")              # 路灯不亮
    PATH = "path", _("Broken path")                  # 步道破损
    RUBBISH = "rubbish", _("Rubbish")                # 垃圾堆放
    BIKE_SHED = "bike_shed", _("Bike shed")          # 非机动车棚
    CHARGER = "charger", _("EV charger")             # 充电桩
    GREEN = "green", _("Green space")                # 绿化
    NOISE = "noise", _("Noise")                      # 噪音扰民
    SAFETY = "safety", _("Safety hazard")            # 安全隐患
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)
# Statuses in which someone still owes the reporter work (the response clock runs).
CLOCK_STATUSES = OPEN_STATUSES
FINAL_STATUSES = (Status.REFUSED, Status.CLOSED)


class ReportQuerySet(models.QuerySet):
    def public(self) -> ReportQuerySet:
        """What anyone may see: everything not hidden by a moderator."""
        return self.filter(hidden_at__isnull=True)

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Report(models.Model):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reports")
    anonymous = models.BooleanField(
        _("hide my name from the public"), default=False,
        help_text=_("Community workers still see who reported it, so they can ask you."),
    )
    reporter_verified = models.BooleanField(
        _("reported by a verified resident"), default=False,
        help_text=_("Whether the reporter was a verified resident when reporting."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices,
                                db_index=True)
    description = models.TextField(_("description"), max_length=2000)
    location_text = models.CharField(
        _("where exactly"), max_length=200, blank=True,
        help_text=_("For example: in front of building 3, unit 2."),
    )
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90),
                                                       MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), validators=[MinValueValidator(-180),
                                                        MaxValueValidator(180)])
    space = models.ForeignKey("spaces.Space", verbose_name=_("space or facility"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="reports")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("assigned to"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="reports")
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    resolution_note = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("due"), null=True, blank=True, db_index=True,
        help_text=_("When the current step (accepting or resolving) is due; empty when "
                    "nothing is owed."),
    )
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("hidden by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "-created_at"],
                         name="report_comm_status_time"),
            # the list's page of ids: a community's newest first, open statuses filtered on
            # the way (several statuses cannot walk report_comm_status_time in one order)
            models.Index(fields=["community", "-created_at", "-id"], name="report_comm_time"),
            # the feed's "resolved" branch: a community's latest resolved, newest first
            # (was a scan of every resolved report of the community and a sort)
            models.Index(fields=["community", "-resolved_at"], name="report_comm_resolved",
                         condition=models.Q(resolved_at__isnull=False)),
            models.Index(fields=["lat", "lon"], name="report_lat_lon"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_time"),
            models.Index(fields=["organisation", "status"], name="report_org_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(lat__gte=-90, lat__lte=90,
                                                      lon__gte=-180, lon__lte=180),
                                   name="report_coords_on_globe"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values),
                                   name="report_status_known"),
            models.CheckConstraint(
                condition=~models.Q(status=Status.REFUSED) | ~models.Q(refusal_reason=""),
                name="report_refusal_has_reason"),
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="report_hidden_has_reason"),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False)
                | models.Q(status__in=[Status.SUBMITTED, Status.REFUSED]),
                name="report_assigned_after_accept"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def is_overdue(self, now=None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())

    def public_reporter_name(self) -> str:
        """The name anyone may see: never the person's for an anonymous report."""
        if self.anonymous or self.reporter is None:
            return str(_("Anonymous resident"))
        return self.reporter.public_name


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Reported problem")
    RESOLUTION = "resolution", _("After the fix")


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    # The name is random and the extension one we produce (gongzhi.core.uploads): neither
    # the client's file name nor the report id shows in the address.
    return f"reports/{timezone.now():%Y/%m}/{safe_upload_name(filename)}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="photos")
    kind = models.CharField(_("kind"), max_length=20, choices=PhotoKind.choices,
                            default=PhotoKind.REPORT)
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    location_kept = models.BooleanField(
        _("location kept in the photo"), default=False,
        help_text=_("True only when the uploader chose to keep the GPS position."),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Reported")
    ACCEPTED = "accepted", _("Accepted and assigned")
    REFUSED = "refused", _("Refused")
    ASSIGNED = "assigned", _("Reassigned")
    STARTED = "started", _("Work started")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed by the reporter")
    REOPENED = "reopened", _("Reopened by the reporter")
    AUTO_CLOSED = "auto_closed", _("Closed automatically")
    HIDDEN = "hidden", _("Hidden by a moderator")
    UNHIDDEN = "unhidden", _("Shown again by a moderator")


# Moderation steps are kept on the timeline for workers but are not shown to the public.
PRIVATE_EVENTS = (EventKind.HIDDEN, EventKind.UNHIDDEN)


class ReportEvent(models.Model):
    """One step on a report's public timeline. Append-only (Python and a DB trigger)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="events")
    kind = models.CharField(_("step"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices,
                                   blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("timeline entries cannot be changed")
        super().save(*args, **kwargs)


class MeToo(models.Model):
    """"Me too" (我也遇到): one per person per report, enforced by the database."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="me_toos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="report_me_toos")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("me too")
        verbose_name_plural = _("me toos")
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="report_metoo_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} +1 {self.report_id}"


class ResponseTargets(models.Model):
    """Per-community response clocks (响应时限), editable by the community admin."""

    community = models.OneToOneField("places.Community", verbose_name=_("community"),
                                     on_delete=models.CASCADE, related_name="report_targets")
    accept_hours = models.PositiveSmallIntegerField(
        _("accept within (hours)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)])
    resolve_days = models.PositiveSmallIntegerField(
        _("resolve within (days after accepting)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    confirm_days = models.PositiveSmallIntegerField(
        _("close automatically after (days without the reporter's answer)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("response targets")
        verbose_name_plural = _("response targets")
        constraints = [
            models.CheckConstraint(condition=models.Q(accept_hours__gte=1, resolve_days__gte=1,
                                                      confirm_days__gte=1),
                                   name="report_targets_positive"),
        ]

    def __str__(self) -> str:
        return str(self.community)
