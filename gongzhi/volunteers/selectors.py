"""Reads for the volunteer pages and API, scoped to one community (or one person)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.volunteers.models import Corps, Shift, ShiftSignup, Team


def upcoming_shifts(community, *, project=None, limit: int | None = 200,
                    now: dt.datetime | None = None) -> QuerySet[Shift]:
    """Open shifts that have not ended (by ``now``, default the time now), soonest first."""
    qs = (Shift.objects.filter(community=community, cancelled_at__isnull=True,
                               ends_at__gte=now or timezone.now(), opportunity__is_active=True)
          .select_related("opportunity__team", "opportunity__space", "opportunity__project")
          .order_by("starts_at", "id"))
    if project is not None:
        qs = qs.filter(opportunity__project=project)
    return qs[:limit] if limit else qs


def attach_mine(user, shifts: list[Shift]) -> list[Shift]:
    """Set ``shift.mine`` to ``user``'s live sign-up (or None) on each shift (one query)."""
    found: dict[int, ShiftSignup] = {}
    if user.is_authenticated and shifts:
        found = {s.shift_id: s for s in ShiftSignup.objects.filter(
            user=user, shift_id__in=[s.pk for s in shifts])
            .exclude(status=ShiftSignup.Status.CANCELLED)}
    for shift in shifts:
        shift.mine = found.get(shift.pk)
    return shifts


def corps_with_teams(community) -> list[Corps]:
    teams = (Team.objects.select_related("leader")
             .annotate(n_members=Count("memberships", distinct=True)).order_by("order", "id"))
    return list(Corps.objects.filter(community=community)
                .prefetch_related(Prefetch("teams", queryset=teams)))


def shift_page(community, pk: int) -> Shift:
    return (Shift.objects.select_related("community", "opportunity__team__leader",
                                         "opportunity__space", "opportunity__project",
                                         "opportunity__duty__space", "opportunity__activity")
            .get(community=community, pk=pk))


def roster(shift: Shift) -> list[ShiftSignup]:
    return list(shift.signups.exclude(status=ShiftSignup.Status.CANCELLED)
                .select_related("user").order_by("status", "queued_at", "id"))


def confirmed_hours(user, *, community=None) -> Decimal:
    qs = ShiftSignup.objects.filter(user=user, confirmed_at__isnull=False)
    if community is not None:
        qs = qs.filter(shift__community=community)
    return qs.aggregate(h=Sum("hours"))["h"] or Decimal(0)


def total_hours(community, *, since=None, until=None) -> Decimal:
    """Confirmed volunteer hours in a community (only confirmed service counts)."""
    qs = ShiftSignup.objects.filter(shift__community=community, confirmed_at__isnull=False)
    if since is not None:
        qs = qs.filter(confirmed_at__gte=since)
    if until is not None:
        qs = qs.filter(confirmed_at__lt=until)
    return qs.aggregate(h=Sum("hours"))["h"] or Decimal(0)


def my_service(user, *, community=None) -> list[ShiftSignup]:
    qs = (ShiftSignup.objects.filter(user=user).exclude(status=ShiftSignup.Status.CANCELLED)
          .select_related("shift__opportunity__team", "shift__community")
          .order_by("-shift__starts_at", "-id"))
    if community is not None:
        qs = qs.filter(shift__community=community)
    return list(qs[:500])


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time(), tzinfo=tz),
            dt.datetime.combine(end, dt.time(), tzinfo=tz))


def team_month_rows(team: Team, month: dt.date) -> list[dict]:
    """One row per confirmed (or pending) sign-up of the team's shifts in ``month``."""
    start, end = month_bounds(month)
    qs = (ShiftSignup.objects.filter(shift__opportunity__team=team,
                                     shift__starts_at__gte=start, shift__starts_at__lt=end)
          .filter(Q(checked_in_at__isnull=False) | Q(confirmed_at__isnull=False))
          .select_related("user", "shift__opportunity").order_by("shift__starts_at", "id"))
    return [{"date": timezone.localtime(s.shift.starts_at).date(),
             "opportunity": s.shift.opportunity.title,
             "volunteer": s.user.public_name,
             "checked_in": s.checked_in_at, "checked_out": s.checked_out_at,
             "hours": s.hours if s.confirmed_at else None,
             "confirmed": s.confirmed_at is not None} for s in qs]


def shifts_geojson(community) -> dict:
    """Upcoming shifts with a place on the map, one point per opportunity (the map layer)."""
    from django.urls import reverse

    by_opportunity: dict[int, dict] = {}
    for s in upcoming_shifts(community, limit=500):
        opp = s.opportunity
        point = opp.point
        if point is None or opp.pk in by_opportunity:
            continue
        by_opportunity[opp.pk] = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
            "properties": {
                "name": opp.title, "kind": "volunteer_shift",
                "kind_label": opp.team.name if opp.team else "",
                "state": "full" if not s.places_left else "open",
                "starts_at": s.starts_at.isoformat(),
                "url": reverse("volunteers:shift", args=[community.slug, s.pk])},
        }
    return {"type": "FeatureCollection", "features": list(by_opportunity.values())}


def home_point(user, community) -> tuple[float, float] | None:
    """Where ``user`` lives in ``community`` (their household's building), if known."""
    if not user.is_authenticated:
        return None
    from gongzhi.accounts.models import Membership

    row = (Membership.objects.filter(user=user, community=community,
                                     household__building__lat__isnull=False)
           .values_list("household__building__lat", "household__building__lon").first())
    if row is None or row[0] is None or row[1] is None:
        return None
    return float(row[0]), float(row[1])


def attach_distance(shifts: list[Shift], home: tuple[float, float] | None, *,
                    nearest_first: bool = False) -> list[Shift]:
    """Set ``shift.distance_m`` (metres from home, or None) and optionally sort by it."""
    from gongzhi.core.geo.measure import haversine_m

    for shift in shifts:
        point = shift.opportunity.point
        setattr(shift, "distance_m",  # noqa: B010 - an attribute for templates
                round(haversine_m(home[1], home[0], point[1], point[0]))
                if home is not None and point is not None else None)
    if nearest_first and home is not None:
        shifts.sort(key=lambda s: (getattr(s, "distance_m", None) is None,
                                   getattr(s, "distance_m", None) or 0, s.starts_at))
    return shifts
