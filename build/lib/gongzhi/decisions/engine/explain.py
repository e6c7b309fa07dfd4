"""Explanations a UI can chart: why each project won or lost.

Everything returned here is plain JSON (dicts, lists, str, int, float, None).

* Greedy: ``details["rows"]`` (built in :mod:`.greedy`) is the ranked list with the cut.
* MES: :func:`explain_mes_run` lists, for each winner, the round, the price per supporter,
  how many supporters paid it in full and how many could only pay what they had left;
  and for each loser (most votes first) why it lost: at the round its supporters'
  remaining money fell below its cost, the average payment it needed per supporter versus
  what they had on average. A project that stayed affordable but was always beaten also
  gets its last "effective vote count" compared with the winners'.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .outcome import Outcome, json_number

if TYPE_CHECKING:
    from .mes import MESRun
    from .profile import PBProfile


def _money(value: float) -> float:
    """Round away float residue (amounts are in currency units)."""
    rounded = round(value, 6)
    return 0.0 if rounded == 0 else rounded


def explain_mes_run(
    profile: PBProfile, costs: list[Fraction], run: MESRun, losers_limit: int = 20
) -> dict[str, Any]:
    winners_info = []
    for order, rec in enumerate(run.rounds, start=1):
        p = rec["project"]
        cost = float(costs[p])
        winners_info.append(
            {
                "round": order,
                "project_id": profile.project_ids[p],
                "name": profile.names[p],
                "cost": json_number(costs[p]),
                "votes": int(profile.votes[p]),
                "rho": rec["rho"],
                "price_per_supporter": rec["max_payment"],
                "effective_vote_count": cost / rec["max_payment"] if rec["max_payment"] else None,
                "supporters": rec["supporters"],
                "paid_full_price": rec["full_payers"],
                "paid_all_they_had": rec["partial_payers"],
                "paid_by_full_payers": _money(rec["paid_by_full"]),
                "paid_by_others": _money(rec["paid_by_partial"]),
                "payments": rec["payments"],
            }
        )
    chosen = set(run.winners)
    losers = sorted(
        (p for p in range(profile.n_projects) if p not in chosen),
        key=lambda p: (-int(profile.votes[p]), p),
    )
    losers_info = []
    for p in losers[:losers_limit]:
        cost = float(costs[p])
        votes = int(profile.votes[p])
        info: dict[str, Any] = {
            "project_id": profile.project_ids[p],
            "name": profile.names[p],
            "cost": json_number(costs[p]),
            "votes": votes,
        }
        drop = run.dropped.get(p)
        # money is tracked in floats; round off float residue for display (decisions
        # themselves were taken exactly, see mes.py)
        if votes == 0:
            info["reason"] = "no_support"
        elif drop is not None:
            money = _money(drop["money_behind"])
            info.update(
                {
                    "reason": "supporters_ran_out_of_money",
                    "round": drop["round"] + 1,
                    "winners_before": drop["round"],
                    "money_of_supporters": money,
                    "shortfall": _money(cost - money),
                    "needed_per_supporter": cost / votes,
                    "available_per_supporter": _money(money / votes),
                    "initial_money_of_supporters": float(run.beta) * votes,
                }
            )
        else:
            info["reason"] = "not_reached"
        if p in run.last_rho and run.rounds:
            info["last_effective_vote_count"] = (
                (1.0 / run.last_rho[p] if run.last_rho[p] > 0 else None) if costs[p] else None
            )
        losers_info.append(info)
    return {"winners": winners_info, "losers": losers_info}


def explain(outcome: Outcome) -> dict[str, Any]:
    """The JSON explanation of any outcome: rule, selection, totals, rule details, notes."""
    return {**outcome.to_json(), "details": outcome.details, "notes": list(outcome.notes)}
