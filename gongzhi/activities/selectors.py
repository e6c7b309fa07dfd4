"""Reads for the activity pages, the API, the map, the feed and the memory archive."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from gongzhi.activities.models import Activity, ActivityPhoto, Child, Occurrence, Registration
from gongzhi.core.now import week_bounds

LIVE = ~Q(status=Registration.Status.CANCELLED)


def activities(community) -> QuerySet[Activity]:
    return (Activity.objects.filter(community=community)
            .select_related("space", "organiser_user", "organiser_team", "organiser_org",
                            "project")
            .order_by("cancelled_at", "title", "id"))


def activity_page(community, pk: int) -> Activity:
    return (Activity.objects.select_related("community", "space", "organiser_user",
                                            "organiser_team__leader", "organiser_org",
                                            "project")
            .get(community=community, pk=pk))


def occurrences_between(community, start: dt.datetime, end: dt.datetime, *,
                        include_cancelled: bool = True) -> QuerySet[Occurrence]:
    qs = (Occurrence.objects.filter(community=community, starts_at__gte=start,
                                    starts_at__lt=end, activity__cancelled_at__isnull=True)
          .select_related("activity__space", "activity__organiser_team",
                          "activity__organiser_org", "activity__organiser_user")
          .order_by("starts_at", "id"))
    if not include_cancelled:
        qs = qs.filter(status=Occurrence.Status.SCHEDULED)
    return qs


def week(community, day: dt.date) -> list[tuple[dt.date, list[Occurrence]]]:
    """The seven days of ``day``'s week with their occurrences (one query)."""
    start, end = week_bounds(day)
    by_day: dict[dt.date, list[Occurrence]] = {
        (start + dt.timedelta(days=i)).date(): [] for i in range(7)}
    for occ in occurrences_between(community, start, end):
        by_day.setdefault(timezone.localtime(occ.starts_at).date(), []).append(occ)
    return sorted(by_day.items())


def upcoming(community, *, limit: int = 50, activity: Activity | None = None) -> list[
        Occurrence]:
    qs = occurrences_between(community, timezone.now() - dt.timedelta(hours=2),
                             timezone.now() + dt.timedelta(days=120))
    if activity is not None:
        qs = qs.filter(activity=activity)
    return list(qs[:limit])


def past(activity: Activity, *, limit: int = 10) -> list[Occurrence]:
    """The latest dates that are over, with how many registered and came (one query)."""
    return list(Occurrence.objects.filter(activity=activity, ends_at__lt=timezone.now())
                .annotate(n_registered=Count("registrations", filter=Q(
                    registrations__status=Registration.Status.REGISTERED)),
                    n_present=Count("registrations", filter=Q(
                        registrations__attended_at__isnull=False)))
                .order_by("-starts_at")[:limit])


def today_bounds() -> tuple[dt.datetime, dt.datetime]:
    """Today from local midnight to the next (the home's today's-activities block)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def occurrence_page(community, pk: int) -> Occurrence:
    return (Occurrence.objects.select_related(
        "community", "activity__space", "activity__organiser_user",
        "activity__organiser_team__leader", "activity__organiser_org", "activity__project")
        .get(community=community, pk=pk))


def attach_mine(user, occurrences: list[Occurrence]) -> list[Occurrence]:
    """Set ``occ.mine`` to ``user``'s live registrations on each occurrence (one query)."""
    found: dict[int, list[Registration]] = {}
    if user.is_authenticated and occurrences:
        for reg in (Registration.objects.filter(user=user, occurrence__in=occurrences)
                    .filter(LIVE).select_related("child")):
            found.setdefault(reg.occurrence_id, []).append(reg)
    for occ in occurrences:
        setattr(occ, "mine", found.get(occ.pk, []))  # noqa: B010 - an attribute for templates
    return occurrences


def my_registrations(user, occurrence: Occurrence) -> list[Registration]:
    if not user.is_authenticated:
        return []
    return list(Registration.objects.filter(user=user, occurrence=occurrence).filter(LIVE)
                .select_related("child").order_by("child_id", "id"))


