"""The hash chain of a ballot's log, and replaying it. Pure Python (no Django), so anyone
with an export can check it (see :mod:`gongzhi.decisions.verify`).

Each entry's hash is ``sha256(prev_hash + canonical_json(body))`` where ``body`` is
``{"ballot": uid, "seq": n, "action": ..., "payload": ..., "at": ...}`` and canonical JSON
is UTF-8 with sorted keys and no spaces. The first entry's ``prev_hash`` is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_body(ballot_uid: str, seq: int, action: str, payload: Any, at: str) -> dict:
    return {"ballot": str(ballot_uid), "seq": seq, "action": action, "payload": payload,
            "at": at}


def entry_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def receipt_hash(ballot_uid: str, code: str) -> str:
    """The public form of a receipt code; the code itself is known only to the voter."""
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{ballot_uid}:{normalised}".encode()).hexdigest()


class ChainError(ValueError):
    def __init__(self, message: str, seq: int | None = None):
        self.seq = seq
        super().__init__(message if seq is None else f"entry {seq}: {message}")


def verify_chain(ballot_uid: str, entries: Iterable[Mapping[str, Any]]) -> int:
    """Check sequence numbers, links and hashes; return the number of entries."""
    prev = GENESIS
    n = 0
    for n, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if seq != n:
            raise ChainError(f"sequence number {seq!r}, expected {n}", n)
        if entry.get("prev_hash") != prev:
            raise ChainError("prev_hash does not match the previous entry's hash", n)
        body = entry_body(ballot_uid, seq, entry["action"], entry["payload"], entry["at"])
        expected = entry_hash(prev, body)
        if entry.get("hash") != expected:
            raise ChainError("hash does not match the entry's content", n)
        prev = expected
    return n


def replay(entries: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Final ballot contents by receipt hash: ``{receipt: {"content":..., "voter":...}}``."""
    state: dict[str, dict[str, Any]] = {}
    for entry in entries:
        action, payload, seq = entry["action"], entry["payload"], entry.get("seq")
        if action == "vote":
            receipt = payload["receipt"]
            if receipt in state:
                raise ChainError("a second vote with the same receipt", seq)
            state[receipt] = {"content": payload["content"], "voter": payload.get("voter"),
                              "channel": payload.get("channel", "online")}
        elif action == "change":
            if payload["receipt"] not in state:
                raise ChainError("change of a ballot that is not in the count", seq)
            state[payload["receipt"]]["content"] = payload["content"]
        elif action == "withdraw" and state.pop(payload["receipt"], None) is None:
            raise ChainError("withdrawal of a ballot that is not in the count", seq)
    return state
