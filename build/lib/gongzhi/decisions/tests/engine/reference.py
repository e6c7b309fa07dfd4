"""A deliberately naive, exact (Fraction) Method of Equal Shares used as a test oracle.

It follows the equalshares.net reference implementation line by line, one voter at a
time, with no merging of voters and no pruning, so it shares no code or trick with the
engine."""

from __future__ import annotations

from fractions import Fraction


def reference_mes(costs, ballots, beta, priority, utility="cost"):
    """``ballots``: list of ``{project: weight}``; returns winners in selection order."""
    costs = [Fraction(c) for c in costs]
    budget = [Fraction(beta)] * len(ballots)
    factor = [c if utility == "cost" else Fraction(1) for c in costs]
    supporters = {
        p: [(i, Fraction(b[p]) * factor[p]) for i, b in enumerate(ballots) if b.get(p, 0) > 0]
        for p in range(len(costs))
    }
    winners = [p for p in range(len(costs)) if costs[p] == 0 and supporters[p]]
    remaining = {p for p in range(len(costs)) if costs[p] > 0 and supporters[p]}
    while True:
        best = None
        for p in sorted(remaining):
            sup = supporters[p]
            if sum(budget[i] for i, _ in sup) < costs[p]:
                continue
            order = sorted(sup, key=lambda x: budget[x[0]] / x[1])
            paid = Fraction(0)
            denom = sum(u for _, u in sup)
            for i, u in order:
                rho = (costs[p] - paid) / denom
                if rho * u <= budget[i]:
                    break
                paid += budget[i]
                denom -= u
            key = (rho, priority[p])
            if best is None or key < best[0]:
                best = (key, p)
        if best is None:
            return winners
        (rho, _), p = best
        winners.append(p)
        remaining.discard(p)
        for i, u in supporters[p]:
            budget[i] -= min(budget[i], rho * u)


def reference_add1(costs, ballots, total, priority, utility="cost"):
    n = len(ballots)
    beta = Fraction(int(Fraction(total) // n))
    best = reference_mes(costs, ballots, beta, priority, utility)
    cap = sum(Fraction(c) for c in costs)
    while beta < cap:
        nxt = reference_mes(costs, ballots, beta + 1, priority, utility)
        if sum(Fraction(costs[p]) for p in nxt) > Fraction(total):
            break
        beta += 1
        best = nxt
    return best
