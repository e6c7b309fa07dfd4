"""Walking access to facilities: snapping, network distances, life circles, 2SFCA,
E2SFCA and gravity scores. Pure NumPy / SciPy (scipy.sparse.csgraph, cKDTree).

The floating-catchment scores follow PySAL `access` (Saxon et al.) exactly:
`two_stage_fca(normalize=False)` with a step weight (cost ≤ max_cost counts), its
`enhanced_two_stage_fca` with a weight function applied along with the max cost, and
`weighted_catchment` with `weights.gravity` for the gravity potential. Where PySAL
leaves a place without any facility in reach as NaN, we report 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from .network import Network

__all__ = [
    "DEFAULT_TIERS",
    "ELDERLY_WALKING_SPEED",
    "REFERENCE_WALKING_SPEED",
    "AccessParams",
    "AccessResult",
    "Category",
    "CostPairs",
    "Demand",
    "Supply",
    "Tier",
    "Weight",
    "analyse",
    "network_costs",
    "nearest_by_category",
    "snap",
]

# Walking speeds, m/s. GB 50180-2018 states its life circles as distances (5 min ≈ 300 m,
# 10 min ≈ 500 m, 15 min ≈ 800–1,000 m); we read them as what a resident walking at
# the reference speed covers, so a slower speed shrinks each distance in proportion.
REFERENCE_WALKING_SPEED = 1.1
ELDERLY_WALKING_SPEED = 0.8


@dataclass(frozen=True)
class Tier:
    code: str  # "5min", "10min", "15min"
    minutes: int
    metres: float  # at the reference walking speed


DEFAULT_TIERS = (Tier("5min", 5, 300.0), Tier("10min", 10, 500.0), Tier("15min", 15, 1000.0))


@dataclass(frozen=True)
class Category:
    code: str
    tier: str = "15min"  # the life circle this category should be reached within


@dataclass(frozen=True)
class Weight:
    """A distance-decay weight, as in PySAL `access.weights`.

    kind "step": `steps` is ((upper_bound_m, weight), ...); beyond the last bound 0.
    kind "gaussian": exp(−d² / 2σ²) with σ = `sigma` (f(0) = 1, not normalised).
    kind "gravity": (max(d, min_dist) / scale) ** alpha (alpha < 0 for decay).
    """

    kind: str = "gaussian"
    sigma: float = 250.0
    steps: tuple[tuple[float, float], ...] = ()
    scale: float = 100.0
    alpha: float = -1.0
    min_dist: float = 50.0

    def __call__(self, d: np.ndarray) -> np.ndarray:
        d = np.asarray(d, dtype=np.float64)
        if self.kind == "gaussian":
            if self.sigma == 0:
                raise ValueError("sigma must be non-zero")
            return np.exp(-d * d / (2 * self.sigma**2))
        if self.kind == "step":
            out = np.zeros_like(d)
            done = np.zeros(d.shape, dtype=bool)
            for bound, weight in sorted(self.steps):
                hit = ~done & (d <= bound)
                out[hit] = weight
                done |= hit
            return out
        if self.kind == "gravity":
            return np.power(np.maximum(d, self.min_dist) / self.scale, self.alpha)
        raise ValueError(f"unknown weight kind {self.kind!r}")


@dataclass(frozen=True)
class AccessParams:
    catchment_m: float = 1000.0  # the 2SFCA / E2SFCA / gravity max cost
    search_m: float = 2000.0  # how far to look for the k nearest facilities
    k_nearest: int = 3
    walking_speed: float = REFERENCE_WALKING_SPEED  # m/s
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    e2sfca_weight: Weight = field(default_factory=lambda: Weight("gaussian", sigma=500.0))
    gravity_weight: Weight = field(default_factory=lambda: Weight("gravity"))
    nearest_limit_m: float | None = None  # None: unbounded nearest-facility search
    reference_speed: float = REFERENCE_WALKING_SPEED  # the speed the tiers' metres assume

    def tier_metres(self, code: str) -> float:
        """Distance threshold of a tier at this walking speed."""
        for tier in self.tiers:
            if tier.code == code:
                return tier.metres * self.walking_speed / self.reference_speed
        raise KeyError(code)


@dataclass
class Demand:
    ids: Sequence[str]
    x: np.ndarray
    y: np.ndarray
    population: np.ndarray

    def __post_init__(self) -> None:
        self.x = np.asarray(self.x, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.float64)
        self.population = np.asarray(self.population, dtype=np.float64)
        _check_points(self.ids, self.x, self.y, self.population, "population")


@dataclass
class Supply:
    ids: Sequence[str]
    x: np.ndarray
    y: np.ndarray
    capacity: np.ndarray
    category: Sequence[str]

    def __post_init__(self) -> None:
        self.x = np.asarray(self.x, dtype=np.float64)
        self.y = np.asarray(self.y, dtype=np.float64)
        self.capacity = np.asarray(self.capacity, dtype=np.float64)
        _check_points(self.ids, self.x, self.y, self.capacity, "capacity")
        if len(self.category) != len(self.ids):
            raise ValueError("one category per supply point")


def _check_points(ids: Sequence[str], x: np.ndarray, y: np.ndarray, value: np.ndarray,
                  what: str) -> None:
    if not (len(ids) == x.shape[0] == y.shape[0] == value.shape[0]):
        raise ValueError("point arrays differ in length")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("coordinates must be finite")
    if not np.all(np.isfinite(value)) or (value.size and value.min() < 0):
        raise ValueError(f"{what} must be finite and non-negative")


def snap(
    network: Network, x: np.ndarray, y: np.ndarray, *, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest network node (by straight-line distance) of each point, and that distance.

    With `mask`, only nodes where it is True are candidates (e.g. the largest connected
    component, so nobody is snapped onto an isolated footpath).
    """
    candidates = np.arange(network.n_nodes) if mask is None else np.flatnonzero(mask)
    if candidates.size == 0:
        raise ValueError("the network has no nodes to snap to")
    tree = cKDTree(np.column_stack([network.x[candidates], network.y[candidates]]))
    dist, idx = tree.query(np.column_stack([np.asarray(x), np.asarray(y)]), k=1)
    return candidates[np.asarray(idx, dtype=np.int64)], np.asarray(dist, dtype=np.float64)


