"""Every write to meetings: one transaction each, permission-checked, audited.

Notifications go through ``notification_send`` (in-app now, e-mail/SMS after commit).
"""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.accounts.models import LoginLock, Membership, Role, User
from gongzhi.core import seats
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.meetings.models import (
    DEFAULT_AUDIENCE,
    ActionItem,
    AgeBand,
    AgendaItem,
    Attendance,
    Audience,
    Invitation,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingSet,
    Registration,
)
from gongzhi.notifications.i18n import Message, Text
from gongzhi.notifications.services import notification_send

MEETING_FIELDS = ["kind", "title", "description", "starts_at", "ends_at", "space", "place",
                  "online_url", "project", "status", "audience", "registration_open",
                  "capacity"]


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.community.slug, meeting.pk])


def _org_member_users(org_ids) -> list[User]:
    return list(User.objects.filter(org_memberships__organisation_id__in=list(org_ids),
                                    deleted_at__isnull=True).distinct())


def _workers_of(community) -> list[User]:
    return list(User.objects.filter(role_assignments__community=community,
                                    role_assignments__role=Role.WORKER,
                                    deleted_at__isnull=True).distinct())


# --- meetings -----------------------------------------------------------------------------

def _clean_meeting(meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if meeting.space is not None and meeting.space.community_id != meeting.community_id:
        errors["space"] = [_("This space belongs to another community.")]
    if meeting.project is not None and meeting.project.community_id != meeting.community_id:
        errors["project"] = [_("This project belongs to another community.")]
    if not (meeting.space_id or meeting.place.strip() or meeting.online_url):
        errors["place"] = [_("Give a place, choose a space or add an online link.")]
    if meeting.ends_at and meeting.ends_at < meeting.starts_at:
        errors["ends_at"] = [_("The meeting cannot end before it starts.")]
    if meeting.capacity is not None and meeting.capacity < meeting.seats_taken:
        errors["capacity"] = [_("%(n)s people are already registered; the number of places "
                                "cannot be lower.") % {"n": meeting.seats_taken}]
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["community", "space", "project", "meeting_set", "created_by"])