def registrants(occurrence: Occurrence) -> list[Registration]:
    """The roster: registered first, then the waiting list in order (names only go to
    organisers and workers — the view checks ``activities.view_registrants``)."""
    return list(occurrence.registrations.filter(LIVE).select_related("user", "child")
                .order_by("-status", "queued_at", "id"))


def children_of(user) -> list[Child]:
    if not user.is_authenticated:
        return []
    return list(Child.objects.filter(guardian=user).order_by("created_at", "id"))


def my_upcoming(user, community) -> list[Registration]:
    if not user.is_authenticated:
        return []
    return list(Registration.objects.filter(
        user=user, occurrence__community=community,
        occurrence__ends_at__gte=timezone.now()).filter(LIVE)
        .select_related("occurrence__activity", "child").order_by("occurrence__starts_at")
        [:50])


def photos(activity: Activity, *, consented_only: bool) -> list[ActivityPhoto]:
    qs = activity.photos.select_related("occurrence").order_by("-created_at", "-id")
    if consented_only:
        qs = qs.filter(people_consented=True)
    return list(qs[:60])


def photos_for_archive(activity: Activity) -> QuerySet[ActivityPhoto]:
    """The photos of ``activity`` that may go into the memory archive: only those whose
    people agreed (``people_consented``), oldest first. The memory app reads this (the
    lead wires it); withdrawing consent removes a photo from this list at once."""
    return (ActivityPhoto.objects.filter(activity=activity, people_consented=True)
            .select_related("occurrence", "uploaded_by").order_by("created_at", "id"))


def community_photos_for_archive(community) -> QuerySet[ActivityPhoto]:
    """:func:`photos_for_archive` for every activity of ``community`` in one query."""
    return (ActivityPhoto.objects.filter(activity__community=community, people_consented=True)
            .select_related("activity", "occurrence", "uploaded_by")
            .order_by("created_at", "id"))


def activity_list_rows(community) -> list[Activity]:
    """Activities with their next date and how many upcoming dates (two queries)."""
    now = timezone.now()
    upcoming_qs = (Occurrence.objects.filter(starts_at__gte=now,
                                             status=Occurrence.Status.SCHEDULED)
                   .order_by("starts_at"))
    rows: list[Any] = list(activities(community).annotate(
        n_upcoming=Count("occurrences", filter=Q(occurrences__starts_at__gte=now,
                                                 occurrences__status="scheduled")))
        .prefetch_related(Prefetch("occurrences", queryset=upcoming_qs, to_attr="next_list")))
    for a in rows:
        a.next_occurrence = a.next_list[0] if a.next_list else None
    return rows


def week_geojson(community) -> dict:
    """This week's activities with a place (one point per activity): the map layer."""
    start, end = week_bounds(timezone.localdate())
    features: dict[int, dict] = {}
    for occ in occurrences_between(community, max(start, timezone.now()
                                                  - dt.timedelta(hours=2)), end,
                                   include_cancelled=False):
        activity = occ.activity
        point = activity.point
        if point is None or activity.pk in features:
            continue
        features[activity.pk] = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
            "properties": {
                "name": activity.title, "kind": "activity",
                "kind_label": str(activity.get_category_display()),
                "state": "full" if occ.places_left == 0 else "open",
                "starts_at": occ.starts_at.isoformat(),
                "url": reverse("activities:occurrence", args=[community.slug, occ.pk])},
        }
    return {"type": "FeatureCollection", "features": list(features.values())}


def ics_occurrences(community, *, activity: Activity | None = None) -> list[Occurrence]:
    """What the calendar feeds carry: from four weeks back to the materialised window."""
    since = timezone.now() - dt.timedelta(weeks=4)
    qs = (Occurrence.objects.filter(community=community, starts_at__gte=since)
          .select_related("community", "activity__space", "activity__organiser_team",
                          "activity__organiser_org", "activity__organiser_user")
          .order_by("starts_at", "id"))
    if activity is not None:
        qs = qs.filter(activity=activity)
    return list(qs[:2000])
