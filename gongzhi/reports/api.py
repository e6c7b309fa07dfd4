"""Problem reports API, mounted at /api/v1/reports/.

Public reads never expose who filed an anonymous report; workers see the reporter.
Create accepts JSON, or multipart/form-data with up to four ``photos`` files.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from gongzhi.api.auth import require_user
from gongzhi.core.http import MAX_OFFSET, community_or_404
from gongzhi.maps.bbox import bbox_param
from gongzhi.maps.geojson import feature_collection_response
from gongzhi.orgs.models import Organisation
from gongzhi.reports import selectors, services
from gongzhi.reports.models import Category, Report
from gongzhi.reports.workflow import USER_ACTIONS

router = Router(tags=["reports"])

MAX_PAGE_SIZE = 100


class ReportFilters(Schema):
    community: str = Field(..., description="Community slug.")
    status: str | None = Field(None, description="A status, or 'open' for every open one.")
    category: Category | None = None
    bbox: str | None = Field(None, description="min_lon,min_lat,max_lon,max_lat (WGS-84).")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class OrganisationRef(Schema):
    id: int
    name: str


class ReportOut(Schema):
    id: int
    url: str
    community: str
    category: str
    category_label: str
    status: str
    status_label: str
    description: str
    location_text: str
    lat: float
    lon: float
    created_at: dt.datetime
    status_changed_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool
    metoo_count: int
    reporter_name: str = Field(description="'Anonymous resident' for anonymous reports.")
    reporter_verified: bool
    organisation: OrganisationRef | None
    refusal_reason: str
    resolution_note: str
    hidden: bool = Field(False, description="Only workers ever see hidden reports.")


class ReportPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    results: list[ReportOut]


class ReportIn(Schema):
    community: str
    category: Category
    description: str = Field(..., min_length=1, max_length=2000)
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    location_text: str = Field("", max_length=200)
    anonymous: bool = False
    keep_location: bool = Field(False, description="Keep GPS EXIF data in uploaded photos.")
    space: int | None = Field(None, description="Id of a spaces.Space of the community.")


class TransitionIn(Schema):
    # A Literal built from the workflow table at import time: right for pydantic and the
    # OpenAPI schema, but not a type mypy can read statically.
    action: Literal[USER_ACTIONS]  # type: ignore[valid-type]
    organisation: int | None = Field(None, description="For accept / assign.")
    note: str = Field("", max_length=2000,
                      description="Reason (refuse, reopen) or what was done (resolve).")
    keep_location: bool = Field(False, description="Keep GPS data in uploaded photos.")


class MeTooOut(Schema):
    report: int
    created: bool
    metoo_count: int


class GeometryOut(Schema):
    type: Literal["Point"]
    coordinates: list[float]


class FeatureOut(Schema):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: GeometryOut
    properties: dict[str, Any]


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[FeatureOut]


def _out(request: HttpRequest, report: Report) -> dict:
    show_reporter = request.user.has_perm("reports.view_reporter", report.community)
    if report.reporter is not None and show_reporter:
        name = report.reporter.public_name
    else:
        name = report.public_reporter_name()
    org = report.organisation
    return {
        "id": report.pk,
        "url": reverse("reports:detail", args=[report.community.slug, report.pk]),
        "community": report.community.slug,
        "category": report.category, "category_label": report.get_category_display(),
        "status": report.status, "status_label": report.get_status_display(),
        "description": report.description, "location_text": report.location_text,
        "lat": report.lat, "lon": report.lon, "created_at": report.created_at,
        "status_changed_at": report.status_changed_at, "due_at": report.due_at,
        "overdue": bool(getattr(report, "overdue", report.is_overdue())),
        "metoo_count": getattr(report, "metoo_count", 0),
        "reporter_name": name, "reporter_verified": report.reporter_verified,
        "organisation": {"id": org.pk, "name": org.name} if org else None,
        "refusal_reason": report.refusal_reason, "resolution_note": report.resolution_note,
        "hidden": report.hidden_at is not None,
    }


def _report_or_404(request: HttpRequest, pk: int) -> Report:
    report = Report.objects.select_related("community").filter(pk=pk).first()
    if report is None:
        raise Http404
    found = selectors.report_detail(request.user, report.community, pk)
    if found is None:
        raise Http404
    return found


@router.get("/", response=ReportPage, summary="List reports (filter, paginate)")
def list_reports(request: HttpRequest, filters: Query[ReportFilters]):
    community = community_or_404(filters.community)
    qs = selectors.report_list(request.user, community, status=filters.status or "",
                               category=filters.category or "", bbox=bbox_param(filters.bbox))
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    rows = selectors.list_rows(qs, start, filters.page_size)
    nxt = None
    if start + filters.page_size < count:
        query = request.GET.copy()
        query["page"] = str(filters.page + 1)
        nxt = f"{request.path}?{query.urlencode()}"
    return {"count": count, "page": filters.page, "page_size": filters.page_size,
            "next": nxt, "results": [_out(request, r) for r in rows]}


@router.get("/geojson", response=FeatureCollectionOut, url_name="reports_geojson",
            summary="Open public reports as GeoJSON (map layer); never names reporters")
def geojson(request: HttpRequest, community: str, bbox: str | None = None,
            limit: int = Query(2000, ge=1, le=5000), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    """Paginated like the spaces layer: follow ``next`` until it is null."""
    found = community_or_404(community)
    data = selectors.geojson(found, bbox=bbox_param(bbox), offset=offset, limit=limit)
    return feature_collection_response(request, data["features"], limit=limit, offset=offset,
                                       has_more=data["has_more"])


@router.get("/{int:pk}", response=ReportOut, summary="One report")
def get_report(request: HttpRequest, pk: int):
    return _out(request, _report_or_404(request, pk))


def _inline_defs(schema: dict) -> dict:
    """Pydantic puts enums under a local ``$defs`` that ``#/$defs/...`` refs point at; in an
    OpenAPI document such refs resolve against the document root and break. Inline them."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/") and ref[8:] in defs:
                return resolve({**defs[ref[8:]], **{k: v for k, v in node.items()
                                                    if k != "$ref"}})
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return resolve(schema)


