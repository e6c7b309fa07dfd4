"""Contests API, mounted at /api/v1/contests/: contests, gallery, entries, moderation,
results. Voting itself goes through the decisions API (``/api/v1/decisions/``) on the
contest's ``ballot_id``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from gongzhi.api.auth import require_user
from gongzhi.contests import selectors, services
from gongzhi.contests.models import Contest, Entry
from gongzhi.core.http import community_or_404
from gongzhi.core.uploads import validate_image

router = Router(tags=["contests"])


class ContestOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    brief: str
    rules: str
    prizes: str
    stage: str
    entrants: str
    voters: str
    method: str
    submission_opens: dt.datetime
    submission_closes: dt.datetime
    voting_opens: dt.datetime
    voting_closes: dt.datetime
    announce_on: dt.date
    jury_weight: float
    jury_criteria: list[str]
    ballot_id: int | None
    winner_id: int | None
    project_id: int | None


class EntryOut(Schema):
    id: int
    contest_id: int
    title: str
    statement: str
    image_url: str | None
    alt_text: str
    proposed_name: str
    space_id: int | None
    licence: str
    by: str
    status: str
    option_key: str
    created_at: dt.datetime


class EntryIn(Schema):
    title: str = Field(max_length=80)
    statement: str = Field(max_length=2000)
    licence: str = Field(max_length=10)
    consent_publish: bool
    alt_text: str = Field("", max_length=200)
    proposed_name: str = Field("", max_length=30)
    space_id: int | None = None
    show_name: bool = True


class ModerateIn(Schema):
    approve: bool
    reason: str = Field("", max_length=1000)


class ResultRowOut(Schema):
    rank: int
    entry_id: int
    votes: int
    public: float
    jury_mean: float | None
    combined: float


def _contest_out(c: Contest) -> dict:
    return {"id": c.pk, "community": c.community.slug, "kind": c.kind, "title": c.title,
            "brief": c.brief, "rules": c.rules, "prizes": c.prizes, "stage": c.stage,
            "entrants": c.entrants, "voters": c.voters, "method": c.method,
            "submission_opens": c.submission_opens, "submission_closes": c.submission_closes,
            "voting_opens": c.voting_opens, "voting_closes": c.voting_closes,
            "announce_on": c.announce_on, "jury_weight": float(c.jury_weight),
            "jury_criteria": c.jury_criteria, "ballot_id": c.ballot_id,
            "winner_id": c.winner_id, "project_id": c.project_id}


def _entry_out(e: Entry) -> dict:
    return {"id": e.pk, "contest_id": e.contest_id, "title": e.title,
            "statement": e.statement, "image_url": e.image.url if e.image else None,
            "alt_text": e.alt_text, "proposed_name": e.proposed_name, "space_id": e.space_id,
            "licence": e.licence, "by": e.by_line, "status": e.status,
            "option_key": e.option_key, "created_at": e.created_at}


def _contest(request: HttpRequest, pk: int) -> Contest:
    c = Contest.objects.select_related("community").filter(pk=pk,
                                                           community__is_active=True).first()
    if c is None or not request.user.has_perm("contests.view", c):
        raise Http404
    return c


@router.get("/contests", response=list[ContestOut], summary="Contests of a community")
@paginate(LimitOffsetPagination)
def list_contests(request: HttpRequest, community: str):
    c = community_or_404(community)
    return [_contest_out(x) for x in selectors.contests_visible(c, request.user)]


@router.get("/contests/{int:pk}", response=ContestOut, summary="One contest")
def get_contest(request: HttpRequest, pk: int):
    return _contest_out(_contest(request, pk))


@router.get("/contests/{int:pk}/entries", response=list[EntryOut],
            summary="The gallery: approved entries")
@paginate(LimitOffsetPagination)
def gallery(request: HttpRequest, pk: int):
    return [_entry_out(e) for e in selectors.gallery(_contest(request, pk))]


@router.post("/contests/{int:pk}/entries", response={201: EntryOut},
             summary="Send an entry (multipart: fields and an optional picture)")
def submit(request: HttpRequest, pk: int, payload: Form[EntryIn],
           image: File[UploadedFile | None] = None):
    user = require_user(request)
    contest = _contest(request, pk)
    if image is not None:
        validate_image(image)
    space = None
    if payload.space_id is not None:
        from gongzhi.spaces.models import Space

        space = Space.objects.filter(pk=payload.space_id, community=contest.community).first()
        if space is None:
            raise ValidationError({"space_id": "unknown space"})
    entry = services.entry_submit(
        actor=user, contest=contest, title=payload.title, statement=payload.statement,
        licence=payload.licence, consent_publish=payload.consent_publish, image=image,
        alt_text=payload.alt_text, proposed_name=payload.proposed_name, space=space,
        show_name=payload.show_name)
    return 201, _entry_out(entry)


@router.post("/entries/{int:pk}/moderate", response=EntryOut,
             summary="Accept an entry into the gallery or reject it with a reason")
def moderate(request: HttpRequest, pk: int, payload: ModerateIn):
    user = require_user(request)
    entry = Entry.objects.select_related("contest__community").filter(pk=pk).first()
    if entry is None or not user.has_perm("contests.view", entry.contest):
        raise Http404
    entry = services.entry_moderate(actor=user, entry=entry, approve=payload.approve,
                                    reason=payload.reason)
    return _entry_out(entry)


@router.get("/contests/{int:pk}/results", response=list[ResultRowOut],
            summary="The announced result (votes, jury mean, combined score)")
def results(request: HttpRequest, pk: int):
    contest = _contest(request, pk)
    if not request.user.has_perm("contests.view_results", contest) or not contest.result:
        raise Http404
    return [{"rank": r["rank"], "entry_id": r["entry"], "votes": r["votes"],
             "public": r["public"], "jury_mean": r["jury_mean"], "combined": r["combined"]}
            for r in contest.result["rows"]]
