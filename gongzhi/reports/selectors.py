"""Reads shared by pages and the API: lists, nearby duplicates, work queue, statistics."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from gongzhi.core.compiled import CompiledQuery, ViewerQuery
from gongzhi.core.functions import IsoUtc
from gongzhi.core.geo.measure import haversine_m_array, nearby_bbox
from gongzhi.places.models import Community
from gongzhi.reports.models import (
    OPEN_STATUSES,
    PRIVATE_EVENTS,
    Category,
    MeToo,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
)

DUPLICATE_RADIUS_M = 30.0


def reports_for(user, community: Community) -> QuerySet[Report]:
    """Reports of ``community`` that ``user`` may see (hidden ones only for workers)."""
    qs = Report.objects.filter(community=community)
    if not user.has_perm("reports.view_hidden", community):
        qs = qs.filter(hidden_at__isnull=True)
    return qs


def with_list_data(qs: QuerySet[Report], now: dt.datetime | None = None) -> QuerySet[Report]:
    """Annotate what list rows show, in the same query: me-too count, overdue flag."""
    now = now or timezone.now()
    return (qs.select_related("organisation", "reporter", "community")
            .annotate(metoo_count=Count("me_toos", distinct=True),
                      overdue=Case(When(due_at__lt=now, then=Value(True)), default=Value(False),
                                   output_field=BooleanField())))


def report_list(user, community: Community, *, status: str = "", category: str = "",
                bbox: tuple[float, float, float, float] | None = None,
                open_only: bool = False) -> QuerySet[Report]:
    """The reports ``user`` may see, filtered and in list order, WITHOUT the row data:
    page the ids first and put ``with_list_data`` on that page's rows only
    (``core.paging.id_page(qs, n, size, rows=with_list_data)``, or ``list_rows``). The
    me-too count joins and groups every row it is put on; on the whole list it grew with
    the community's open reports (1,034 rows grouped for a page of 20)."""
    qs = reports_for(user, community)
    if status in Status.values:
        qs = qs.filter(status=status)
    elif status == "open" or open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if category in Category.values:
        qs = qs.filter(category=category)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        qs = qs.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
    return qs.order_by("-created_at", "-id")


