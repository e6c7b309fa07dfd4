"""The volunteer corps (志愿服务队): corps, colour teams, opportunities, shifts, sign-ups.

A worker creates a `Corps` (e.g. B community's 焦佼者) and its `Team`s (name, colour,
theme, leader, members). An `Opportunity` is a kind of service (where, which tasks, which
skills, minimum age, linked to a project — through the phase-action registry, code
``volunteers.signup`` — a space or a maintenance duty); its `Shift`s are the dated slots
people sign up for. A `ShiftSignup` is registered or waitlisted (automatic promotion under
a row lock when a place frees up), then checked in and out (by QR code or by the worker),
and its hours are confirmed by the team leader. Only confirmed hours count.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel


class Colour(models.TextChoices):
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue")
    PURPLE = "purple", _("Purple")
    OTHER = "other", _("Other")


# CSS colours for the team badges (text on them is white; all pass WCAG AA at 14 px bold).
COLOUR_HEX = {"red": "#b3261e", "orange": "#a84a00", "green": "#1b6e3a", "blue": "#1d4ed8",
              "purple": "#6b3fa0", "other": "#4b5563"}


def new_checkin_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Corps(TimeStampedModel):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="volunteer_corps")
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("volunteer corps")
        verbose_name_plural = _("volunteer corps")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "name"],
                                               name="corps_unique_name")]

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel):
    corps = models.ForeignKey(Corps, verbose_name=_("corps"), on_delete=models.CASCADE,
                              related_name="teams")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    colour = models.CharField(_("colour"), max_length=10, choices=Colour.choices,
                              default=Colour.OTHER)
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("team leader"),
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="led_volunteer_teams")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["corps", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["corps", "name"],
                                               name="team_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def hex(self) -> str:
        return COLOUR_HEX.get(self.colour, COLOUR_HEX["other"])


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("volunteer"),
                             on_delete=models.CASCADE, related_name="volunteer_teams")
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "user"],
                                               name="teammembership_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} ← {self.user_id}"

    @property
    def community(self):
        return self.team.community


class Opportunity(TimeStampedModel):
    """A kind of service residents can sign up for, with dated shifts."""

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="opportunities")
    title = models.CharField(_("what"), max_length=160)
    description = models.TextField(_("details"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True, help_text=_("One task per line."))
    skills = models.CharField(_("skills wanted"), max_length=200, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("where"), max_length=200, blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="volunteer_opportunities")
    duty = models.ForeignKey("spaces.MaintenanceDuty", verbose_name=_("maintenance duty"),
                             null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    activity = models.ForeignKey("activities.Activity", verbose_name=_("activity"), null=True,
                                 blank=True, on_delete=models.SET_NULL,
                                 related_name="volunteer_opportunities")
    is_active = models.BooleanField(_("open for sign-up"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("volunteer opportunity")
        verbose_name_plural = _("volunteer opportunities")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="opportunity_latlon_valid"),
            models.CheckConstraint(condition=Q(min_age__isnull=True) | Q(min_age__lte=100),
                                   name="opportunity_min_age_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def task_list(self) -> list[str]:
        return [t.strip() for t in self.tasks.splitlines() if t.strip()]

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is not None and self.lon is not None:
            return self.lat, self.lon
        if self.space is not None and self.space.lat is not None and self.space.lon is not None:
            return self.space.lat, self.space.lon
        return None


class Shift(models.Model):
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"),
                                    on_delete=models.CASCADE, related_name="shifts")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("people needed"))
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    checkin_code = models.CharField(_("check-in code"), max_length=12,
                                    default=new_checkin_code)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    # Set by selectors.attach_mine: the viewer's live sign-up, if any.
    mine: ShiftSignup | None

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["community", "starts_at"], name="shift_comm_start")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_capacity_pos"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="shift_ends_after_start"),
            # the capacity invariant lives in the database, as for meetings
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")),
                                   name="shift_seats_within_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def hours(self) -> Decimal:
        return hours_between(self.starts_at, self.ends_at)


def hours_between(start, end) -> Decimal:
    """Hours from ``start`` to ``end`` rounded down to the quarter hour, never negative."""
    seconds = max(0, int((end - start).total_seconds()))
    return Decimal(seconds // 900) / 4


class ShiftSignup(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        WORKER = "worker", _("Recorded by a worker")

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE,
                              related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("volunteer"),
                             on_delete=models.CASCADE, related_name="shift_signups")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    queued_at = models.DateTimeField(_("signed up"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True,
                                       blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_method = models.CharField(_("check-in by"), max_length=10, choices=Method.choices,
                                    blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True,
                                blank=True)
    # the volunteer confirmed they are at least the opportunity's minimum age (the platform
    # stores no birth dates: see docs/volunteers.md)
    age_confirmed_at = models.DateTimeField(_("age confirmed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("hours confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")
        ordering = ["shift", "queued_at", "id"]
        indexes = [models.Index(fields=["user", "confirmed_at"], name="signup_user_conf"),
                   models.Index(fields=["shift", "status", "queued_at"],
                                name="signup_queue")]
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="shiftsignup_unique"),
            models.CheckConstraint(condition=Q(hours__isnull=True)
                                   | Q(hours__gte=0, hours__lte=24),
                                   name="shiftsignup_hours_range"),
            models.CheckConstraint(condition=Q(confirmed_at__isnull=True)
                                   | Q(hours__isnull=False),
                                   name="shiftsignup_confirmed_has_hours"),
            models.CheckConstraint(condition=Q(checked_out_at__isnull=True)
                                   | Q(checked_in_at__isnull=False),
                                   name="shiftsignup_out_after_in"),
        ]

    def __str__(self) -> str:
        return f"{self.shift_id} ← {self.user_id}"

    @property
    def community(self):
        return self.shift.community

    @property
    def counted_hours(self) -> Decimal:
        """Hours that count: confirmed ones only."""
        return self.hours if self.confirmed_at is not None and self.hours else Decimal(0)
