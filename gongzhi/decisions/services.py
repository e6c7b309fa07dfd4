"""Every write to ballots: create, open (freeze eligibility), vote, change, withdraw, paper
entry, close (count with the engine), import from Pabulib.

Integrity under concurrency (see docs/decisions.md):

* a vote locks the voter's eligibility row (``SELECT ... FOR UPDATE``), so two requests of
  one voter run one after the other; ``VoterRecord`` is unique per (ballot, voter key), so
  even a path that forgot the lock cannot store a second ballot;
* every action appends to the ballot's hash chain while holding the lock on its
  ``LogHead`` row, and checks the ballot's state under that lock (closing takes the same
  lock), so no vote slips in after the close and the chain never forks;
* a PB content's total cost is checked in the same transaction, and a check constraint
  (``total_cost <= budget_limit``) refuses anything over budget in the database itself.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Membership
from gongzhi.core.audit import audit_record
from gongzhi.decisions import chain, selectors, tally
from gongzhi.decisions.engine.pabulib import PabulibError, parse_pabulib_text
from gongzhi.decisions.engine.rules import UnknownRuleError, resolve_rule
from gongzhi.decisions.engine.tiebreak import TieBreak
from gongzhi.decisions.models import (
    Ballot,
    BallotContent,
    BallotState,
    Channel,
    Eligibility,
    EligibilityKind,
    LogEntry,
    LogHead,
    Method,
    Option,
    PaperBallot,
    PaperEntry,
    PBVoteType,
    Secrecy,
    VoterRecord,
)
from gongzhi.decisions.phases import require_phase_for_vote
from gongzhi.places.models import Household, Tenure

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AlreadyVoted(ValidationError):
    """The voter key already has a ballot (API: 409)."""


class NotVoted(ValidationError):
    """Change of a ballot that does not exist (API: 409)."""


def error_code(exc: ValidationError) -> str | None:
    """The first error code of a (possibly field-keyed) ValidationError."""
    if getattr(exc, "code", None):
        return exc.code
    errors = (exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list])
    for group in errors:
        for err in group:
            if getattr(err, "code", None):
                return err.code
    return None


@dataclass
class Receipt:
    receipt_hash: str
    content: dict[str, Any]
    code: str | None = None   # shown once; None when the caller did not create it now
    created: bool = False
    changed: bool = False


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _frac(value) -> Fraction:
    return Fraction(str(value))


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- the chain


def _append(ballot: Ballot, action: str, payload: dict[str, Any],
            head: LogHead | None = None) -> LogEntry:
    """Append one entry; ``head`` must already be locked by the caller if given."""
    if head is None:
        head = LogHead.objects.select_for_update().get(ballot=ballot)
    seq = head.seq + 1
    at = timezone.now().isoformat()
    body = chain.entry_body(str(ballot.uid), seq, action, payload, at)
    digest = chain.entry_hash(head.hash, body)
    entry = LogEntry.objects.create(ballot=ballot, seq=seq, action=action, payload=payload,
                                    at=at, prev_hash=head.hash, hash=digest)
    LogHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    head.seq, head.hash = seq, digest
    return entry


def _locked_head_and_state(ballot: Ballot) -> tuple[LogHead, str]:
    head = LogHead.objects.select_for_update().get(ballot=ballot)
    state = Ballot.objects.filter(pk=ballot.pk).values_list("state", flat=True).get()
    return head, state


# --------------------------------------------------------------------------- create / open


def _check_fraction(name: str, text: str) -> None:
    try:
        value = _frac(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError({name: _("Enter a fraction such as 1/2 or 0.5.")}) from None
    if not 0 <= value <= 1:
        raise ValidationError({name: _("Enter a share between 0 and 1.")})


def ballot_create(*, actor, community, title: str, method: str, options: list[dict[str, Any]],
                  question: str = "", eligibility: str = EligibilityKind.VERIFIED_RESIDENTS,
                  secrecy: str = Secrecy.SECRET, **params: Any) -> Ballot:
    """Create a draft ballot. ``options``: ``[{"key", "label", "cost"?, "description"?}]``
    (yes/no and agree/disagree ballots get theirs automatically)."""
    if actor is not None and not actor.has_perm("decisions.manage_ballot", community):
        raise PermissionDenied
    if method == Method.MAJORITY:
        options = [{"key": "yes", "label": _("Yes")}, {"key": "no", "label": _("No")},
                   {"key": "abstain", "label": _("Abstain")}]
    elif method == Method.ART278:
        options = [{"key": "agree", "label": _("Agree")},
                   {"key": "disagree", "label": _("Disagree")},
                   {"key": "abstain", "label": _("Abstain")}]
        secrecy = Secrecy.OPEN
    ballot = Ballot(community=community, title=title, question=question, method=method,
                    eligibility=eligibility, secrecy=secrecy, created_by=actor, **params)
    errors: dict[str, list[str]] = {}
    if method not in Method.values:
        errors["method"] = [_("Choose a voting method.")]
    if len(options) < (1 if method == Method.PB else 2):
        errors["options"] = [_("Give at least two options.")]
    keys = [str(o.get("key", "")).strip() for o in options]
    if any(not k for k in keys) or len(set(keys)) != len(keys):
        errors["options"] = [_("Every option needs a distinct key.")]
    if method == Method.PB:
        try:
            resolve_rule(ballot.pb_rule)
        except UnknownRuleError:
            errors["pb_rule"] = [_("Unknown counting rule.")]
        try:
            TieBreak.parse(ballot.tie_break)
        except ValueError:
            errors["tie_break"] = [_("Unknown tie-break key.")]
        if ballot.budget <= 0:
            errors["budget"] = [_("A participatory budget needs a budget above zero.")]
    if method == Method.ART278 and not (ballot.art278_item and 1 <= ballot.art278_item <= 9):
        errors["art278_item"] = [_("Give the item of Art. 278 (1-9).")]
    if eligibility == EligibilityKind.BUILDING_OWNERS and ballot.building_id is None:
        errors["building"] = [_("Choose the building.")]
    if ballot.building_id and ballot.building.community_id != community.pk:
        errors["building"] = [_("This building is in another community.")]
    for name in ("project", "meeting"):
        linked = getattr(ballot, name, None)
        if linked is not None and linked.community_id != community.pk:
            errors[name] = [_("This belongs to another community.")]
    if eligibility == EligibilityKind.MEETING_ATTENDEES and ballot.meeting_id is None:
        errors["meeting"] = [_("Choose the meeting whose attendees vote.")]
    for name in ("quorum", "approval_threshold"):
        try:
            _check_fraction(name, getattr(ballot, name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ballot.full_clean(exclude=["created_by"])
        ballot.save()
        Option.objects.bulk_create([
            Option(ballot=ballot, key=k, label=str(o.get("label") or k),
                   description=str(o.get("description", "")),
                   cost=Decimal(str(o.get("cost", 0) or 0)), position=i)
            for i, (k, o) in enumerate(zip(keys, options, strict=True))
        ])
        LogHead.objects.create(ballot=ballot)
        audit_record(actor=actor, action="decisions.ballot_create", community=community,
                     target=ballot, after={"title": title, "method": method})
    return ballot


def _eligible_rows(ballot: Ballot) -> list[Eligibility]:
    kind = ballot.eligibility
    community = ballot.community
    rows: list[Eligibility] = []
    if kind == EligibilityKind.VERIFIED_RESIDENTS:
        members = (Membership.objects.filter(community=community,
                                             status=Membership.Status.VERIFIED,
                                             user__deleted_at__isnull=True)
                   .select_related("user").order_by("user_id"))
        rows = [Eligibility(voter_key=f"u:{m.user_id}", user=m.user, label=m.user.public_name)
                for m in members]
    elif kind == EligibilityKind.MEETING_ATTENDEES:
        meeting = getattr(ballot, "meeting", None)
        if meeting is None:
            raise ValidationError(_("Choose the meeting whose attendees vote."))
        from gongzhi.accounts.models import User
        from gongzhi.meetings.selectors import attendee_user_ids

        users = User.objects.filter(pk__in=attendee_user_ids(meeting)).order_by("pk")
        rows = [Eligibility(voter_key=f"u:{u.pk}", user=u, label=u.public_name) for u in users]
    elif kind == EligibilityKind.HOUSEHOLDS:
        ids = (Membership.objects.filter(community=community, status=Membership.Status.VERIFIED,
                                         household__isnull=False)
               .values_list("household_id", flat=True).distinct())
        households = Household.objects.filter(pk__in=ids).select_related("building", "unit")
        rows = [Eligibility(voter_key=f"h:{h.pk}", household=h, label=str(h))
                for h in households]
    elif kind == EligibilityKind.ORG_REPRESENTATIVES:
        from gongzhi.orgs.models import Organisation

        orgs = (Organisation.objects.alive().filter(community=community,
                                                    members__is_representative=True)
                .distinct().order_by("pk"))
        rows = [Eligibility(voter_key=f"org:{o.pk}", organisation=o, label=o.name)
                for o in orgs]
    else:  # owners, of the community or of one building / unit
        homes = Household.objects.filter(community=community, tenure=Tenure.OWNER)
        if kind == EligibilityKind.BUILDING_OWNERS:
            homes = homes.filter(building=ballot.building)
            if ballot.unit_id:
                homes = homes.filter(unit=ballot.unit)
        by_owner: dict[str, Eligibility] = {}
        for h in homes.select_related("building", "unit").order_by("pk"):
            key = selectors.owner_voter_key(h)
            area = h.floor_area_m2 or Decimal(0)
            if key in by_owner:
                by_owner[key].weight += area
                by_owner[key].label += f", {h}"
            else:
                by_owner[key] = Eligibility(voter_key=key, household=h, owner_key=h.owner_key,
                                            weight=area, label=str(h))
        rows = list(by_owner.values())
    used: set[str] = set()
    for row in rows:
        row.ballot = ballot
        row.label = row.label[:120]
        token = secrets.token_hex(5)
        while token in used:
            token = secrets.token_hex(5)
        used.add(token)
        row.token = token
    return rows


def ballot_open(*, actor, ballot: Ballot) -> Ballot:
    """Freeze who may vote and open the ballot."""
    if actor is not None and not actor.has_perm("decisions.manage_ballot", ballot.community):
        raise PermissionDenied
    with transaction.atomic():
        head, state = _locked_head_and_state(ballot)
        if state != BallotState.DRAFT:
            raise ValidationError(_("Only a draft ballot can be opened."), code="state")
        rows = _eligible_rows(ballot)
        if not rows:
            raise ValidationError(_("Nobody is eligible to vote on this ballot."),
                                  code="no_voters")
        Eligibility.objects.bulk_create(rows, batch_size=1000)
        ballot.eligible_count = len(rows)
        ballot.state = BallotState.OPEN
        ballot.opened_at = timezone.now()
        ballot.save(update_fields=["eligible_count", "state", "opened_at", "updated_at"])
        total_weight = Eligibility.objects.filter(ballot=ballot).aggregate(s=Sum("weight"))["s"]
        _append(ballot, "open", {"config": selectors.ballot_config(ballot),
                                 "eligible_count": len(rows),
                                 "eligible_weight": str(total_weight or 0)}, head)
        audit_record(actor=actor, action="decisions.ballot_open", community=ballot.community,
                     target=ballot, after={"eligible_count": len(rows)})
    return ballot


def ballot_close(*, actor, ballot: Ballot) -> Ballot:
    """Close voting and count with the engine; the result goes into the chain."""
    if actor is not None and not actor.has_perm("decisions.manage_ballot", ballot.community):
        raise PermissionDenied
    with transaction.atomic():
        head, state = _locked_head_and_state(ballot)
        if state == BallotState.CLOSED:
            ballot.refresh_from_db()
            return ballot
        if state != BallotState.OPEN:
            raise ValidationError(_("Only an open ballot can be closed."), code="state")
        result = json.loads(chain.canonical(selectors.live_result(ballot)))
        ballot.result = result
        ballot.state = BallotState.CLOSED
        ballot.closed_at = timezone.now()
        ballot.save(update_fields=["result", "state", "closed_at", "updated_at"])
        _append(ballot, "close", {"ballots": result["ballots"],
                                  "result_hash": chain.entry_hash("", result)}, head)
        audit_record(actor=actor, action="decisions.ballot_close", community=ballot.community,
                     target=ballot, after={"ballots": result["ballots"],
                                           "winners": result.get("winners")})
    return ballot


# --------------------------------------------------------------------------- voting


def _content_message(code: str) -> str:
    return {
        "over_budget": _("The projects you chose cost more than the budget."),
        "unknown_option": _("Choose among the options on this ballot."),
        "wrong_type": _("The vote is not in the expected form."),
        "duplicate": _("An option is chosen twice."),
        "too_many": _("You chose more than allowed."),
        "out_of_range": _("A number is outside the allowed range."),
        "empty": _("Rank at least one option."),
    }.get(code, _("This vote cannot be counted."))


def _content_or_error(ballot: Ballot, raw: Any) -> tuple[dict[str, Any], Fraction]:
    try:
        return tally.validate(selectors.ballot_config(ballot, with_eligible=False), raw)
    except tally.ContentError as exc:
        message = f"{_content_message(exc.code)} ({exc})"
        raise ValidationError({"content": [ValidationError(message, code=exc.code)]}) from None


def _voter_row(ballot: Ballot, user, voter_key: str | None) -> Eligibility:
    keys = selectors.eligibility_keys_for_user(ballot, user)
    if voter_key is not None:
        keys = [k for k in keys if k == voter_key]
    row = (Eligibility.objects.select_for_update()
           .filter(ballot=ballot, voter_key__in=keys).order_by("voter_key").first())
    if row is None:
        raise PermissionDenied(_("You are not eligible to vote on this ballot."))
    return row


def _require_open(state: str) -> None:
    if state != BallotState.OPEN:
        raise ValidationError(_("This ballot is not open for voting."), code="closed")


def vote_cast(*, user, ballot: Ballot, content: Any, voter_key: str | None = None,
              receipt_code: str | None = None) -> Receipt:
    """Cast a ballot. Casting the same content again is a no-op returning the receipt;
    a different content needs :func:`vote_change` (raises :class:`AlreadyVoted`)."""
    clean, total = _content_or_error(ballot, content)
    require_phase_for_vote(user, ballot)  # a project's ballot follows its phase
    with transaction.atomic():
        row = _voter_row(ballot, user, voter_key)
        head, state = _locked_head_and_state(ballot)
        _require_open(state)
        record = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
        if record is not None:
            existing = _existing_content(ballot, record, receipt_code)
            if existing is not None and existing.content == clean:
                return Receipt(existing.receipt_hash, existing.content, receipt_code)
            raise AlreadyVoted(_("You have already voted on this ballot."),
                               code="already_voted")
        code = new_receipt_code()
        receipt = chain.receipt_hash(str(ballot.uid), code)
        try:
            with transaction.atomic():
                VoterRecord.objects.create(
                    ballot=ballot, eligibility=row, voter_key=row.voter_key,
                    channel=Channel.ONLINE, cast_by=user, secret=ballot.is_secret,
                    receipt_hash=None if ballot.is_secret else receipt,
                    voted_on=timezone.localdate())
                BallotContent.objects.create(ballot=ballot, receipt_hash=receipt,
                                             content=clean, total_cost=_dec(total),
                                             budget_limit=ballot.budget)
        except IntegrityError as exc:
            raise AlreadyVoted(_("You have already voted on this ballot."),
                               code="already_voted") from exc
        payload: dict[str, Any] = {"receipt": receipt, "content": clean, "channel": "online"}
        if not ballot.is_secret:
            payload["voter"] = row.token
        _append(ballot, "vote", payload, head)
    return Receipt(receipt, clean, code, created=True)


def _existing_content(ballot: Ballot, record: VoterRecord,
                      receipt_code: str | None) -> BallotContent | None:
    if record.receipt_hash:
        return BallotContent.objects.filter(ballot=ballot,
                                            receipt_hash=record.receipt_hash).first()
    if receipt_code:
        receipt = chain.receipt_hash(str(ballot.uid), receipt_code)
        return BallotContent.objects.filter(ballot=ballot, receipt_hash=receipt,
                                            channel=Channel.ONLINE).first()
    return None


def _owned_content(ballot: Ballot, record: VoterRecord, receipt_code: str | None
                   ) -> BallotContent:
    if record.channel != Channel.ONLINE:
        raise ValidationError(_("A paper ballot cannot be changed online."), code="paper")
    existing = _existing_content(ballot, record, receipt_code)
    if existing is None:
        raise ValidationError(
            {"receipt_code": [_("On a secret ballot, give the receipt code you got when you "
                                "voted; only it can find your ballot.")]},
            code="receipt_needed")
    return existing


def vote_change(*, user, ballot: Ballot, content: Any, voter_key: str | None = None,
                receipt_code: str | None = None) -> Receipt:
    """Replace the voter's ballot while the ballot is open (same content: no-op)."""
    if not ballot.allow_change:
        raise ValidationError(_("Votes on this ballot cannot be changed."), code="no_change")
    clean, total = _content_or_error(ballot, content)
    require_phase_for_vote(user, ballot)  # a project's ballot follows its phase
    with transaction.atomic():
        row = _voter_row(ballot, user, voter_key)
        head, state = _locked_head_and_state(ballot)
        _require_open(state)
        record = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
        if record is None:
            raise NotVoted(_("You have not voted yet."), code="not_voted")
        existing = _owned_content(ballot, record, receipt_code)
        if existing.content == clean:
            return Receipt(existing.receipt_hash, clean, receipt_code)
        BallotContent.objects.filter(pk=existing.pk).update(content=clean,
                                                            total_cost=_dec(total))
        _append(ballot, "change", {"receipt": existing.receipt_hash, "content": clean}, head)
    return Receipt(existing.receipt_hash, clean, receipt_code, changed=True)


