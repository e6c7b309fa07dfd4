"""The vote matrix (step 1 of an update): Pol.is' rating matrix, ``named_matrix.clj``.

``VoteMatrix.from_votes``: participant x statement, agree 1, disagree -1, pass 0, missing
absent; the latest vote of a participant on a statement wins. Rows are in the order
participants first voted, columns in statement id order. Only the votes cast are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each value's index; a lookup table for small integers."""
    if values.dtype.kind in "iu" and len(values):
        lo, hi = int(values.min()), int(values.max())
        if lo >= 0 and hi < 4 * len(values) + 1024:
            present = np.zeros(hi + 1, dtype=bool)
            present[values] = True
            index = np.cumsum(present) - 1
            return np.flatnonzero(present).astype(values.dtype), index[values]
    return np.unique(values, return_inverse=True)


@dataclass
class VoteMatrix:
    participants: np.ndarray  # participant ids, in row order
    statements: np.ndarray  # statement ids, in column order (ascending)
    rows: np.ndarray  # COO row index of each observed vote (int64)
    cols: np.ndarray  # COO column index
    vals: np.ndarray  # vote value (float64: 1, -1, 0)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participants), len(self.statements)

    @classmethod
    def from_votes(
        cls,
        participant: Any,
        statement: Any,
        vote: Any,
        time: Any | None = None,
    ) -> VoteMatrix:
        """Build the matrix from parallel arrays; the latest vote per pair wins.

        ``time`` orders the votes (ties: the later row wins); without it, row order is time.
        """
        pid = np.asarray(participant)
        tid = np.asarray(statement)
        val = np.asarray(vote, dtype=np.float64)
        n = len(pid)
        if not (len(tid) == n == len(val)):
            raise ValueError("participant, statement and vote arrays differ in length")
        t = np.arange(n, dtype=np.float64) if time is None else np.asarray(time, np.float64)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), empty, empty,
                       np.zeros(0, np.float64))
        bad = ~np.isin(val, (-1.0, 0.0, 1.0))
        if bad.any():
            raise ValueError("votes must be 1 (agree), -1 (disagree) or 0 (pass)")
        p_ids, p_idx = _factorize(pid)
        s_ids, s_idx = _factorize(tid)
        # votes in time order (stable: equal times keep row order), then grouped by pair
        if n < 2 or bool(np.all(t[1:] >= t[:-1])):
            by_time = np.arange(n)
        else:
            by_time = np.argsort(t, kind="stable")
        pair = p_idx.astype(np.int64) * len(s_ids) + s_idx
        # one sort of (pair, time rank) packed into int64 keys, all distinct
        keys = np.sort(pair[by_time] * n + np.arange(n))
        pair_sorted, rank_sorted = np.divmod(keys, n)
        last = np.ones(n, dtype=bool)
        last[:-1] = pair_sorted[1:] != pair_sorted[:-1]
        keep = by_time[rank_sorted[last]]
        # rows in order of each participant's first vote (ties: smaller id first)
        _, first_pos = np.unique(p_idx[by_time], return_index=True)
        row_order = np.argsort(first_pos, kind="stable")
        rank = np.empty_like(row_order)
        rank[row_order] = np.arange(len(row_order))
        return cls(
            participants=p_ids[row_order],
            statements=s_ids,
            rows=rank[p_idx[keep]].astype(np.int64),
            cols=s_idx[keep].astype(np.int64),
            vals=val[keep],
        )

    def reorder_rows(self, order: np.ndarray) -> VoteMatrix:
        """The same matrix with row ``order[i]`` as row ``i``."""
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return VoteMatrix(self.participants[order], self.statements, rank[self.rows],
                          self.cols, self.vals)

    def vote_counts(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=self.shape[0])
