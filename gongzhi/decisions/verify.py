"""Checking ballots against their hash chain.

``verify_export`` (``gongzhi decisions verify EXPORT.json``) is pure Python: anyone with
the JSON download can re-run it; it recomputes every hash of the chain, replays the votes,
changes and withdrawals to the final set of ballot contents, counts them again with the
engine and compares with the published result.

``verify_ballot`` / ``verify_all`` (``gongzhi decisions verify --ballot N`` / ``--all``)
check the LIVE database the same way and, in addition, the stored contents, voter records,
chain head and published result against the log, naming each difference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from gongzhi.decisions import chain, tally


def verify_export(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``{"ok", "chain_ok", "result_ok", "entries", "ballots", "errors"}``."""
    errors: list[str] = []
    report: dict[str, Any] = {"ok": False, "chain_ok": False, "result_ok": False,
                              "entries": 0, "ballots": None, "errors": errors}
    try:
        uid = data["ballot"]["uid"]
        entries = data["entries"]
    except (KeyError, TypeError):
        errors.append("not a Gongzhi ballot export (missing ballot.uid or entries)")
        return report
    try:
        report["entries"] = chain.verify_chain(uid, entries)
        report["chain_ok"] = True
    except (chain.ChainError, KeyError, TypeError) as exc:
        errors.append(f"chain: {exc}")
        return report
    opening = next((e for e in entries if e["action"] == "open"), None)
    if opening is None:
        errors.append("the chain has no 'open' entry with the ballot's configuration")
        return report
    try:
        final = chain.replay(entries)
    except chain.ChainError as exc:
        errors.append(f"replay: {exc}")
        return report
    report["ballots"] = len(final)
    closing = next((e for e in entries if e["action"] == "close"), None)
    published = data.get("result")
    if closing is None or published is None:
        errors.append("the ballot is not closed: no result to check")
        return report
    if closing["payload"].get("ballots") != len(final):
        errors.append(f"the close entry counts {closing['payload'].get('ballots')} ballots, "
                      f"the log replays to {len(final)}")
    if chain.entry_hash("", published) != closing["payload"].get("result_hash"):
        errors.append("the published result is not the one recorded when the ballot closed")
    ordered = [{"receipt": r, **v} for r, v in sorted(final.items())]
    recomputed = json.loads(chain.canonical(tally.count(opening["payload"]["config"],
                                                        ordered)))
    if chain.canonical(recomputed) != chain.canonical(published):
        errors.append("recounting the ballots gives a different result")
    else:
        report["result_ok"] = True
    report["ok"] = not errors
    return report


# --------------------------------------------------------------------------- live database


def _diff(published: Any, recount: Any, path: str = "result") -> list[str]:
    """Where two JSON values differ, as ``path: published X, recount Y`` lines."""
    if isinstance(published, dict) and isinstance(recount, dict):
        out: list[str] = []
        for key in sorted(set(published) | set(recount), key=str):
            if key not in published or key not in recount:
                out.append(f"{path}.{key}: published {published.get(key)!r}, "
                           f"recount {recount.get(key)!r}")
            else:
                out += _diff(published[key], recount[key], f"{path}.{key}")
        return out
    if isinstance(published, list) and isinstance(recount, list) and \
            len(published) == len(recount):
        out = []
        for i, (a, b) in enumerate(zip(published, recount, strict=True)):
            out += _diff(a, b, f"{path}[{i}]")
        return out
    if chain.canonical(published) != chain.canonical(recount):
        return [f"{path}: published {published!r}, recount {recount!r}"]
    return []


