"""Reads shared by views, the API and other apps."""

from __future__ import annotations

import copy
import threading
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from gongzhi.accounts.models import Membership, Role
from gongzhi.core.compiled import CompiledQuery
from gongzhi.decisions import chain, seal, tally
from gongzhi.decisions.engine.pabulib import PBElection, Project, Voter, format_number
from gongzhi.decisions.engine.pabulib import write_pabulib as _write_pabulib
from gongzhi.decisions.models import (
    Ballot,
    BallotContent,
    BallotState,
    Eligibility,
    EligibilityKind,
    LogEntry,
    LogHead,
    Method,
    Option,
    PaperBallot,
    PendingEntry,
    VoterRecord,
)

EXPORT_FORMAT = "gongzhi-ballot-export/1"


def ballots_of(community, user) -> QuerySet[Ballot]:
    """Ballots of a community that ``user`` may see (drafts only for staff)."""
    qs = Ballot.objects.filter(community=community).select_related("community")
    if not user.has_perm("decisions.manage_ballot", community):
        qs = qs.exclude(state=BallotState.DRAFT)
    return qs


def ballots_for_project(project) -> QuerySet[Ballot]:
    """The ballots of a project's vote phase (used by the projects app)."""
    return (Ballot.objects.filter(project=project).exclude(state=BallotState.DRAFT)
            .select_related("community"))


_PROJECT_BALLOTS = CompiledQuery(ballots_for_project, project=int)


def project_ballots(project) -> list[Ballot]:
    """``ballots_for_project(project)``, compiled (the project page reads it)."""
    return _PROJECT_BALLOTS.all(project=project.pk)


def ballot_config(ballot: Ballot, options: list[Option] | None = None, *,
                  with_eligible: bool = True) -> dict[str, Any]:
    """The frozen configuration the count needs (and the "open" log entry records).
    ``with_eligible=False`` leaves out the Art. 278 owner list (checking a content does
    not need it)."""
    if options is None:
        options = list(ballot.options.all())
    config: dict[str, Any] = {
        "method": ballot.method,
        "options": [{"key": o.key, "label": o.label, "cost": str(o.cost)} for o in options],
        "max_choices": ballot.max_choices,
        "min_score": ballot.min_score,
        "max_score": ballot.max_score,
        "quorum": ballot.quorum,
        "approval_threshold": ballot.approval_threshold,
        "strict_majority": ballot.strict_majority,
        "art278_item": ballot.art278_item,
        "budget": str(ballot.budget),
        "pb_vote_type": ballot.pb_vote_type,
        "pb_rule": ballot.pb_rule,
        "points_total": ballot.points_total,
        "tie_break": ballot.tie_break,
        "eligible_count": ballot.eligible_count,
        "secrecy": ballot.secrecy,
    }
    if ballot.method == Method.ART278 and with_eligible:
        config["eligible"] = [
            {"token": t, "weight": str(w)} for t, w in
            Eligibility.objects.filter(ballot=ballot).order_by("token")
            .values_list("token", "weight")
        ]
    return config


# --- open ballots for votes, cached in this process ------------------------------------
#
# A vote needs the ballot row and its options (the content check); while a ballot is open
# they do not change, so each process keeps them, keyed by id. The cache is never the last
# word: the vote's own statement reads the ballot row under its KEY SHARE lock and records
# nothing unless the state is still "open" and ``updated_at`` is still the one the cached
# copy was read with (services._first_vote_fast, services._current_state); a change of an
# option bumps the ballot's ``updated_at`` (a database trigger, migration 0005), saving the
# ballot does too. A stale copy therefore costs a retry with the fresh row, never a vote on
# a closed ballot or one checked against changed options. Ballots of a project are not
# cached (the project's phase is read fresh for every vote).

VOTE_CACHE_SIZE = 256
_vote_cache: dict[int, Ballot] = {}
_vote_cache_lock = threading.Lock()


