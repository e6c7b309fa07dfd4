"""Meetings API, mounted at /api/v1/meetings/: list, detail, register, cancel, check-in."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.meetings import selectors, services
from gongzhi.meetings.models import Meeting

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    community: str
    kind: str
    kind_label: str
    title: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    space_id: int | None
    online_url: str
    audience: str
    capacity: int | None
    places_left: int | None
    registered: int


class AgendaItemOut(Schema):
    order: int
    title: str
    description: str
    proposal_id: int | None


class InvitationOut(Schema):
    organisation_id: int
    organisation: str
    role: str


class DecisionOut(Schema):
    id: int
    agenda_item_id: int | None
    text: str
    result_id: int | None


class ActionItemOut(Schema):
    id: int
    title: str
    responsible_org_id: int | None
    due_on: dt.date | None
    status: str
    overdue: bool


class MeetingDetailOut(MeetingOut):
    description: str
    project_id: int | None
    meeting_set_id: int | None
    agenda: list[AgendaItemOut]
    invitations: list[InvitationOut]
    minutes: str | None
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]
    attendance: dict | None


class RegisterIn(Schema):
    age_band: str = ""


class RegistrationOut(Schema):
    meeting_id: int
    status: str
    waitlist_position: int | None


class CheckInIn(Schema):
    code: str
    age_band: str = ""


class CheckInOut(Schema):
    meeting_id: int
    checked_in_at: dt.datetime


def _out(m: Meeting, registered: int | None = None) -> dict:
    return {
        "id": m.pk, "community": m.community.slug, "kind": m.kind,
        "kind_label": str(m.get_kind_display()), "title": m.title, "status": m.status,
        "starts_at": m.starts_at, "ends_at": m.ends_at, "place": m.place_label,
        "space_id": m.space_id, "online_url": m.online_url, "audience": m.audience,
        "capacity": m.capacity, "places_left": m.places_left,
        "registered": registered if registered is not None else m.seats_taken,
    }


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(selectors.meeting_detail_qs(), pk=pk,
                                community__is_active=True)
    if not request.user.has_perm("meetings.view_meeting", meeting):
        raise Http404
    return meeting


@router.get("/", response=list[MeetingOut], summary="Meetings of a community")
@paginate(LimitOffsetPagination)
def list_meetings(request: HttpRequest, community: str, when: str = ""):
    c = community_or_404(community)
    return [_out(m, m.n_registered) for m in selectors.meeting_list(request.user, c, when=when)]


@router.get("/{int:pk}", response=MeetingDetailOut, summary="One meeting")
def meeting_detail(request: HttpRequest, pk: int):
    m = _meeting(request, pk)
    can_minutes = request.user.has_perm("meetings.view_minutes", m)
    data = _out(m)
    data.update({
        "description": m.description, "project_id": m.project_id,
        "meeting_set_id": m.meeting_set_id,
        "agenda": [{"order": a.order, "title": a.title, "description": a.description,
                    "proposal_id": a.proposal_id} for a in m.agenda_items.all()],
        "invitations": [{"organisation_id": i.organisation_id,
                         "organisation": i.organisation.name, "role": i.role}
                        for i in m.invitations.all()],
        "minutes": m.minutes if can_minutes else None,
        "decisions": [{"id": d.pk, "agenda_item_id": d.agenda_item_id, "text": d.text,
                       "result_id": d.result_id} for d in m.decisions.all()]
        if can_minutes else [],
        "action_items": [{"id": a.pk, "title": a.title,
                          "responsible_org_id": a.responsible_org_id, "due_on": a.due_on,
                          "status": a.status, "overdue": a.is_overdue}
                         for a in m.action_items.all()] if can_minutes else [],
        "attendance": _groups_json(m) if can_minutes else None,
    })
    return data


def _groups_json(m: Meeting) -> dict:
    g = selectors.attendance_by_group(m)
    return {"total": g["total"],
            **{key: {code or "unknown": n for code, _label, n in g[key]}
               for key in ("tenure", "age_band", "residence")}}


@router.post("/{int:pk}/register", response=RegistrationOut,
             summary="Register (or join the waitlist when full)")
def register(request: HttpRequest, pk: int, payload: RegisterIn):
    user = require_user(request)
    m = _meeting(request, pk)
    reg = services.registration_create(actor=user, meeting=m, age_band=payload.age_band)
    return {"meeting_id": m.pk, "status": reg.status,
            "waitlist_position": selectors.waitlist_position(reg)}


@router.post("/{int:pk}/cancel", response=RegistrationOut,
             summary="Cancel one's registration (the waitlist moves up)")
def cancel(request: HttpRequest, pk: int):
    user = require_user(request)
    m = _meeting(request, pk)
    reg = services.registration_cancel(actor=user, meeting=m)
    if reg is None:
        raise Http404
    return {"meeting_id": m.pk, "status": reg.status, "waitlist_position": None}


@router.post("/{int:pk}/check-in", response=CheckInOut, summary="Check in with the code")
def check_in(request: HttpRequest, pk: int, payload: CheckInIn):
    user = require_user(request)
    m = _meeting(request, pk)
    att = services.attendance_check_in(actor=user, meeting=m, code=payload.code,
                                       age_band=payload.age_band)
    return {"meeting_id": m.pk, "checked_in_at": att.checked_in_at}
