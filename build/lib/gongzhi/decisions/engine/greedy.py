"""Greedy rules: the way most cities actually count participatory budgets.

Projects are ranked by score (approvals, points, Borda points from ranks) or by score per
unit of cost, and funded down the list:

* ``skip`` (Pabulib ``greedy``): a project that no longer fits is skipped and the count
  goes on with cheaper projects further down;
* ``no-skip`` (``greedy-no-skip``): the count stops at the first project that does not fit;
* ``threshold`` (``greedy-threshold``): like ``skip`` but only projects whose score is at
  least META ``min_project_score_threshold`` ("at least", as the Pabulib checker does).

A project that costs more than the whole budget can never be funded; it is marked
``exceeds_budget`` and passed over without stopping a no-skip count. This is how Pabulib
represents projects withdrawn after the vote (their cost is set to 999,999,999; see
Wrocław 2017, Rejon 11), and it is the only sensible reading for a project that should
not have been on the ballot.

Every project gets a row in ``details["rows"]`` (rank, score, cost, cumulative cost and
status), which is what the UI draws as "the ranked list with the cut".
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from .outcome import Outcome, json_number
from .profile import PBProfile, as_number
from .tiebreak import DEFAULT_TIE_BREAK, TieBreak

GreedyStatus = Literal[
    "selected",
    "does_not_fit",
    "below_threshold",
    "exceeds_budget",
    "after_stop",
    "already_selected",
]


def greedy_order(
    profile: PBProfile, by: str = "score", tie_break: TieBreak = DEFAULT_TIE_BREAK
) -> list[int]:
    """Projects best first: by exact score, or exact score/cost for ``by="ratio"``."""
    priority = tie_break.priority(profile)

    def key(p: int) -> tuple:
        score = Fraction(profile.score_units[p])
        if by == "ratio":
            cost = Fraction(profile.costs[p])
            value = score / cost if cost > 0 else Fraction(10**30) * (1 + score)
        elif by == "score":
            value = score
        else:
            raise ValueError(f"greedy order by {by!r}: use 'score' or 'ratio'")
        return (-value, int(priority[p]))

    return sorted(range(profile.n_projects), key=key)


def greedy(
    profile: PBProfile,
    *,
    variant: Literal["skip", "no-skip"] = "skip",
    by: Literal["score", "ratio"] = "score",
    threshold: Fraction | int | None = None,
    tie_break: TieBreak = DEFAULT_TIE_BREAK,
    budget: Fraction | int | None = None,
    initial: list[int] | None = None,
    rule: str = "greedy",
) -> Outcome:
    """Run a greedy count; ``initial`` projects are already funded (used for completion)."""
    limit = Fraction(profile.budget if budget is None else budget)
    chosen = list(initial or [])
    spent = sum((Fraction(profile.costs[p]) for p in chosen), Fraction(0))
    rows = []
    stopped = False
    threshold_units = None
    if threshold is not None:
        threshold_units = Fraction(threshold) / profile.weight_scale
    for rank, p in enumerate(greedy_order(profile, by, tie_break), start=1):
        cost = Fraction(profile.costs[p])
        status: GreedyStatus
        if p in chosen:
            status = "already_selected"
        elif threshold_units is not None and profile.score_units[p] < threshold_units:
            status = "below_threshold"
        elif cost > limit:
            status = "exceeds_budget"
        elif stopped:
            status = "after_stop"
        elif spent + cost <= limit:
            status = "selected"
            spent += cost
            chosen.append(p)
        else:
            status = "does_not_fit"
            if variant == "no-skip":
                stopped = True
        rows.append(
            {
                "rank": rank,
                "project_id": profile.project_ids[p],
                "name": profile.names[p],
                "score": json_number(profile.score(p)),
                "votes": int(profile.votes[p]),
                "cost": json_number(profile.costs[p]),
                "cumulative_cost": json_number(spent) if status == "selected" else None,
                "remaining_budget": json_number(limit - spent),
                "status": status,
            }
        )
    return Outcome(
        rule=rule,
        selected=[profile.project_ids[p] for p in chosen],
        cost=as_number(spent),
        budget=as_number(limit),
        details={
            "kind": "greedy",
            "variant": variant,
            "by": by,
            "threshold": None if threshold is None else json_number(threshold),
            "tie_break": tie_break.describe(),
            "rows": rows,
        },
    )
