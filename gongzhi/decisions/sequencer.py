"""The sequencer: writes a ballot's sealed pending entries into its contents and hash chain
as shuffled batches (see :mod:`gongzhi.decisions.services` for how votes leave them, and
docs/decisions.md). Run by the task worker (``decisions.tasks.seal_ballot``), ``gongzhi
tick`` and the close; re-exported from ``services``."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from gongzhi.core.db import bulk_insert
from gongzhi.decisions import chain, seal
from gongzhi.decisions.models import (
    Ballot,
    BallotContent,
    BallotState,
    Channel,
    LogEntry,
    LogHead,
    PendingEntry,
    VoterRecord,
)

_RNG = secrets.SystemRandom()  # shuffles batches: a CSPRNG, so no seed predicts an order


def ballot_seal(*, ballot: Ballot, min_batch: int | None = None) -> int:
    """Write pending entries as one shuffled batch: contents inserted in random order,
    chain entries appended in that order with one coarse timestamp, pending rows deleted,
    all in one transaction under the chain-head lock. Writes nothing while fewer than
    ``min_batch`` (default :func:`seal_batch_min`) entries wait. Returns the number of
    pending entries sealed. Run by the task worker, ``gongzhi tick`` and the close."""
    with transaction.atomic():
        # Another sequencer holds the head: it is sealing this ballot now; leave it be.
        head = LogHead.objects.select_for_update(skip_locked=True).filter(ballot=ballot).first()
        if head is None:
            return 0
        state = Ballot.objects.filter(pk=ballot.pk).values_list("state", flat=True).get()
        if state != BallotState.OPEN:
            return 0
        return _seal_locked(ballot, head, _batch_min(ballot) if min_batch is None
                            else min_batch)


def ballots_seal_pending() -> dict[str, int]:
    """Seal every open ballot whose pending entries fill a batch (periodic job)."""
    sealed = 0
    ids = (PendingEntry.objects.values_list("ballot_id", flat=True).distinct())
    for ballot in Ballot.objects.filter(pk__in=list(ids), state=BallotState.OPEN):
        sealed += ballot_seal(ballot=ballot)
    return {"sealed": sealed}


def _seal_locked(ballot: Ballot, head: LogHead, min_batch: int) -> int:
    rows = list(PendingEntry.objects.filter(ballot=ballot).order_by("pk")
                .values_list("pk", "sealed"))
    if not rows or len(rows) < min_batch:
        return 0
    folded = _fold([seal.unseal(blob) for _pk, blob in rows])
    # only changes and withdrawals refer to contents sealed before (a batch of new votes,
    # the usual one, needs no lookup)
    earlier = [receipt for receipt, op in folded.items() if not op["new"]]
    sealed = dict(BallotContent.objects.filter(ballot=ballot, receipt_hash__in=earlier)
                  .values_list("receipt_hash", "pk")) if earlier else {}
    ops = [op for op in folded.values() if op["action"] != "dropped"
           and (op["new"] or op["receipt"] in sealed)]
    _RNG.shuffle(ops)
    new_contents, changed, withdrawn, payloads = [], [], [], []
    for op in ops:
        receipt = op["receipt"]
        if op["new"]:
            new_contents.append((uuid.uuid4(), ballot.pk, receipt, op["content"],
                                 op.get("channel", Channel.ONLINE), Decimal(op["total"]),
                                 ballot.budget))
            payload = {"receipt": receipt, "content": op["content"],
                       "channel": op.get("channel", Channel.ONLINE)}
            if op.get("voter"):
                payload["voter"] = op["voter"]
            payloads.append(("vote", payload))
        elif op["action"] == "withdraw":
            withdrawn.append(receipt)
            payloads.append(("withdraw", {"receipt": receipt}))
        else:
            changed.append(BallotContent(pk=sealed[receipt], content=op["content"],
                                         total_cost=Decimal(op["total"])))
            payloads.append(("change", {"receipt": receipt, "content": op["content"]}))
    bulk_insert(BallotContent, ["id", "ballot", "receipt_hash", "content", "channel",
                                "total_cost", "budget_limit"], new_contents)
    if changed:
        BallotContent.objects.bulk_update(changed, ["content", "total_cost"], batch_size=500)
    if withdrawn:
        BallotContent.objects.filter(ballot=ballot, receipt_hash__in=withdrawn).delete()
    _append_many(ballot, head, payloads)
    PendingEntry.objects.filter(pk__in=[pk for pk, _blob in rows]).delete()
    return len(rows)


def _fold(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The batch's entries folded to one operation per receipt, in order: a vote then
    changes is one new vote with the last content; a vote then a withdrawal is nothing
    ("dropped"); changes or a withdrawal of an earlier sealed vote stay as such."""
    folded: dict[str, dict[str, Any]] = {}
    for entry in entries:
        receipt = entry["receipt"]
        before = folded.get(receipt)
        if entry["action"] == "vote":
            folded[receipt] = {"new": True, **entry}
        elif entry["action"] == "change":
            if before is None:
                folded[receipt] = {"new": False, **entry}
            elif before["action"] != "withdraw":
                before.update(content=entry["content"], total=entry["total"])
        elif before is not None and before["new"]:
            folded[receipt] = {"new": True, "action": "dropped", "receipt": receipt}
        else:
            folded[receipt] = {"new": False, "action": "withdraw", "receipt": receipt}
    return folded


def _append_many(ballot: Ballot, head: LogHead, items: list[tuple[str, dict[str, Any]]]
                 ) -> None:
    """Append entries in the given order with one timestamp (to the minute: the log says
    when a batch was sealed, not when anyone voted); ``head`` is locked by the caller."""
    if not items:
        return
    at = timezone.now().replace(second=0, microsecond=0).isoformat()
    seq, prev = head.seq, head.hash
    entries = []
    for action, payload in items:
        seq += 1
        digest = chain.entry_hash(prev, chain.entry_body(str(ballot.uid), seq, action,
                                                         payload, at))
        entries.append((ballot.pk, seq, action, payload, at, prev, digest))
        prev = digest
    bulk_insert(LogEntry, ["ballot", "seq", "action", "payload", "at", "prev_hash", "hash"],
                entries)
    LogHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    head.seq, head.hash = seq, prev


def _reshuffle(ballot: Ballot) -> None:
    """At close: rewrite the ballot's voter records and contents in random order in this
    one transaction, so that physical order, transaction ids and dump order of the closed
    ballot say nothing about who voted when, not even which batch."""
    _rewrite_shuffled(VoterRecord, ballot)
    _rewrite_shuffled(BallotContent, ballot)


_Secret = TypeVar("_Secret", VoterRecord, BallotContent)


def _rewrite_shuffled(model: type[_Secret], ballot: Ballot) -> None:
    rows = list(model.objects.filter(ballot=ballot))
    _RNG.shuffle(rows)
    model.objects.filter(ballot=ballot).delete()
    model.objects.bulk_create(rows, batch_size=1000)


def _batch_min(ballot: Ballot) -> int:
    from gongzhi.decisions.services import seal_batch_min

    return seal_batch_min(ballot)