@transaction.atomic
def meeting_create(*, actor: User, community, kind: str, title: str,
                   starts_at: dt.datetime, description: str = "",
                   ends_at: dt.datetime | None = None, space=None, place: str = "",
                   online_url: str = "", project=None, audience: str = "",
                   capacity: int | None = None, registration_open: bool = True,
                   status: str = Meeting.Status.DRAFT, meeting_set: MeetingSet | None = None,
                   ) -> Meeting:
    _require(actor, "meetings.manage_meetings", community)
    meeting = Meeting(community=community, kind=kind, title=title, description=description,
                      starts_at=starts_at, ends_at=ends_at, space=space, place=place,
                      online_url=online_url, project=project,
                      audience=audience or DEFAULT_AUDIENCE.get(kind, Audience.RESIDENTS),
                      capacity=capacity, registration_open=registration_open, status=status,
                      meeting_set=meeting_set, created_by=actor)
    _clean_meeting(meeting)
    meeting.save()
    audit_record(actor=actor, action="meetings.create", community=community, target=meeting,
                 after=snapshot(meeting, MEETING_FIELDS))
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **fields) -> Meeting:
    _require(actor, "meetings.manage_meeting", meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = snapshot(meeting, MEETING_FIELDS)
    moved = False
    for name in MEETING_FIELDS:
        if name in fields:
            if name in ("starts_at", "space", "place", "online_url") and (
                    getattr(meeting, name) != fields[name]):
                moved = True
            setattr(meeting, name, fields[name])
    _clean_meeting(meeting)
    meeting.save()
    after = snapshot(meeting, MEETING_FIELDS)
    audit_record(actor=actor, action="meetings.update", community=meeting.community,
                 target=meeting, before=before, after=after)
    if moved and meeting.is_public:
        _notify_registered(meeting, kind="meeting.changed", important=True,
                           title=Message(gettext_noop("Meeting changed: %(title)s"),
                                         {"title": meeting.title}),
                           body=Message(gettext_noop("Please check the new time and place.")))
    _promote_waitlist(meeting)
    return meeting


def _notify_registered(meeting: Meeting, *, kind: str, title: Text, body: Text = "",
                       important: bool = False) -> None:
    users = User.objects.filter(meeting_registrations__meeting=meeting,
                                meeting_registrations__status__in=[
                                    Registration.Status.REGISTERED,
                                    Registration.Status.WAITLISTED])
    notification_send(users=users, kind=kind, title=title, body=body,
                      url=meeting_url(meeting), community=meeting.community,
                      important=important)


@transaction.atomic
def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Announce a draft meeting and notify the members of invited organisations."""
    _require(actor, "meetings.manage_meeting", meeting)
    if meeting.status != Meeting.Status.DRAFT:
        return meeting
    meeting.status = Meeting.Status.PUBLISHED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="meetings.publish", community=meeting.community,
                 target=meeting)
    org_ids = meeting.invitations.values_list("organisation_id", flat=True)
    notification_send(users=_org_member_users(org_ids), kind="meeting.invitation",
                      title=Message(gettext_noop("Your organisation is invited: %(title)s"),
                                    {"title": meeting.title}),
                      body=MeetingKind(meeting.kind).label, url=meeting_url(meeting),
                      community=meeting.community)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str = "") -> Meeting:
    _require(actor, "meetings.manage_meeting", meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="meetings.cancel", community=meeting.community,
                 target=meeting, reason=reason)
    _notify_registered(meeting, kind="meeting.cancelled", important=True,
                       title=Message(gettext_noop("Meeting cancelled: %(title)s"),
                                     {"title": meeting.title}),
                       body=reason)
    return meeting


@transaction.atomic
def meeting_mark_held(*, actor: User, meeting: Meeting) -> Meeting:
    _require(actor, "meetings.manage_meeting", meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting can be marked as held only once it has started "
                                "(%(start)s).") % {"start": _when(meeting.starts_at)})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be marked as held."))
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="meetings.held", community=meeting.community,
                 target=meeting)
    return meeting


@transaction.atomic
def checkin_code_renew(*, actor: User, meeting: Meeting) -> Meeting:
    from gongzhi.meetings.models import new_checkin_code

    _require(actor, "meetings.manage_meeting", meeting)
    meeting.checkin_code = new_checkin_code()
    meeting.save(update_fields=["checkin_code", "updated_at"])
    # A new code starts with a clean slate: whoever guessed at the old one locked nobody out.
    LoginLock.objects.filter(target=f"checkin:meeting:{meeting.pk}").delete()
    audit_record(actor=actor, action="meetings.checkin_code_renew",
                 community=meeting.community, target=meeting)
    return meeting


# --- agenda and invitations -----------------------------------------------------------------

@transaction.atomic
def agenda_item_add(*, actor: User, meeting: Meeting, title: str, description: str = "",
                    proposal=None) -> AgendaItem:
    _require(actor, "meetings.manage_meeting", meeting)
    if proposal is not None and proposal.community_id != meeting.community_id:
        raise ValidationError({"proposal": _("This proposal belongs to another community.")})
    order = meeting.agenda_items.count() + 1
    item = AgendaItem(meeting=meeting, order=order, title=title, description=description,
                      proposal=proposal)
    item.full_clean(exclude=["meeting", "proposal"])
    item.save()
    audit_record(actor=actor, action="meetings.agenda_add", community=meeting.community,
                 target=meeting, after={"item": item.pk, "title": title,
                                        "proposal": getattr(proposal, "pk", None)})
    return item


@transaction.atomic
def invitation_add(*, actor: User, meeting: Meeting, organisation,
                   role: str = Invitation.Role.GUEST, notify: bool = True) -> Invitation:
    _require(actor, "meetings.manage_meeting", meeting)
    if organisation.community_id != meeting.community_id or organisation.deleted_at:
        raise ValidationError({"organisation": _("Choose an organisation of this community.")})
    invitation, created = Invitation.objects.get_or_create(
        meeting=meeting, organisation=organisation, defaults={"role": role})
    if not created and invitation.role != role:
        invitation.role = role
        invitation.save(update_fields=["role"])
    audit_record(actor=actor, action="meetings.invite", community=meeting.community,
                 target=meeting, after={"organisation": organisation.pk, "role": role})
    if created and notify and meeting.is_public:
        notification_send(users=_org_member_users([organisation.pk]),
                          kind="meeting.invitation",
                          title=Message(gettext_noop("Your organisation is invited: %(title)s"),
                                        {"title": meeting.title}),
                          body=MeetingKind(meeting.kind).label, url=meeting_url(meeting),
                          community=meeting.community)
    return invitation


# --- registration, waitlist -----------------------------------------------------------------

def _take_seat(meeting: Meeting) -> bool:
    return seats.take_seat(meeting, capacity=meeting.capacity)


def _free_seat(meeting: Meeting) -> None:
    seats.free_seat(meeting)


def _promote_waitlist(meeting: Meeting) -> list[Registration]:
    """Move people up from the waitlist while places are free (caller holds the lock)."""
    promoted: list[Registration] = seats.promote_waitlist(
        meeting,
        Registration.objects.filter(meeting=meeting, status=Registration.Status.WAITLISTED),
        capacity=meeting.capacity, registered=Registration.Status.REGISTERED)
    if promoted:
        notification_send(users=User.objects.filter(pk__in=[r.user_id for r in promoted]),
                          kind="meeting.promoted", important=True,
                          title=Message(gettext_noop("A place is free for you: %(title)s"),
                                        {"title": meeting.title}),
                          body=Message(gettext_noop(
                              "You moved up from the waitlist and are now registered.")),
                          url=meeting_url(meeting), community=meeting.community)
    return promoted


def registration_create(*, actor: User, meeting: Meeting, age_band: str = "") -> Registration:
    """Register ``actor``; when the meeting is full they go on the waitlist.

    The meeting row is locked for the whole transaction (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite serialises writers), and the seat counter is guarded by a CHECK
    constraint, so concurrent registrations never overfill the room.
    """
    if age_band and age_band not in AgeBand.values:
        raise ValidationError({"age_band": _("Choose one of the age groups.")})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("community").get(
            pk=meeting.pk)
        _require(actor, "meetings.register", locked)
        reg = (Registration.objects.select_for_update()
               .filter(meeting=locked, user=actor).first())
        if reg is not None and reg.status != Registration.Status.CANCELLED:
            return reg
        status = (Registration.Status.REGISTERED if _take_seat(locked)
                  else Registration.Status.WAITLISTED)
        now = timezone.now()
        if reg is None:
            reg = Registration.objects.create(meeting=locked, user=actor, status=status,
                                              age_band=age_band, queued_at=now)
        else:
            reg.status, reg.queued_at, reg.cancelled_at = status, now, None
            reg.promoted_at = None
            reg.age_band = age_band or reg.age_band
            reg.save(update_fields=["status", "queued_at", "cancelled_at", "promoted_at",
                                    "age_band"])
        audit_record(actor=actor, action="meetings.register", community=locked.community,
                     target=locked, after={"status": status})
    return reg


def registration_cancel(*, actor: User, meeting: Meeting, user: User | None = None
                        ) -> Registration | None:
    """Cancel a registration (one's own, or anyone's for a worker) and promote the waitlist."""
    target = user or actor
    if target != actor:
        _require(actor, "meetings.manage_meeting", meeting)
    elif not actor.is_authenticated:
        raise PermissionDenied
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("community").get(
            pk=meeting.pk)
        reg = (Registration.objects.select_for_update()
               .filter(meeting=locked, user=target).first())
        if reg is None or reg.status == Registration.Status.CANCELLED:
            return reg
        held_seat = reg.status == Registration.Status.REGISTERED
        reg.status = Registration.Status.CANCELLED
        reg.cancelled_at = timezone.now()
        reg.save(update_fields=["status", "cancelled_at"])
        if held_seat:
            _free_seat(locked)
            locked.refresh_from_db(fields=["seats_taken", "capacity"])
            _promote_waitlist(locked)
        audit_record(actor=actor, action="meetings.registration_cancel",
                     community=locked.community, target=locked,
                     after={"user": target.pk})
    return reg


# --- check-in, attendance -------------------------------------------------------------------

def _group_facts(user: User, community) -> dict:
    membership = (Membership.objects.filter(user=user, community=community)
                  .select_related("household").first())
    if membership is None:
        return {"tenure": "", "moved_in_year": None}
    tenure = membership.household.tenure if membership.household is not None else ""
    return {"tenure": tenure or membership.claimed_tenure or "",
            "moved_in_year": membership.moved_in_year}


def _checkin_targets(actor: User, meeting: Meeting) -> tuple[str, str]:
    return f"checkin:user:{actor.pk}", f"checkin:meeting:{meeting.pk}"


def _check_code(actor: User, meeting: Meeting, code: str) -> None:
    """Compare the code, with wrong attempts limited per person and per meeting (counted in
    the database like sign-in codes): 262,144 codes cannot be tried one after another."""
    from gongzhi.accounts.services import attempt_failed, attempt_lock_remaining

    person, whole = _checkin_targets(actor, meeting)
    wait = attempt_lock_remaining(person, whole)
    if wait:
        raise ValidationError({"code": ValidationError(_(
            "Too many wrong check-in codes. Try again in %(minutes)s minutes or ask the "
            "organisers to check you in.") % {"minutes": max(1, (wait + 59) // 60)},
            code="locked")})
    given = (code or "").strip().upper()
    if hmac.compare_digest(given.encode(), meeting.checkin_code.upper().encode()):
        return
    window = settings.CHECKIN_LOCK_SECONDS
    attempt_failed(target=person, limit=settings.CHECKIN_MAX_FAILURES_PER_PERSON,
                   window_seconds=window, lock_seconds=settings.CHECKIN_LOCK_SECONDS)
    attempt_failed(target=whole, limit=settings.CHECKIN_MAX_FAILURES_PER_MEETING,
                   window_seconds=window, lock_seconds=settings.CHECKIN_LOCK_SECONDS)
    raise ValidationError({"code": _("This check-in code is not right for this meeting.")})


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _require_checkin_window(meeting: Meeting, *, self_service: bool) -> None:
    """Check-in is open from two hours before the start to the end of the meeting; a
    worker may still record attendance afterwards, never before."""
    now = timezone.now()
    if now < meeting.checkin_opens_at:
        raise ValidationError({"code": _(
            "Check-in opens at %(opens)s, two hours before the meeting starts.") % {
            "opens": _when(meeting.checkin_opens_at)}})
    if self_service and now > meeting.checkin_closes_at:
        raise ValidationError({"code": _(
            "Check-in closed at %(closes)s when the meeting ended. Ask the community worker "
            "to record your attendance.") % {"closes": _when(meeting.checkin_closes_at)}})


def attendance_check_in(*, actor: User, meeting: Meeting, code: str,
                        age_band: str = "") -> Attendance:
    """A person checks themselves in with the meeting's code (typed or from the QR)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    # Permission first: people who may not attend learn nothing about the code.
    _require(actor, "meetings.check_in", meeting)
    _require_checkin_window(meeting, self_service=True)
    _check_code(actor, meeting, code)
    if age_band and age_band not in AgeBand.values:
        raise ValidationError({"age_band": _("Choose one of the age groups.")})
    with transaction.atomic():
        existing = Attendance.objects.filter(meeting=meeting, user=actor).first()
        if existing is not None:
            return existing
        reg = Registration.objects.filter(meeting=meeting, user=actor).first()
        attendance = Attendance(meeting=meeting, user=actor, method=Attendance.Method.CODE,
                                age_band=age_band or (reg.age_band if reg else ""),
                                **_group_facts(actor, meeting.community))
        try:
            with transaction.atomic():
                attendance.save()
        except IntegrityError:  # a double tap: the first one won
            return Attendance.objects.get(meeting=meeting, user=actor)
        audit_record(actor=actor, action="meetings.check_in", community=meeting.community,
                     target=meeting)
    return attendance


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, user: User | None = None,
                      name: str = "", organisation=None, age_band: str = "",
                      tenure: str = "", moved_in_year: int | None = None) -> Attendance:
    """A worker checks someone in by hand (an account, or a walk-in by name). Allowed
    from when check-in opens, and afterwards too (from the paper sign-in sheet)."""
    _require(actor, "meetings.manage_meeting", meeting)
    _require_checkin_window(meeting, self_service=False)
    if user is None and not name.strip():
        raise ValidationError({"name": _("Give the person's name or choose their account.")})
    if age_band and age_band not in AgeBand.values:
        raise ValidationError({"age_band": _("Choose one of the age groups.")})
    if organisation is not None and organisation.community_id != meeting.community_id:
        raise ValidationError({"organisation": _("Choose an organisation of this community.")})
    if user is not None:
        existing = Attendance.objects.filter(meeting=meeting, user=user).first()
        if existing is not None:
            return existing
        facts = _group_facts(user, meeting.community)
        reg = Registration.objects.filter(meeting=meeting, user=user).first()
        age_band = age_band or (reg.age_band if reg else "")
    else:
        facts = {"tenure": tenure, "moved_in_year": moved_in_year}
    attendance = Attendance.objects.create(
        meeting=meeting, user=user, name=name.strip()[:60], organisation=organisation,
        method=Attendance.Method.MANUAL, age_band=age_band, checked_in_by=actor, **facts)
    audit_record(actor=actor, action="meetings.attendance_record", community=meeting.community,
                 target=meeting, after={"user": getattr(user, "pk", None), "name": name})
    return attendance


