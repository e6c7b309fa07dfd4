"""Meetings (议事): councils, hearings, coordination and evaluation meetings, workshops.

A meeting has an agenda (items may point at proposals), invited organisations, registration
with a capacity and a waitlist, check-in by code/QR or by a worker, attendance counted by
group, minutes, decisions per agenda item (each becomes a tracked ``projects.Result``) and
action items with a responsible organisation and a due date.

``MeetingSet`` is the "一图三会" dossier: one map of a proposal's location plus a hearing
(听证会), a coordination meeting (协调会) and an evaluation meeting (评议会).
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

CHECKIN_ALPHABET = "23456789"


def new_checkin_code() -> str:
    # Six digits without 0/1: read aloud at the door or typed from a paper notice.
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(6))


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("Residents' council")          # 居民议事会
    HEARING = "hearing", _("Hearing")                      # 听证会
    COORDINATION = "coordination", _("Coordination meeting")  # 协调会
    EVALUATION = "evaluation", _("Evaluation meeting")    # 评议会
    WORKSHOP = "workshop", _("Workshop")                   # 工作坊
    PARTY_MASS = "party_mass", _("Party-mass mutual-aid council")  # 党群互助会


class Audience(models.TextChoices):
    """Who may register (the public may always read a published meeting page)."""

    RESIDENTS = "residents", _("Residents of the community")
    VERIFIED = "verified", _("Verified residents only")
    INVITED = "invited", _("Invited organisations only")


# Default audience per kind: councils deliberate and may decide, so only verified residents
# register; hearings, evaluations and workshops are open to every resident; coordination
# meetings are between the organisations concerned.
DEFAULT_AUDIENCE: dict[str, str] = {
    MeetingKind.COUNCIL: Audience.VERIFIED,
    MeetingKind.PARTY_MASS: Audience.VERIFIED,
    MeetingKind.HEARING: Audience.RESIDENTS,
    MeetingKind.EVALUATION: Audience.RESIDENTS,
    MeetingKind.WORKSHOP: Audience.RESIDENTS,
    MeetingKind.COORDINATION: Audience.INVITED,
}


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    A18_34 = "18_34", _("18–34")
    A35_59 = "35_59", _("35–59")
    A60_PLUS = "60_plus", _("60 and over")


class MeetingSet(TimeStampedModel):
    """The "一图三会" dossier for one proposal: its map plus three meetings."""

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="meeting_sets")
    proposal = models.ForeignKey("projects.Proposal", verbose_name=_("proposal"),
                                 on_delete=models.PROTECT, related_name="meeting_sets")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("one map, three meetings (一图三会)")
        verbose_name_plural = _("one map, three meetings (一图三会)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


CHECKIN_OPENS_BEFORE = dt.timedelta(hours=2)
MEETING_DEFAULT_LENGTH = dt.timedelta(hours=4)


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Announced")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("purpose"), blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="meetings")
    place = models.CharField(_("place"), max_length=200, blank=True,
                             help_text=_("Room or address, if not one of the mapped spaces."))
    online_url = models.URLField(_("online link"), blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="meetings")
    meeting_set = models.ForeignKey(MeetingSet, verbose_name=_("一图三会 dossier"), null=True,
                                    blank=True, on_delete=models.SET_NULL,
                                    related_name="meetings")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    audience = models.CharField(_("who may register"), max_length=12,
                                choices=Audience.choices, default=Audience.RESIDENTS)
    registration_open = models.BooleanField(_("registration open"), default=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Leave empty for no limit."))
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    checkin_code = models.CharField(_("check-in code"), max_length=12, default=new_checkin_code)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("会议纪要"))
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "starts_at"],
                                name="meeting_comm_status_start")]
        constraints = [
            # The capacity invariant lives in the database: a registration that would
            # overfill the room fails even if application code forgot to check.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="meeting_seats_within_capacity"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True)
                                   | Q(ends_at__gte=F("starts_at")),
                                   name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.HELD, self.Status.CANCELLED)

    @property
    def minutes_published(self) -> bool:
        return self.minutes_published_at is not None

    @property
    def is_past(self) -> bool:
        return (self.ends_at or self.starts_at) < timezone.now()

    @property
    def checkin_opens_at(self):
        """Check-in opens two hours before the start (people arrive early)."""
        return self.starts_at - CHECKIN_OPENS_BEFORE

    @property
    def checkin_closes_at(self):
        """…and closes when the meeting ends (four hours after the start when no end is
        given)."""
        return self.ends_at or self.starts_at + MEETING_DEFAULT_LENGTH

    def checkin_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.checkin_opens_at <= now <= self.checkin_closes_at

    @property
    def place_label(self) -> str:
        if self.space is not None:
            return self.space.name + (f" · {self.place}" if self.place else "")
        return self.place

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.seats_taken)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    proposal = models.ForeignKey("projects.Proposal", verbose_name=_("proposal"), null=True,
                                 blank=True, on_delete=models.SET_NULL,
                                 related_name="agenda_items")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    """An organisation invited to a meeting, and in which capacity."""

    class Role(models.TextChoices):
        STAKEHOLDER = "stakeholder", _("Stakeholder")
        CONCERNED = "concerned", _("Organisation concerned")
        IMPLEMENTER = "implementer", _("Implementer")
        GUEST = "guest", _("Guest")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="invitations")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="meeting_invitations")
    role = models.CharField(_("as"), max_length=20, choices=Role.choices, default=Role.GUEST)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"],
                                               name="invitation_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.meeting_id}"


class Registration(models.Model):
    """A person's place at a meeting, or on its waitlist (first come, first promoted)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="meeting_registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    age_band = models.CharField(_("age group"), max_length=10, choices=AgeBand.choices,
                                blank=True)
    queued_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"],
                                               name="registration_unique")]
        indexes = [models.Index(fields=["meeting", "status", "queued_at"],
                                name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id}: {self.status}"


class Attendance(models.Model):
    """Someone present at a meeting, with the group facts used for participation equity.

    Tenure and the year moved in are copied from the membership at check-in (so counts stay
    as they were on the day); the age band is asked at registration or check-in and is
    optional. Walk-ins without an account are recorded by a worker with a name only.
    """

    class Method(models.TextChoices):
        CODE = "code", _("Check-in code / QR")
        MANUAL = "manual", _("Checked in by a worker")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True,
                             blank=True, on_delete=models.SET_NULL,
                             related_name="meeting_attendances")
    name = models.CharField(_("name (walk-in)"), max_length=60, blank=True)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("representing"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    age_band = models.CharField(_("age group"), max_length=10, choices=AgeBand.choices,
                                blank=True)
    tenure = models.CharField(_("tenure"), max_length=20, blank=True)
    moved_in_year = models.PositiveSmallIntegerField(_("year moved in"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                      null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique",
                                    condition=Q(user__isnull=False)),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""),
                                   name="attendance_person_or_name"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.user_id)


class MeetingDecision(TimeStampedModel):
    """What the meeting decided on an agenda item; each becomes a tracked result."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True,
                                    blank=True, on_delete=models.SET_NULL,
                                    related_name="decisions")
    text = models.TextField(_("decision"))
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    result = models.ForeignKey("projects.Result", verbose_name=_("tracked result"), null=True,
                               blank=True, on_delete=models.SET_NULL,
                               related_name="meeting_decisions")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="action_items")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(MeetingDecision, verbose_name=_("decision"), null=True,
                                 blank=True, on_delete=models.SET_NULL,
                                 related_name="action_items")
    title = models.CharField(_("what"), max_length=200)
    responsible_org = models.ForeignKey("orgs.Organisation", verbose_name=_("responsible"),
                                        null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="meeting_action_items")
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="actionitem_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (self.status in self.OPEN_STATUSES and self.due_on is not None
                and self.due_on < timezone.localdate())
