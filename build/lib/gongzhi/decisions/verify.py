"""Checking a ballot export (``gongzhi decisions verify EXPORT.json``). Pure Python.

Anyone with the JSON download can re-run this: it recomputes every hash of the chain,
replays the votes, changes and withdrawals to the final set of ballot contents, counts
them again with the engine and compares with the published result.
"""

from __future__ import annotations

import json
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