# --- minutes, decisions, action items -------------------------------------------------------

@transaction.atomic
def minutes_save(*, actor: User, meeting: Meeting, minutes: str, publish: bool = False
                 ) -> Meeting:
    _require(actor, "meetings.manage_meeting", meeting)
    before = {"minutes": meeting.minutes, "published": meeting.minutes_published_at}
    meeting.minutes = minutes
    if publish and meeting.minutes_published_at is None:
        meeting.minutes_published_at = timezone.now()
    elif not publish:
        meeting.minutes_published_at = None
    meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
    audit_record(actor=actor, action="meetings.minutes", community=meeting.community,
                 target=meeting, before=before,
                 after={"minutes": minutes, "published": meeting.minutes_published_at})
    return meeting


def _result_for_decision(*, actor: User, decision: MeetingDecision, title: str,
                         responsible_org=None, due_on: dt.date | None = None):
    """Create the accountability record (projects.Result) through the projects service."""
    try:
        from gongzhi.projects.services import result_create
    except ImportError:  # projects without services yet: the decision stands on its own
        return None
    meeting = decision.meeting
    item = decision.agenda_item
    proposal = item.proposal if item is not None else None
    project = meeting.project or (proposal.project if proposal is not None else None)
    from gongzhi.projects.models import Result

    if proposal is not None:
        from gongzhi.projects.models import Proposal
        from gongzhi.projects.services import result_link_decision

        existing = Result.objects.filter(proposal=proposal).order_by("pk").first()
        if existing is not None:  # one thing, one result: the decision joins it
            return result_link_decision(actor=actor, result=existing,
                                        meeting_title=meeting.title, text=decision.text)
        answer = Proposal.objects.filter(pk=proposal.pk).values_list("answer", flat=True).first()
        if answer in (Proposal.Answer.REJECTED, Proposal.Answer.MERGED):
            # The official answer stands; a planned result would contradict it. To go
            # ahead after all, answer the proposal again (that creates the result).
            return None
    return result_create(actor=actor, community=meeting.community, title=title,
                         description=decision.text, project=project, proposal=proposal,
                         source=Result.Source.MEETING, responsible_org=responsible_org,
                         due_on=due_on, check_permission=False, notify=False)


