"""Population-weighted inequality measures of access. Pure NumPy, no Django.

Every function takes per-place `values` (an access score or a distance) and `weights`
(residents per place). With integer weights each equals the unweighted measure over the
residents, one value per person, which is how the tests check them against PySAL
`inequality` (Gini, Theil, TheilD).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Shortfall",
    "TheilDecomposition",
    "concentration_index",
    "erreygers_index",
    "gini",
    "lorenz",
    "shortfall",
    "theil",
    "theil_decomposition",
]


def _prepare(values: Any, weights: Any) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=np.float64).ravel()
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if v.shape != w.shape:
        raise ValueError("values and weights differ in length")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    keep = np.isfinite(v) & (w > 0)
    return v[keep], w[keep]


def lorenz(values: Any, weights: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Population-weighted Lorenz curve: cumulative population share `p` and value share
    `L` after sorting places by value, both starting at 0 and ending at 1.

    Places with no residents or a missing value are left out. When every value is 0,
    L is the diagonal (no one has more than anyone else).
    """
    v, w = _prepare(values, weights)
    if v.size == 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0])
    if np.any(v < 0):
        raise ValueError("Lorenz curve needs non-negative values")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    p = np.concatenate([[0.0], np.cumsum(w)])
    amount = np.concatenate([[0.0], np.cumsum(v * w)])
    p /= p[-1]
    L = amount / amount[-1] if amount[-1] > 0 else p.copy()
    return p, L


def gini(values: Any, weights: Any = None) -> float:
    """Population-weighted Gini: sort by value, G = 1 − Σ (p_k − p_{k−1})(L_k + L_{k−1}).

    0 when everyone has the same, approaching 1 when one place has everything. NaN
    when there is nobody to compare.
    """
    v, _w = _prepare(values, weights)
    if v.size == 0:
        return float("nan")
    p, L = lorenz(values, weights)
    return float(1.0 - np.sum((p[1:] - p[:-1]) * (L[1:] + L[:-1])))


def theil(values: Any, weights: Any = None) -> float:
    """Population-weighted Theil T: Σ_i (w_i/W)(y_i/μ) ln(y_i/μ), μ the weighted mean.

    Zeros contribute 0 (the limit of s·ln s). NaN when the total is 0.
    """
    v, w = _prepare(values, weights)
    total = float(np.sum(v * w))
    if v.size == 0 or total <= 0:
        return float("nan")
    if np.any(v < 0):
        raise ValueError("Theil index needs non-negative values")
    mean = total / float(np.sum(w))
    r = v / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(r > 0, r * np.log(r), 0.0)
    return float(np.sum(w * term) / np.sum(w))


@dataclass(frozen=True)
class TheilDecomposition:
    total: float
    between: float
    within: float
    groups: dict[str, dict[str, float]]  # group → population, share of total value, mean, theil

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "between": self.between,
            "within": self.within,
            "groups": self.groups,
        }


def theil_decomposition(values: Any, weights: Any, groups: Any) -> TheilDecomposition:
    """Theil T = between + within, by group (community, tenure, ...).

    between = Σ_g s_g ln(s_g / π_g), with s_g the group's share of the total value and
    π_g its share of the population; within = Σ_g s_g T_g (Shorrocks 1980).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    g = np.asarray(groups).astype(str).ravel()
    keep = np.isfinite(v) & (w > 0)
    v, w, g = v[keep], w[keep], g[keep]
    total_value = float(np.sum(v * w))
    total_pop = float(np.sum(w))
    T = theil(v, w)
    info: dict[str, dict[str, float]] = {}
    between = 0.0
    within = 0.0
    for label in np.unique(g):
        mask = g == label
        pop = float(np.sum(w[mask]))
        value = float(np.sum(v[mask] * w[mask]))
        share = value / total_value if total_value > 0 else float("nan")
        pop_share = pop / total_pop
        t_g = theil(v[mask], w[mask]) if value > 0 else 0.0
        if share > 0:
            between += share * np.log(share / pop_share)
            within += share * t_g
        info[str(label)] = {
            "population": pop,
            "value_share": share,
            "population_share": pop_share,
            "mean": value / pop if pop else float("nan"),
            "theil": t_g,
        }
    return TheilDecomposition(total=T, between=float(between), within=float(within), groups=info)


@dataclass(frozen=True)
class Shortfall:
    share_below: float  # share of residents who miss the standard
    residents_below: float
    mean_shortfall: float  # average gap among those who miss it (0 if nobody does)

    def as_dict(self) -> dict[str, float]:
        return {
            "share_below": self.share_below,
            "residents_below": self.residents_below,
            "mean_shortfall": self.mean_shortfall,
        }


def shortfall(
    values: Any, weights: Any, standard: float, *, higher_is_better: bool = True
) -> Shortfall:
    """Share of residents below a standard and their mean shortfall.

    For a score (higher is better) a place misses the standard when value < standard
    and its gap is standard − value; for a distance (`higher_is_better=False`) when
    value > standard, gap value − standard. A missing distance (no facility reachable)
    counts as missing the standard; its gap is left out of the mean.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    has_people = w > 0
    v, w = v[has_people], w[has_people]
    total = float(np.sum(w))
    if total == 0:
        return Shortfall(float("nan"), 0.0, float("nan"))
    if higher_is_better:
        below = ~np.isfinite(v) | (v < standard)
        gap = standard - v
    else:
        below = ~np.isfinite(v) | (v > standard)
        gap = v - standard
    residents_below = float(np.sum(w[below]))
    finite = below & np.isfinite(gap)
    mean_gap = float(np.sum(w[finite] * gap[finite]) / np.sum(w[finite])) if finite.any() else 0.0
    return Shortfall(residents_below / total, residents_below, mean_gap)


