"""The Method of Equal Shares (MES), fast and exact.

Definition (Peters, Pierczyński & Skowron, NeurIPS 2021; equalshares.net): every voter gets
an equal share ``beta`` of a (virtual) budget. In each round, for every remaining project
``c`` we find the smallest price ``rho`` per unit of utility such that the supporters,
each paying ``min(budget_i, rho * u_i(c))``, raise exactly ``cost(c)``. The project with
the smallest ``rho`` is funded and its supporters pay; projects whose supporters can no
longer raise the cost are dropped. Utilities are *cost utilities* (``u_i(c) = w_i(c) *
cost(c)``, the standard for approval PB, where the price per supporter is ``rho *
cost``, i.e. "effective vote count" ``1 / rho``) or *cardinality utilities* (``u_i(c) =
w_i(c)``); ``w_i(c)`` is 1 for approval/choose-1 and the points for cumulative or
ordinal ballots.

Speed: voters with identical ballots are merged (see :mod:`.profile`); each project's
supporters are a slice of CSR arrays; a candidate's ``rho`` is computed with numpy by
sorting supporters by ``budget / utility`` and scanning prefix sums. As in the reference
implementation we only recompute a candidate whose previous ``rho`` (a lower bound of its
current one, since budgets only shrink) is not already worse than the best found in the
round.

Exactness: the numpy path works in floats, but every decision that could flip within
rounding error is settled with :class:`fractions.Fraction`. Two candidates whose float
``rho`` are within a relative ``1e-9`` are compared exactly, as are affordability tests
within ``1e-9`` of the cost; the exact budgets needed for that are rebuilt by replaying
the (exact) payments of earlier rounds for the voters concerned. Real float errors are
around ``1e-14``, so the band only catches genuine or near ties, e.g. projects with equal
vote counts in the first round. Exact ties are broken by :class:`.tiebreak.TieBreak`.

Completion ``add1`` (Pabulib ``equalshares/add1``): the per-voter budget starts at
``floor(budget / voters)`` and rises by one currency unit per step while the outcome costs
at most the real budget; the result is the last outcome within budget. It does not stop
early when an outcome is exhaustive (pabutools does; ``stop_when_exhaustive=True`` gives
that variant). See :func:`equal_shares_add1` for how steps are skipped safely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from .outcome import Outcome, json_number
from .profile import PBProfile, as_number
from .tiebreak import DEFAULT_TIE_BREAK, TieBreak

Utility = Literal["cost", "cardinality"]
REL_TOL = 1e-9


@dataclass
class _Static:
    """Per-profile arrays reused by every MES run (and every add1 step)."""

    profile: PBProfile
    utility: Utility
    priority: np.ndarray
    sup: list[np.ndarray] = field(default_factory=list)
    util: list[np.ndarray] = field(default_factory=list)
    mult_f: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cost_f: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cost_x: list[Fraction] = field(default_factory=list)
    factor_x: list[Fraction] = field(default_factory=list)
    total_util: np.ndarray = field(default_factory=lambda: np.zeros(0))
    candidates: list[int] = field(default_factory=list)
    free: list[int] = field(default_factory=list)
    _type_items: list[dict[int, int]] | None = None

    def type_items(self, t: int) -> dict[int, int]:
        """Ballot of voter type ``t`` as ``{project: weight}`` (built on first exact check)."""
        if self._type_items is None:
            self._type_items = [dict(b) for b in self.profile.type_ballots]
        return self._type_items[t]

    @classmethod
    def build(cls, profile: PBProfile, utility: Utility, tie_break: TieBreak) -> _Static:
        if utility not in ("cost", "cardinality"):
            raise ValueError(f"MES utility must be 'cost' or 'cardinality', not {utility!r}")
        st = cls(profile, utility, tie_break.priority(profile))
        st.mult_f = profile.type_mult.astype(np.float64)
        st.cost_x = [Fraction(c) for c in profile.costs]
        st.cost_f = np.array([float(c) for c in st.cost_x])
        st.factor_x = [c if utility == "cost" else Fraction(1) for c in st.cost_x]
        totals = []
        for p in range(profile.n_projects):
            s = profile.supporters(p)
            u = profile.weights(p).astype(np.float64) * float(st.factor_x[p])
            st.sup.append(s)
            st.util.append(u)
            totals.append(float(np.dot(st.mult_f[s], u)))
            if len(s) and st.cost_x[p] > 0:
                st.candidates.append(p)
            elif len(s) and st.cost_x[p] == 0:
                st.free.append(p)
        st.total_util = np.array(totals)
        return st


@dataclass
class MESRun:
    """One fixed-budget MES run: winners in order plus what explanations need."""

    beta: Fraction
    winners: list[int]
    rounds: list[dict[str, Any]]
    dropped: dict[int, dict[str, Any]]
    last_rho: dict[int, float]
    exact_checks: int = 0


class _Runner:
    """State of a single run; see the module docstring for the float/exact split."""

    def __init__(self, st: _Static, beta: Fraction, record: bool):
        self.st = st
        self.beta = Fraction(beta)
        self.record = record
        self.b = np.full(len(st.mult_f), float(self.beta))
        self.sel_round = np.full(st.profile.n_projects, -1, dtype=np.int64)
        self.history: list[int] = []
        self.rho_x: dict[int, Fraction] = {}
        self.exact_checks = 0

    # ---------------------------------------------------------------- exact path
    def _exact_budget(self, t: int, upto: int) -> Fraction:
        """Exact budget of voter type ``t`` before round ``upto``."""
        events = sorted(
            (int(self.sel_round[p]), p, w)
            for p, w in self.st.type_items(t).items()
            if 0 <= self.sel_round[p] < upto
        )
        budget = self.beta
        for r, p, w in events:
            if budget <= 0:
                break
            budget = max(Fraction(0), budget - self._rho_exact(r) * w * self.st.factor_x[p])
        return budget

    def _solve_exact(self, p: int, upto: int) -> Fraction | None:
        """Exact minimal ``rho`` of project ``p`` before round ``upto`` (None: unaffordable)."""
        st = self.st
        items = []
        weights = st.profile.weights(p)
        mult = st.profile.type_mult
        factor = st.factor_x[p]
        for t, w in zip(st.sup[p].tolist(), weights.tolist(), strict=True):
            items.append((self._exact_budget(t, upto), int(w) * factor, int(mult[t])))
        cost = st.cost_x[p]
        if sum((m * b for b, _, m in items), Fraction(0)) < cost:
            return None
        items.sort(key=lambda x: x[0] / x[1])
        paid = Fraction(0)
        denom = sum((m * u for _, u, m in items), Fraction(0))
        for b, u, m in items:
            rho = (cost - paid) / denom
            if rho * u <= b:
                return rho
            paid += m * b
            denom -= m * u
        return None  # pragma: no cover - unreachable when money >= cost

    def _rho_exact(self, r: int) -> Fraction:
        if r not in self.rho_x:
            rho = self._solve_exact(self.history[r], r)
            assert rho is not None, "a funded project was affordable"
            self.rho_x[r] = rho
        return self.rho_x[r]

    # ---------------------------------------------------------------- float path
    def _evaluate(self, p: int) -> tuple[float, float, float] | None:
        """Float ``(rho, tolerance, money)`` of ``p``; None if it is (exactly) unaffordable."""
        st = self.st
        s = st.sup[p]
        u = st.util[p]
        m = st.mult_f[s]
        bb = self.b[s]
        mb = m * bb
        money = float(mb.sum())
        cost = st.cost_f[p]
        band = REL_TOL * cost
        if money < cost - band:
            return None
        if money <= cost + band:
            self.exact_checks += 1
            rho_x = self._solve_exact(p, len(self.history))
            if rho_x is None:
                return None
            rho = float(rho_x)
            return rho, REL_TOL * rho, money
        rho, rich_util = self._solve_float(cost, bb, u, mb, m * u, st.total_util[p])
        tol = REL_TOL * rho + 1e-12 * cost / max(rich_util, 1e-300)
        return rho, tol, money

    @staticmethod
    def _solve_float(
        cost: float,
        bb: np.ndarray,
        u: np.ndarray,
        mb: np.ndarray,
        mu: np.ndarray,
        total_util: float,
    ) -> tuple[float, float]:
        """Smallest ``rho`` with ``sum(m * min(b, rho * u)) == cost``, and the rich utility.

        Poor/rich iteration: start with everyone paying ``rho * u``; voters who cannot
        afford it pay their whole budget instead and ``rho`` is recomputed. ``rho`` only
        grows, so the poor set only grows, and it stops at the consistent split (the same
        ``rho`` as the sort-and-scan of the reference implementation) usually after 1-3
        passes, without sorting. A sort-based scan is the fallback for long cascades.
        """
        rho = cost / total_util
        poor = np.zeros(len(bb), dtype=bool)
        paid = 0.0
        rich_util = total_util
        for _ in range(32):
            new = bb < rho * u
            new &= ~poor
            if not new.any():
                return rho, rich_util
            poor |= new
            paid += float(mb[new].sum())
            rich_util -= float(mu[new].sum())
            if rich_util <= 0:
                break
            rho = (cost - paid) / rich_util
        ratio = bb / u
        order = np.argsort(ratio, kind="stable")
        mus = mu[order]
        mbs = mb[order]
        paid_k = np.cumsum(mbs) - mbs
        rich_k = total_util - (np.cumsum(mus) - mus)
        with np.errstate(divide="ignore", invalid="ignore"):
            rhos = (cost - paid_k) / rich_k
        ok = rhos <= ratio[order] * (1 + 1e-12)
        k = int(np.argmax(ok)) if ok.any() else len(order) - 1
        return float(rhos[k]), float(rich_k[k])

    def run(self) -> MESRun:
        st = self.st
        winners = list(st.free)
        rounds: list[dict[str, Any]] = []
        dropped: dict[int, dict[str, Any]] = {}
        remaining = set(st.candidates)
        # lower bounds of each candidate's rho (rho only grows during a run)
        prev = {p: st.cost_f[p] / st.total_util[p] for p in remaining}
        while remaining:
            order = sorted(remaining, key=lambda p: (prev[p], st.priority[p]))
            evaluated: list[tuple[int, float, float]] = []
            best_hi = math.inf
            for p in order:
                if prev[p] * (1 - 2 * REL_TOL) > best_hi:
                    break
                res = self._evaluate(p)
                if res is None:
                    remaining.discard(p)
                    if self.record:
                        s = st.sup[p]
                        dropped[p] = {
                            "round": len(self.history),
                            "money_behind": float(np.dot(st.mult_f[s], self.b[s])),
                            "last_rho": prev[p],
                        }
                    continue
                rho, tol, _money = res
                prev[p] = rho
                evaluated.append((p, rho, tol))
                best_hi = min(best_hi, rho + tol)
            if not evaluated:
                break
            contenders = [(p, rho, tol) for p, rho, tol in evaluated if rho - tol <= best_hi]
            if len(contenders) == 1:
                winner, rho = contenders[0][0], contenders[0][1]
            else:
                self.exact_checks += 1
                exact = {p: self._solve_exact(p, len(self.history)) for p, _, _ in contenders}
                low = min(v for v in exact.values() if v is not None)
                tied = [p for p, v in exact.items() if v == low]
                winner = min(tied, key=lambda p: st.priority[p])
                rho = float(low)
                self.rho_x[len(self.history)] = low
            self._pay(winner, rho, rounds)
            remaining.discard(winner)
        return MESRun(
            self.beta,
            winners + self.history,
            rounds,
            dropped,
            {p: float(v) for p, v in prev.items()},
            self.exact_checks,
        )

    def _pay(self, p: int, rho: float, rounds: list[dict[str, Any]]) -> None:
        st = self.st
        s = st.sup[p]
        u = st.util[p]
        before = self.b[s]
        due = rho * u
        after = np.maximum(0.0, before - due)
        if self.record:
            m = st.mult_f[s]
            full = before >= due * (1 - 1e-12)
            paid = before - after
            rounds.append(
                {
                    "project": p,
                    "rho": rho,
                    "supporters": int(m.sum()),
                    "full_payers": int(m[full].sum()),
                    "partial_payers": int(m[~full].sum()),
                    "max_payment": float(due.max()),
                    "paid_by_full": float(np.dot(m[full], paid[full])),
                    "paid_by_partial": float(np.dot(m[~full], paid[~full])),
                    "payments": _payment_groups(paid, m, full),
                }
            )
        self.b[s] = after
        self.sel_round[p] = len(self.history)
        self.history.append(p)


def _payment_groups(
    paid: np.ndarray, mult: np.ndarray, full: np.ndarray, bins: int = 10
) -> list[dict[str, Any]]:
    """Who paid how much, for charts: full payers grouped by amount (one group for approval
    ballots), the others (who paid all they had left) in ``bins`` equal-width ranges."""
    out: list[dict[str, Any]] = []
    if full.any():
        amounts = np.round(paid[full], 6)
        values, inverse = np.unique(amounts, return_inverse=True)
        counts = np.bincount(inverse, weights=mult[full])
        for amount, count in zip(values.tolist(), counts.tolist(), strict=True):
            out.append({"kind": "full", "amount": amount, "voters": int(count)})
    if (~full).any():
        part = paid[~full]
        top = float(part.max()) if len(part) else 0.0
        hist, edges = np.histogram(part, bins=bins, range=(0.0, top or 1.0), weights=mult[~full])
        for i, count in enumerate(hist.tolist()):
            if count:
                out.append(
                    {
                        "kind": "partial",
                        "from": round(float(edges[i]), 6),
                        "to": round(float(edges[i + 1]), 6),
                        "voters": int(count),
                    }
                )
    return out


def _run(st: _Static, beta: Fraction, record: bool = False) -> MESRun:
    return _Runner(st, beta, record).run()


# ---------------------------------------------------------------------- public API


def equal_shares(
    profile: PBProfile,
    *,
    utility: Utility = "cost",
    tie_break: TieBreak = DEFAULT_TIE_BREAK,
    budget: Fraction | int | None = None,
    rule: str = "equalshares",
) -> Outcome:
    """MES without completion: each voter starts with ``budget / voters``."""
    st = _Static.build(profile, utility, tie_break)
    limit = Fraction(profile.budget if budget is None else budget)
    beta = limit / profile.n_voters if profile.n_voters else Fraction(0)
    run = _run(st, beta, record=True)
    return _outcome(profile, st, run, rule, limit, {"completion": None})


def equal_shares_add1(
    profile: PBProfile,
    *,
    utility: Utility = "cost",
    tie_break: TieBreak = DEFAULT_TIE_BREAK,
    increment: Fraction | int = 1,
    start: Literal["floor", "exact"] = "floor",
    stop_when_exhaustive: bool = False,
    rule: str = "equalshares/add1",
) -> Outcome:
    """MES with the add1 completion (see the module docstring).

    Each step is a full MES run, computed independently, so the result is exactly the
    official definition. Steps are skipped only when that is provably harmless: once the
    per-voter budget is at least the total cost of all projects, every voter can pay for
    everything she supports, so the outcome is "all supported projects" for every larger
    budget and the loop ends there.
    """
    limit = Fraction(profile.budget)
    n = profile.n_voters
    st = _Static.build(profile, utility, tie_break)
    if n == 0:
        return _outcome(
            profile,
            st,
            _run(st, Fraction(0), True),
            rule,
            limit,
            {"completion": "add1", "steps": 0},
        )
    beta = Fraction(math.floor(limit / n)) if start == "floor" else limit / n
    step = Fraction(increment)
    cap = sum(st.cost_x, Fraction(0))
    best = _run(st, beta)
    steps = 0
    trace = [(beta, _cost(st, best.winners))]
    while True:
        if stop_when_exhaustive and _is_exhaustive(st, best.winners, limit):
            break
        if beta >= cap:
            break
        nxt = _run(st, beta + step)
        steps += 1
        spent = _cost(st, nxt.winners)
        trace.append((beta + step, spent))
        if spent > limit:
            break
        beta += step
        best = nxt
    final = _run(st, beta, record=True)
    extra = {
        "completion": "add1",
        "start_beta": json_number(trace[0][0]),
        "steps": steps,
        "trace": [{"beta": json_number(b), "cost": json_number(c)} for b, c in trace[-50:]],
    }
    return _outcome(profile, st, final, rule, limit, extra)


def _cost(st: _Static, winners: list[int]) -> Fraction:
    return sum((st.cost_x[p] for p in winners), Fraction(0))


def _is_exhaustive(st: _Static, winners: list[int], limit: Fraction) -> bool:
    """No supported project left out would still fit (as pabutools checks it)."""
    spent = _cost(st, winners)
    chosen = set(winners)
    return all(spent + st.cost_x[p] > limit for p in st.candidates if p not in chosen)


def _outcome(
    profile: PBProfile, st: _Static, run: MESRun, rule: str, limit: Fraction, extra: dict[str, Any]
) -> Outcome:
    from .explain import explain_mes_run

    winners = run.winners
    details = {
        "kind": "mes",
        "utility": st.utility,
        **extra,
        "beta": json_number(run.beta),
        "exact_checks": run.exact_checks,
    }
    details.update(explain_mes_run(profile, st.cost_x, run))
    return Outcome(
        rule=rule,
        selected=[profile.project_ids[p] for p in winners],
        cost=as_number(_cost(st, winners)),
        budget=as_number(limit),
        details=details,
    )