def ballot_for_vote(ballot_id: int) -> Ballot | None:
    """The ballot a vote goes to, with ``vote_config`` (the content check's configuration)
    set: from this process's cache while it is open, else read (and cached if open).
    Each call returns its own copy; ``None`` if there is no such ballot."""
    cached = _vote_cache.get(ballot_id)
    if cached is not None:
        return copy.copy(cached)
    ballot = (Ballot.objects.select_related("community", "project__community")
              .filter(pk=ballot_id).first())
    if ballot is None:
        return None
    ballot.vote_config = ballot_config(ballot, with_eligible=False)
    if ballot.state == BallotState.OPEN and ballot.project_id is None:
        with _vote_cache_lock:
            if len(_vote_cache) >= VOTE_CACHE_SIZE:
                _vote_cache.pop(next(iter(_vote_cache)))
            _vote_cache[ballot_id] = copy.copy(ballot)
    return ballot


def ballot_for_vote_forget(ballot_id: int | None = None) -> None:
    """Drop one ballot (or all, ``None``) from this process's vote cache."""
    with _vote_cache_lock:
        if ballot_id is None:
            _vote_cache.clear()
        else:
            _vote_cache.pop(ballot_id, None)


def vote_config(ballot: Ballot) -> dict[str, Any]:
    """The configuration a content is checked against (the cached one if the ballot came
    from :func:`ballot_for_vote`)."""
    config = getattr(ballot, "vote_config", None)
    return config if config is not None else ballot_config(ballot, with_eligible=False)


def counted_ballots(ballot: Ballot) -> list[dict[str, Any]]:
    """Contents as the count sees them; for open ballots with the voter's token."""
    rows = list(BallotContent.objects.filter(ballot=ballot)
                .values_list("receipt_hash", "content", "channel").order_by("receipt_hash"))
    voters: dict[str, str] = {}
    if not ballot.is_secret:
        voters = {receipt: token for receipt, token in VoterRecord.objects.filter(
            ballot=ballot, receipt_hash__isnull=False).values_list("receipt_hash",
                                                                   "eligibility__token")
            if receipt}
    return [{"receipt": r, "content": c, "channel": ch, "voter": voters.get(r)}
            for r, c, ch in rows]


def opening_config(ballot: Ballot) -> dict[str, Any] | None:
    """The configuration recorded in the chain when the ballot opened (authoritative: the
    count and any verifier use this one, not the possibly edited ballot row)."""
    payload = (LogEntry.objects.filter(ballot=ballot, action="open").order_by("seq")
               .values_list("payload", flat=True).first())
    return payload["config"] if payload else None


def live_result(ballot: Ballot) -> dict[str, Any]:
    config = opening_config(ballot) or ballot_config(ballot)
    return tally.count(config, counted_ballots(ballot))


def eligibility_keys_for_user(ballot: Ballot, user) -> list[str]:
    """Voter keys ``user`` could vote for under the ballot's rule (not yet checked against
    the frozen table)."""
    if not user.is_authenticated:
        return []
    kind = ballot.eligibility
    if kind in (EligibilityKind.VERIFIED_RESIDENTS, EligibilityKind.MEETING_ATTENDEES):
        return [f"u:{user.pk}"]
    if kind == EligibilityKind.ORG_REPRESENTATIVES:
        from gongzhi.orgs.models import OrgMember

        ids = OrgMember.objects.filter(
            user=user, is_representative=True, organisation__community=ballot.community,
            organisation__deleted_at__isnull=True).values_list("organisation_id", flat=True)
        return [f"org:{i}" for i in ids]
    membership = (Membership.objects.filter(user=user, community=ballot.community,
                                            status=Membership.Status.VERIFIED)
                  .select_related("household").first())
    if membership is None or membership.household is None:
        return []
    household = membership.household
    if kind == EligibilityKind.HOUSEHOLDS:
        return [f"h:{household.pk}"]
    from gongzhi.accounts.access import community_roles

    if Role.OWNER not in community_roles(user, ballot.community):
        return []
    return [owner_voter_key(household)]


def owner_voter_key(household) -> str:
    return f"o:{household.owner_key or 'h' + str(household.pk)}"


def eligibility_for_user(ballot: Ballot, user) -> list[Eligibility]:
    keys = eligibility_keys_for_user(ballot, user)
    if not keys:
        return []
    return list(Eligibility.objects.filter(ballot=ballot, voter_key__in=keys)
                .order_by("voter_key"))


