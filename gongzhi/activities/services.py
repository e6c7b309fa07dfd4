"""Every write to activities: permission-checked, one transaction, audited.

Occurrences are materialised from the rule for a rolling window (``WINDOW``, eight weeks
ahead), idempotently: the unique ``(activity, original_start)`` constraint makes a second
run create nothing, so ``gongzhi tick`` can extend every activity every hour.

Registration follows the volunteers/meetings pattern: the occurrence row is locked for the
whole transaction (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers) and the
seat counter is guarded by a CHECK constraint, so concurrent registrations never overfill
an occurrence; when a place frees up the waiting list moves up in order, under the same
lock, and the people who moved up are notified.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.activities import recurrence
from gongzhi.activities.models import (
    TIME_ZONE,
    Activity,
    ActivityPhoto,
    Category,
    Child,
    Occurrence,
    Registration,
)
from gongzhi.core import seats
from gongzhi.core.audit import audit_record
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send

WINDOW = dt.timedelta(weeks=8)
# self check-in opens this long before the start and closes this long after the end
CHECKIN_EARLY = dt.timedelta(minutes=30)
CHECKIN_LATE = dt.timedelta(hours=1)
REMIND_DAY = dt.timedelta(hours=24)
REMIND_HOUR = dt.timedelta(hours=1)

ACTIVITY_FIELDS = ("title", "category", "description", "space", "location_text",
                   "organiser_kind", "organiser_user", "organiser_team", "organiser_org",
                   "project", "first_start", "duration_minutes", "rrule", "exdates",
                   "capacity", "registration_open", "allow_children", "min_age", "max_age")


def _msg(msgid: str, params: dict[str, Any] | None = None) -> Any:
    """A notification text translated per recipient (``notifications.i18n.Message``)."""
    return Message(msgid, params or {})


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def occurrence_url(occ: Occurrence) -> str:
    return reverse("activities:occurrence", args=[occ.community.slug, occ.pk])


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _users(ids: Iterable[int]):
    from gongzhi.accounts.models import User

    return User.objects.filter(pk__in=set(ids))


# --- activities -----------------------------------------------------------------------------

def _clean_fields(community, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name in ("space", "organiser_team", "organiser_org", "project"):
        obj = fields.get(name)
        if obj is not None and obj.community_id != community.pk:
            raise ValidationError({name: _("This belongs to another community.")})
    kind = fields.get("organiser_kind", Activity.Organiser.WORKER)
    if kind == Activity.Organiser.TEAM and fields.get("organiser_team") is None:
        raise ValidationError({"organiser_team": _("Choose the volunteer team.")})
    if kind == Activity.Organiser.ORG and fields.get("organiser_org") is None:
        raise ValidationError({"organiser_org": _("Choose the organisation.")})
    if "category" in fields and fields["category"] not in Category.values:
        raise ValidationError({"category": _("Choose one of the categories.")})
    rule = fields.get("rrule") or ""
    if rule:
        try:
            recurrence.parse_rule(rule)
            recurrence.occurrences(first_start=timezone.now(), rule=rule, tz=TIME_ZONE,
                                   window_start=timezone.now(),
                                   window_end=timezone.now() + dt.timedelta(days=1))
        except (recurrence.RuleError, ValueError):
            raise ValidationError({"rrule": _("This repeat rule cannot be used.")}) from None
    if "exdates" in fields:
        fields["exdates"] = sorted({dt.date.fromisoformat(str(d)).isoformat()
                                    for d in fields["exdates"] or []})
    lo, hi = fields.get("min_age"), fields.get("max_age")
    if lo is not None and hi is not None and hi < lo:
        raise ValidationError({"max_age": _("The maximum age is below the minimum age.")})
    if not fields.get("space") and not (fields.get("location_text") or "").strip() \
            and "location_text" in fields:
        raise ValidationError({"location_text": _("Say where the activity takes place.")})
    return fields


@transaction.atomic
def activity_create(*, actor, community, title: str, first_start: dt.datetime,
                    **fields) -> Activity:
    _require(actor, "activities.create", community)
    fields = _clean_fields(community, {"first_start": first_start, **fields})
    fields.setdefault("organiser_user", actor)
    activity = Activity(community=community, title=title.strip(), created_by=actor, **fields)
    activity.full_clean(exclude=["community", "created_by", "space", "organiser_user",
                                 "organiser_team", "organiser_org", "project"])
    activity.save()
    occurrences_materialise(activity)
    audit_record(actor=actor, action="activities.create", community=community,
                 target=activity, after={"title": activity.title, "rrule": activity.rrule,
                                         "first_start": first_start.isoformat()})
    return activity


def _schedule_changed(before: Activity, fields: dict[str, Any]) -> bool:
    return any(name in fields and fields[name] != getattr(before, name)
               for name in ("first_start", "duration_minutes", "rrule", "exdates"))


@transaction.atomic
def activity_update(*, actor, activity: Activity, **fields) -> Activity:
    """Change an activity. When the schedule changes, future occurrences that the new rule
    no longer gives are removed (or, when people registered, cancelled and the people
    told); new dates are materialised. Past occurrences are never touched."""
    _require(actor, "activities.organise", activity)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    fields = _clean_fields(locked.community, fields)
    reschedule = _schedule_changed(locked, fields)
    before = {k: str(getattr(locked, k)) for k in fields}
    for name, value in fields.items():
        setattr(locked, name, value)
    if "title" in fields:
        locked.title = str(fields["title"]).strip()
    locked.full_clean(exclude=["community", "created_by", "space", "organiser_user",
                               "organiser_team", "organiser_org", "project"])
    locked.save()
    if reschedule:
        _drop_unmatched(actor, locked)
        # the new rule applies from now on: past dates are history, never made afresh
        now = timezone.now()
        Activity.objects.filter(pk=locked.pk).update(materialised_until=now)
        locked.materialised_until = now
    Occurrence.objects.filter(activity=locked, starts_at__gte=timezone.now(),
                              seats_taken=0).update(capacity=locked.capacity)
    occurrences_materialise(locked)
    audit_record(actor=actor, action="activities.update", community=locked.community,
                 target=locked, before=before, after={k: str(v) for k, v in fields.items()})
    return locked


def _drop_unmatched(actor, activity: Activity) -> None:
    now = timezone.now()
    future = list(Occurrence.objects.filter(activity=activity, original_start__gte=now))
    if not future:
        return
    horizon = max(o.original_start for o in future) + dt.timedelta(seconds=1)
    wanted = set(recurrence.occurrences(
        first_start=activity.first_start, rule=activity.rrule, tz=TIME_ZONE,
        window_start=now, window_end=horizon, exdates=activity.excluded_dates))
    for occ in future:
        if occ.original_start in wanted:
            Occurrence.objects.filter(pk=occ.pk, seats_taken=0).update(
                ends_at=F("starts_at") + activity.duration)
            continue
        if occ.registrations.exclude(status=Registration.Status.CANCELLED).exists():
            _cancel(actor, occ, _("The schedule of the activity changed."))
        else:
            occ.delete()


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    """Cancel the whole activity: every future occurrence is cancelled, people told."""
    _require(actor, "activities.organise", activity)
    reason = _reason(reason)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.cancelled_at is None:
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at", "updated_at"])
        for occ in Occurrence.objects.filter(activity=locked, starts_at__gte=timezone.now(),
                                             status=Occurrence.Status.SCHEDULED):
            _cancel(actor, occ, reason)
        audit_record(actor=actor, action="activities.cancel", community=locked.community,
                     target=locked, reason=reason)
    return locked


def occurrences_materialise(activity: Activity, *, until: dt.datetime | None = None) -> int:
    """Create the occurrences the rule gives up to ``until`` (default: now + WINDOW);
    idempotent. Returns how many were created."""
    if activity.cancelled_at is not None:
        return 0
    until = until or timezone.now() + WINDOW
    start = activity.materialised_until or activity.first_start
    starts = recurrence.occurrences(
        first_start=activity.first_start, rule=activity.rrule, tz=TIME_ZONE,
        window_start=start, window_end=until, exdates=activity.excluded_dates)
    existing = set(Occurrence.objects.filter(activity=activity, original_start__gte=start,
                                             original_start__lt=until)
                   .values_list("original_start", flat=True))
    rows = [Occurrence(activity=activity, community_id=activity.community_id,
                       original_start=s, starts_at=s, ends_at=s + activity.duration,
                       capacity=activity.capacity)
            for s in starts if s not in existing]
    Occurrence.objects.bulk_create(rows, ignore_conflicts=True)
    mark = max(until, activity.materialised_until or until)
    if activity.rrule:
        Activity.objects.filter(pk=activity.pk).update(materialised_until=mark)
        activity.materialised_until = mark
    return len(rows)


def occurrences_extend_all(*, now: dt.datetime | None = None) -> int:
    """For the periodic tick: keep every live recurring activity materialised ahead."""
    now = now or timezone.now()
    target = now + WINDOW
    due = (Activity.objects.filter(cancelled_at__isnull=True).exclude(rrule="")
           .filter(Q(materialised_until__isnull=True)
                   | Q(materialised_until__lt=target - dt.timedelta(days=1))))
    created = 0
    for activity in due.iterator():
        with transaction.atomic():
            created += occurrences_materialise(activity, until=target)
    return created


# --- single occurrences: cancel, leave out, move ---------------------------------------------

def _reason(reason: str) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the people registered are told.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("At most 200 characters.")})
    return reason


def _live_user_ids(occ: Occurrence) -> list[int]:
    return list(occ.registrations.exclude(status=Registration.Status.CANCELLED)
                .values_list("user_id", flat=True).distinct())


def _cancel(actor, occ: Occurrence, reason: str) -> Occurrence:
    locked = Occurrence.objects.select_for_update().get(pk=occ.pk)
    if locked.status == Occurrence.Status.CANCELLED:
        return locked
    locked.status = Occurrence.Status.CANCELLED
    locked.cancel_reason = reason
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    users = _live_user_ids(locked)
    audit_record(actor=actor, action="activities.occurrence_cancel",
                 community=locked.community, target=locked.activity, reason=reason,
                 after={"occurrence": locked.pk, "starts_at": locked.starts_at.isoformat()})
    if users:
        notification_send(
            users=_users(users), kind="activities.cancelled", important=True,
            title=_msg(gettext_noop("Cancelled: %(title)s on %(when)s"),
                          {"title": locked.activity.title, "when": _when(locked.starts_at)}),
            body=_msg(gettext_noop("Reason: %(reason)s"), {"reason": reason}),
            url=occurrence_url(locked), community=locked.community)
    return locked


@transaction.atomic
def occurrence_cancel(*, actor, occurrence: Occurrence, reason: str) -> Occurrence:
    """Cancel one date (e.g. a public holiday) with a reason; registrants are notified."""
    _require(actor, "activities.organise", occurrence)
    return _cancel(actor, occurrence, _reason(reason))


@transaction.atomic
def occurrence_restore(*, actor, occurrence: Occurrence) -> Occurrence:
    _require(actor, "activities.organise", occurrence)
    locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if locked.status == Occurrence.Status.CANCELLED and not locked.is_past:
        locked.status = Occurrence.Status.SCHEDULED
        locked.cancel_reason, locked.cancelled_at = "", None
        locked.save(update_fields=["status", "cancel_reason", "cancelled_at"])
        audit_record(actor=actor, action="activities.occurrence_restore",
                     community=locked.community, target=locked.activity,
                     after={"occurrence": locked.pk})
    return locked


@transaction.atomic
def exdate_add(*, actor, activity: Activity, day: dt.date, reason: str = "") -> Activity:
    """Leave a date out of the rule (EXDATE). An occurrence already made for it is
    cancelled (registrants are notified with ``reason``)."""
    _require(actor, "activities.organise", activity)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if not locked.rrule:
        raise ValidationError({"day": _("Only a repeating activity has dates to leave out.")})
    dates = set(locked.exdates or [])
    dates.add(day.isoformat())
    locked.exdates = sorted(dates)
    locked.save(update_fields=["exdates", "updated_at"])
    for occ in Occurrence.objects.filter(activity=locked, status=Occurrence.Status.SCHEDULED):
        if timezone.localtime(occ.original_start).date() == day:
            if occ.registrations.exclude(status=Registration.Status.CANCELLED).exists():
                _cancel(actor, occ, _reason(reason or _("This date is left out.")))
            else:
                occ.delete()
    audit_record(actor=actor, action="activities.exdate_add", community=locked.community,
                 target=locked, after={"day": day.isoformat()})
    return locked


@transaction.atomic
def occurrence_move(*, actor, occurrence: Occurrence, starts_at: dt.datetime,
                    ends_at: dt.datetime | None = None, note: str = "") -> Occurrence:
    """Move one date (another time or day); registrations stay, people are told."""
    _require(actor, "activities.organise", occurrence)
    locked = (Occurrence.objects.select_for_update(of=("self",)).select_related("activity")
              .get(pk=occurrence.pk))
    if locked.is_cancelled:
        raise ValidationError(_("This date was cancelled."))
    ends_at = ends_at or starts_at + (locked.ends_at - locked.starts_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    note = (note or "").replace("\x00", "").strip()[:200]
    old = locked.starts_at
    locked.starts_at, locked.ends_at, locked.note = starts_at, ends_at, note
    locked.reminded_day_at = locked.reminded_hour_at = None
    locked.save(update_fields=["starts_at", "ends_at", "note", "reminded_day_at",
                               "reminded_hour_at"])
    audit_record(actor=actor, action="activities.occurrence_move", community=locked.community,
                 target=locked.activity, before={"starts_at": old.isoformat()},
                 after={"occurrence": locked.pk, "starts_at": starts_at.isoformat()})
    users = _live_user_ids(locked)
    if users:
        notification_send(
            users=_users(users), kind="activities.moved", important=True,
            title=_msg(gettext_noop("New time: %(title)s"), {"title": locked.activity.title}),
            body=_msg(gettext_noop("Moved from %(old)s to %(new)s."),
                         {"old": _when(old), "new": _when(starts_at)}),
            url=occurrence_url(locked), community=locked.community)
    return locked


# --- children --------------------------------------------------------------------------------

def _child_fields(name: str, birth_year: int | None, age_band: str) -> tuple[str, int | None,
                                                                                str]:
    from gongzhi.activities.models import AgeBand

    name = (name or "").replace("\x00", "").strip()
    if not name or len(name) > 20:
        raise ValidationError({"name": _("Give a first name or nickname (at most 20 "
                                         "characters).")})
    this_year = timezone.localdate().year
    if birth_year is not None and not this_year - 18 <= birth_year <= this_year:
        raise ValidationError({"birth_year": _("Give a year of birth from %(lo)s to %(hi)s.")
                               % {"lo": this_year - 18, "hi": this_year}})
    if age_band and age_band not in AgeBand.values:
        raise ValidationError({"age_band": _("Choose one of the age groups.")})
    if birth_year is None and not age_band:
        raise ValidationError({"birth_year": _("Give the year of birth or the age group.")})
    return name, birth_year, "" if birth_year is not None else age_band


@transaction.atomic
def child_add(*, actor, name: str, birth_year: int | None = None, age_band: str = "") -> Child:
    """A guardian adds a child: a first name or nickname and an age, nothing else."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    name, birth_year, age_band = _child_fields(name, birth_year, age_band)
    if Child.objects.filter(guardian=actor, name=name).exists():
        raise ValidationError({"name": _("You already added a child with this name.")})
    if Child.objects.filter(guardian=actor).count() >= 10:
        raise ValidationError({"name": _("At most ten children per account.")})
    child = Child.objects.create(guardian=actor, name=name, birth_year=birth_year,
                                 age_band=age_band)
    audit_record(actor=actor, action="activities.child_add", target=child)
    return child


