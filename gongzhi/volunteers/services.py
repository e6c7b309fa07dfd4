"""Every write to the volunteer corps: permission-checked, one transaction, audited.

Sign-ups follow the meetings pattern: the shift row is locked for the whole transaction
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers) and the seat counter is
guarded by a CHECK constraint, so concurrent sign-ups never overfill a shift; when a place
frees up the waiting list moves up in order, under the same lock.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core import seats
from gongzhi.core.audit import audit_record
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send
from gongzhi.volunteers.models import (
    Colour,
    Corps,
    Opportunity,
    Shift,
    ShiftSignup,
    Team,
    TeamMembership,
    hours_between,
)

# How early a volunteer may check in before the shift starts, and how late after it ends.
CHECKIN_EARLY = dt.timedelta(hours=1)
CHECKIN_LATE = dt.timedelta(hours=2)


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def shift_url(shift: Shift) -> str:
    return reverse("volunteers:shift", args=[shift.community.slug, shift.pk])


# --- corps and teams ----------------------------------------------------------------------

@transaction.atomic
def corps_create(*, actor, community, name: str, description: str = "") -> Corps:
    _require(actor, "volunteers.manage", community)
    name = name.strip()
    if Corps.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("This community already has a corps with this name.")})
    corps = Corps.objects.create(community=community, name=name, description=description,
                                 created_by=actor)
    audit_record(actor=actor, action="volunteers.corps_create", community=community,
                 target=corps, after={"name": name})
    return corps


@transaction.atomic
def team_create(*, actor, corps: Corps, name: str, colour: str = Colour.OTHER,
                theme: str = "", leader=None, order: int = 0) -> Team:
    _require(actor, "volunteers.manage", corps.community)
    if colour not in Colour.values:
        raise ValidationError({"colour": _("Choose one of the colours.")})
    if Team.objects.filter(corps=corps, name=name.strip()).exists():
        raise ValidationError({"name": _("This corps already has a team with this name.")})
    team = Team.objects.create(corps=corps, community=corps.community, name=name.strip(),
                               colour=colour, theme=theme, leader=leader, order=order)
    if leader is not None:
        TeamMembership.objects.get_or_create(team=team, user=leader)
    audit_record(actor=actor, action="volunteers.team_create", community=corps.community,
                 target=team, after={"name": team.name, "colour": colour,
                                     "leader": getattr(leader, "pk", None)})
    return team


@transaction.atomic
def team_member_add(*, actor, team: Team, user) -> TeamMembership:
    """A worker or the leader adds someone; anyone may join a team themselves."""
    if user != actor:
        _require(actor, "volunteers.lead", team)
    elif not actor.has_perm("volunteers.manage", team.community):
        from gongzhi.accounts.rules import is_member

        if not is_member(actor, team.community):
            raise PermissionDenied
    membership, created = TeamMembership.objects.get_or_create(team=team, user=user)
    if created:
        audit_record(actor=actor, action="volunteers.team_join", community=team.community,
                     target=team, after={"user": user.pk})
    return membership


# --- opportunities and shifts ------------------------------------------------------------

OPPORTUNITY_FIELDS = ("title", "description", "tasks", "skills", "min_age", "space", "lat",
                      "lon", "location_text", "project", "duty", "team", "activity")


@transaction.atomic
def opportunity_create(*, actor, community, title: str, **fields) -> Opportunity:
    """Workers create opportunities; a team leader creates them for their own team."""
    team = fields.get("team")
    is_worker = actor is not None and actor.has_perm("volunteers.manage", community)
    if not is_worker and (team is None or not actor.has_perm("volunteers.lead", team)):
        raise PermissionDenied
    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name in ("space", "project", "duty", "team", "activity"):
        obj = fields.get(name)
        if obj is not None and obj.community_id != community.pk:
            raise ValidationError({name: _("This belongs to another community.")})
    if (fields.get("lat") is None) != (fields.get("lon") is None):
        raise ValidationError({"lat": _("Give both latitude and longitude, or neither.")})
    opp = Opportunity(community=community, title=title.strip(), created_by=actor, **fields)
    opp.full_clean(exclude=["community", "created_by", "space", "project", "duty", "team",
                            "activity"])
    opp.save()
    audit_record(actor=actor, action="volunteers.opportunity_create", community=community,
                 target=opp, after={"title": opp.title,
                                    "project": getattr(fields.get("project"), "pk", None)})
    return opp


@transaction.atomic
def shift_create(*, actor, opportunity: Opportunity, starts_at: dt.datetime,
                 ends_at: dt.datetime, capacity: int) -> Shift:
    """Workers, and the leader of the opportunity's team, add shifts."""
    _require(actor, "volunteers.lead", opportunity)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise ValidationError({"ends_at": _("A shift lasts at most 24 hours.")})
    if capacity < 1 or capacity > 10000:
        raise ValidationError({"capacity": _("Give the number of people needed (1–10000).")})
    shift = Shift.objects.create(opportunity=opportunity, community=opportunity.community,
                                 starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    audit_record(actor=actor, action="volunteers.shift_create",
                 community=opportunity.community, target=shift,
                 after={"starts_at": starts_at.isoformat(), "capacity": capacity})
    return shift


@transaction.atomic
def shift_cancel(*, actor, shift: Shift, reason: str = "") -> Shift:
    _require(actor, "volunteers.manage", shift.community)
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    if locked.cancelled_at is None:
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        users = [s.user_id for s in locked.signups.exclude(status=ShiftSignup.Status.CANCELLED)]
        audit_record(actor=actor, action="volunteers.shift_cancel", community=shift.community,
                     target=locked, reason=reason)
        if users:
            from gongzhi.accounts.models import User

            notification_send(
                users=User.objects.filter(pk__in=users), kind="volunteers.shift_cancelled",
                important=True,
                title=Message(gettext_noop("Shift cancelled: %(title)s"),
                              {"title": shift.opportunity.title}),
                body=Message(gettext_noop("The shift on %(when)s will not take place."),
                             {"when": timezone.localtime(shift.starts_at)
                              .strftime("%Y-%m-%d %H:%M")}),
                url=shift_url(shift), community=shift.community)
    return locked


# --- sign-up, waiting list ------------------------------------------------------------------

def _take_seat(shift: Shift) -> bool:
    return seats.take_seat(shift, capacity=shift.capacity)


def _free_seat(shift: Shift) -> None:
    seats.free_seat(shift)


def _promote_waitlist(shift: Shift) -> list[ShiftSignup]:
    """Move people up while places are free (the caller holds the shift's lock)."""
    promoted: list[ShiftSignup] = seats.promote_waitlist(
        shift, ShiftSignup.objects.filter(shift=shift, status=ShiftSignup.Status.WAITLISTED),
        capacity=shift.capacity, registered=ShiftSignup.Status.REGISTERED)
    if promoted:
        from gongzhi.accounts.models import User

        notification_send(
            users=User.objects.filter(pk__in=[s.user_id for s in promoted]),
            kind="volunteers.promoted", important=True,
            title=Message(gettext_noop("A place is free for you: %(title)s"),
                          {"title": shift.opportunity.title}),
            body=Message(gettext_noop(
                "You moved up from the waiting list and are now signed up for the shift.")),
            url=shift_url(shift), community=shift.community)
    return promoted


def shift_signup(*, actor, shift: Shift, age_confirmed: bool = False) -> ShiftSignup:
    """Sign ``actor`` up; when the shift is full they join the waiting list.

    A shift with a minimum age needs the volunteer's confirmation that they are at least
    that old (recorded with the time); the platform keeps no birth dates."""
    with transaction.atomic():
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins
        locked = (Shift.objects.select_for_update(of=("self",))
                  .select_related("community", "opportunity__project",
                                  "opportunity__team").get(pk=shift.pk))
        _require(actor, "volunteers.sign_up", locked)
        signup = (ShiftSignup.objects.select_for_update()
                  .filter(shift=locked, user=actor).first())
        if signup is not None and signup.status != ShiftSignup.Status.CANCELLED:
            return signup
        min_age = locked.opportunity.min_age
        if min_age and not age_confirmed:
            raise ValidationError({"age_confirmed": _(
                "This shift is for volunteers aged %(age)s and over: confirm your age.")
                % {"age": min_age}})
        status = (ShiftSignup.Status.REGISTERED if _take_seat(locked)
                  else ShiftSignup.Status.WAITLISTED)
        now = timezone.now()
        age_at = now if min_age else None
        if signup is None:
            signup = ShiftSignup.objects.create(shift=locked, user=actor, status=status,
                                                queued_at=now, age_confirmed_at=age_at)
        else:
            signup.status, signup.queued_at = status, now
            signup.cancelled_at = signup.promoted_at = None
            signup.age_confirmed_at = age_at
            signup.save(update_fields=["status", "queued_at", "cancelled_at", "promoted_at",
                                       "age_confirmed_at"])
        audit_record(actor=actor, action="volunteers.sign_up", community=locked.community,
                     target=locked, after={"status": status})
    return signup


def shift_signup_cancel(*, actor, shift: Shift, user=None) -> ShiftSignup | None:
    """Cancel a sign-up (one's own, or anyone's for the leader) and promote the waiting list."""
    target = user or actor
    if target != actor:
        _require(actor, "volunteers.lead", shift)
    elif not actor.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        locked = (Shift.objects.select_for_update(of=("self",))
                  .select_related("community", "opportunity").get(pk=shift.pk))
        signup = (ShiftSignup.objects.select_for_update()
                  .filter(shift=locked, user=target).first())
        if signup is None or signup.status == ShiftSignup.Status.CANCELLED:
            return signup
        if signup.checked_in_at is not None:
            raise ValidationError(_("You have already checked in to this shift."))
        held_seat = signup.status == ShiftSignup.Status.REGISTERED
        signup.status = ShiftSignup.Status.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        if held_seat:
            _free_seat(locked)
            locked.refresh_from_db(fields=["seats_taken", "capacity"])
            if not locked.is_past and locked.cancelled_at is None:
                _promote_waitlist(locked)
        audit_record(actor=actor, action="volunteers.sign_up_cancel",
                     community=locked.community, target=locked, after={"user": target.pk})
    return signup


# --- check-in / check-out, hours ------------------------------------------------------------

def _checkin_window_ok(shift: Shift, now: dt.datetime) -> bool:
    return shift.starts_at - CHECKIN_EARLY <= now <= shift.ends_at + CHECKIN_LATE


@transaction.atomic
def shift_check_in(*, actor, shift: Shift, code: str = "", user=None) -> ShiftSignup:
    """Check in with the shift's QR code (the volunteer) or for someone (the leader)."""
    now = timezone.now()
    target = user or actor
    if not actor.is_authenticated:
        raise PermissionDenied
    by_leader = target != actor or (not code and actor.has_perm("volunteers.lead", shift))
    if by_leader:
        _require(actor, "volunteers.lead", shift)
    elif code.strip() != shift.checkin_code:
        raise ValidationError({"code": _("This check-in code is not right.")})
    if shift.cancelled_at is not None:
        raise ValidationError(_("This shift was cancelled."))
    if not by_leader and not _checkin_window_ok(shift, now):
        raise ValidationError(_("Check-in opens an hour before the shift starts and closes "
                                "two hours after it ends."))
    signup = ShiftSignup.objects.select_for_update().filter(shift=shift, user=target).first()
    if signup is None or signup.status != ShiftSignup.Status.REGISTERED:
        raise ValidationError(_("Only people signed up for this shift can check in."))
    if signup.checked_in_at is None:
        signup.checked_in_at = now if _checkin_window_ok(shift, now) else shift.starts_at
        signup.check_method = (ShiftSignup.Method.WORKER if by_leader
                               else ShiftSignup.Method.QR)
        signup.save(update_fields=["checked_in_at", "check_method"])
        audit_record(actor=actor, action="volunteers.check_in", community=shift.community,
                     target=shift, after={"user": target.pk, "method": signup.check_method})
    return signup


@transaction.atomic
def shift_check_out(*, actor, shift: Shift, user=None) -> ShiftSignup:
    now = timezone.now()
    target = user or actor
    if target != actor:
        _require(actor, "volunteers.lead", shift)
    elif not actor.is_authenticated:
        raise PermissionDenied
    signup = ShiftSignup.objects.select_for_update().filter(shift=shift, user=target).first()
    if signup is None or signup.checked_in_at is None:
        raise ValidationError(_("Check in before checking out."))
    if signup.checked_out_at is None:
        signup.checked_out_at = min(max(now, signup.checked_in_at), shift.ends_at
                                    + CHECKIN_LATE)
        signup.save(update_fields=["checked_out_at"])
        audit_record(actor=actor, action="volunteers.check_out", community=shift.community,
                     target=shift, after={"user": target.pk})
    return signup


def default_hours(signup: ShiftSignup) -> Decimal:
    """Checked-in time when both ends are known, else the shift's length — capped at it."""
    shift = signup.shift
    if signup.checked_in_at and signup.checked_out_at:
        return min(hours_between(signup.checked_in_at, signup.checked_out_at), shift.hours)
    return shift.hours


@transaction.atomic
def hours_confirm(*, actor, signup: ShiftSignup, hours: Decimal | None = None) -> ShiftSignup:
    """The team leader (or a worker) confirms a volunteer's hours; only these count."""
    shift = signup.shift
    _require(actor, "volunteers.lead", shift)
    locked = (ShiftSignup.objects.select_for_update(of=("self",)).select_related("shift")
              .get(pk=signup.pk))
    if locked.checked_in_at is None:
        raise ValidationError(_("Only people who checked in can have hours confirmed."))
    if locked.user_id == actor.pk and not actor.has_perm("volunteers.manage", shift.community):
        raise PermissionDenied(_("Someone else confirms your own hours."))
    value = default_hours(locked) if hours is None else Decimal(hours)
    if value < 0 or value > Decimal(24):
        raise ValidationError({"hours": _("Hours must be between 0 and 24.")})
    before = {"hours": str(locked.hours) if locked.hours is not None else None,
              "confirmed": locked.confirmed_at is not None}
    locked.hours = value.quantize(Decimal("0.01"))
    locked.confirmed_at = timezone.now()
    locked.confirmed_by = actor
    locked.save(update_fields=["hours", "confirmed_at", "confirmed_by"])
    audit_record(actor=actor, action="volunteers.hours_confirm", community=shift.community,
                 target=shift, before=before,
                 after={"user": locked.user_id, "hours": str(locked.hours)})
    return locked


MAX_REPEAT_WEEKS = 26


def shifts_create_weekly(*, actor, opportunity: Opportunity, starts_at: dt.datetime,
                         ends_at: dt.datetime, capacity: int, weeks: int = 1) -> list[Shift]:
    """One shift, or the same shift every week for ``weeks`` weeks (one transaction)."""
    if not 1 <= weeks <= MAX_REPEAT_WEEKS:
        raise ValidationError({"weeks": _("Repeat for 1 to %(n)s weeks.")
                               % {"n": MAX_REPEAT_WEEKS}})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    with transaction.atomic():
        return [shift_create(actor=actor, opportunity=opportunity,
                             starts_at=starts_at + dt.timedelta(weeks=w),
                             ends_at=ends_at + dt.timedelta(weeks=w), capacity=capacity)
                for w in range(weeks)]


@transaction.atomic
def opportunity_with_shifts_create(*, actor, community, title: str, starts_at: dt.datetime,
                                   ends_at: dt.datetime, capacity: int, weeks: int = 1,
                                   **fields) -> list[Shift]:
    """The shift creation form: an opportunity and its first shift(s) together."""
    opp = opportunity_create(actor=actor, community=community, title=title, **fields)
    return shifts_create_weekly(actor=actor, opportunity=opp, starts_at=starts_at,
                                ends_at=ends_at, capacity=capacity, weeks=weeks)
