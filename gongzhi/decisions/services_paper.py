"""Paper ballots (double entry) and votes that arrive in bulk (a Pabulib import, the demo).

Split from ``services.py`` by subdomain; every name is re-exported there, so callers keep
writing ``services.paper_entry_add(...)``. The helpers shared with online voting (the chain,
content checks, the CSPRNG) stay in ``services``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record
from gongzhi.decisions import chain, selectors, tally
from gongzhi.decisions.engine.pabulib import PabulibError, parse_pabulib_text
from gongzhi.decisions.engine.rules import UnknownRuleError, resolve_rule
from gongzhi.decisions.models import (
    Ballot,
    BallotContent,
    BallotState,
    Channel,
    Eligibility,
    LogHead,
    Method,
    PaperBallot,
    PaperEntry,
    PBVoteType,
    Secrecy,
    VoterRecord,
)
from gongzhi.decisions.sequencer import _append_many
from gongzhi.decisions.services import (
    _RNG,
    AlreadyVoted,
    _append,
    _content_or_error,
    _dec,
    _enqueue,
    _frac,
    _open_state_shared,
    _require_open,
    ballot_close,
    ballot_create,
    new_receipt_code,
)

# --------------------------------------------------------------------------- paper ballots


def paper_voter_mark(*, actor, ballot: Ballot, voter_key: str) -> VoterRecord:
    """Secret ballots: mark in the register that a voter handed in a paper ballot (so they
    cannot also vote online). The paper itself is entered without the voter."""
    if not actor.has_perm("decisions.enter_paper", ballot):
        raise PermissionDenied
    with transaction.atomic():
        row = _paper_row(ballot, voter_key)
        existing = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
        if existing is not None:
            if existing.channel == Channel.PAPER:
                return existing
            raise AlreadyVoted(_("This voter has already voted online."), code="already_voted")
        record = VoterRecord.objects.create(
            ballot=ballot, eligibility=row, voter_key=row.voter_key, channel=Channel.PAPER,
            cast_by=actor, secret=ballot.is_secret, receipt_hash=None,
            voted_on=timezone.localdate())
        audit_record(actor=actor, action="decisions.paper_voter_mark",
                     community=ballot.community, target=ballot)
    return record


def _paper_row(ballot: Ballot, voter_key: str) -> Eligibility:
    row = (Eligibility.objects.select_for_update()
           .filter(ballot=ballot, token=voter_key.strip()).first()
           or Eligibility.objects.select_for_update()
           .filter(ballot=ballot, voter_key=voter_key.strip()).first())
    if row is None:
        raise ValidationError({"serial": [_("No eligible voter has this code.")]},
                              code="unknown_voter")
    return row


def paper_entry_add(*, actor, ballot: Ballot, serial: str, content: Any) -> PaperBallot:
    """Enter one paper ballot (double entry). On open ballots ``serial`` is the voter's code
    (eligibility token) and the first entry marks the voter as having voted; on secret
    ballots it is the number printed on the paper. The paper counts when two entries by
    different workers agree; a third worker resolves a mismatch."""
    if not actor.has_perm("decisions.enter_paper", ballot):
        raise PermissionDenied
    serial = serial.strip()
    if not serial:
        raise ValidationError({"serial": [_("Enter the number on the paper ballot.")]})
    clean, total = _content_or_error(ballot, content)
    with transaction.atomic():
        row = None
        if not ballot.is_secret:
            row = _paper_row(ballot, serial)
            serial = row.token
        paper, created = PaperBallot.objects.select_for_update().get_or_create(
            ballot=ballot, serial=serial,
            defaults={"receipt_hash": chain.receipt_hash(str(ballot.uid), "PAPER" + serial)})
        if created and row is not None:
            if VoterRecord.objects.filter(ballot=ballot, eligibility=row).exists():
                raise AlreadyVoted(_("This voter has already voted online."),
                                   code="already_voted")
            VoterRecord.objects.create(
                ballot=ballot, eligibility=row, voter_key=row.voter_key, channel=Channel.PAPER,
                cast_by=actor, secret=False, receipt_hash=paper.receipt_hash,
                voted_on=timezone.localdate())
        if paper.state == PaperBallot.State.MATCHED:
            raise ValidationError(_("This paper ballot has already been entered twice and "
                                    "counted."), code="paper_done")
        if PaperEntry.objects.filter(paper=paper, entered_by=actor).exists():
            raise ValidationError(_("You have already entered this paper ballot; a different "
                                    "worker must enter it again."), code="same_worker")
        previous = list(PaperEntry.objects.filter(paper=paper))
        PaperEntry.objects.create(paper=paper, entered_by=actor, content=clean)
        if previous:
            if any(p.content == clean for p in previous):
                _require_open(_open_state_shared(ballot))
                entry: dict[str, Any] = {"action": "vote", "receipt": paper.receipt_hash,
                                         "content": clean, "channel": Channel.PAPER,
                                         "total": str(_dec(total))}
                if row is not None:
                    entry["voter"] = row.token
                _enqueue(ballot, entry)
                paper.state = PaperBallot.State.MATCHED
            else:
                paper.state = PaperBallot.State.MISMATCH
            paper.save(update_fields=["state"])
        audit_record(actor=actor, action="decisions.paper_entry", community=ballot.community,
                     target=ballot, after={"serial": serial, "state": paper.state})
    return paper


# --------------------------------------------------------------------------- bulk / import


def votes_bulk_record(*, ballot: Ballot, items: list[tuple[Eligibility, dict[str, Any]]],
                      channel: str = Channel.IMPORT) -> None:
    """Record many ballots at once (Pabulib imports and demo data), chain entries included
    (one batch, shuffled, like the sequencer's). Not for live voting: no per-voter lock,
    the caller owns the ballot. Runs in the caller's transaction (call it inside
    ``transaction.atomic``)."""
    if ballot.state != BallotState.OPEN:
        raise ValidationError(_("This ballot is not open for voting."), code="closed")
    head = LogHead.objects.select_for_update().get(ballot=ballot)
    config = selectors.ballot_config(ballot, with_eligible=False)
    records, contents, payloads = [], [], []
    today = timezone.localdate()
    for row, raw in items:
        clean, total = tally.validate(config, raw)
        receipt = chain.receipt_hash(str(ballot.uid), new_receipt_code())
        records.append(VoterRecord(ballot=ballot, eligibility=row, voter_key=row.voter_key,
                                   channel=channel, secret=ballot.is_secret,
                                   receipt_hash=None if ballot.is_secret else receipt,
                                   voted_on=today))
        contents.append(BallotContent(ballot=ballot, receipt_hash=receipt, content=clean,
                                      channel=channel, total_cost=_dec(total),
                                      budget_limit=ballot.budget))
        payload: dict[str, Any] = {"receipt": receipt, "content": clean, "channel": channel}
        if not ballot.is_secret:
            payload["voter"] = row.token
        payloads.append(("vote", payload))
    # Voter records and contents (with their log entries) each in their own random order:
    # the input's order (e.g. a file's voter order) must not pair them up.
    _RNG.shuffle(records)
    order = list(range(len(contents)))
    _RNG.shuffle(order)
    VoterRecord.objects.bulk_create(records, batch_size=1000)
    BallotContent.objects.bulk_create([contents[i] for i in order], batch_size=1000)
    _append_many(ballot, head, [payloads[i] for i in order])


def ballot_import_pabulib(*, actor, community, text: str, title: str = "",
                          rule: str | None = None) -> Ballot:
    """Import a Pabulib file as a closed PB ballot (demos, research): projects become
    options, voters become pseudonymous eligible keys, votes are chained and counted."""
    if not actor.has_perm("decisions.manage_ballot", community):
        raise PermissionDenied
    try:
        election = parse_pabulib_text(text, source="upload")
    except PabulibError as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    vote_type = election.vote_type
    if vote_type not in PBVoteType.values:
        raise ValidationError({"file": [_("Unsupported vote type %(t)s.") % {"t": vote_type}]})
    meta = election.meta
    options = [{"key": p.project_id, "label": p.name or p.project_id, "cost": p.cost}
               for p in election.projects.values()]
    params = _pb_params(election, rule)
    with transaction.atomic():
        ballot = ballot_create(
            actor=actor, community=community,
            title=title or meta.get("description") or _("Imported budget"), method=Method.PB,
            options=options, secrecy=Secrecy.SECRET, allow_change=False,
            question=meta.get("comment", ""), **params)
        ballot.imported_from = (meta.get("instance") or meta.get("unit") or "pabulib")[:200]
        rows = [Eligibility(ballot=ballot, voter_key=f"pb:{v.voter_id}",
                            token=f"v{i}", label="")
                for i, v in enumerate(election.voters, start=1)]
        Eligibility.objects.bulk_create(rows, batch_size=1000)
        ballot.eligible_count = len(rows)
        ballot.state = BallotState.OPEN
        ballot.opened_at = timezone.now()
        ballot.save(update_fields=["imported_from", "eligible_count", "state", "opened_at"])
        _append(ballot, "open", {"config": selectors.ballot_config(ballot),
                                 "eligible_count": len(rows), "eligible_weight": str(len(rows)),
                                 "imported": True})
        items = [(row, raw) for row, voter in zip(rows, election.voters, strict=True)
                 if (raw := _pabulib_content(vote_type, voter)) is not None]
        try:
            votes_bulk_record(ballot=ballot, items=items)
        except tally.ContentError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        ballot_close(actor=actor, ballot=ballot)
    # Defects the parser repaired (e.g. a project listed twice), for the importer to see.
    ballot.import_defects = [str(d) for d in election.defects]
    return ballot


def _pb_params(election, rule: str | None) -> dict[str, Any]:
    """The ballot's budget, vote type, counting rule and limits from the file's META
    (an unknown rule falls back to greedy)."""
    pb_rule = rule or election.rule or "greedy"
    try:
        pb_rule = resolve_rule(pb_rule).name
    except UnknownRuleError:
        pb_rule = "greedy"
    meta = election.meta
    max_length = meta.get("max_length", "").strip()
    points_total = meta.get("max_sum_points", "").strip()
    params: dict[str, Any] = {
        "budget": _dec(_frac(election.budget)), "pb_vote_type": election.vote_type,
        "pb_rule": pb_rule,
        "max_choices": int(Fraction(max_length)) if max_length.strip("0123456789") == ""
        and max_length else None,
    }
    if points_total.isdigit():
        params["points_total"] = int(points_total)
    elif election.vote_type == "cumulative":
        params["points_total"] = max((sum(int(x) for x in v.points or []) for v in
                                      election.voters), default=1)
    return params


def _pabulib_content(vote_type: str, voter) -> dict[str, Any] | None:
    """A Pabulib voter's line as a ballot content (None: an empty choose-1 line)."""
    if vote_type == "approval":
        return {"approve": voter.vote}
    if vote_type == "choose-1":
        return {"choice": voter.vote[0]} if voter.vote else None
    if vote_type == "ordinal":
        return {"ranking": voter.vote}
    pts = voter.points or [1] * len(voter.vote)
    return {"points": {p: int(x) for p, x in zip(voter.vote, pts, strict=True)}}