def my_vote(ballot: Ballot, user) -> dict[str, Any] | None:
    """Whether (and how) the user's voter key has voted; for open ballots the receipt."""
    rows = eligibility_for_user(ballot, user)
    if not rows:
        return None
    record = VoterRecord.objects.filter(ballot=ballot, eligibility=rows[0]).first()
    info: dict[str, Any] = {"eligibility": rows[0], "record": record, "content": None}
    if record is not None and record.receipt_hash:
        info["content"] = current_content(ballot, record.receipt_hash)
    return info


def pending_state(ballot: Ballot) -> dict[str, dict[str, Any] | None]:
    """What the ballot's pending (sealed, not yet written) entries do, by receipt, folded
    in arrival order: the last vote or change entry, or ``None`` for a withdrawal."""
    state: dict[str, dict[str, Any] | None] = {}
    for blob in (PendingEntry.objects.filter(ballot=ballot).order_by("pk")
                 .values_list("sealed", flat=True)):
        entry = seal.unseal(blob)
        state[entry["receipt"]] = None if entry["action"] == "withdraw" else entry
    return state


def current_content(ballot: Ballot, receipt: str, channel: str | None = None
                    ) -> dict[str, Any] | None:
    """The content filed under ``receipt`` now, sealed or still pending. Pending entries
    are read first: a batch sealed in between is then seen in both places."""
    pending = pending_state(ballot)
    qs = BallotContent.objects.filter(ballot=ballot, receipt_hash=receipt)
    if channel:
        qs = qs.filter(channel=channel)
    sealed = qs.values_list("content", flat=True).first()
    if receipt in pending:
        entry = pending[receipt]
        if entry is None or (channel and entry.get("channel", "online") != channel):
            return None
        return entry["content"]
    return sealed


def content_by_receipt(ballot: Ballot, receipt: str) -> BallotContent | None:
    return BallotContent.objects.filter(ballot=ballot, receipt_hash=receipt).first()


def verified_log_state(ballot: Ballot) -> dict[str, Any]:
    """The ballot's log, verified (hashes, links, head) and replayed: ``{"ok", "error",
    "final": {receipt: {...}}}``. Cached per chain head, so a page costs one query
    while nothing is appended."""
    head = LogHead.objects.filter(ballot=ballot).values_list("seq", "hash").first()
    key = f"gz-ballot-log-{ballot.pk}-{head[0] if head else 0}-{head[1] if head else 0}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    entries = [{"seq": e.seq, "action": e.action, "payload": e.payload, "at": e.at,
                "prev_hash": e.prev_hash, "hash": e.hash}
               for e in LogEntry.objects.filter(ballot=ballot).order_by("seq")]
    out: dict[str, Any] = {"ok": False, "error": "", "final": {}}
    try:
        n = chain.verify_chain(str(ballot.uid), entries)
        if head is None or (head[0], head[1]) != (n, entries[-1]["hash"] if entries
                                                  else chain.GENESIS):
            raise chain.ChainError("the chain head does not match the last entry")
        out["final"] = chain.replay(entries)
        out["ok"] = True
    except (chain.ChainError, KeyError, TypeError) as exc:
        out["error"] = str(exc)
    cache.set(key, out, 300)
    return out


def receipt_status(ballot: Ballot, receipt: str) -> dict[str, Any]:
    """The public receipt check, answered from the verified log (not from the contents
    table, which a database writer could edit): ``state`` is ``counted`` (in the chain),
    ``sealing`` (recorded, waiting for its batch), ``unknown`` or ``unverifiable`` (the
    log fails verification); ``stored_differs`` when the contents table disagrees with
    the log for this receipt."""
    log = verified_log_state(ballot)
    if not log["ok"]:
        return {"state": "unverifiable", "content": None, "error": log["error"],
                "stored_differs": False}
    found = log["final"].get(receipt)
    if found is not None:
        stored = content_by_receipt(ballot, receipt)
        return {"state": "counted", "content": found["content"], "error": "",
                "stored_differs": stored is None or stored.content != found["content"]}
    if ballot.state == BallotState.OPEN:
        pending = pending_state(ballot).get(receipt)
        if pending is not None:
            return {"state": "sealing", "content": None, "error": "",
                    "stored_differs": False}
    return {"state": "unknown", "content": None, "error": "", "stored_differs": False}


