"""Regular community activities (社区活动): one-off or recurring, with registration.

An `Activity` (S community's 放学后1小时, a festival, a class) has a first start, a length
and, when it repeats, an RFC 5545 recurrence rule (``rrule``, built from plain choices —
see ``recurrence.py``) with excluded dates (``exdates``, EXDATE). Its `Occurrence`s are
materialised for a rolling window (``services.occurrences_materialise``, extended by
``gongzhi tick``), so each date has its own capacity, registrations, waiting list,
attendance, cancellation (with a reason) or move. A `Registration` is one person — the
account holder or a `Child` the account holder (the guardian) registered — on one
occurrence. A child is a first name or nickname and an age (birth year or age band):
no phone, no ID; the guardian's account is the contact. `ActivityPhoto`s carry a flag
that the people shown agreed; only those go to the memory archive.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel

TIME_ZONE = "Asia/Shanghai"


def new_checkin_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Category(models.TextChoices):
    CHILDREN = "children", _("Children and youth")
    ELDERLY = "elderly", _("Older people")
    CULTURE = "culture", _("Culture and arts")
    FESTIVAL = "festival", _("Festival")
    CLASS = "class", _("Class or workshop")
    SPORT = "sport", _("Sport and health")
    GREEN = "green", _("Gardening and environment")
    NEIGHBOURS = "neighbours", _("Neighbours getting together")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    """Age bands for children registered by a guardian (lower, upper inclusive)."""

    A0_2 = "0_2", _("0–2 years")
    A3_5 = "3_5", _("3–5 years")
    A6_8 = "6_8", _("6–8 years")
    A9_11 = "9_11", _("9–11 years")
    A12_14 = "12_14", _("12–14 years")
    A15_17 = "15_17", _("15–17 years")


AGE_BAND_RANGE = {"0_2": (0, 2), "3_5": (3, 5), "6_8": (6, 8), "9_11": (9, 11),
                  "12_14": (12, 14), "15_17": (15, 17)}


class Activity(TimeStampedModel):
    class Organiser(models.TextChoices):
        WORKER = "worker", _("A community worker")
        TEAM = "team", _("A volunteer team")
        ORG = "org", _("An organisation")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices,
                                default=Category.OTHER)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    location_text = models.CharField(_("place"), max_length=200, blank=True)
    organiser_kind = models.CharField(_("organised by"), max_length=8,
                                      choices=Organiser.choices, default=Organiser.WORKER)
    organiser_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organiser"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="organised_activities")
    organiser_team = models.ForeignKey("volunteers.Team", verbose_name=_("volunteer team"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="activities")
    organiser_org = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"),
                                      null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="activities")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="activities")
    first_start = models.DateTimeField(_("first time"))
    duration_minutes = models.PositiveIntegerField(_("length (minutes)"), default=60)
    rrule = models.CharField(_("repeats"), max_length=200, blank=True,
                             help_text=_("RFC 5545 RRULE, built by the form; blank: once."))
    exdates = models.JSONField(_("left-out dates"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Empty: no limit."))
    registration_open = models.BooleanField(_("registration needed"), default=True)
    allow_children = models.BooleanField(_("guardians may register children"), default=False)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    materialised_until = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["first_start", "id"]
        indexes = [models.Index(fields=["community", "cancelled_at"], name="activity_comm")]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=5)
                                   & Q(duration_minutes__lte=24 * 60),
                                   name="activity_duration_range"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                                   name="activity_capacity_pos"),
            models.CheckConstraint(condition=Q(min_age__isnull=True) | Q(min_age__lte=120),
                                   name="activity_min_age_range"),
            models.CheckConstraint(condition=Q(max_age__isnull=True) | Q(max_age__lte=120),
                                   name="activity_max_age_range"),
            models.CheckConstraint(condition=Q(min_age__isnull=True) | Q(max_age__isnull=True)
                                   | Q(max_age__gte=F("min_age")),
                                   name="activity_age_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    @property
    def place_label(self) -> str:
        space = self.space if self.space_id else None
        if space is not None:
            return " ".join(x for x in (space.name, self.location_text) if x)
        return self.location_text

    @property
    def point(self) -> tuple[float, float] | None:
        space = self.space if self.space_id else None
        if space is not None and space.lat is not None:
            return space.lat, space.lon
        return None

    @property
    def organiser_label(self) -> str:
        team = self.organiser_team if self.organiser_team_id else None
        org = self.organiser_org if self.organiser_org_id else None
        user = self.organiser_user if self.organiser_user_id else None
        if self.organiser_kind == self.Organiser.TEAM and team is not None:
            return team.name
        if self.organiser_kind == self.Organiser.ORG and org is not None:
            return org.name
        return user.public_name if user is not None else ""

    @property
    def excluded_dates(self) -> list[dt.date]:
        out = []
        for raw in self.exdates or []:
            try:
                out.append(dt.date.fromisoformat(str(raw)))
            except ValueError:
                continue
        return sorted(out)

    @property
    def age_range_label(self) -> str:
        from django.utils.translation import gettext

        if self.min_age is not None and self.max_age is not None:
            return gettext("%(lo)s–%(hi)s years") % {"lo": self.min_age, "hi": self.max_age}
        if self.min_age is not None:
            return gettext("%(lo)s years and over") % {"lo": self.min_age}
        if self.max_age is not None:
            return gettext("up to %(hi)s years") % {"hi": self.max_age}
        return ""


class Occurrence(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, verbose_name=_("activity"),
                                 on_delete=models.CASCADE, related_name="occurrences")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    # the start the rule gives: the occurrence's identity (its iCalendar RECURRENCE-ID),
    # which stays when the occurrence is moved
    original_start = models.DateTimeField(_("planned start"))
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checkin_code = models.CharField(_("check-in code"), max_length=12,
                                    default=new_checkin_code)
    reminded_day_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_hour_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["community", "starts_at"], name="occurrence_comm_start")]
        constraints = [
            models.UniqueConstraint(fields=["activity", "original_start"],
                                    name="occurrence_unique_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="occurrence_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                                   name="occurrence_capacity_pos"),
            # the capacity invariant lives in the database, as for shifts and meetings
            models.CheckConstraint(condition=Q(capacity__isnull=True)
                                   | Q(seats_taken__lte=F("capacity")),
                                   name="occurrence_seats_within_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.starts_at != self.original_start

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.seats_taken)


class Child(models.Model):
    """A child a guardian registers: a first name or nickname and an age, nothing else."""

    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("guardian"),
                                 on_delete=models.CASCADE, related_name="activity_children")
    name = models.CharField(_("first name or nickname"), max_length=20)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_band = models.CharField(_("age group"), max_length=6, choices=AgeBand.choices,
                                blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["guardian", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(birth_year__isnull=False) | ~Q(age_band=""),
                                   name="child_has_age"),
            models.CheckConstraint(condition=Q(birth_year__isnull=True)
                                   | Q(birth_year__gte=1990, birth_year__lte=2200),
                                   name="child_birth_year_range"),
            models.UniqueConstraint(fields=["guardian", "name"], name="child_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def age_range(self, on: dt.date | None = None) -> tuple[int, int]:
        """The child's possible ages (lowest, highest) on ``on`` (today by default)."""
        if self.birth_year:
            year = (on or timezone.localdate()).year
            return max(0, year - self.birth_year - 1), max(0, year - self.birth_year)
        return AGE_BAND_RANGE.get(self.age_band, (0, 17))

    @property
    def age_label(self) -> str:
        from django.utils.translation import gettext

        if self.birth_year:
            return gettext("born %(year)s") % {"year": self.birth_year}
        return str(self.get_age_band_display())


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        WORKER = "worker", _("Marked by the organisers")

    occurrence = models.ForeignKey(Occurrence, verbose_name=_("occurrence"),
                                   on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                             on_delete=models.CASCADE, related_name="activity_registrations")
    child = models.ForeignKey(Child, verbose_name=_("child"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    queued_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True,
                                       blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    attendance_method = models.CharField(_("attendance by"), max_length=10,
                                         choices=Method.choices, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["occurrence", "queued_at", "id"]
        indexes = [models.Index(fields=["occurrence", "status", "queued_at"],
                                name="actreg_queue"),
                   models.Index(fields=["user", "status"], name="actreg_user")]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"],
                                    condition=Q(child__isnull=True), name="actreg_unique_self"),
            models.UniqueConstraint(fields=["occurrence", "child"],
                                    condition=Q(child__isnull=False),
                                    name="actreg_unique_child"),
        ]

    def __str__(self) -> str:
        return f"{self.occurrence_id} ← {self.user_id}/{self.child_id}"

    @property
    def community(self):
        return self.occurrence.community

    @property
    def person_label(self) -> str:
        child = self.child if self.child_id else None
        return child.name if child is not None else self.user.public_name


def photo_upload_to(instance, filename: str) -> str:
    from gongzhi.core.uploads import safe_upload_name

    return f"activities/{timezone.now():%Y/%m}/{safe_upload_name(filename)}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, verbose_name=_("activity"),
                                 on_delete=models.CASCADE, related_name="photos")
    occurrence = models.ForeignKey(Occurrence, verbose_name=_("occurrence"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="photos")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    image = models.ImageField(_("photo"), upload_to=photo_upload_to)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    people_consented = models.BooleanField(
        _("the people in it agreed"), default=False,
        help_text=_("Everyone recognisable in the photo (for children: their guardian) "
                    "agreed that it is kept and shown, also in the memory archive."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["activity", "created_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name
