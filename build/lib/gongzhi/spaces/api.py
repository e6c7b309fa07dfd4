"""Spaces API, mounted at /api/v1/spaces/.

The list endpoints answer GeoJSON (RFC 7946) FeatureCollections for the map. They are
built straight from `.values()` rows and written with `json.dumps` (the declared schemas
document them in OpenAPI but pydantic does not re-validate thousands of features), in a
constant number of queries whatever the number of features.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.spaces import selectors, services
from gongzhi.spaces.models import LifeCircle, Space, SpaceKind, SpaceState

router = Router(tags=["spaces"])

MAX_LIMIT = 5000


class GeometryOut(Schema):
    type: str
    coordinates: list[Any]


class FeatureOut(Schema):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: GeometryOut
    properties: dict[str, Any]


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[FeatureOut]
    next: str | None = Field(None, description="URL of the next page, or null on the last one.")


class SpaceFilters(Schema):
    community: str = Field(..., description="Community slug.")
    bbox: str | None = Field(None, description="min_lon,min_lat,max_lon,max_lat (WGS-84).")
    kind: SpaceKind | None = None
    state: SpaceState | None = None
    limit: int = Field(1000, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class BuildingFilters(Schema):
    community: str
    bbox: str | None = None
    limit: int = Field(1000, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class SpaceIn(Schema):
    community: str
    kind: SpaceKind
    name: str = Field(..., min_length=1, max_length=120)
    geometry: dict[str, Any]
    state: SpaceState = SpaceState.OPEN
    description: str = ""
    is_public: bool = True
    opening_hours: str = Field("", max_length=200)
    rules: str = ""
    capacity: int | None = Field(None, ge=0)
    life_circle: LifeCircle = LifeCircle.NONE


class SpacePatch(Schema):
    kind: SpaceKind | None = None
    name: str | None = Field(None, min_length=1, max_length=120)
    geometry: dict[str, Any] | None = None
    state: SpaceState | None = None
    description: str | None = None
    is_public: bool | None = None
    opening_hours: str | None = Field(None, max_length=200)
    rules: str | None = None
    capacity: int | None = Field(None, ge=0)
    life_circle: LifeCircle | None = None


class SpaceDetailOut(Schema):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: GeometryOut
    properties: dict[str, Any]


def _bbox(raw: str | None):
    if not raw:
        return None
    try:
        return selectors.parse_bbox(raw)
    except selectors.BBoxError as exc:
        raise HttpError(400, str(exc)) from None


def _geojson(request: HttpRequest, features: list, limit: int, offset: int,
             has_more: bool) -> HttpResponse:
    next_url = None
    if has_more:
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        next_url = request.build_absolute_uri(request.path + "?" + query.urlencode())
    body = {"type": "FeatureCollection", "features": features, "next": next_url}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        content_type="application/geo+json")


@router.get("/", response=FeatureCollectionOut, auth=None, url_name="spaces_geojson",
            summary="Spaces of a community as GeoJSON")
def list_spaces(request: HttpRequest, filters: Query[SpaceFilters]):
    """Public spaces (all spaces for workers) as a FeatureCollection, filtered by bbox
    (intersecting), kind and state; paginated with limit/offset and a `next` link."""
    community = community_or_404(filters.community)
    bbox = _bbox(filters.bbox)
    qs = selectors.spaces_filtered(
        selectors.spaces_visible(user=request.user, community=community),
        kind=filters.kind or "", state=filters.state or "", bbox=bbox,
    ).order_by("id")
    features = selectors.space_features(qs, filters.offset, filters.offset + filters.limit + 1)
    has_more = len(features) > filters.limit
    return _geojson(request, features[: filters.limit], filters.limit, filters.offset,
                    has_more)


@router.get("/buildings", response=FeatureCollectionOut, auth=None,
            url_name="buildings_geojson", summary="Building footprints of a community")
def list_buildings(request: HttpRequest, filters: Query[BuildingFilters]):
    community = community_or_404(filters.community)
    bbox = _bbox(filters.bbox)
    qs = selectors.buildings_in(community, bbox)[filters.offset: filters.offset
                                                 + filters.limit + 1]
    features = selectors.building_features(qs)
    has_more = len(features) > filters.limit
    return _geojson(request, features[: filters.limit], filters.limit, filters.offset,
                    has_more)


def _detail(space: Space) -> dict[str, Any]:
    feature = selectors.space_feature(space)
    feature["properties"].update(
        community=space.community.slug, description=space.description,
        is_public=space.is_public, opening_hours=space.opening_hours, rules=space.rules,
        capacity=space.capacity, life_circle=space.life_circle,
        updated_at=space.updated_at.isoformat(),
    )
    return feature


@router.get("/{int:space_id}", response=SpaceDetailOut, auth=None, url_name="space_detail",
            summary="One space as a GeoJSON Feature")
def get_space(request: HttpRequest, space_id: int):
    space = get_object_or_404(Space.objects.select_related("community"), pk=space_id,
                              community__is_active=True)
    if not request.user.has_perm("spaces.view_space", space):
        raise PermissionDenied
    return _detail(space)


@router.post("/", response={201: SpaceDetailOut}, url_name="space_create",
             summary="Register a space (workers)")
def create_space(request: HttpRequest, payload: SpaceIn):
    user = require_user(request)
    community = community_or_404(payload.community)
    data = payload.dict()
    data.pop("community")
    geometry = data.pop("geometry")
    space = services.space_create(actor=user, community=community, geometry=geometry,
                                  **{k: (v.value if hasattr(v, "value") else v)
                                     for k, v in data.items()})
    return Status(201, _detail(space))


@router.patch("/{int:space_id}", response=SpaceDetailOut, url_name="space_update",
              summary="Change a space (workers)")
def update_space(request: HttpRequest, space_id: int, payload: SpacePatch):
    user = require_user(request)
    space = get_object_or_404(Space.objects.select_related("community"), pk=space_id)
    if not user.has_perm("spaces.view_space", space):
        raise HttpError(404, "Not found.")
    data = {k: (v.value if hasattr(v, "value") else v)
            for k, v in payload.dict(exclude_unset=True).items()}
    geometry = data.pop("geometry", None)
    space = services.space_update(actor=user, space=space, geometry=geometry, **data)
    return _detail(space)
