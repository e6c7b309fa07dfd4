"""Deliberation API, mounted at /api/v1/deliberation/: conversations, the opinion map and
results, the next statement, votes and new statements."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.deliberation import selectors, services
from gongzhi.deliberation.models import STATEMENT_MAX, STATEMENT_MIN, Conversation, Statement

router = Router(tags=["deliberation"])


class ConversationOut(Schema):
    id: int
    community: str
    question: str
    state: str
    moderation: str
    voters: str
    statements: int
    participants: int
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None


class StatementOut(Schema):
    number: int
    text: str
    is_seed: bool
    agree: int = 0
    disagree: int = 0
    passed: int = 0


class GroupOut(Schema):
    label: str
    size: int
    center: list[float]
    representative: list[dict]


class ResultsOut(Schema):
    computed_at: dt.datetime | None
    vote_count: int
    participant_count: int
    k: int
    groups: list[GroupOut]
    consensus: list[dict]
    group_informed_consensus: list[dict]
    map: list[list[float]] = Field(description="[x, y, group index] per grouped participant")


class VoteIn(Schema):
    statement: int = Field(ge=0, description="statement number")
    value: int = Field(ge=-1, le=1, description="1 agree, -1 disagree, 0 pass")


class VoteOut(Schema):
    statement: int
    value: int
    votes_cast: int


class StatementIn(Schema):
    text: str = Field(min_length=STATEMENT_MIN, max_length=STATEMENT_MAX)


class StatementSubmitOut(Schema):
    number: int
    status: str
    duplicate: bool = Field(description="an existing near-identical statement is offered "
                                        "instead; vote on it")
    text: str


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    c = get_object_or_404(selectors.conversation_qs(), pk=pk, community__is_active=True)
    if not request.user.has_perm("deliberation.view_conversation", c):
        raise Http404
    return c


@router.get("/", response=list[ConversationOut], summary="Conversations of a community")
@paginate(LimitOffsetPagination)
def list_conversations(request: HttpRequest, community: str):
    c = community_or_404(community)
    return [{"id": x.pk, "community": c.slug, "question": x.question, "state": x.state,
             "moderation": x.moderation, "voters": x.voters, "statements": x.n_statements,
             "participants": x.n_participants, "opens_at": x.opens_at,
             "closes_at": x.closes_at}
            for x in selectors.conversation_list(request.user, c)]


@router.get("/{int:pk}/statements", response=list[StatementOut],
            summary="Statements shown, with vote counts")
@paginate(LimitOffsetPagination)
def statements(request: HttpRequest, pk: int):
    c = _conversation(request, pk)
    snap = selectors.latest_snapshot(c)
    stats = snap.data.get("stats", {}) if snap else {}
    out = []
    for s in selectors.shown_statements(c):
        a, d, p = stats.get(str(s.number), [0, 0, 0])
        out.append({"number": s.number, "text": s.text, "is_seed": s.is_seed, "agree": a,
                    "disagree": d, "passed": p})
    return out


@router.get("/{int:pk}/results", response=ResultsOut,
            summary="The opinion map: groups, representative and consensus statements")
def results(request: HttpRequest, pk: int):
    c = _conversation(request, pk)
    snap = selectors.latest_snapshot(c)
    res = selectors.results(c, snap)
    index = {g["id"]: i for i, g in enumerate(snap.data.get("groups", []))} if snap else {}

    def strip(items):
        return [{k: v for k, v in x.items() if k != "statement"} for x in items]

    return {
        "computed_at": snap.computed_at if snap else None,
        "vote_count": snap.vote_count if snap else 0,
        "participant_count": snap.participant_count if snap else 0,
        "k": snap.k if snap else 0,
        "groups": [{"label": g["label"], "size": g["size"], "center": g["center"],
                    "representative": strip(g["repness"])} for g in res["groups"]],
        "consensus": strip(res["consensus"]),
        "group_informed_consensus": strip(res["group_informed"]),
        "map": [[x, y, index[g]] for x, y, g in
                (snap.data.get("participants", {}).values() if snap else []) if g in index],
    }


@router.get("/{int:pk}/next", response={200: StatementOut, 204: None},
            summary="The next statement for the caller to vote on")
def next_statement(request: HttpRequest, pk: int):
    user = require_user(request)
    c = _conversation(request, pk)
    s = selectors.next_statement(c, selectors.participant_of(user, c),
                                 selectors.latest_snapshot(c))
    if s is None:
        return Status(204, None)
    return Status(200, {"number": s.number, "text": s.text, "is_seed": s.is_seed})


@router.post("/{int:pk}/votes", response=VoteOut, summary="Agree, disagree or pass "
             "(voting again changes the vote)")
def vote(request: HttpRequest, pk: int, payload: VoteIn):
    user = require_user(request)
    c = _conversation(request, pk)
    statement = get_object_or_404(Statement, conversation=c, number=payload.statement)
    v = services.vote_cast(actor=user, statement=statement, value=payload.value)
    return {"statement": statement.number, "value": v.value,
            "votes_cast": v.participant.votes.count()}


@router.post("/{int:pk}/statements", response={200: StatementSubmitOut,
                                                201: StatementSubmitOut},
             summary="Add a statement (a near-identical one is offered instead)")
def submit(request: HttpRequest, pk: int, payload: StatementIn):
    user = require_user(request)
    c = _conversation(request, pk)
    r = services.statement_submit(actor=user, conversation=c, text=payload.text)
    return Status(200 if r.duplicate else 201, {
        "number": r.statement.number, "status": r.statement.status,
        "duplicate": r.duplicate, "text": r.statement.text})


# --- workers: open, change and moderate a conversation ---------------------------------------

class ConversationIn(Schema):
    community: str = Field(max_length=60, description="community short name (slug)")
    question: str = Field(min_length=4, max_length=200)
    description: str = Field("", max_length=4000)
    moderation: Literal["post", "pre"] = "post"
    voters: Literal["verified", "residents"] = "verified"
    statement_max_length: int = Field(140, ge=140, le=280)
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    project: int | None = Field(None, ge=1, le=2**53, description="project id (same community)")
    state: Literal["draft", "open"] = "draft"
    seeds: list[str] = Field(default_factory=list, max_length=50,
                             description="seed statements shown from the start")


class ConversationPatch(Schema):
    question: str | None = Field(None, min_length=4, max_length=200)
    description: str | None = Field(None, max_length=4000)
    moderation: Literal["post", "pre"] | None = None
    state: Literal["draft", "open", "closed"] | None = None
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class ModerateIn(Schema):
    status: Literal["accepted", "hidden"]
    reason: str = Field("", max_length=300, description="required when hiding")


class ModeratedOut(Schema):
    number: int
    status: str
    reason: str


class PendingOut(Schema):
    number: int
    text: str
    submitted_at: dt.datetime


def _conversation_out(c: Conversation) -> dict:
    return {"id": c.pk, "community": c.community.slug, "question": c.question,
            "state": c.state, "moderation": c.moderation, "voters": c.voters,
            "statements": c.statements.filter(status=Statement.Status.ACCEPTED).count(),
            "participants": c.participants.count(), "opens_at": c.opens_at,
            "closes_at": c.closes_at}


@router.post("/", response={201: ConversationOut},
             summary="Open a conversation (workers of the community)")
def create_conversation(request: HttpRequest, payload: ConversationIn):
    user = require_user(request)
    community = community_or_404(payload.community)
    project = None
    if payload.project is not None:
        from gongzhi.projects.models import Project

        project = Project.objects.filter(pk=payload.project, community=community).first()
        if project is None:
            raise ValidationError({"project": _("No such project in this community.")})
    for seed in payload.seeds:
        if not STATEMENT_MIN <= len(seed.strip()) <= payload.statement_max_length:
            raise ValidationError({"seeds": _("Each seed statement needs %(min)d to %(max)d "
                                              "characters.") % {
                "min": STATEMENT_MIN, "max": payload.statement_max_length}})
    c = services.conversation_create(
        actor=user, community=community, question=payload.question,
        description=payload.description, moderation=payload.moderation, voters=payload.voters,
        statement_max_length=payload.statement_max_length, opens_at=payload.opens_at,
        closes_at=payload.closes_at, project=project, state=payload.state,
        seeds=payload.seeds)
    return Status(201, _conversation_out(c))


@router.patch("/{int:pk}", response=ConversationOut,
              summary="Change a conversation: question, moderation, open or close it")
def update_conversation(request: HttpRequest, pk: int, payload: ConversationPatch):
    user = require_user(request)
    c = _conversation(request, pk)
    changes = payload.dict(exclude_unset=True)
    c = services.conversation_update(actor=user, conversation=c, **changes)
    return _conversation_out(c)


@router.get("/{int:pk}/moderation", response=list[PendingOut],
            summary="Statements waiting for a worker (pre-moderation)")
def moderation_queue(request: HttpRequest, pk: int):
    user = require_user(request)
    c = _conversation(request, pk)
    if not user.has_perm("deliberation.moderate", c):
        raise PermissionDenied
    return [{"number": s.number, "text": s.text, "submitted_at": s.created_at}
            for s in selectors.moderation_queue(c)[:500]]


@router.post("/{int:pk}/statements/{int:number}/moderation", response=ModeratedOut,
             summary="Show or hide a statement (hiding needs a reason, which is kept)")
def moderate_statement(request: HttpRequest, pk: int, number: int, payload: ModerateIn):
    user = require_user(request)
    c = _conversation(request, pk)
    statement = get_object_or_404(Statement, conversation=c, number=number)
    s = services.statement_moderate(actor=user, statement=statement, status=payload.status,
                                    reason=payload.reason)
    return {"number": s.number, "status": s.status, "reason": s.moderation_reason}