def verify_ballot(ballot) -> dict[str, Any]:
    """Check the LIVE database against the ballot's chain and its published result.

    Every difference is reported with what it concerns: the log entry (by sequence
    number), the content row (by id and receipt), the voter record (by id), the figure
    of the result (by its path). Returns ``{"ballot", "ok", "entries", "ballots",
    "pending", "errors", "notes"}``."""
    from gongzhi.decisions.models import BallotState, LogEntry, LogHead, PendingEntry

    errors: list[str] = []
    notes: list[str] = []
    report: dict[str, Any] = {"ballot": ballot.pk, "title": ballot.title, "ok": False,
                              "entries": 0, "ballots": None, "pending": 0,
                              "errors": errors, "notes": notes}
    entries = [{"seq": e.seq, "action": e.action, "payload": e.payload, "at": e.at,
                "prev_hash": e.prev_hash, "hash": e.hash}
               for e in LogEntry.objects.filter(ballot=ballot).order_by("seq")]
    try:
        report["entries"] = chain.verify_chain(str(ballot.uid), entries)
    except (chain.ChainError, KeyError, TypeError) as exc:
        errors.append(f"log entry {getattr(exc, 'seq', '?')}: {exc}")
        return report
    head = LogHead.objects.filter(ballot=ballot).values_list("seq", "hash").first()
    last = (len(entries), entries[-1]["hash"] if entries else chain.GENESIS)
    if head is None or tuple(head) != last:
        errors.append(f"the chain head records {head}, the log ends at {last}")
    try:
        final = chain.replay(entries)
    except chain.ChainError as exc:
        errors.append(f"log entry {exc.seq}: replay: {exc}")
        return report
    report["ballots"] = len(final)
    opening = next((e for e in entries if e["action"] == "open"), None)
    closing = next((e for e in entries if e["action"] == "close"), None)
    errors += _check_opening(ballot, opening)

    pending = PendingEntry.objects.filter(ballot=ballot).count()
    report["pending"] = pending
    if pending and ballot.state == BallotState.CLOSED:
        errors.append(f"{pending} pending entries remain after the close")
    elif pending:
        notes.append(f"{pending} entries recorded and waiting for the sequencer")
    # Once closed, or with nothing waiting, the log must account for every voter.
    settled = ballot.state == BallotState.CLOSED or not pending
    errors += _check_contents(ballot, final)
    errors += _check_voter_records(ballot, final, settled, notes)
    errors += _check_result(ballot, final, opening, closing)
    report["ok"] = not errors
    return report


def _check_opening(ballot, opening: dict[str, Any] | None) -> list[str]:
    """The open entry exists once voting began, and its electorate matches the tables."""
    from gongzhi.decisions.models import BallotState, Eligibility

    if opening is None:
        return [] if ballot.state == BallotState.DRAFT else ["the log has no 'open' entry"]
    eligible = Eligibility.objects.filter(ballot=ballot).count()
    logged = opening["payload"].get("eligible_count")
    if ballot.eligible_count != logged or eligible != logged:
        return [f"eligible voters: the log's open entry (#{opening['seq']}) says {logged}, "
                f"the ballot row {ballot.eligible_count}, the table holds {eligible}"]
    return []


def _check_contents(ballot, final: dict[str, dict[str, Any]]) -> list[str]:
    """Each stored content row against the ballot the replayed log ends with."""
    from gongzhi.decisions.models import BallotContent

    errors: list[str] = []
    stored = {c.receipt_hash: c for c in BallotContent.objects.filter(ballot=ballot)}
    for receipt, item in sorted(final.items()):
        row = stored.get(receipt)
        if row is None:
            errors.append(f"content for receipt {receipt[:16]}… is in the log but missing "
                          "from the contents table")
        elif chain.canonical(row.content) != chain.canonical(item["content"]):
            errors.append(f"content row {row.pk} (receipt {receipt[:16]}…) says "
                          f"{chain.canonical(row.content)}, the log says "
                          f"{chain.canonical(item['content'])}")
        elif row.channel != item.get("channel", "online"):
            errors.append(f"content row {row.pk} (receipt {receipt[:16]}…) has channel "
                          f"{row.channel}, the log {item.get('channel', 'online')}")
    for receipt, row in sorted(stored.items()):
        if receipt not in final:
            errors.append(f"content row {row.pk} (receipt {receipt[:16]}…) is not in the log")
    return errors