@transaction.atomic
def child_remove(*, actor, child: Child) -> None:
    """The guardian removes a child; the child's registrations go with it."""
    if actor is None or child.guardian_id != actor.pk:
        raise PermissionDenied
    for reg in child.registrations.exclude(status=Registration.Status.CANCELLED) \
            .select_related("occurrence"):
        registration_cancel(actor=actor, registration=reg)
    audit_record(actor=actor, action="activities.child_remove", target=child)
    child.delete()


# --- registration, waiting list ----------------------------------------------------------------

def _check_age(activity: Activity, child: Child | None, age_confirmed: bool,
               on: dt.date) -> None:
    lo, hi = activity.min_age, activity.max_age
    if lo is None and hi is None:
        return
    if child is None:
        if not age_confirmed:
            raise ValidationError({"age_confirmed": _(
                "This activity is for people aged %(ages)s: confirm that you are.")
                % {"ages": activity.age_range_label}})
        return
    young, old = child.age_range(on)
    if (lo is not None and old < lo) or (hi is not None and young > hi):
        raise ValidationError({"child": _(
            "%(name)s is outside the ages of this activity (%(ages)s).")
            % {"name": child.name, "ages": activity.age_range_label}})


def _take_seat(occ: Occurrence) -> bool:
    return seats.take_seat(occ, capacity=occ.capacity)


