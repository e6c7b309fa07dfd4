"""Activities API, mounted at /api/v1/activities/: dates, registration, calendar layer."""

from __future__ import annotations

import datetime as dt
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.activities import selectors, services
from gongzhi.activities.describe import rule_in_words
from gongzhi.activities.models import Child, Occurrence
from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404

router = Router(tags=["activities"])


class OccurrenceOut(Schema):
    id: int
    activity_id: int
    community: str
    title: str
    category: str
    repeats: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    lat: float | None
    lon: float | None
    organiser: str
    status: str
    cancel_reason: str
    capacity: int | None
    places_left: int | None
    min_age: int | None
    max_age: int | None
    children_welcome: bool
    my_statuses: list[str]


class RegisterIn(Schema):
    child_id: int | None = Field(None, ge=1, le=2_147_483_647)
    age_confirmed: bool = False


class RegistrationOut(Schema):
    id: int
    occurrence_id: int
    child: str | None
    status: str


def _out(o: Occurrence) -> dict:
    a = o.activity
    point = a.point
    return {"id": o.pk, "activity_id": a.pk, "community": o.community.slug, "title": a.title,
            "category": a.category,
            "repeats": rule_in_words(a.rrule, a.first_start, a.duration),
            "starts_at": o.starts_at, "ends_at": o.ends_at, "place": a.place_label,
            "lat": point[0] if point else None, "lon": point[1] if point else None,
            "organiser": a.organiser_label, "status": o.status,
            "cancel_reason": o.cancel_reason, "capacity": o.capacity,
            "places_left": o.places_left, "min_age": a.min_age, "max_age": a.max_age,
            "children_welcome": a.allow_children,
            "my_statuses": [r.status for r in getattr(o, "mine", [])]}


def _occurrence(pk: int) -> Occurrence:
    try:
        return (Occurrence.objects.select_related("community", "activity__project",
                                                  "activity__space")
                .get(pk=pk, community__is_active=True))
    except Occurrence.DoesNotExist:
        raise Http404 from None


@router.get("/dates", response=list[OccurrenceOut],
            summary="Dates of a community's activities (from a day, default today)")
@paginate(LimitOffsetPagination)
def list_dates(request: HttpRequest, community: str, since: str = "",
               days: int = Query(28, ge=1, le=120)):
    """``since``: a date (YYYY-MM-DD), default today; ``days``: 1 to 120."""
    c = community_or_404(community)
    days = max(1, min(days, 120))
    try:
        first = dt.date.fromisoformat(since[:10]) if since else timezone.localdate()
    except ValueError:
        raise HttpError(422, "since: YYYY-MM-DD") from None
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    occs = list(selectors.occurrences_between(c, start, start + dt.timedelta(days=days))
                .select_related("community")[:1000])
    return [_out(o) for o in selectors.attach_mine(request.user, occs)]


@router.get("/week.geojson", url_name="activities_week_geojson",
            summary="This week's activities with a place (map layer)")
def week_geojson(request: HttpRequest, community: str):
    c = community_or_404(community)
    body = json.dumps(selectors.week_geojson(c), ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


@router.post("/dates/{int:pk}/register", response=RegistrationOut,
             summary="Register oneself or one's child (waiting list when full)")
def register(request: HttpRequest, pk: int, payload: RegisterIn):
    user = require_user(request)
    child = None
    if payload.child_id is not None:
        child = Child.objects.filter(guardian=user, pk=payload.child_id).first()
        if child is None:
            raise Http404
    reg = services.registration_create(actor=user, occurrence=_occurrence(pk), child=child,
                                       age_confirmed=payload.age_confirmed)
    return {"id": reg.pk, "occurrence_id": pk, "child": child.name if child else None,
            "status": reg.status}


@router.post("/registrations/{int:pk}/cancel", response=RegistrationOut,
             summary="Cancel one's registration (the waiting list moves up)")
def cancel(request: HttpRequest, pk: int):
    from gongzhi.activities.models import Registration

    user = require_user(request)
    reg = (Registration.objects.select_related("occurrence", "child")
           .filter(pk=pk, user=user).first())
    if reg is None:
        raise Http404
    reg = services.registration_cancel(actor=user, registration=reg)
    return {"id": reg.pk, "occurrence_id": reg.occurrence_id,
            "child": getattr(reg.child, "name", None), "status": reg.status}