@dataclass
class CostPairs:
    """Sparse origin–destination costs: every (supply, demand) pair within the limit."""

    supply: np.ndarray  # supply index
    demand: np.ndarray  # demand index
    cost: np.ndarray  # metres
    limit: float

    def within(self, max_cost: float) -> CostPairs:
        keep = self.cost <= max_cost
        return CostPairs(self.supply[keep], self.demand[keep], self.cost[keep], max_cost)


def network_costs(
    network: Network,
    supply_nodes: np.ndarray,
    demand_nodes: np.ndarray,
    limit: float,
    *,
    chunk: int = 16,
) -> CostPairs:
    """Shortest-path lengths from every supply node to every demand node within `limit`.

    Dijkstra runs only from the (distinct) supply nodes, a few at a time so memory stays
    at `chunk` × nodes, and stops at `limit` metres.
    """
    supply_nodes = np.asarray(supply_nodes, dtype=np.int64)
    demand_nodes = np.asarray(demand_nodes, dtype=np.int64)
    unique, inverse = np.unique(supply_nodes, return_inverse=True)
    s_parts: list[np.ndarray] = []
    d_parts: list[np.ndarray] = []
    c_parts: list[np.ndarray] = []
    # which supply points sit on each unique node
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(unique.size + 1))
    for start in range(0, unique.size, chunk):
        rows = unique[start : start + chunk]
        dist = csgraph.dijkstra(network.graph, directed=True, indices=rows, limit=limit)
        sub = dist[:, demand_nodes] if dist.ndim == 2 else dist[None, demand_nodes]
        r, d = np.nonzero(np.isfinite(sub))
        cost = sub[r, d]
        for k in range(rows.size):
            sel = r == k
            if not sel.any():
                continue
            members = order[bounds[start + k] : bounds[start + k + 1]]
            for s in members:
                s_parts.append(np.full(int(sel.sum()), s, dtype=np.int64))
                d_parts.append(d[sel])
                c_parts.append(cost[sel])
    if not s_parts:
        empty_i = np.zeros(0, dtype=np.int64)
        return CostPairs(empty_i, empty_i.copy(), np.zeros(0), limit)
    return CostPairs(
        np.concatenate(s_parts), np.concatenate(d_parts), np.concatenate(c_parts), limit
    )