def vote_withdraw(*, user, ballot: Ballot, voter_key: str | None = None,
                  receipt_code: str | None = None) -> bool:
    """Take the voter's ballot back; returns False if there was nothing to withdraw."""
    if not ballot.allow_change:
        raise ValidationError(_("Votes on this ballot cannot be withdrawn."), code="no_change")
    require_phase_for_vote(user, ballot)  # a project's ballot follows its phase
    with transaction.atomic():
        row = _voter_row(ballot, user, voter_key)
        head, state = _locked_head_and_state(ballot)
        _require_open(state)
        record = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
        if record is None:
            return False
        existing = _owned_content(ballot, record, receipt_code)
        existing.delete()
        record.delete()
        _append(ballot, "withdraw", {"receipt": existing.receipt_hash}, head)
    return True


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
                head, state = _locked_head_and_state(ballot)
                _require_open(state)
                BallotContent.objects.create(ballot=ballot, receipt_hash=paper.receipt_hash,
                                             content=clean, channel=Channel.PAPER,
                                             total_cost=_dec(total),
                                             budget_limit=ballot.budget)
                payload: dict[str, Any] = {"receipt": paper.receipt_hash, "content": clean,
                                           "channel": "paper"}
                if row is not None:
                    payload["voter"] = row.token
                _append(ballot, "vote", payload, head)
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
    """Record many ballots at once (Pabulib imports and demo data), chain entries included.
    Not for live voting: no per-voter lock, the caller owns the ballot. Runs in the
    caller's transaction (call it inside ``transaction.atomic``)."""
    if ballot.state != BallotState.OPEN:
        raise ValidationError(_("This ballot is not open for voting."), code="closed")
    head = LogHead.objects.select_for_update().get(ballot=ballot)
    config = selectors.ballot_config(ballot, with_eligible=False)
    records, contents, entries = [], [], []
    seq, prev = head.seq, head.hash
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
        seq += 1
        at = timezone.now().isoformat()
        digest = chain.entry_hash(prev, chain.entry_body(str(ballot.uid), seq, "vote", payload,
                                                         at))
        entries.append(LogEntry(ballot=ballot, seq=seq, action="vote", payload=payload, at=at,
                                prev_hash=prev, hash=digest))
        prev = digest
    VoterRecord.objects.bulk_create(records, batch_size=1000)
    BallotContent.objects.bulk_create(contents, batch_size=1000)
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    LogHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)


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
    pb_rule = rule or election.rule or "greedy"
    try:
        pb_rule = resolve_rule(pb_rule).name
    except UnknownRuleError:
        pb_rule = "greedy"
    meta = election.meta
    options = [{"key": p.project_id, "label": p.name or p.project_id, "cost": p.cost}
               for p in election.projects.values()]
    max_length = meta.get("max_length", "").strip()
    points_total = meta.get("max_sum_points", "").strip()
    budget = _frac(election.budget)
    params: dict[str, Any] = {
        "budget": _dec(budget), "pb_vote_type": vote_type, "pb_rule": pb_rule,
        "max_choices": int(Fraction(max_length)) if max_length.strip("0123456789") == ""
        and max_length else None,
    }
    if points_total.isdigit():
        params["points_total"] = int(points_total)
    elif vote_type == "cumulative":
        params["points_total"] = max((sum(int(x) for x in v.points or []) for v in
                                      election.voters), default=1)
    if vote_type == "approval" and params["max_choices"] is None:
        params["max_choices"] = None
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
        items = []
        for row, voter in zip(rows, election.voters, strict=True):
            if vote_type == "approval":
                raw = {"approve": voter.vote}
            elif vote_type == "choose-1":
                raw = {"choice": voter.vote[0]} if voter.vote else None
            elif vote_type == "ordinal":
                raw = {"ranking": voter.vote}
            else:
                pts = voter.points or [1] * len(voter.vote)
                raw = {"points": {p: int(x) for p, x in zip(voter.vote, pts, strict=True)}}
            if raw is not None:
                items.append((row, raw))
        try:
            votes_bulk_record(ballot=ballot, items=items)
        except tally.ContentError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        ballot_close(actor=actor, ballot=ballot)
    return ballot


def ballot_open_close_due(now=None) -> dict[str, int]:
    """Open drafts whose ``opens_at`` passed and close open ballots whose ``closes_at``
    passed (run by the periodic job)."""
    now = now or timezone.now()
    opened = closed = 0
    for ballot in Ballot.objects.filter(state=BallotState.DRAFT, opens_at__lte=now):
        try:
            ballot_open(actor=None, ballot=ballot)
            opened += 1
        except ValidationError:
            continue
    for ballot in Ballot.objects.filter(state=BallotState.OPEN, closes_at__lte=now):
        ballot_close(actor=None, ballot=ballot)
        closed += 1
    return {"opened": opened, "closed": closed}