def _free_seat(occ: Occurrence) -> None:
    seats.free_seat(occ)


def _promote_waitlist(occ: Occurrence) -> list[Registration]:
    """Move people up while places are free (the caller holds the occurrence's lock)."""
    promoted: list[Registration] = seats.promote_waitlist(
        occ, Registration.objects.filter(occurrence=occ, status=Registration.Status.WAITLISTED),
        capacity=occ.capacity, registered=Registration.Status.REGISTERED)
    if promoted:
        notification_send(
            users=_users(r.user_id for r in promoted), kind="activities.promoted",
            important=True,
            title=_msg(gettext_noop("A place is free: %(title)s"),
                          {"title": occ.activity.title}),
            body=_msg(gettext_noop("You moved up from the waiting list for %(when)s and "
                                      "are now registered."), {"when": _when(occ.starts_at)}),
            url=occurrence_url(occ), community=occ.community)
    return promoted


def registration_create(*, actor, occurrence: Occurrence, child: Child | None = None,
                        age_confirmed: bool = False) -> Registration:
    """Register ``actor`` (or their ``child``); when it is full they join the waiting list."""
    with transaction.atomic():
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins
        locked = (Occurrence.objects.select_for_update(of=("self",))
                  .select_related("community", "activity__project",
                                  "activity__organiser_team").get(pk=occurrence.pk))
        if child is not None:
            _require(actor, "activities.register_child", locked)
            if child.guardian_id != actor.pk:
                raise PermissionDenied
        else:
            _require(actor, "activities.register", locked)
        existing = Registration.objects.select_for_update().filter(
            occurrence=locked, user=actor, child=child).first()
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            return existing
        _check_age(locked.activity, child, age_confirmed,
                   timezone.localtime(locked.starts_at).date())
        status = (Registration.Status.REGISTERED if _take_seat(locked)
                  else Registration.Status.WAITLISTED)
        now = timezone.now()
        if existing is None:
            reg = Registration.objects.create(occurrence=locked, user=actor, child=child,
                                              status=status, queued_at=now)
        else:
            reg = existing
            reg.status, reg.queued_at = status, now
            reg.cancelled_at = reg.promoted_at = None
            reg.save(update_fields=["status", "queued_at", "cancelled_at", "promoted_at"])
        audit_record(actor=actor, action="activities.register", community=locked.community,
                     target=locked.activity,
                     after={"occurrence": locked.pk, "status": status,
                            "child": child.pk if child else None})
    return reg


