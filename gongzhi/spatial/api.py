"""Access API, mounted at /api/v1/spatial/.

GET  /communities/{slug}/access           full result (workers, admins, subdistrict admin)
GET  /communities/{slug}/access/summary   public summary (also residents, if switched on)
POST /communities/{slug}/access/what-if   before/after for added, moved or closed facilities

Errors are problem+json: 400 invalid change, 401 not signed in, 403 not allowed, 404
unknown community or no walking network.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.spatial import selectors, services
from gongzhi.spatial.models import WalkingMode

router = Router(tags=["spatial"])

Mode = Literal["standard", "elderly"]


class CategoryOut(Schema):
    code: str
    tier: str = Field(..., description="5min, 10min or 15min (GB 50180-2018)")
    threshold_m: float


class BuildingOut(Schema):
    id: int
    label: str
    lon: float
    lat: float
    population: float
    population_source: str = Field(..., description="ledger or estimate (floor area)")
    nearest: dict[str, float | None] = Field(..., description="metres to the nearest "
                                             "facility per category, null if unreachable")
    nearest3: dict[str, list[list[Any]]] = Field(
        ..., description="per category up to 3 [facility id, metres] within 2 km; a "
        "facility id is a space id or 'osm:' and an OpenStreetMap reference")
    met: dict[str, bool]
    completeness: int
    fca: float = Field(..., description="2SFCA score (PySAL access two_stage_fca)")
    e2sfca: float
    gravity: float


class AccessOut(Schema):
    mode: str
    speed: float
    catchment_m: float
    categories: list[CategoryOut]
    buildings: list[BuildingOut]
    summary: dict[str, Any]


class CategorySummaryOut(Schema):
    code: str
    tier: str
    threshold_m: float
    covered_share: float | None
    median_m: float | None


class SummaryOut(Schema):
    mode: str
    residents: float
    categories: list[CategorySummaryOut]
    gini_2sfca: float | None
    mean_completeness: float | None
    full_completeness_share: float | None


class ChangeIn(Schema):
    action: Literal["add", "move", "close"]
    category: str | None = Field(None, max_length=40)
    space: str | None = Field(None, max_length=40, description="space id or osm:REF")
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    datum: Literal["wgs84", "gcj02"] = "wgs84"
    capacity: float | None = Field(None, gt=0, le=100000)
    name: str = Field("", max_length=100)


class WhatIfIn(Schema):
    mode: Mode = "standard"
    changes: list[ChangeIn] = Field(..., min_length=1, max_length=20)


class WhatIfOut(Schema):
    delta: dict[str, Any]
    before: SummaryOut
    after: SummaryOut


def _community(request: HttpRequest, slug: str, perm: str):
    community = community_or_404(slug)
    if not request.user.has_perm(perm, community):
        if not request.user.is_authenticated:
            require_user(request)
        raise PermissionDenied
    return community


def _result(community, mode: str) -> dict:
    result = selectors.access_result(community, mode)
    if result is None:
        raise HttpError(404, _("No walking network has been imported for this community."))
    return result


@router.get("/communities/{slug}/access", response=AccessOut)
def access(request: HttpRequest, slug: str, mode: Mode = "standard"):
    community = _community(request, slug, "spatial.view_access")
    return _result(community, mode)


@router.get("/communities/{slug}/access/summary", response=SummaryOut)
def access_summary(request: HttpRequest, slug: str, mode: Mode = "standard"):
    community = _community(request, slug, "spatial.view_access_summary")
    return selectors.public_summary(_result(community, mode))


@router.post("/communities/{slug}/access/what-if", response=WhatIfOut)
def what_if(request: HttpRequest, slug: str, payload: WhatIfIn):
    community = _community(request, slug, "spatial.what_if")
    changes = []
    for change in payload.changes:
        row: dict[str, Any] = {"action": change.action}
        if change.action in ("add", "move"):
            if change.lon is None or change.lat is None:
                raise ValidationError({"lon": _("Give the place as longitude and latitude "
                                                "numbers.")})
            row["lon"], row["lat"] = services.parse_point(change.lon, change.lat, change.datum)
        if change.action == "add":
            row.update(category=change.category, capacity=change.capacity or 10.0,
                       name=change.name.replace("\x00", ""))
        else:
            row["space"] = change.space
        changes.append(row)
    out = services.what_if(community=community, mode=WalkingMode(payload.mode), changes=changes)
    if out is None:
        raise HttpError(404, _("No walking network has been imported for this community."))
    return {"delta": out["delta"], "before": selectors.public_summary(out["before"]),
            "after": selectors.public_summary(out["after"])}