def _check_voter_records(ballot, final: dict[str, dict[str, Any]], settled: bool,
                         notes: list[str]) -> list[str]:
    """Voter records: each points at its own eligibility row, carries the ballot's secrecy,
    (open ballots) holds the receipt the log gives its voter; counts per channel agree."""
    from gongzhi.decisions.models import Channel, VoterRecord

    errors: list[str] = []
    records = list(VoterRecord.objects.filter(ballot=ballot)
                   .values("pk", "voter_key", "channel", "secret", "receipt_hash",
                           "eligibility__ballot_id", "eligibility__voter_key",
                           "eligibility__token"))
    for r in records:
        if r["eligibility__ballot_id"] != ballot.pk or \
                r["eligibility__voter_key"] != r["voter_key"]:
            errors.append(f"voter record {r['pk']} names voter {r['voter_key']} but points "
                          f"at the eligibility row of {r['eligibility__voter_key']}")
        if r["secret"] != ballot.is_secret:
            errors.append(f"voter record {r['pk']} is marked secret={r['secret']} on a "
                          f"{'secret' if ballot.is_secret else 'open'} ballot")
    if not ballot.is_secret:
        errors += _check_open_receipts(records, final, settled)
    online = {Channel.ONLINE, Channel.IMPORT}
    voted_online = sum(1 for r in records if r["channel"] in online)
    counted_online = sum(1 for v in final.values() if v.get("channel", "online") in online)
    if voted_online != counted_online and settled:
        errors.append(f"voter records: {voted_online} voters voted online, the log counts "
                      f"{counted_online} online ballots")
    voted_paper = sum(1 for r in records if r["channel"] == Channel.PAPER)
    counted_paper = sum(1 for v in final.values() if v.get("channel") == "paper")
    if voted_paper != counted_paper:
        notes.append(f"paper: {voted_paper} voters marked as voting on paper, "
                     f"{counted_paper} paper ballots counted")
    return errors


def _check_open_receipts(records: Sequence[Mapping[str, Any]], final: dict[str, dict[str, Any]],
                         settled: bool) -> list[str]:
    """On an open (signed) ballot: the log's voter of each receipt is the record's."""
    errors: list[str] = []
    by_receipt = {r["receipt_hash"]: r for r in records if r["receipt_hash"]}
    for receipt, item in sorted(final.items()):
        rec = by_receipt.get(receipt)
        if rec is None:
            errors.append(f"log: the ballot with receipt {receipt[:16]}… (voter "
                          f"{item.get('voter')}) has no voter record")
        elif item.get("voter") != rec["eligibility__token"]:
            errors.append(f"voter record {rec['pk']} (voter {rec['eligibility__token']}) "
                          f"holds receipt {receipt[:16]}…, which the log gives to voter "
                          f"{item.get('voter')}")
    for receipt, r in sorted(by_receipt.items()):
        if receipt not in final and settled:
            errors.append(f"voter record {r['pk']} (voter {r['eligibility__token']}) "
                          "has a receipt that is not in the log")
    return errors


def _check_result(ballot, final: dict[str, dict[str, Any]], opening: dict[str, Any] | None,
                  closing: dict[str, Any] | None) -> list[str]:
    """A closed ballot: close entry and row agree, the published result is the one the
    close entry sealed, and recounting the log's ballots gives it figure by figure."""
    from gongzhi.decisions.models import BallotState

    if ballot.state != BallotState.CLOSED and closing is None:
        return []
    errors: list[str] = []
    published = ballot.result
    if closing is None:
        errors.append("the ballot is closed but the log has no 'close' entry")
    elif ballot.state != BallotState.CLOSED:
        errors.append(f"the log closed the ballot (entry #{closing['seq']}) but its row "
                      f"says {ballot.state}")
    if closing is None or published is None:
        if published is None:
            errors.append("the ballot is closed but has no published result")
        return errors
    if closing["payload"].get("ballots") != len(final):
        errors.append(f"the close entry (#{closing['seq']}) counts "
                      f"{closing['payload'].get('ballots')} ballots, the log replays "
                      f"to {len(final)}")
    if chain.entry_hash("", published) != closing["payload"].get("result_hash"):
        errors.append(f"the published result is not the one recorded in the close "
                      f"entry (#{closing['seq']})")
    if opening is not None:
        ordered = [{"receipt": r, **v} for r, v in sorted(final.items())]
        recount = json.loads(chain.canonical(
            tally.count(opening["payload"]["config"], ordered)))
        errors += _diff(published, recount)
    return errors


def verify_all() -> list[dict[str, Any]]:
    """:func:`verify_ballot` for every ballot that has been opened."""
    from gongzhi.decisions.models import Ballot, BallotState

    return [verify_ballot(b) for b in Ballot.objects.exclude(state=BallotState.DRAFT)
            .order_by("pk")]