@transaction.atomic
def decision_record(*, actor: User, meeting: Meeting, text: str, agenda_item=None,
                    votes_for: int | None = None, votes_against: int | None = None,
                    votes_abstain: int | None = None, responsible_org=None,
                    due_on: dt.date | None = None) -> MeetingDecision:
    """Record a decision; it becomes a tracked result (accountability, 实施结果公告)."""
    _require(actor, "meetings.manage_meeting", meeting)
    if not text.strip():
        raise ValidationError({"text": _("Write down what was decided.")})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("This item is not on this meeting's agenda.")})
    decision = MeetingDecision.objects.create(
        meeting=meeting, agenda_item=agenda_item, text=text.strip(), votes_for=votes_for,
        votes_against=votes_against, votes_abstain=votes_abstain, recorded_by=actor)
    title = (agenda_item.title if agenda_item is not None else text.strip())[:150]
    result = _result_for_decision(actor=actor, decision=decision,
                                  title=_("%(title)s (decided at %(meeting)s)")
                                  % {"title": title, "meeting": meeting.title[:40]},
                                  responsible_org=responsible_org, due_on=due_on)
    if result is not None:
        decision.result = result
        decision.save(update_fields=["result"])
        # Tell the result's followers: supporters of its proposal and those who attended.
        from gongzhi.projects.services import result_announce_decision

        result_announce_decision(result=result, meeting_title=meeting.title,
                                 text=decision.text)
    audit_record(actor=actor, action="meetings.decision", community=meeting.community,
                 target=meeting, after={"decision": decision.pk, "text": decision.text,
                                        "result": getattr(result, "pk", None)})
    return decision


