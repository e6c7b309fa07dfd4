"""Deliberation API, mounted at /api/v1/deliberation/: conversations, the opinion map and
results, the next statement, votes and new statements."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
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
