"""Loop KPIs: response-time distributions against targets, shares, monthly trends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile (numpy's default, type 7)."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@dataclass(frozen=True)
class Distribution:
    n: int
    median: float | None
    p90: float | None
    target: float | None
    within_target: float | None  # share of cases at or under the target


def distribution(values: Sequence[float], target: float | None) -> Distribution:
    n = len(values)
    within = None
    if target is not None and n:
        within = sum(1 for v in values if v <= target) / n
    return Distribution(n, quantile(values, 0.5), quantile(values, 0.9), target, within)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def per_thousand(amount: float, residents: int) -> float | None:
    return amount * 1000 / residents if residents else None