@transaction.atomic
def action_item_create(*, actor: User, meeting: Meeting, title: str, responsible_org=None,
                       due_on: dt.date | None = None, decision: MeetingDecision | None = None
                       ) -> ActionItem:
    _require(actor, "meetings.manage_meeting", meeting)
    if responsible_org is not None and responsible_org.community_id != meeting.community_id:
        raise ValidationError({"responsible_org":
                               _("Choose an organisation of this community.")})
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError({"decision": _("This decision belongs to another meeting.")})
    item = ActionItem(meeting=meeting, community=meeting.community, title=title,
                      responsible_org=responsible_org, due_on=due_on, decision=decision)
    item.full_clean(exclude=["meeting", "community", "responsible_org", "decision"])
    item.save()
    audit_record(actor=actor, action="meetings.action_item_create",
                 community=meeting.community, target=item,
                 after=snapshot(item, ["title", "responsible_org", "due_on", "status"]))
    if responsible_org is not None:
        notification_send(users=_org_member_users([responsible_org.pk]),
                          kind="meeting.action_item",
                          title=Message(gettext_noop("New task for your organisation: %(title)s"),
                                        {"title": title}), url=meeting_url(meeting),
                          community=meeting.community)
    return item


@transaction.atomic
def action_item_set_status(*, actor: User, item: ActionItem, status: str) -> ActionItem:
    _require(actor, "meetings.update_action_item", item)
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    before = snapshot(item, ["status", "completed_on"])
    item.status = status
    item.completed_on = timezone.localdate() if status == ActionItem.Status.DONE else None
    item.save(update_fields=["status", "completed_on", "updated_at"])
    audit_record(actor=actor, action="meetings.action_item_status", community=item.community,
                 target=item, before=before, after=snapshot(item, ["status", "completed_on"]))
    return item