def receipts_list(ballot: Ballot) -> list[dict[str, Any]]:
    """The public verification list: receipt hash and content on open ballots (and names
    where the community allows it), contents only on secret ballots."""
    if ballot.is_secret:
        return [{"content": c} for c in BallotContent.objects.filter(ballot=ballot)
                .order_by("receipt_hash").values_list("content", flat=True)]
    names: dict[str, str] = {}
    if ballot.community.show_voter_names:
        for receipt, label in (VoterRecord.objects.filter(ballot=ballot)
                               .values_list("receipt_hash", "eligibility__label")):
            if receipt:
                names[receipt] = label
    return [{"receipt": r, "content": c, "name": names.get(r, "")}
            for r, c in BallotContent.objects.filter(ballot=ballot)
            .order_by("receipt_hash").values_list("receipt_hash", "content")]


def turnout(ballot: Ballot) -> dict[str, int]:
    voted = VoterRecord.objects.filter(ballot=ballot).count()
    return {"eligible": ballot.eligible_count, "voted": voted}


def paper_ballots(ballot: Ballot) -> QuerySet[PaperBallot]:
    return PaperBallot.objects.filter(ballot=ballot).prefetch_related("entries__entered_by")


def export(ballot: Ballot) -> dict[str, Any]:
    """Everything needed to recompute the chain and the result, without any names."""
    entries = [
        {"seq": e.seq, "action": e.action, "payload": e.payload, "at": e.at,
         "prev_hash": e.prev_hash, "hash": e.hash}
        for e in LogEntry.objects.filter(ballot=ballot).order_by("seq")
    ]
    return {
        "format": EXPORT_FORMAT,
        "ballot": {"uid": str(ballot.uid), "title": ballot.title, "question": ballot.question,
                   "community": ballot.community.slug, "state": ballot.state,
                   "method": ballot.method, "secrecy": ballot.secrecy,
                   "eligible_count": ballot.eligible_count},
        "entries": entries,
        "result": ballot.result,
    }


def pabulib_election(ballot: Ballot) -> PBElection:
    """A finished PB ballot as a Pabulib election (voters pseudonymous, in receipt order)."""
    options = list(ballot.options.all())
    meta = {
        "description": ballot.title,
        "country": "China",
        "unit": ballot.community.name,
        "instance": str(ballot.uid),
        "num_projects": str(len(options)),
        "num_votes": "0",
        "budget": format_number(_frac(ballot.budget)),
        "vote_type": ballot.pb_vote_type,
        "rule": ballot.pb_rule,
        "currency": "CNY",
    }
    if ballot.pb_vote_type == "ordinal":
        meta["max_length"] = str(ballot.max_choices or len(options))
    if ballot.pb_vote_type == "cumulative":
        meta["max_sum_points"] = str(ballot.points_total)
    selected = set((ballot.result or {}).get("winners", []))
    projects = {o.key: Project(o.key, _num(o.cost), o.label, 1 if o.key in selected else 0)
                for o in options}
    voters = []
    for i, b in enumerate(counted_ballots(ballot), start=1):
        c = b["content"]
        if "approve" in c:
            voters.append(Voter(str(i), list(c["approve"])))
        elif "choice" in c:
            voters.append(Voter(str(i), [c["choice"]]))
        elif "ranking" in c:
            voters.append(Voter(str(i), list(c["ranking"])))
        else:
            voters.append(Voter(str(i), list(c["points"]), [int(v) for v in
                                                             c["points"].values()]))
    meta["num_votes"] = str(len(voters))
    vote_columns = ["voter_id", "vote"] + (["points"] if ballot.pb_vote_type == "cumulative"
                                           else [])
    return PBElection(meta=meta, projects=projects, voters=voters,
                      project_columns=["project_id", "cost", "name", "selected"],
                      vote_columns=vote_columns)


def pabulib_text(ballot: Ballot) -> str:
    return _write_pabulib(pabulib_election(ballot))


def _frac(value):
    from fractions import Fraction

    return Fraction(str(value))


def _num(value):
    f = _frac(value)
    return int(f) if f.denominator == 1 else f