def _body_with_photos(schema: type[Schema]) -> dict:
    """OpenAPI request body: the schema as JSON, or as multipart with ``photos`` files."""
    fields = _inline_defs(schema.model_json_schema())
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": fields},
                "multipart/form-data": {"schema": {
                    "allOf": [fields],
                    "properties": {"photos": {
                        "type": "array", "maxItems": services.MAX_PHOTOS,
                        "items": {"type": "string", "format": "binary"}}},
                }},
            },
        },
    }


_CREATE_BODY = _body_with_photos(ReportIn)


def _parse_body(request: HttpRequest, schema: type[Schema],
                flags: tuple[str, ...] = ()) -> tuple[Any, list]:
    """JSON or multipart (with ``photos`` files) into ``schema``; 400 on anything else."""
    content_type = request.content_type or ""
    files: list = []
    if content_type.startswith("multipart/"):
        data: Any = dict(request.POST.items())
        for flag in flags:
            if flag in data:
                data[flag] = str(data[flag]).lower() in ("1", "true", "on", "yes")
        for key in ("space", "organisation"):
            if data.get(key) in ("", None):
                data.pop(key, None)
        files = request.FILES.getlist("photos")
    else:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise NinjaValidationError([{"loc": ["body"], "msg": "Body is not valid JSON.",
                                         "type": "json_invalid"}])
        if not isinstance(data, dict):
            raise NinjaValidationError([{"loc": ["body"], "msg": "Expected an object.",
                                         "type": "object_type"}])
    try:
        payload = schema.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError([dict(e) for e in exc.errors(include_url=False,
                                                                include_context=False)])
    return payload, files


def _parse_create(request: HttpRequest) -> tuple[ReportIn, list]:
    return _parse_body(request, ReportIn, flags=("anonymous", "keep_location"))


@router.post("/", response={201: ReportOut}, summary="Report a problem (JSON or multipart)",
             openapi_extra=_CREATE_BODY)
def create_report(request: HttpRequest):
    user = require_user(request)
    payload, files = _parse_create(request)
    community = community_or_404(payload.community)
    space = None
    if payload.space is not None:
        from gongzhi.spaces.models import Space

        space = Space.objects.filter(pk=payload.space, community=community).first()
        if space is None:
            raise ValidationError({"space": "No such space in this community."})
    report = services.report_create(
        actor=user, community=community, category=payload.category,
        description=payload.description, lat=payload.lat, lon=payload.lon,
        location_text=payload.location_text, anonymous=payload.anonymous, photos=files,
        keep_location=payload.keep_location, space=space)
    return 201, _out(request, _report_or_404(request, report.pk))


_TRANSITION_BODY = _body_with_photos(TransitionIn)


@router.post("/{int:pk}/transition", response=ReportOut, openapi_extra=_TRANSITION_BODY,
             summary="Move a report through the workflow (JSON, or multipart with the "
                     "after-fix photos)")
def transition(request: HttpRequest, pk: int):
    user = require_user(request)
    payload, files = _parse_body(request, TransitionIn, flags=("keep_location",))
    report = _report_or_404(request, pk)
    org = None
    if payload.organisation is not None:
        org = Organisation.objects.alive().filter(pk=payload.organisation,
                                                  community=report.community).first()
        if org is None:
            raise ValidationError({"organisation": "No such organisation in this community."})
    services.report_transition(actor=user, report=report, action=payload.action,
                               organisation=org, note=payload.note, photos=files,
                               keep_location=payload.keep_location)
    return _out(request, _report_or_404(request, pk))


@router.post("/{int:pk}/me-too", response=MeTooOut, summary="Say “me too” (idempotent)")
def me_too(request: HttpRequest, pk: int):
    user = require_user(request)
    report = _report_or_404(request, pk)
    _obj, created = services.report_me_too(actor=user, report=report)
    return {"report": pk, "created": created, "metoo_count": report.me_toos.count()}