def concentration_index(values: Any, need: Any, weights: Any = None) -> float:
    """Concentration index of `values` (access) against `need` (e.g. share of elderly
    residents): CI = 2·cov_w(h, R) / μ_h, with R the population-weighted fractional rank
    by need (ties share their mean rank). Positive: access is concentrated where need is
    higher (fair); negative: the needier places have less. Range −1..1.

    Equals 1 − Σ (p_k − p_{k−1})(C_k + C_{k−1}) over the concentration curve when there
    are no ties in need (Kakwani, Wagstaff & van Doorslaer 1997).
    """
    h = np.asarray(values, dtype=np.float64).ravel()
    n_ = np.asarray(need, dtype=np.float64).ravel()
    w = np.ones_like(h) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    keep = np.isfinite(h) & np.isfinite(n_) & (w > 0)
    h, n_, w = h[keep], n_[keep], w[keep]
    if h.size == 0:
        return float("nan")
    W = float(np.sum(w))
    mean = float(np.sum(w * h) / W)
    if mean == 0:
        return float("nan")
    order = np.argsort(n_, kind="stable")
    hs, ns, ws = h[order], n_[order], w[order]
    cum = np.cumsum(ws)
    rank = (cum - ws / 2) / W
    # ties in need: every tied place gets the mean rank of its tie group
    _, start, counts = np.unique(ns, return_index=True, return_counts=True)
    for s, c in zip(start, counts, strict=True):
        if c > 1:
            block = slice(s, s + c)
            rank[block] = ((cum[s + c - 1] - (cum[s - 1] if s else 0.0)) / 2 + (
                cum[s - 1] if s else 0.0
            )) / W
    mean_rank = float(np.sum(ws * rank) / W)
    cov = float(np.sum(ws * (hs - mean) * (rank - mean_rank)) / W)
    return 2.0 * cov / mean


def erreygers_index(values: Any, need: Any, weights: Any = None, lower: float = 0.0,
                    upper: float = 1.0) -> float:
    """Erreygers' corrected concentration index (2009) for a bounded variable
    (`lower` ≤ value ≤ `upper`, e.g. the share of categories reached):
    E = 4·μ / (upper − lower) · CI. Unlike CI it does not depend on the mean level and
    is the same whether one counts what is reached or what is missing (mirror property).
    Range −1..1; positive: more is reached where need is higher."""
    if not upper > lower:
        raise ValueError("upper must exceed lower")
    h = np.asarray(values, dtype=np.float64).ravel()
    n_ = np.asarray(need, dtype=np.float64).ravel()
    w = np.ones_like(h) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    keep = np.isfinite(h) & np.isfinite(n_) & (w > 0)
    if not keep.any():
        return float("nan")
    if np.any(h[keep] < lower - 1e-12) or np.any(h[keep] > upper + 1e-12):
        raise ValueError("values outside the bounds")
    mean = float(np.sum(w[keep] * h[keep]) / np.sum(w[keep]))
    if mean == 0:
        return 0.0
    ci = concentration_index(h, n_, w)
    return 4.0 * mean / (upper - lower) * ci