def registration_cancel(*, actor, registration: Registration) -> Registration:
    """Cancel a registration (one's own or one's child's; anyone's for the organisers) and
    promote the waiting list."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    if registration.user_id != actor.pk:
        _require(actor, "activities.organise", registration.occurrence)
    with transaction.atomic():
        locked = (Occurrence.objects.select_for_update(of=("self",))
                  .select_related("community", "activity").get(pk=registration.occurrence_id))
        reg = Registration.objects.select_for_update().get(pk=registration.pk)
        if reg.status == Registration.Status.CANCELLED:
            return reg
        if reg.attended_at is not None:
            raise ValidationError(_("Attendance is already recorded for this registration."))
        held_seat = reg.status == Registration.Status.REGISTERED
        reg.status = Registration.Status.CANCELLED
        reg.cancelled_at = timezone.now()
        reg.save(update_fields=["status", "cancelled_at"])
        if held_seat:
            _free_seat(locked)
            locked.refresh_from_db(fields=["seats_taken", "capacity"])
            if not locked.is_past and not locked.is_cancelled:
                _promote_waitlist(locked)
        audit_record(actor=actor, action="activities.register_cancel",
                     community=locked.community, target=locked.activity,
                     after={"occurrence": locked.pk, "registration": reg.pk})
    return reg


# --- attendance -------------------------------------------------------------------------------

@transaction.atomic
def attendance_mark(*, actor, registration: Registration, attended: bool = True) -> Registration:
    """The organisers mark someone present (or take it back)."""
    _require(actor, "activities.organise", registration.occurrence)
    reg = (Registration.objects.select_for_update(of=("self",))
           .select_related("occurrence__activity", "occurrence__community")
           .get(pk=registration.pk))
    occ = reg.occurrence
    if reg.status != Registration.Status.REGISTERED:
        raise ValidationError(_("Only registered people can be marked present."))
    if occ.starts_at - CHECKIN_EARLY > timezone.now():
        raise ValidationError(_("Attendance can be marked from half an hour before the "
                                "start."))
    if attended and reg.attended_at is None:
        reg.attended_at = timezone.now() if not occ.is_past else occ.starts_at
        reg.attendance_method = Registration.Method.WORKER
    elif not attended:
        reg.attended_at, reg.attendance_method = None, ""
    reg.save(update_fields=["attended_at", "attendance_method"])
    audit_record(actor=actor, action="activities.attendance", community=occ.community,
                 target=occ.activity, after={"registration": reg.pk, "attended": attended})
    return reg


def _check_code(actor, occ: Occurrence, code: str) -> None:
    """Wrong codes are limited per person and per occurrence, as for meetings."""
    from gongzhi.accounts.services import attempt_failed, attempt_lock_remaining

    person, whole = f"actcheckin:user:{actor.pk}", f"actcheckin:occ:{occ.pk}"
    wait = attempt_lock_remaining(person, whole)
    if wait:
        raise ValidationError({"code": ValidationError(_(
            "Too many wrong check-in codes. Try again in %(minutes)s minutes or ask the "
            "organisers to check you in.") % {"minutes": max(1, (wait + 59) // 60)},
            code="locked")})
    if hmac.compare_digest((code or "").strip().encode(), occ.checkin_code.encode()):
        return
    window = settings.CHECKIN_LOCK_SECONDS
    attempt_failed(target=person, limit=settings.CHECKIN_MAX_FAILURES_PER_PERSON,
                   window_seconds=window, lock_seconds=window)
    attempt_failed(target=whole, limit=settings.CHECKIN_MAX_FAILURES_PER_MEETING,
                   window_seconds=window, lock_seconds=window)
    raise ValidationError({"code": _("This check-in code is not right.")})


def occurrence_check_in(*, actor, occurrence: Occurrence, code: str) -> list[Registration]:
    """Check in with the QR code at the place: the account holder and the children they
    registered for this date are marked present."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    now = timezone.now()
    if occurrence.is_cancelled:
        raise ValidationError(_("This date was cancelled."))
    if not occurrence.starts_at - CHECKIN_EARLY <= now <= occurrence.ends_at + CHECKIN_LATE:
        raise ValidationError(_("Check-in opens half an hour before the start and closes an "
                                "hour after the end."))
    regs = list(Registration.objects.filter(occurrence=occurrence, user=actor,
                                            status=Registration.Status.REGISTERED))
    if not regs:
        raise ValidationError(_("Only people registered for this date can check in."))
    _check_code(actor, occurrence, code)
    with transaction.atomic():
        for reg in regs:
            if reg.attended_at is None:
                reg.attended_at, reg.attendance_method = now, Registration.Method.QR
                reg.save(update_fields=["attended_at", "attendance_method"])
        audit_record(actor=actor, action="activities.check_in",
                     community=occurrence.community, target=occurrence.activity,
                     after={"occurrence": occurrence.pk, "people": len(regs)})
    return regs


