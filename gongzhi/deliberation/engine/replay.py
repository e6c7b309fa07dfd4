"""Replay (step 9): an export's vote history as Pol.is' poller delivered it.

One update per 1000 ms of votes, as ``poller.clj`` and ``conv_man.clj`` (Pol.is'
``math/src/polismath/``) run them; and, for a single update on the final votes, who was ever
in conversation over that history (``in_conversation_history``, ``:in-conv`` of
``conversation.clj``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gongzhi.deliberation.engine.matrix import VoteMatrix
from gongzhi.deliberation.engine.opinion import Result, compute
from gongzhi.deliberation.engine.params import Params


def in_conversation_history(
    participant: Any, statement: Any, time: Any, params: Params = Params()
) -> np.ndarray:
    """Participants who were "in conversation" at any moment of the vote history.

    Pol.is checks ``votes >= min(7, statements so far)`` on every update and never drops anyone,
    and while fewer than 15 are in it adds the most active; replayed vote by vote, that makes
    the first 15 participants members, plus everyone who at some vote had voted on
    ``min(7, statements voted on so far)`` statements. Returns the participant ids.
    """
    pid, tid = np.asarray(participant), np.asarray(statement)
    t = np.asarray(time, dtype=np.float64)
    if len(pid) == 0:
        return np.zeros(0, dtype=pid.dtype)
    order = np.lexsort((np.arange(len(pid)), t))
    pid, tid = pid[order], tid[order]
    # first occurrence of each (participant, statement) pair, in time order
    _, p_idx = np.unique(pid, return_inverse=True)
    _, s_idx = np.unique(tid, return_inverse=True)
    pair = p_idx.astype(np.int64) * (s_idx.max() + 1) + s_idx
    _, first_pair = np.unique(pair, return_index=True)
    is_new_pair = np.zeros(len(pid), dtype=bool)
    is_new_pair[first_pair] = True
    _, first_stmt = np.unique(s_idx, return_index=True)
    is_new_stmt = np.zeros(len(pid), dtype=bool)
    is_new_stmt[first_stmt] = True
    n_stmts = np.cumsum(is_new_stmt)
    # running count of distinct statements per participant
    ev = np.flatnonzero(is_new_pair)
    ev_p = p_idx[ev]
    o = np.lexsort((ev, ev_p))
    sorted_p = ev_p[o]
    start = np.r_[0, np.flatnonzero(sorted_p[1:] != sorted_p[:-1]) + 1]
    running = np.arange(len(o)) - np.repeat(start, np.diff(np.r_[start, len(o)])) + 1
    count_at = np.empty(len(o), dtype=np.int64)
    count_at[o] = running
    qualifies = count_at >= np.minimum(params.min_votes, n_stmts[ev])
    inside = np.zeros(p_idx.max() + 1, dtype=bool)
    inside[ev_p[qualifies]] = True
    _, first_seen = np.unique(p_idx, return_index=True)
    inside[p_idx[np.sort(first_seen)[: params.greedy_n]]] = True
    return np.unique(pid)[inside]


POLL_MS = 1000.0  # poller.clj: default :polling-interval of the vote poller, in milliseconds


def poll_batches(time: Any, poll_ms: float = POLL_MS) -> np.ndarray:
    """End positions (exclusive) of the vote batches Pol.is' poller would have delivered.

    ``poller.clj`` (``poll``) asks for the votes created since the last poll every ``poll_ms``
    and ``conv_man.clj`` (``go-act!``) runs one ``conv-update`` per batch. Votes are taken in
    time order and cut into windows of ``poll_ms`` counted from the first vote; an empty window
    makes no update. Returns the end index of each non-empty batch in time order.
    """
    t = np.sort(np.asarray(time, dtype=np.float64), kind="stable")
    if len(t) == 0:
        return np.zeros(0, dtype=np.int64)
    window = np.floor((t - t[0]) / poll_ms).astype(np.int64)
    return np.r_[np.flatnonzero(np.diff(window)) + 1, len(t)].astype(np.int64)


def _polis_row_keys(pid: np.ndarray, tid: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Pol.is' row order: ``update-nmat`` (named_matrix.clj) appends a new participant's row
    where their first vote comes in the batch, and ``conv-poll`` / ``poll`` (postgres.clj)
    deliver a batch ordered by statement, then participant. Returns sorted participant ids
    and their rank: (first batch, smallest statement in it, participant id)."""
    batch = np.searchsorted(ends, np.arange(len(pid)), side="right")
    ids, inverse = np.unique(pid, return_inverse=True)
    first = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, batch)
    in_first = batch == first[inverse]
    min_tid = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(min_tid, inverse[in_first], tid[in_first].astype(np.int64))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.lexsort((ids, min_tid, first))] = np.arange(len(ids))
    return np.stack([ids.astype(np.int64), rank], axis=1)


def replay(
    participant: Any,
    statement: Any,
    vote: Any,
    time: Any,
    *,
    moderated_out: set[int] | frozenset[int] = frozenset(),
    meta: set[int] | frozenset[int] = frozenset(),
    poll_ms: float = POLL_MS,
    params: Params = Params(),
) -> Result:
    """Pol.is' live history of a conversation, replayed from the vote timestamps.

    One ``compute`` per poll batch (``poll_batches``), each on all votes so far and started
    from the previous update's state, as the conversation actor keeps it in memory: sticky
    in-conversation set with the greedy top-up to 15 (``:in-conv``), PCA warm start
    (``:start-vectors``), base and group clusters warm-started per k (``:last-clusters``) and
    the k-smoother (``:group-k-smoother``). An export does not say when statements were
    moderated, so the final moderation applies throughout. Returns the last update's result.
    """
    pid = np.asarray(participant)
    tid = np.asarray(statement)
    val = np.asarray(vote)
    t = np.asarray(time, dtype=np.float64)
    order = np.argsort(t, kind="stable")
    pid, tid, val, t = pid[order], tid[order], val[order], t[order]
    ends = poll_batches(t, poll_ms)
    row_key = _polis_row_keys(pid, tid, ends)
    state: dict | None = None
    result: Result | None = None
    for end in ends:
        matrix = VoteMatrix.from_votes(pid[:end], tid[:end], val[:end], t[:end])
        matrix = matrix.reorder_rows(np.argsort(row_key[np.searchsorted(row_key[:, 0],
                                                 matrix.participants), 1], kind="stable"))
        result = compute(matrix, moderated_out=moderated_out, meta=meta, state=state,
                         params=params, statistics=end == len(t))
        state = result.state
    if result is None:
        result = compute(VoteMatrix.from_votes(pid, tid, val, t), moderated_out=moderated_out,
                         meta=meta, params=params)
    return result
