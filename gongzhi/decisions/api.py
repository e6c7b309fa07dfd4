"""Ballots API, mounted at /api/v1/decisions/.

Errors are problem+json: 400 invalid content (unknown option, over budget, wrong type),
401 not signed in, 403 not allowed / not eligible, 404, 409 already voted / not voted /
ballot not open.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.decisions import chain, selectors, services
from gongzhi.decisions.models import Ballot

router = Router(tags=["decisions"])


class OptionOut(Schema):
    key: str
    label: str
    description: str
    cost: str
    image: str | None = None  # URL of the option's picture; its alt text is the label


class BallotOut(Schema):
    id: int
    uid: str
    community: str
    title: str
    question: str
    method: str = Field(..., description="plurality, approval, score, borda, schulze, irv, "
                        "majority, art278 or pb")
    eligibility: str
    secrecy: str
    state: str
    allow_change: bool
    opens_at: str | None
    closes_at: str | None
    eligible_count: int
    budget: str
    pb_vote_type: str
    pb_rule: str
    max_choices: int | None
    min_score: int
    max_score: int
    points_total: int


class BallotDetailOut(BallotOut):
    options: list[OptionOut]
    voted: int
    can_vote: bool
    has_voted: bool


class VoteIn(Schema):
    content: dict[str, Any]
    voter_key: str | None = None
    receipt_code: str | None = None


class WithdrawIn(Schema):
    voter_key: str | None = None
    receipt_code: str | None = None


class ReceiptOut(Schema):
    receipt_hash: str
    receipt_code: str | None  # shown once, in this response; stored nowhere
    content: dict[str, Any]
    created: bool
    changed: bool
    sealed: bool  # False: "recorded, being sealed" until the sequencer writes its batch


class MyReceiptOut(Schema):
    eligible: bool
    voted: bool
    channel: str | None
    receipt_hash: str | None
    content: dict[str, Any] | None


class WithdrawOut(Schema):
    withdrawn: bool


class CheckOut(Schema):
    receipt_hash: str
    counted: bool
    state: str  # counted | sealing | unknown | unverifiable
    content: dict[str, Any] | None


def _ballot_dict(b: Ballot) -> dict[str, Any]:
    return {
        "id": b.pk, "uid": str(b.uid), "community": b.community.slug, "title": b.title,
        "question": b.question, "method": b.method, "eligibility": b.eligibility,
        "secrecy": b.secrecy, "state": b.state, "allow_change": b.allow_change,
        "opens_at": b.opens_at.isoformat() if b.opens_at else None,
        "closes_at": b.closes_at.isoformat() if b.closes_at else None,
        "eligible_count": b.eligible_count, "budget": str(b.budget),
        "pb_vote_type": b.pb_vote_type, "pb_rule": b.pb_rule, "max_choices": b.max_choices,
        "min_score": b.min_score, "max_score": b.max_score, "points_total": b.points_total,
    }


def _get(request: HttpRequest, ballot_id: int, perm: str = "decisions.view_ballot") -> Ballot:
    # the project (and its community) come in the same query: the vote's phase check
    ballot = get_object_or_404(Ballot.objects.select_related("community", "project__community"),
                               pk=ballot_id)
    if not request.user.has_perm("decisions.view_ballot", ballot):
        raise HttpError(404, "Not found.")
    if not request.user.has_perm(perm, ballot):
        raise PermissionDenied
    return ballot


def _vote_errors(exc: ValidationError) -> None:
    """Re-raise service errors with the right status."""
    if (isinstance(exc, services.AlreadyVoted | services.NotVoted)
            or services.error_code(exc) == "closed"):
        raise HttpError(409, exc.messages[0])
    raise exc


@router.get("/communities/{slug}/ballots", response=list[BallotOut])
def ballot_list(request: HttpRequest, slug: str):
    community = community_or_404(slug)
    return [_ballot_dict(b) for b in selectors.ballots_of(community, request.user)[:200]]


@router.get("/ballots/{ballot_id}", response=BallotDetailOut)
def ballot_detail(request: HttpRequest, ballot_id: int):
    ballot = _get(request, ballot_id)
    mine = selectors.my_vote(ballot, request.user) if request.user.is_authenticated else None
    data = _ballot_dict(ballot)
    data.update(
        options=[{"key": o.key, "label": o.label, "description": o.description,
                  "cost": str(o.cost), "image": o.image.url if o.image else None}
                 for o in ballot.options.all()],
        voted=selectors.turnout(ballot)["voted"],
        can_vote=request.user.has_perm("decisions.vote", ballot),
        has_voted=bool(mine and mine["record"]),
    )
    return data


def _receipt_out(r: services.Receipt, ballot: Ballot) -> dict[str, Any]:
    # A new vote or change is always pending; only a repeat needs the log to tell.
    sealed = (not (r.created or r.changed)
              and selectors.receipt_status(ballot, r.receipt_hash)["state"] == "counted")
    return {"receipt_hash": r.receipt_hash, "receipt_code": r.code, "content": r.content,
            "created": r.created, "changed": r.changed, "sealed": sealed}


def _get_for_vote(request: HttpRequest, ballot_id: int) -> Ballot:
    """The ballot for a vote, from this process's cache while it is open (the vote's own
    statement checks its state and version, see selectors.ballot_for_vote)."""
    ballot = selectors.ballot_for_vote(ballot_id)
    if ballot is None:
        raise Http404
    if not request.user.has_perm("decisions.view_ballot", ballot):
        raise HttpError(404, "Not found.")
    return ballot


@router.post("/ballots/{ballot_id}/vote", response={200: ReceiptOut, 201: ReceiptOut})
def vote_cast(request: HttpRequest, ballot_id: int, payload: VoteIn):
    user = require_user(request)
    ballot = _get_for_vote(request, ballot_id)
    try:
        receipt = services.vote_cast(user=user, ballot=ballot, content=payload.content,
                                     voter_key=payload.voter_key,
                                     receipt_code=payload.receipt_code)
    except ValidationError as exc:
        _vote_errors(exc)
    return Status(201 if receipt.created else 200, _receipt_out(receipt, ballot))


@router.put("/ballots/{ballot_id}/vote", response=ReceiptOut)
def vote_change(request: HttpRequest, ballot_id: int, payload: VoteIn):
    user = require_user(request)
    ballot = _get(request, ballot_id)
    try:
        receipt = services.vote_change(user=user, ballot=ballot, content=payload.content,
                                       voter_key=payload.voter_key,
                                       receipt_code=payload.receipt_code)
    except ValidationError as exc:
        _vote_errors(exc)
    return _receipt_out(receipt, ballot)


@router.post("/ballots/{ballot_id}/withdraw", response=WithdrawOut)
def vote_withdraw(request: HttpRequest, ballot_id: int, payload: WithdrawIn):
    user = require_user(request)
    ballot = _get(request, ballot_id)
    try:
        done = services.vote_withdraw(user=user, ballot=ballot, voter_key=payload.voter_key,
                                      receipt_code=payload.receipt_code)
    except ValidationError as exc:
        _vote_errors(exc)
    return {"withdrawn": done}


@router.get("/ballots/{ballot_id}/my-receipt", response=MyReceiptOut)
def my_receipt(request: HttpRequest, ballot_id: int):
    require_user(request)
    ballot = _get(request, ballot_id)
    mine = selectors.my_vote(ballot, request.user)
    record = mine["record"] if mine else None
    return {"eligible": mine is not None, "voted": record is not None,
            "channel": record.channel if record else None,
            "receipt_hash": record.receipt_hash if record else None,
            "content": mine["content"] if mine else None}


@router.get("/ballots/{ballot_id}/results")
def results(request: HttpRequest, ballot_id: int):
    ballot = _get(request, ballot_id)
    if request.user.has_perm("decisions.view_results", ballot):
        return {"final": True, "turnout": selectors.turnout(ballot), "result": ballot.result}
    if request.user.has_perm("decisions.view_progress", ballot):
        return {"final": False, "turnout": selectors.turnout(ballot),
                "result": selectors.live_result(ballot)}
    raise HttpError(403, "Results are published when the ballot closes.")


@router.get("/ballots/{ballot_id}/receipts")
def receipts(request: HttpRequest, ballot_id: int):
    ballot = _get(request, ballot_id, "decisions.view_receipts")
    return {"secret": ballot.is_secret, "ballots": selectors.receipts_list(ballot)}


@router.get("/ballots/{ballot_id}/receipts/check", response=CheckOut)
def receipt_check(request: HttpRequest, ballot_id: int, code: str = "", receipt_hash: str = ""):
    ballot = _get(request, ballot_id, "decisions.view_receipts")
    if not code and not receipt_hash:
        raise ValidationError({"code": ["Give the receipt code."]})
    digest = receipt_hash.lower() if receipt_hash else chain.receipt_hash(str(ballot.uid), code)
    status = selectors.receipt_status(ballot, digest)  # from the verified log
    return {"receipt_hash": digest, "counted": status["state"] == "counted",
            "state": status["state"], "content": status["content"]}


@router.get("/ballots/{ballot_id}/export")
def export(request: HttpRequest, ballot_id: int):
    ballot = _get(request, ballot_id, "decisions.export")
    return selectors.export(ballot)


@router.get("/ballots/{ballot_id}/export.pb")
def export_pb(request: HttpRequest, ballot_id: int):
    ballot = _get(request, ballot_id, "decisions.export")
    if not ballot.is_pb:
        raise HttpError(404, "Only participatory budgets export to Pabulib.")
    response = HttpResponse(selectors.pabulib_text(ballot), content_type="text/plain; "
                            "charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}.pb"'
    return response


# --- managing ballots (community workers) -----------------------------------------------

class OptionIn(Schema):
    key: str = Field(..., min_length=1, max_length=40)
    label: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    cost: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)


class BallotIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    question: str = ""
    method: str = Field(..., description="plurality, approval, score, borda, schulze, irv, "
                        "majority, art278 or pb")
    options: list[OptionIn] = []
    eligibility: str = Field("verified", description="verified, household, owners, "
                             "building_owners, org_reps or attendees")
    secrecy: str = "secret"
    allow_change: bool = True
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    max_choices: int | None = None
    min_score: int = 0
    max_score: int = 5
    quorum: str = ""
    approval_threshold: str = ""
    budget: Decimal = Decimal(0)
    pb_vote_type: str = "approval"
    pb_rule: str = "greedy"
    points_total: int = 0
    tie_break: str = ""
    art278_item: int | None = None
    building_id: int | None = None


class PaperEntryIn(Schema):
    serial: str
    content: dict[str, Any]


class PaperEntryOut(Schema):
    serial: str
    state: str


class PaperVoterIn(Schema):
    voter_key: str


class PaperVoterOut(Schema):
    voter_key: str
    channel: str


def _managed(request: HttpRequest, ballot_id: int) -> Ballot:
    user = require_user(request)
    # the project (and its community) come in the same query: the vote's phase check
    ballot = get_object_or_404(Ballot.objects.select_related("community", "project__community"),
                               pk=ballot_id)
    if not user.has_perm("decisions.manage_ballot", ballot.community):
        raise PermissionDenied
    return ballot


@router.post("/communities/{slug}/ballots", response={201: BallotOut},
             summary="Create a draft ballot (community workers)")
def ballot_create(request: HttpRequest, slug: str, payload: BallotIn):
    user = require_user(request)
    community = community_or_404(slug)
    data = payload.dict()
    options = [o | {"cost": str(o["cost"])} for o in data.pop("options")]
    # Only what the caller sent: the model's own defaults apply to the rest.
    params = {k: v for k, v in payload.dict(exclude_unset=True).items()
              if k not in ("title", "question", "method", "eligibility", "secrecy", "options")}
    if params.get("building_id") is not None:
        from gongzhi.places.models import Building

        if not Building.objects.filter(pk=params["building_id"], community=community).exists():
            raise ValidationError({"building_id": [_("This building is in another community.")]})
    ballot = services.ballot_create(actor=user, community=community, title=data["title"],
                                    question=data["question"], method=data["method"],
                                    options=options, eligibility=data["eligibility"],
                                    secrecy=data["secrecy"], **params)
    return Status(201, _ballot_dict(ballot))


@router.post("/ballots/{ballot_id}/open", response=BallotOut,
             summary="Freeze eligibility and open the ballot (community workers)")
def ballot_open(request: HttpRequest, ballot_id: int):
    ballot = _managed(request, ballot_id)
    try:
        ballot = services.ballot_open(actor=request.user, ballot=ballot)
    except ValidationError as exc:
        if services.error_code(exc) == "state":
            raise HttpError(409, exc.messages[0])
        raise
    return _ballot_dict(ballot)


@router.post("/ballots/{ballot_id}/close", response=BallotOut,
             summary="Close the ballot and count it (community workers)")
def ballot_close(request: HttpRequest, ballot_id: int):
    ballot = _managed(request, ballot_id)
    try:
        ballot = services.ballot_close(actor=request.user, ballot=ballot)
    except ValidationError as exc:
        if services.error_code(exc) == "state":
            raise HttpError(409, exc.messages[0])
        raise
    return _ballot_dict(ballot)


@router.post("/ballots/{ballot_id}/paper", response=PaperEntryOut,
             summary="Enter one paper ballot (double entry by two workers)")
def paper_entry(request: HttpRequest, ballot_id: int, payload: PaperEntryIn):
    user = require_user(request)
    # the project (and its community) come in the same query: the vote's phase check
    ballot = get_object_or_404(Ballot.objects.select_related("community", "project__community"),
                               pk=ballot_id)
    try:
        paper = services.paper_entry_add(actor=user, ballot=ballot, serial=payload.serial,
                                         content=payload.content)
    except ValidationError as exc:
        _vote_errors(exc)
    return {"serial": paper.serial, "state": paper.state}


@router.post("/ballots/{ballot_id}/paper-voters", response={201: PaperVoterOut},
             summary="Secret ballots: mark that a voter handed in a paper ballot")
def paper_voter(request: HttpRequest, ballot_id: int, payload: PaperVoterIn):
    user = require_user(request)
    # the project (and its community) come in the same query: the vote's phase check
    ballot = get_object_or_404(Ballot.objects.select_related("community", "project__community"),
                               pk=ballot_id)
    try:
        record = services.paper_voter_mark(actor=user, ballot=ballot,
                                           voter_key=payload.voter_key)
    except ValidationError as exc:
        _vote_errors(exc)
    return Status(201, {"voter_key": payload.voter_key, "channel": record.channel})