# --- photos ----------------------------------------------------------------------------------

@transaction.atomic
def photo_add(*, actor, activity: Activity, upload, caption: str = "",
              people_consented: bool = False,
              occurrence: Occurrence | None = None) -> ActivityPhoto:
    """Add a photo (checked, re-encoded without EXIF, random name: core/uploads.py)."""
    from gongzhi.core.uploads import image_prepare

    _require(actor, "activities.upload_photo", activity)
    if occurrence is not None and occurrence.activity_id != activity.pk:
        raise ValidationError({"occurrence": _("This date belongs to another activity.")})
    caption = (caption or "").replace("\x00", "").strip()
    if len(caption) > 200:
        raise ValidationError({"caption": _("At most 200 characters.")})
    photo = ActivityPhoto(activity=activity, occurrence=occurrence,
                          community_id=activity.community_id, caption=caption,
                          people_consented=people_consented, uploaded_by=actor)
    prepared = image_prepare(upload)
    photo.image.save(prepared.name, prepared, save=False)
    photo.save()
    audit_record(actor=actor, action="activities.photo_add", community=activity.community,
                 target=activity, after={"photo": photo.pk, "consented": people_consented})
    return photo


@transaction.atomic
def photo_consent_set(*, actor, photo: ActivityPhoto, consented: bool) -> ActivityPhoto:
    _require(actor, "activities.upload_photo", photo.activity)
    if photo.people_consented != consented:
        photo.people_consented = consented
        photo.save(update_fields=["people_consented"])
        audit_record(actor=actor, action="activities.photo_consent",
                     community=photo.community, target=photo.activity,
                     after={"photo": photo.pk, "consented": consented})
    return photo