def nearest_by_category(
    network: Network,
    supply_nodes: np.ndarray,
    supply_category: np.ndarray,
    demand_nodes: np.ndarray,
    categories: Sequence[str],
    *,
    limit: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Distance to, and index of, the nearest supply point of each category.

    One multi-source Dijkstra per category (`min_only=True`): shape (demand, category);
    inf and −1 where none is reachable (within `limit` if given).
    """
    supply_category = np.asarray(supply_category).astype(str)
    dist_out = np.full((demand_nodes.size, len(categories)), np.inf)
    idx_out = np.full((demand_nodes.size, len(categories)), -1, dtype=np.int64)
    for c, code in enumerate(categories):
        members = np.flatnonzero(supply_category == code)
        if members.size == 0:
            continue
        nodes = supply_nodes[members]
        dist, _pred, sources = csgraph.dijkstra(
            network.graph,
            directed=True,
            indices=np.unique(nodes),
            min_only=True,
            return_predecessors=True,
            limit=np.inf if limit is None else limit,
        )
        dist_out[:, c] = dist[demand_nodes]
        # node → first supply point of this category there
        node_to_supply = np.full(network.n_nodes, -1, dtype=np.int64)
        node_to_supply[nodes[::-1]] = members[::-1]
        src = sources[demand_nodes]
        ok = src >= 0
        idx_out[ok, c] = node_to_supply[src[ok]]
    return dist_out, idx_out


def _fca(pairs: CostPairs, population: np.ndarray, capacity: np.ndarray, n_demand: int,
         weight: np.ndarray | None = None) -> np.ndarray:
    """2SFCA (Luo & Wang 2003) over the given pairs; `weight` per pair for E2SFCA."""
    w = np.ones(pairs.cost.size) if weight is None else weight
    demand_w = np.bincount(pairs.supply, weights=population[pairs.demand] * w,
                           minlength=capacity.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand_w > 0, capacity / demand_w, 0.0)
    return np.bincount(pairs.demand, weights=ratio[pairs.supply] * w, minlength=n_demand)


def _k_nearest(pairs: CostPairs, supply_category: np.ndarray, categories: Sequence[str],
               n_demand: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest supply points per (demand, category): indices and metres."""
    cat_index = {code: i for i, code in enumerate(categories)}
    cat_of = np.array([cat_index.get(str(c), -1) for c in supply_category], dtype=np.int64)
    idx = np.full((n_demand, len(categories), k), -1, dtype=np.int64)
    dist = np.full((n_demand, len(categories), k), np.inf)
    if pairs.cost.size == 0 or k <= 0:
        return idx, dist
    pc = cat_of[pairs.supply]
    keep = pc >= 0
    d, c, s, cost = pairs.demand[keep], pc[keep], pairs.supply[keep], pairs.cost[keep]
    order = np.lexsort((s, cost, c, d))
    d, c, s, cost = d[order], c[order], s[order], cost[order]
    group = d * len(categories) + c
    first = np.ones(group.size, dtype=bool)
    first[1:] = group[1:] != group[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(group.size), 0))
    rank = np.arange(group.size) - start
    sel = rank < k
    idx[d[sel], c[sel], rank[sel]] = s[sel]
    dist[d[sel], c[sel], rank[sel]] = cost[sel]
    return idx, dist


