"""Volunteer corps API, mounted at /api/v1/volunteers/: shifts, sign-up, my hours."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.models import Shift

router = Router(tags=["volunteers"])


class ShiftOut(Schema):
    id: int
    community: str
    opportunity_id: int
    title: str
    team: str | None
    team_colour: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    lat: float | None
    lon: float | None
    skills: str
    min_age: int | None
    project_id: int | None
    capacity: int
    places_left: int
    my_status: str | None


class SignupOut(Schema):
    shift_id: int
    status: str


class CheckInIn(Schema):
    code: str


class HoursOut(Schema):
    community: str
    confirmed_hours: Decimal
    shifts: int


def _out(s: Shift) -> dict:
    opp = s.opportunity
    point = opp.point
    mine = getattr(s, "mine", None)
    return {"id": s.pk, "community": s.community.slug, "opportunity_id": opp.pk,
            "title": opp.title, "team": opp.team.name if opp.team else None,
            "team_colour": opp.team.colour if opp.team else None,
            "starts_at": s.starts_at, "ends_at": s.ends_at,
            "place": opp.space.name if opp.space else opp.location_text,
            "lat": point[0] if point else None, "lon": point[1] if point else None,
            "skills": opp.skills, "min_age": opp.min_age, "project_id": opp.project_id,
            "capacity": s.capacity, "places_left": s.places_left,
            "my_status": mine.status if mine else None}


def _shift(pk: int) -> Shift:
    try:
        return (Shift.objects.select_related("community", "opportunity__team",
                                             "opportunity__space", "opportunity__project")
                .get(pk=pk, community__is_active=True))
    except Shift.DoesNotExist:
        raise Http404 from None


@router.get("/shifts", response=list[ShiftOut], summary="Upcoming shifts of a community")
@paginate(LimitOffsetPagination)
def list_shifts(request: HttpRequest, community: str):
    c = community_or_404(community)
    shifts = list(selectors.upcoming_shifts(c, limit=None).select_related("community"))
    return [_out(s) for s in selectors.attach_mine(request.user, shifts)]


@router.get("/shifts.geojson", url_name="volunteers_shifts_geojson",
            summary="Upcoming volunteer shifts with a place (map layer)")
def shifts_geojson(request: HttpRequest, community: str):
    c = community_or_404(community)
    body = json.dumps(selectors.shifts_geojson(c), ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


@router.post("/shifts/{int:pk}/sign-up", response=SignupOut,
             summary="Sign up (or join the waiting list when full)")
def sign_up(request: HttpRequest, pk: int, age_confirmed: bool = False):
    """``age_confirmed=true``: the volunteer confirms the shift's minimum age."""
    user = require_user(request)
    signup = services.shift_signup(actor=user, shift=_shift(pk), age_confirmed=age_confirmed)
    return {"shift_id": pk, "status": signup.status}


@router.post("/shifts/{int:pk}/cancel", response=SignupOut,
             summary="Cancel one's sign-up (the waiting list moves up)")
def cancel(request: HttpRequest, pk: int):
    user = require_user(request)
    signup = services.shift_signup_cancel(actor=user, shift=_shift(pk))
    if signup is None:
        raise Http404
    return {"shift_id": pk, "status": signup.status}


@router.post("/shifts/{int:pk}/check-in", response=SignupOut, summary="Check in with the code")
def check_in(request: HttpRequest, pk: int, payload: CheckInIn):
    user = require_user(request)
    signup = services.shift_check_in(actor=user, shift=_shift(pk), code=payload.code[:12])
    return {"shift_id": pk, "status": signup.status}


@router.get("/me/hours", response=HoursOut, summary="My confirmed service hours")
def my_hours(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    rows = [r for r in selectors.my_service(user, community=c) if r.confirmed_at]
    return {"community": c.slug,
            "confirmed_hours": sum((r.counted_hours for r in rows), Decimal(0)),
            "shifts": len(rows)}
