"""Sequential Phragmén for participatory budgeting.

Voters earn virtual money continuously, one unit per unit of time, starting from zero. A
project is bought as soon as its supporters together hold its cost; they spend all their
money on it (their "load" becomes the purchase time). Formally the next project is the one
minimising ``t(c) = (cost(c) + sum of supporters' loads) / number of supporters``.
Following pabutools and Los, Christoff & Grossi (2022), the count stops at the first
project bought that no longer fits in the budget (``skip=True`` skips it instead);
projects costing more than the whole budget never enter.

Support means approval; for cumulative or ordinal ballots any positive number of points
counts as support (the classic rule is defined for approval only).

Loads are the purchase times, so each voter's load is the time of the last round that
involved them. We rank with floats and settle candidates within a relative ``1e-9`` of the
best exactly with Fractions (times are exact rationals), then break exact ties with the
configured :class:`.tiebreak.TieBreak`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .outcome import Outcome, json_number
from .profile import PBProfile, as_number
from .tiebreak import DEFAULT_TIE_BREAK, TieBreak

REL_TOL = 1e-9


def sequential_phragmen(
    profile: PBProfile,
    *,
    tie_break: TieBreak = DEFAULT_TIE_BREAK,
    skip: bool = False,
    rule: str = "phragmen",
) -> Outcome:
    limit = Fraction(profile.budget)
    priority = tie_break.priority(profile)
    mult = profile.type_mult.astype(np.float64)
    last_round = np.full(len(mult), -1, dtype=np.int64)  # -1: load 0
    times_f: list[float] = []
    times_x: list[Fraction] = []
    sup = [profile.supporters(p) for p in range(profile.n_projects)]
    counts = [int(profile.votes[p]) for p in range(profile.n_projects)]
    remaining = {
        p
        for p in range(profile.n_projects)
        if counts[p] > 0 and Fraction(profile.costs[p]) <= limit
    }
    chosen: list[int] = []
    spent = Fraction(0)
    rounds = []

    def load_sum_float(p: int) -> float:
        rounds_of = last_round[sup[p]]
        mask = rounds_of >= 0
        if not mask.any():
            return 0.0
        tf = np.asarray(times_f)
        return float(np.dot(mult[sup[p]][mask], tf[rounds_of[mask]]))

    def time_exact(p: int) -> Fraction:
        total = Fraction(profile.costs[p])
        rounds_of = last_round[sup[p]]
        weights = profile.type_mult[sup[p]]
        per_round: dict[int, int] = {}
        for r, m in zip(rounds_of.tolist(), weights.tolist(), strict=True):
            if r >= 0:
                per_round[r] = per_round.get(r, 0) + m
        for r, m in per_round.items():
            total += times_x[r] * m
        return total / counts[p]

    while remaining:
        cands = sorted(remaining)
        tf = np.array([(float(profile.costs[p]) + load_sum_float(p)) / counts[p] for p in cands])
        best = float(tf.min())
        near = [
            p
            for p, t in zip(cands, tf.tolist(), strict=True)
            if t <= best * (1 + 2 * REL_TOL) + 1e-300
        ]
        exact = {p: time_exact(p) for p in near}
        low = min(exact.values())
        winner = min((p for p in near if exact[p] == low), key=lambda p: priority[p])
        cost = Fraction(profile.costs[winner])
        if spent + cost > limit:
            if not skip:
                break
            remaining.discard(winner)
            rounds.append(
                {
                    "project_id": profile.project_ids[winner],
                    "time": float(low),
                    "status": "does_not_fit",
                }
            )
            continue
        chosen.append(winner)
        spent += cost
        r = len(times_x)
        times_x.append(low)
        times_f.append(float(low))
        last_round[sup[winner]] = r
        remaining.discard(winner)
        rounds.append(
            {
                "project_id": profile.project_ids[winner],
                "time": float(low),
                "status": "selected",
                "cost": json_number(cost),
                "supporters": counts[winner],
            }
        )
    return Outcome(
        rule=rule,
        selected=[profile.project_ids[p] for p in chosen],
        cost=as_number(spent),
        budget=as_number(limit),
        details={
            "kind": "phragmen",
            "skip": skip,
            "rounds": rounds,
            "tie_break": tie_break.describe(),
        },
    )