@dataclass
class AccessResult:
    """Everything computed for one set of demand and supply points."""

    demand_ids: list[str]
    supply_ids: list[str]
    categories: list[str]
    population: np.ndarray
    demand_node: np.ndarray
    demand_snap_m: np.ndarray
    supply_node: np.ndarray
    supply_snap_m: np.ndarray
    nearest_m: np.ndarray  # (demand, category), inf if unreachable
    nearest_supply: np.ndarray  # (demand, category), −1 if unreachable
    k_nearest_supply: np.ndarray  # (demand, category, k)
    k_nearest_m: np.ndarray
    tier_met: dict[str, np.ndarray]  # tier → (demand, category) bool
    completeness: np.ndarray  # categories reached within their own tier
    fca: dict[str, np.ndarray]  # category or "all" → 2SFCA score per demand
    e2sfca: dict[str, np.ndarray]
    gravity: dict[str, np.ndarray]
    params: AccessParams
    required_tier: dict[str, str]

    @property
    def nearest_any_m(self) -> np.ndarray:
        return self.nearest_m.min(axis=1) if self.categories else np.full(
            len(self.demand_ids), np.inf)

    def nearest_json(self, i: int) -> dict[str, float | None]:
        return {
            code: (float(self.nearest_m[i, c]) if np.isfinite(self.nearest_m[i, c]) else None)
            for c, code in enumerate(self.categories)
        }


def analyse(
    network: Network,
    demand: Demand,
    supply: Supply,
    params: AccessParams | None = None,
    *,
    categories: Sequence[Category] | None = None,
    snap_mask: np.ndarray | None = None,
) -> AccessResult:
    """Snap, compute costs and every measure for `demand` against `supply`.

    `categories` lists the categories to report and the life-circle tier each should be
    reached within (completeness counts those met); by default every category present
    in `supply`, each expected within the 15-minute circle.
    """
    params = params or AccessParams()
    supply_cat = np.asarray(list(supply.category), dtype=object).astype(str)
    if categories is None:
        categories = [Category(code) for code in sorted(set(supply_cat.tolist()))]
    codes = [c.code for c in categories]
    d_node, d_snap = snap(network, demand.x, demand.y, mask=snap_mask)
    if len(supply.ids):
        s_node, s_snap = snap(network, supply.x, supply.y, mask=snap_mask)
    else:
        s_node, s_snap = np.zeros(0, dtype=np.int64), np.zeros(0)
    n = len(demand.ids)
    limit = max(params.catchment_m, params.search_m)
    pairs = network_costs(network, s_node, d_node, limit)
    nearest_m, nearest_s = nearest_by_category(
        network, s_node, supply_cat, d_node, codes, limit=params.nearest_limit_m
    )
    k_idx, k_dist = _k_nearest(pairs, supply_cat, codes, n, params.k_nearest)
    tier_met = {
        tier.code: nearest_m <= params.tier_metres(tier.code) for tier in params.tiers
    }
    required = {c.code: c.tier for c in categories}
    completeness = np.zeros(n, dtype=np.int64)
    for j, cat in enumerate(categories):
        completeness += nearest_m[:, j] <= params.tier_metres(cat.tier)
    catch = pairs.within(params.catchment_m)
    e_w = params.e2sfca_weight(catch.cost)
    g_w = params.gravity_weight(catch.cost)
    fca: dict[str, np.ndarray] = {}
    e2: dict[str, np.ndarray] = {}
    grav: dict[str, np.ndarray] = {}
    for code in [*codes, "all"]:
        if code == "all":
            sel = np.ones(catch.cost.size, dtype=bool)
            cap = supply.capacity
        else:
            in_cat = supply_cat == code
            sel = in_cat[catch.supply]
            cap = np.where(in_cat, supply.capacity, 0.0)
        sub = CostPairs(catch.supply[sel], catch.demand[sel], catch.cost[sel], catch.limit)
        fca[code] = _fca(sub, demand.population, cap, n)
        e2[code] = _fca(sub, demand.population, cap, n, e_w[sel])
        grav[code] = np.bincount(sub.demand, weights=cap[sub.supply] * g_w[sel], minlength=n)
    return AccessResult(
        demand_ids=[str(i) for i in demand.ids],
        supply_ids=[str(i) for i in supply.ids],
        categories=codes,
        population=demand.population,
        demand_node=d_node,
        demand_snap_m=d_snap,
        supply_node=s_node,
        supply_snap_m=s_snap,
        nearest_m=nearest_m,
        nearest_supply=nearest_s,
        k_nearest_supply=k_idx,
        k_nearest_m=k_dist,
        tier_met=tier_met,
        completeness=completeness,
        fca=fca,
        e2sfca=e2,
        gravity=grav,
        params=params,
        required_tier=required,
    )