def list_rows(qs: QuerySet[Report], start: int, size: int) -> list[Report]:
    """Rows ``start`` .. ``start + size`` of ``report_list``'s ``qs`` with their list data:
    the ids by the index, then the row data for those rows only."""
    ids = list(qs.values_list("pk", flat=True)[start:start + size])
    if not ids:
        return []
    rows = {r.pk: r for r in with_list_data(qs.order_by().filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def my_reports(user, community: Community) -> QuerySet[Report]:
    return with_list_data(Report.objects.filter(community=community, reporter=user)
                          ).order_by("-created_at", "-id")


def _detail(community, user, *, pk):
    qs = (reports_for(user, community).select_related("organisation", "reporter", "space")
          .annotate(metoo_count=Count("me_toos", distinct=True)))
    if user.is_authenticated:
        qs = qs.annotate(my_me_too=Exists(MeToo.objects.filter(report=OuterRef("pk"),
                                                                user_id=user.pk)))
    return qs.filter(pk=pk)[:1]


# built once per kind of viewer (core.compiled.ViewerQuery): a worker's query sees hidden
# reports, a resident's does not; the report's id is a value
_DETAIL = ViewerQuery(_detail, pk=int)


def report_detail(user, community: Community, pk: int) -> Report | None:
    """One report with its me-too count and, for a signed-in ``user``, ``my_me_too``
    (whether they said "me too"), in one query."""
    rows = _DETAIL.all(community, user, pk=pk)
    found = rows[0] if rows else None
    if found is not None:
        found.community = community  # the permission checks read it: no second query
    return found


def has_me_too(user, report: Report) -> bool:
    """Whether ``user`` said "me too" (no query when ``report_detail`` read it)."""
    if not user.is_authenticated:
        return False
    if hasattr(report, "my_me_too"):
        return bool(report.my_me_too)
    return report.me_toos.filter(user=user).exists()


def _events(*, private: bool):
    def build(report):
        qs = ReportEvent.objects.filter(report_id=report).select_related("organisation",
                                                                         "actor")
        return qs if private else qs.exclude(kind__in=PRIVATE_EVENTS)
    return build


_EVENTS = CompiledQuery(_events(private=True), report=int)
_PUBLIC_EVENTS = CompiledQuery(_events(private=False), report=int)
_PHOTOS = CompiledQuery(
    lambda report: ReportPhoto.objects.filter(report_id=report), report=int)


def timeline(user, report: Report) -> list[ReportEvent]:
    """The report's events; private ones (internal notes) only for whoever sees hidden
    things."""
    events = (_EVENTS if user.has_perm("reports.view_hidden", report) else _PUBLIC_EVENTS)
    return events.all(report=report.pk)


def photos(report: Report) -> list[ReportPhoto]:
    return _PHOTOS.all(report=report.pk)


def nearby_open(community: Community, *, category: str, lat: float, lon: float,
                radius_m: float = DUPLICATE_RADIUS_M, limit: int = 5) -> list[Report]:
    """Open, public reports of the same category within ``radius_m`` (nearest first).

    An indexed bounding-box prefilter on lat/lon narrows the rows; the exact haversine
    distance then decides. Each result carries ``distance_m``.
    """
    min_lon, min_lat, max_lon, max_lat = nearby_bbox(lon, lat, radius_m)
    candidates = list(
        Report.objects.filter(community=community, category=category,
                              status__in=OPEN_STATUSES, hidden_at__isnull=True,
                              lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon,
                              lon__lte=max_lon)
        .annotate(metoo_count=Count("me_toos", distinct=True))
    )
    if not candidates:
        return []
    dist = haversine_m_array(lon, lat, [r.lon for r in candidates], [r.lat for r in candidates])
    found = []
    for report, d in zip(candidates, dist, strict=True):
        if d <= radius_m:
            report.distance_m = float(d)
            found.append(report)
    found.sort(key=lambda r: r.distance_m)
    return found[:limit]


def work_queue(user, community: Community, *, organisation_id: int | None = None,
               now: dt.datetime | None = None) -> QuerySet[Report]:
    """Open reports by urgency: overdue first, then oldest, then most "me too".

    Workers see the whole community (optionally one organisation); organisation members
    see the reports assigned to their organisations.
    """
    now = now or timezone.now()
    qs = Report.objects.filter(community=community, status__in=OPEN_STATUSES)
    if not user.has_perm("reports.view_hidden", community):
        from gongzhi.orgs.models import OrgMember

        org_ids = OrgMember.objects.filter(user=user, organisation__community=community
                                           ).values("organisation_id")
        qs = qs.filter(organisation_id__in=org_ids, hidden_at__isnull=True)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return with_list_data(qs, now).order_by("-overdue", "created_at", "-metoo_count", "id")


def geojson(community: Community, *, bbox: tuple[float, float, float, float] | None = None,
            offset: int = 0, limit: int | None = None) -> dict:
    """Open public reports as a FeatureCollection. Never contains who reported.

    ``bbox`` (min_lon, min_lat, max_lon, max_lat) uses the indexed lat/lon columns; with
    ``limit`` one extra row is read so the caller knows whether a next page exists
    (``has_more`` in the result).
    """
    qs = Report.objects.filter(community=community, status__in=OPEN_STATUSES,
                               hidden_at__isnull=True)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        qs = qs.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)
    now = timezone.now()
    # tuples, the overdue flag and the time's text from the database (a due date read for
    # each row, a datetime parsed and written back and a dict per row cost the layer more
    # than its query)
    # the me-too count as a subquery per row, not a join grouped by every column: the
    # grouping sorted the layer's rows twice (10 → 3 ms of PostgreSQL at c001)
    metoos = MeToo.objects.filter(report=OuterRef("pk")).values(
        n=Func("pk", function="COUNT"))
    rows = (qs.annotate(metoo_count=Subquery(metoos, output_field=IntegerField()),
                        overdue=Case(When(due_at__lt=now, then=Value(True)),
                                     default=Value(False), output_field=BooleanField()),
                        created=IsoUtc("created_at"))
            .order_by("-created_at", "-pk")
            .values_list("pk", "lat", "lon", "category", "status", "created", "metoo_count",
                         "overdue"))
    if limit is not None:
        rows = list(rows[offset: offset + limit + 1])
    has_more = limit is not None and len(rows) > limit
    if has_more:
        rows = rows[:limit]
    # the labels translated once, not twice per feature (a lazy string's str() is a
    # catalogue lookup: 4,000 of them were a fifth of the layer's time)
    cats = {key: str(label) for key, label in Category.choices}
    stats = {key: str(label) for key, label in Status.choices}
    from django.urls import reverse

    base = reverse("reports:detail", args=[community.slug, 0])[:-2]
    features = [{
        "type": "Feature",
        "id": pk,
        "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
        "properties": {
            "id": pk, "category": category, "category_label": cats[category],
            "status": status, "status_label": stats[status],
            "created_at": created, "metoo_count": metoo_count,
            "overdue": bool(overdue), "url": f"{base}{pk}/",
        },
    } for pk, lat, lon, category, status, created, metoo_count, overdue in rows]
    return {"type": "FeatureCollection", "features": features, "has_more": has_more}


# --- statistics -------------------------------------------------------------------------

@dataclass
class Durations:
    count: int = 0
    accepted: list[float] = field(default_factory=list)  # hours, created → accepted
    resolved: list[float] = field(default_factory=list)  # hours, created → resolved

    def summary(self) -> dict:
        return {"count": self.count, "accepted": len(self.accepted),
                "resolved": len(self.resolved),
                "accept_median_h": percentile(self.accepted, 50),
                "accept_p90_h": percentile(self.accepted, 90),
                "resolve_median_h": percentile(self.resolved, 50),
                "resolve_p90_h": percentile(self.resolved, 90)}


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile with linear interpolation (numpy's default); None if empty."""
    if not values:
        return None
    return round(float(np.percentile(np.asarray(values, dtype=float), q)), 2)


def monthly_statistics(community: Community, *, since: dt.date | None = None,
                       until: dt.date | None = None) -> dict:
    """Counts and response times per month × category and month × organisation.

    A report counts in the month it was reported (local time). Time to accept is from
    reporting to the first acceptance; time to resolve is from reporting to the latest
    "resolved" (so a reopened report's rework counts). Refused reports count but have no
    times. Hidden reports are included (they were still reports the community received).
    """
    qs = Report.objects.filter(community=community)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    rows = qs.values_list("created_at", "accepted_at", "resolved_at", "category",
                          "organisation_id", "organisation__name")
    by_cat: dict[tuple[str, str], Durations] = defaultdict(Durations)
    by_org: dict[tuple[str, int | None], Durations] = defaultdict(Durations)
    by_month: dict[str, Durations] = defaultdict(Durations)
    org_names: dict[int | None, str] = {}
    months: set[str] = set()
    for created, accepted, resolved, category, org_id, org_name in rows:
        month = timezone.localtime(created).strftime("%Y-%m")
        months.add(month)
        org_names[org_id] = org_name or ""
        for bucket in (by_cat[(month, category)], by_org[(month, org_id)], by_month[month]):
            bucket.count += 1
            if accepted:
                bucket.accepted.append((accepted - created).total_seconds() / 3600)
            if resolved:
                bucket.resolved.append((resolved - created).total_seconds() / 3600)
    cat_labels = dict(Category.choices)
    return {
        "months": sorted(months),
        "by_month": [{"month": m, **d.summary()} for m, d in sorted(by_month.items())],
        "by_category": [
            {"month": m, "category": c, "label": str(cat_labels.get(c, c)), **d.summary()}
            for (m, c), d in sorted(by_cat.items())],
        "by_organisation": [
            {"month": m, "organisation_id": o, "label": org_names.get(o) or "",
             **d.summary()}
            for (m, o), d in sorted(by_org.items(), key=lambda kv: (kv[0][0],
                                                                     org_names.get(kv[0][1])
                                                                     or ""))],
    }

