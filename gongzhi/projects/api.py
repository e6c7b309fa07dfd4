"""Projects API, mounted at /api/v1/projects/.

Reads follow the same permissions as the pages; writes go through the services, so a
closed phase refuses a proposal here exactly as it does in the browser. Errors are
RFC 9457 problem documents (see gongzhi/api/api.py).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from gongzhi.api.auth import require_user
from gongzhi.core.http import MAX_PAGE, community_or_404
from gongzhi.core.paging import id_page
from gongzhi.projects import phases, selectors, services
from gongzhi.projects.models import Project, Proposal, Result

router = Router(tags=["projects"])

MAX_PAGE_SIZE = 100


class PhaseOut(Schema):
    key: str
    name: str
    stage: str
    starts_on: dt.date
    ends_on: dt.date
    state: str
    actions: dict[str, list[str]]


class ProjectOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    summary: str
    status: str
    budget: Decimal | None
    current_phase: str | None
    space_ids: list[int]


class ProjectDetailOut(ProjectOut):
    description: str
    goals: list[str]
    phases: list[PhaseOut]
    can_do: list[str] = Field(description="Actions open to the caller now (role × phase).")


class ProposalOut(Schema):
    id: int
    project: int
    kind: str
    title: str
    description: str
    author: str
    created_at: dt.datetime
    lat: float | None
    lon: float | None
    space: int | None
    cost_estimate: Decimal | None
    support_count: int
    comment_count: int
    answer: str
    answer_text: str
    merged_into: int | None


class ProposalPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProposalOut]


class ProposalIn(Schema):
    kind: Literal["idea", "proposal"] = "proposal"
    title: str = Field(..., min_length=1, max_length=160)
    description: str = Field(..., min_length=1, max_length=20000)
    space: int | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    location_text: str = Field("", max_length=200)
    cost_estimate: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class ProposalFilters(Schema):
    kind: str = ""
    answer: str = ""
    space: int | None = None
    q: str = Field("", max_length=100)
    order: Literal["new", "supports", "old"] = "new"
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class SupportOut(Schema):
    proposal: int
    supported: bool
    support_count: int


class ResultOut(Schema):
    id: int
    community: str
    project: int | None
    proposal: int | None
    source: str
    title: str
    status: str
    progress: int
    planned_cost: Decimal | None
    spent_cost: Decimal
    responsible_org: str | None
    due_on: dt.date | None
    completed_on: dt.date | None
    overdue: bool


class ResultPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ResultOut]


def _project_out(p: Project) -> dict:
    current = phases.current_phase(p)
    return {"id": p.pk, "community": p.community.slug, "kind": p.kind, "title": p.title,
            "summary": p.summary, "status": p.status, "budget": p.budget,
            "current_phase": current.key if current else None,
            "space_ids": [s.pk for s in p.spaces.all()]}


def _visible_project(request: HttpRequest, project_id: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("community"), pk=project_id)
    if not request.user.has_perm("projects.view_project", project):
        raise Http404
    return project


def _proposal_out(p: Proposal) -> dict:
    return {"id": p.pk, "project": p.project_id, "kind": p.kind, "title": p.title,
            "description": p.description,
            "author": p.author.public_name if p.author else "",
            "created_at": p.created_at, "lat": p.lat, "lon": p.lon, "space": p.space_id,
            "cost_estimate": p.cost_estimate, "support_count": p.support_count,
            "comment_count": p.comment_count, "answer": p.answer,
            "answer_text": p.answer_text, "merged_into": p.merged_into_id}


@router.get("/", response=list[ProjectOut], summary="Projects of a community")
def list_projects(request: HttpRequest, community: str):
    c = community_or_404(community)
    projects = selectors.projects_visible(c, request.user).select_related(
        "community").prefetch_related("spaces")
    return [_project_out(p) for p in projects]


@router.get("/results", response=ResultPage, summary="Tracked results (accountability)")
def list_results(request: HttpRequest, community: str, status: str = "",
                 page: int = Query(1, ge=1, le=MAX_PAGE), page_size: int = Query(20, ge=1, le=100)):
    c = community_or_404(community)
    qs = selectors.results_for(c).exclude(project__status=Project.Status.DRAFT)
    if status in Result.Status.values:
        qs = qs.filter(status=status)
    pg = Paginator(qs, page_size).get_page(page)
    today = phases.today()
    return {"count": pg.paginator.count, "page": pg.number, "page_size": page_size,
            "results": [{
                "id": r.pk, "community": c.slug, "project": r.project_id,
                "proposal": r.proposal_id, "source": r.source, "title": r.title,
                "status": r.status, "progress": r.progress, "planned_cost": r.planned_cost,
                "spent_cost": r.spent_cost,
                "responsible_org": r.responsible_org.name if r.responsible_org else None,
                "due_on": r.due_on, "completed_on": r.completed_on,
                "overdue": r.is_overdue(today)} for r in pg.object_list]}


@router.get("/ideas.geojson", url_name="projects_ideas_geojson",
            summary="Pinned ideas and proposals of active projects (map layer)")
def ideas_geojson(request: HttpRequest, community: str):
    c = community_or_404(community)
    rows = (Proposal.objects.filter(community=c, visibility=Proposal.Visibility.VISIBLE,
                                    lat__isnull=False, project__status=Project.Status.ACTIVE)
            .exclude(answer=Proposal.Answer.MERGED)
            .values("pk", "title", "kind", "lat", "lon", "project_id", "answer",
                    "support_count")[:2000])
    # translated once and one reverse() for the layer, not per feature
    labels = {key: str(label) for key, label in Proposal.Kind.choices}
    head, rest = reverse("projects:proposal", args=[c.slug, 987654321, 123456789]
                         ).split("987654321")
    middle, tail = rest.split("123456789")
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
        "properties": {"name": r["title"], "kind": r["kind"],
                       "kind_label": labels.get(r["kind"], r["kind"]),
                       "state": r["answer"] or "open", "supports": r["support_count"],
                       "url": f"{head}{r['project_id']}{middle}{r['pk']}{tail}"},
    } for r in rows]
    body = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


@router.get("/{int:project_id}", response=ProjectDetailOut, summary="One project")
def get_project(request: HttpRequest, project_id: int):
    project = selectors.project_page(_visible_project(request, project_id))
    data = _project_out(project)
    data.update({
        "description": project.description, "goals": project.goal_list,
        "phases": [{"key": e.phase.key, "name": e.phase.name, "stage": e.phase.stage,
                    "starts_on": e.phase.starts_on, "ends_on": e.phase.ends_on,
                    "state": e.state, "actions": e.phase.actions or {}}
                   for e in phases.timeline(project)],
        "can_do": selectors.what_you_can_do(request.user, project),
    })
    return data


@router.get("/{int:project_id}/proposals", response=ProposalPage, summary="Proposals")
def list_proposals(request: HttpRequest, project_id: int,
                   filters: Query[ProposalFilters]):
    project = _visible_project(request, project_id)
    qs = selectors.proposals_for(project, user=request.user, kind=filters.kind,
                                 answer=filters.answer, space=filters.space, q=filters.q,
                                 order=filters.order)
    pg = id_page(qs, filters.page, filters.page_size)
    return {"count": pg.paginator.count, "page": pg.number, "page_size": filters.page_size,
            "results": [_proposal_out(p) for p in pg.object_list]}


@router.post("/{int:project_id}/proposals", response={201: ProposalOut},
             summary="Make a proposal (when the current phase allows it)")
def create_proposal(request: HttpRequest, project_id: int, payload: ProposalIn):
    user = require_user(request)
    project = _visible_project(request, project_id)
    space = None
    if payload.space is not None:
        space = project.spaces.filter(pk=payload.space).first()
        if space is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"space": "This space is not part of the project."})
    proposal = services.proposal_create(
        actor=user, project=project, kind=payload.kind, title=payload.title,
        description=payload.description, space=space, lat=payload.lat, lon=payload.lon,
        location_text=payload.location_text, cost_estimate=payload.cost_estimate)
    proposal = Proposal.objects.select_related("author").get(pk=proposal.pk)
    return 201, _proposal_out(proposal)


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("project__community"),
                                 pk=proposal_id)
    _visible_project(request, proposal.project_id)
    if not proposal.is_visible and not request.user.has_perm("projects.moderate", proposal):
        raise Http404
    return proposal


@router.post("/proposals/{int:proposal_id}/support", response=SupportOut,
             summary="Support a proposal (idempotent)")
def support(request: HttpRequest, proposal_id: int):
    user = require_user(request)
    proposal = _proposal(request, proposal_id)
    services.support_add(actor=user, proposal=proposal)
    return {"proposal": proposal.pk, "supported": True,
            "support_count": proposal.support_count}


@router.delete("/proposals/{int:proposal_id}/support", response=SupportOut,
               summary="Withdraw a support (while the phase is open)")
def unsupport(request: HttpRequest, proposal_id: int):
    user = require_user(request)
    proposal = _proposal(request, proposal_id)
    if not user.has_perm("projects.support", proposal):
        raise PermissionDenied
    services.support_remove(actor=user, proposal=proposal)
    return {"proposal": proposal.pk, "supported": False,
            "support_count": proposal.support_count}
