"""Reads shared by pages, the API, the map and the benchmark."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.accounts.rules import is_worker
from gongzhi.places.models import Building, Community
from gongzhi.spaces.models import MaintenanceDuty, Space, SpaceKind, SpaceState

BBox = tuple[float, float, float, float]

# Columns the GeoJSON endpoints read: never the description or rules text.
FEATURE_FIELDS = ("id", "kind", "name", "state", "geometry", "area_m2", "length_m", "is_public")


class BBoxError(ValueError):
    """A malformed `bbox=min_lon,min_lat,max_lon,max_lat` parameter (message is for people)."""


def parse_bbox(raw: str) -> BBox:
    """Parse and check `min_lon,min_lat,max_lon,max_lat` (WGS-84 degrees)."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 4:
        raise BBoxError("bbox needs four numbers: min_lon,min_lat,max_lon,max_lat.")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BBoxError("bbox values must be numbers.") from None
    if not all(math.isfinite(v) for v in values):
        raise BBoxError("bbox values must be finite numbers.")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise BBoxError("bbox longitudes must be between -180 and 180.")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BBoxError("bbox latitudes must be between -90 and 90 (is the order lon,lat?).")
    if min_lon > max_lon or min_lat > max_lat:
        raise BBoxError("bbox minimum must not exceed maximum.")
    return min_lon, min_lat, max_lon, max_lat


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
    min_lon, min_lat, max_lon, max_lat = bbox
    return qs.filter(max_lon__gte=min_lon, min_lon__lte=max_lon, max_lat__gte=min_lat,
                     min_lat__lte=max_lat)


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
        min_lon, min_lat, max_lon, max_lat = bbox
        pad = 0.001
        qs = qs.filter(lon__gte=min_lon - pad, lon__lte=max_lon + pad, lat__gte=min_lat - pad,
                       lat__lte=max_lat + pad)
    return qs.order_by("id")


def building_features(qs: QuerySet[Building]) -> list[dict[str, Any]]:
    return [
        {"type": "Feature", "id": row["id"], "geometry": row["footprint"],
         "properties": {"id": row["id"], "number": row["number"], "name": row["name"],
                        "floors": row["floors"]}}
        for row in qs.values("id", "number", "name", "floors", "footprint")
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