def action_items_flag_overdue(*, today: dt.date | None = None) -> int:
    """Flag open action items past their due date, once each (periodic job).

    Each item is claimed with a conditional UPDATE, so several nodes running the job at once
    flag (and notify about) it only once. The responsible organisation's members and the
    community's workers are told.
    """
    from gongzhi.meetings.selectors import overdue_action_items

    flagged = 0
    now = timezone.now()
    candidates = (overdue_action_items(today=today).filter(overdue_flagged_at__isnull=True)
                  .select_related("meeting__community", "responsible_org"))
    for item in candidates:
        with transaction.atomic():
            claimed = ActionItem.objects.filter(pk=item.pk, overdue_flagged_at__isnull=True
                                                ).update(overdue_flagged_at=now)
            if not claimed:
                continue
            community = item.meeting.community
            users = _workers_of(community)
            if item.responsible_org_id:
                users += _org_member_users([item.responsible_org_id])
            notification_send(
                users=users, kind="meeting.action_overdue", community=community,
                title=Message(gettext_noop("Overdue: %(title)s"), {"title": item.title}),
                body=Message(gettext_noop(
                    "Due %(due)s, responsible: %(org)s. Decided at: %(meeting)s"), {
                        "due": item.due_on.isoformat() if item.due_on else "—",
                        "org": item.responsible_org.name if item.responsible_org else "—",
                        "meeting": item.meeting.title}),
                url=meeting_url(item.meeting))
            audit_record(actor=None, action="meetings.action_item_overdue",
                         community=community, target=item)
            flagged += 1
    return flagged


# --- 一图三会 --------------------------------------------------------------------------------

PRESET_KINDS = (MeetingKind.HEARING, MeetingKind.COORDINATION, MeetingKind.EVALUATION)