def summarise(result: AccessResult, *, groups: Any = None, need: Any = None,
              needs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Population-weighted inequality figures for a result (JSON-ready).

    `need` (one value per place, NaN = unknown) gives `concentration_2sfca`; each entry of
    `needs` (name → values) gives, under `all.concentration[name]`, the standard
    concentration index of the 2SFCA score and the Erreygers-corrected index of the share
    of categories reached (bounded 0..1), with the places and residents it covers."""
    from . import inequality as ineq

    pop = result.population
    out: dict[str, Any] = {
        "residents": float(pop.sum()),
        "places": len(result.demand_ids),
        "categories": {},
    }
    for c, code in enumerate(result.categories):
        tier = result.required_tier.get(code, "15min")
        threshold = result.params.tier_metres(tier)
        dist = result.nearest_m[:, c]
        sf = ineq.shortfall(dist, pop, threshold, higher_is_better=False)
        score = result.fca[code]
        entry: dict[str, Any] = {
            "tier": tier,
            "threshold_m": threshold,
            "covered_share": 1 - sf.share_below if np.isfinite(sf.share_below) else None,
            "shortfall": sf.as_dict(),
            "gini_2sfca": _num(ineq.gini(score, pop)),
            "theil_2sfca": _num(ineq.theil(score, pop)),
            "median_m": _num(_weighted_median(dist, pop)),
        }
        if need is not None:
            entry["concentration_2sfca"] = _num(ineq.concentration_index(score, need, pop))
        out["categories"][code] = entry
    score = result.fca["all"]
    p, L = ineq.lorenz(score, pop)
    out["all"] = {
        "gini_2sfca": _num(ineq.gini(score, pop)),
        "theil_2sfca": _num(ineq.theil(score, pop)),
        "lorenz": {"p": p.tolist(), "L": L.tolist()},
        "mean_completeness": _num(float(np.sum(result.completeness * pop) / pop.sum()))
        if pop.sum() > 0 else None,
        "full_completeness_share": _num(float(
            np.sum(pop[result.completeness == len(result.categories)]) / pop.sum()))
        if pop.sum() > 0 else None,
    }
    if groups is not None and pop.sum() > 0 and score.sum() > 0:
        out["all"]["theil_by_group"] = ineq.theil_decomposition(score, pop, groups).as_dict()
    if need is not None:
        out["all"]["concentration_2sfca"] = _num(ineq.concentration_index(score, need, pop))
    if needs:
        out["all"]["concentration"] = {
            name: _need_figures(result, np.asarray(values, dtype=np.float64))
            for name, values in needs.items()}
    return out


def _need_figures(result: AccessResult, need: np.ndarray) -> dict[str, Any]:
    from . import inequality as ineq

    pop = result.population
    known = np.isfinite(need) & (pop > 0)
    n_cat = max(len(result.categories), 1)
    reached = result.completeness / n_cat
    return {
        "places": int(known.sum()),
        "residents": float(pop[known].sum()),
        "mean_need": _num(float(np.sum(need[known] * pop[known]) / pop[known].sum()))
        if known.any() else None,
        "ci_2sfca": _num(ineq.concentration_index(result.fca["all"], need, pop)),
        "erreygers_reached": _num(ineq.erreygers_index(reached, need, pop, 0.0, 1.0)),
    }


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    keep = weights > 0
    v, w = values[keep], weights[keep]
    if v.size == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, cum[-1] / 2)])


def _num(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None