@transaction.atomic
def photo_delete(*, actor, photo: ActivityPhoto) -> None:
    _require(actor, "activities.upload_photo", photo.activity)
    audit_record(actor=actor, action="activities.photo_delete", community=photo.community,
                 target=photo.activity, after={"photo": photo.pk})
    photo.image.delete(save=False)
    photo.delete()


# --- reminders (the periodic tick) -----------------------------------------------------------

def _remind(occ: Occurrence, field: str, kind: str, title: str) -> int:
    # claim with a conditional UPDATE: two ticks never remind twice
    claimed = Occurrence.objects.filter(pk=occ.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()})
    if not claimed:
        return 0
    users = list(Registration.objects.filter(occurrence=occ,
                                             status=Registration.Status.REGISTERED)
                 .values_list("user_id", flat=True).distinct())
    if not users:
        return 0
    place = occ.activity.place_label
    notification_send(
        users=_users(users), kind=kind,
        title=_msg(title, {"title": occ.activity.title}),
        body=_msg(gettext_noop("%(when)s · %(place)s"),
                     {"when": _when(occ.starts_at), "place": place}),
        url=occurrence_url(occ), community=occ.community)
    return len(users)


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """The day-before and hour-before reminders to registered people; idempotent."""
    now = now or timezone.now()
    sent = 0
    base = (Occurrence.objects.filter(status=Occurrence.Status.SCHEDULED,
                                      activity__cancelled_at__isnull=True)
            .select_related("activity__space", "community"))
    for occ in base.filter(starts_at__gt=now, starts_at__lte=now + REMIND_HOUR,
                           reminded_hour_at__isnull=True):
        # the hour reminder replaces a day reminder not yet sent
        Occurrence.objects.filter(pk=occ.pk, reminded_day_at__isnull=True).update(
            reminded_day_at=now)
        sent += _remind(occ, "reminded_hour_at", "activities.reminder_hour",
                        gettext_noop("In an hour: %(title)s"))
    for occ in base.filter(starts_at__gt=now + REMIND_HOUR, starts_at__lte=now + REMIND_DAY,
                           reminded_day_at__isnull=True):
        sent += _remind(occ, "reminded_day_at", "activities.reminder_day",
                        gettext_noop("Tomorrow: %(title)s"))
    return sent
