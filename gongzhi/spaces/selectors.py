"""Reads shared by pages, the API, the map and the benchmark."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.accounts.rules import is_worker
from gongzhi.maps.bbox import BBox, point_in_bbox
from gongzhi.maps.bbox import in_bbox as _in_bbox
from gongzhi.places.models import Building, Community
from gongzhi.spaces.models import MaintenanceDuty, Space, SpaceKind, SpaceState

# Columns the GeoJSON endpoints read: never the description or rules text.
FEATURE_FIELDS = ("id", "kind", "name", "state", "geometry", "area_m2", "length_m", "is_public")


def spaces_visible(*, user, community: Community) -> QuerySet[Space]:
    """Spaces of `community` the user may see: all for workers, public ones for others."""
    qs = Space.objects.filter(community=community)
    if not is_worker(user, community):
        qs = qs.filter(is_public=True)
    return qs


def spaces_filtered(
    qs: QuerySet[Space], *, kind: str = "", state: str = "", query: str = "",
    bbox: BBox | None = None,
) -> QuerySet[Space]:
    if kind:
        qs = qs.filter(kind=kind) if kind in SpaceKind.values else qs.none()
    if state:
        qs = qs.filter(state=state) if state in SpaceState.values else qs.none()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if bbox is not None:
        qs = in_bbox(qs, bbox)
    return qs


def in_bbox(qs: QuerySet, bbox: BBox) -> QuerySet:
    """Rows whose bbox intersects `bbox` (rows need min_/max_ lon/lat columns)."""
    return _in_bbox(qs, bbox)


def space_feature(row: dict[str, Any] | Space) -> dict[str, Any]:
    """One space as a GeoJSON Feature (from a model or a `.values(*FEATURE_FIELDS)` row)."""
    if isinstance(row, Space):
        row = {f: getattr(row, f) for f in FEATURE_FIELDS}
    kind = row["kind"]
    state = row["state"]
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": row["geometry"],
        "properties": {
            "id": row["id"],
            "name": row["name"],
            "kind": kind,
            "kind_label": str(SpaceKind(kind).label) if kind in SpaceKind.values else kind,
            "state": state,
            "state_label": str(SpaceState(state).label) if state in SpaceState.values else state,
            "area_m2": round(row["area_m2"], 1) if row["area_m2"] is not None else None,
            "length_m": round(row["length_m"], 1) if row["length_m"] is not None else None,
        },
    }


def space_features(qs: QuerySet[Space], start: int = 0,
                   stop: int | None = None) -> list[dict[str, Any]]:
    """Features for a queryset (sliced to [start:stop]) in ONE query."""
    # Labels are translated once per call, not once per feature.
    kinds = {k: str(v) for k, v in SpaceKind.choices}
    states = {k: str(v) for k, v in SpaceState.choices}
    features = []
    for row in qs.values(*FEATURE_FIELDS)[start:stop]:
        area = row["area_m2"]
        length = row["length_m"]
        features.append({
            "type": "Feature",
            "id": row["id"],
            "geometry": row["geometry"],
            "properties": {
                "id": row["id"], "name": row["name"], "kind": row["kind"],
                "kind_label": kinds.get(row["kind"], row["kind"]), "state": row["state"],
                "state_label": states.get(row["state"], row["state"]),
                "area_m2": round(area, 1) if area is not None else None,
                "length_m": round(length, 1) if length is not None else None,
            },
        })
    return features


def buildings_in(community: Community, bbox: BBox | None = None) -> QuerySet[Building]:
    qs = Building.objects.filter(community=community, footprint__isnull=False)
    if bbox is not None:
        # Buildings have only a centroid indexed; pad the box by ~100 m so footprints
        # whose centre is just outside still show at the edge of the viewport.
        qs = point_in_bbox(qs, bbox, pad=0.001)
    return qs.order_by("id")


def building_choices(community: Community) -> list[dict[str, Any]]:
    """The community's buildings for "find my building": id, label, centre (one query),
    in natural order (2号楼 before 10号楼)."""
    rows: list[dict[str, Any]] = [
        dict(row) for row in Building.objects.filter(community=community, footprint__isnull=False)
        .values("id", "number", "name", "lon", "lat")]

    def key(row: dict[str, Any]) -> tuple:
        number = row["number"] or ""
        return (0, int(number), "") if number.isdigit() else (1, 0, number)

    rows.sort(key=key)
    for row in rows:
        row["label"] = row["name"] or row["number"]
    return rows


def building_features(qs: QuerySet[Building]) -> list[dict[str, Any]]:
    """Footprints as Features (one query). ``source: "osm"`` marks outlines taken from
    OpenStreetMap, so the map shows the OSM attribution only when it draws OSM data."""
    return [
        {"type": "Feature", "id": row["id"], "geometry": row["footprint"],
         "properties": {"id": row["id"], "number": row["number"], "name": row["name"],
                        "floors": row["floors"], "source": "osm" if row["osm_id"] else ""}}
        for row in qs.values("id", "number", "name", "floors", "footprint", "osm_id")
    ]


def duties_overdue(*, community: Community | None = None,
                   today: dt.date | None = None) -> QuerySet[MaintenanceDuty]:
    today = today or timezone.localdate()
    qs = MaintenanceDuty.objects.filter(is_active=True, next_due__lt=today).exclude(
        space__state=SpaceState.REMOVED)
    if community is not None:
        qs = qs.filter(community=community)
    return qs.select_related("space", "organisation").order_by("next_due", "id")


def space_timeline(space: Space) -> list:
    """History entries newest first, each with its photos (two queries)."""
    return list(space.events.select_related("actor").prefetch_related("photos")
                .order_by("-happened_on", "-id"))


def kind_counts(qs: QuerySet[Space]) -> dict[str, int]:
    from django.db.models import Count

    return dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