def _default_preset_orgs(proposal) -> dict[str, list]:
    """Default invitees from the project's stakeholders.

    hearing: every stakeholder organisation of the project (residents come too);
    coordination: the organisations concerned — stakeholders plus the community's property
    company and residents' committee; evaluation: implementers (residents come too).
    """
    from gongzhi.orgs.models import Organisation, OrgKind

    project = proposal.project
    stakeholders = list(project.stakeholders.select_related("organisation")) if project else []
    all_orgs = {s.organisation.pk: s.organisation for s in stakeholders
                if s.organisation.deleted_at is None}
    implementers = {s.organisation.pk: s.organisation for s in stakeholders
                    if s.role == "implementer" and s.organisation.deleted_at is None}
    concerned = dict(all_orgs)
    for org in Organisation.objects.alive().filter(
            community=proposal.community,
            kind__in=[OrgKind.PROPERTY, OrgKind.RESIDENTS_COMMITTEE]):
        concerned.setdefault(org.pk, org)
    return {"stakeholders": list(all_orgs.values()), "concerned": list(concerned.values()),
            "implementers": list(implementers.values())}


@transaction.atomic
def meeting_set_create(*, actor: User, proposal, hearing_at: dt.datetime,
                       coordination_at: dt.datetime, evaluation_at: dt.datetime,
                       place: str = "", space=None, stakeholders=None, concerned=None,
                       implementers=None, publish: bool = False) -> MeetingSet:
    """The "一图三会" preset: a dossier with a hearing, a coordination and an evaluation
    meeting for ``proposal``, each with its invitees and an agenda item on the proposal."""
    community = proposal.community
    _require(actor, "meetings.manage_meetings", community)
    if not (hearing_at <= coordination_at <= evaluation_at):
        raise ValidationError({"coordination_at": _(
            "The hearing comes first, then the coordination meeting, then the evaluation.")})
    defaults = _default_preset_orgs(proposal)
    orgs = {
        "stakeholders": defaults["stakeholders"] if stakeholders is None else stakeholders,
        "concerned": defaults["concerned"] if concerned is None else concerned,
        "implementers": defaults["implementers"] if implementers is None else implementers,
    }
    where = place or getattr(proposal, "location_text", "") or ""
    if not where and space is None and getattr(proposal, "space", None) is None:
        where = community.name
    space = space or getattr(proposal, "space", None)
    dossier = MeetingSet.objects.create(
        community=community, proposal=proposal, project=proposal.project,
        title=_("One map, three meetings: %(title)s") % {"title": proposal.title},
        created_by=actor)
    plan = [
        (MeetingKind.HEARING, hearing_at, Audience.RESIDENTS,
         _("Hearing: %(title)s"), orgs["stakeholders"], Invitation.Role.STAKEHOLDER,
         _("Residents and stakeholders hear the proposal and say what they think.")),
        (MeetingKind.COORDINATION, coordination_at, Audience.INVITED,
         _("Coordination meeting: %(title)s"), orgs["concerned"], Invitation.Role.CONCERNED,
         _("The organisations concerned agree who does what, when and with which money.")),
        (MeetingKind.EVALUATION, evaluation_at, Audience.RESIDENTS,
         _("Evaluation meeting: %(title)s"), orgs["implementers"],
         Invitation.Role.IMPLEMENTER,
         _("Residents and implementers assess the result together.")),
    ]
    status = Meeting.Status.PUBLISHED if publish else Meeting.Status.DRAFT
    for kind, starts_at, audience, title, invitees, role, purpose in plan:
        meeting = meeting_create(
            actor=actor, community=community, kind=kind,
            title=(title % {"title": proposal.title})[:200], description=str(purpose),
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), space=space,
            place=where, project=proposal.project, audience=audience, status=Meeting.Status.DRAFT,
            meeting_set=dossier)
        agenda_item_add(actor=actor, meeting=meeting, title=proposal.title,
                        description=getattr(proposal, "description", "")[:2000],
                        proposal=proposal)
        for org in invitees:
            invitation_add(actor=actor, meeting=meeting, organisation=org, role=role,
                           notify=False)
        if status == Meeting.Status.PUBLISHED:
            meeting_publish(actor=actor, meeting=meeting)
    audit_record(actor=actor, action="meetings.one_map_three_meetings", community=community,
                 target=dossier, after={"proposal": proposal.pk})
    return dossier
