"""Synthetic conversations with planted opinion groups, for tests, benchmarks and the demo."""

from __future__ import annotations

import numpy as np


def synthetic_votes(
    n_participants: int,
    n_statements: int,
    *,
    votes_per_participant: int = 50,
    n_groups: int = 3,
    seed: int = 0,
    consensus: tuple[int, ...] = (0, 1),
    noise: float = 0.15,
    pass_rate: float = 0.1,
):
    """Votes of participants drawn from ``n_groups`` groups with opposed leanings.

    Every group agrees with the ``consensus`` statements; on the others each group leans a
    random way. Returns (participant, statement, vote, group of each participant id).
    """
    rng = np.random.default_rng(seed)
    lean = rng.choice([-1, 1], size=(n_groups, n_statements))
    lean[:, list(consensus)] = 1
    group = rng.integers(0, n_groups, n_participants)
    per = min(votes_per_participant, n_statements)
    pid = np.repeat(np.arange(n_participants), per)
    # each participant votes on ``per`` distinct statements
    keys = rng.random((n_participants, n_statements))
    tid = np.argsort(keys, axis=1)[:, :per].ravel()
    vote = lean[group[pid], tid]
    flip = rng.random(len(vote)) < noise
    vote = np.where(flip, -vote, vote)
    vote = np.where(rng.random(len(vote)) < pass_rate, 0, vote)
    consensus_mask = np.isin(tid, consensus)
    vote = np.where(consensus_mask & (vote == -1) & (rng.random(len(vote)) < 0.8), 1, vote)
    order = rng.permutation(len(pid))
    return (pid[order].astype(np.int64), tid[order].astype(np.int64),
            vote[order].astype(np.int8), {int(p): int(g) for p, g in enumerate(group)})
