"""Spatial-access engine benchmark (a script, not a test).

    .venv/bin/python bench/spatial_bench.py [--skip-million] [--json OUT.json]

1. The whole central-Shanghai road graph (../shared/data/osm/shanghai_center.osm.pbf,
   every highway=* way: ~21,800 nodes), 3,000 buildings and 60 facilities in 4
   categories placed at random (seeded) in its extent; catchment 1,000 m. Times
   `engine.analyse` after loading (snapping, Dijkstra from the facilities, nearest and 3
   nearest per category, life circles, 2SFCA, E2SFCA and gravity for each category and
   all together) and, on the same inputs in the same run, PySAL `access` computing
   2SFCA, E2SFCA and gravity from the cost table (PySAL cannot route on a network: it
   is given our pairs, so its time excludes routing). Prints the ratio and the largest
   difference between the two.
2. A synthetic 1,000,000-node city (a jittered 1,000 × 1,000 street grid, 60 m blocks,
   5 % of streets missing), 100,000 buildings and 1,000 facilities; prints build and
   analysis time.

Memory: peak traced allocations (tracemalloc) during each analysis and the process's
maximum resident set size (resource.getrusage). PySAL `access` is a test extra.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongzhi.spatial.engine import (  # noqa: E402
    AccessParams,
    Demand,
    Network,
    Supply,
    Weight,
    analyse,
    network_costs,
    read_osm_network,
    snap,
)

SHANGHAI = ROOT.parent / "shared" / "data" / "osm" / "shanghai_center.osm.pbf"
CATS = ["green", "elderly", "clinic", "culture"]


def points(net: Network, n_demand: int, n_supply: int, seed: int):
    rng = np.random.default_rng(seed)
    x0, x1 = net.x.min(), net.x.max()
    y0, y1 = net.y.min(), net.y.max()
    demand = Demand([f"b{i}" for i in range(n_demand)], rng.uniform(x0, x1, n_demand),
                    rng.uniform(y0, y1, n_demand), rng.integers(20, 600, n_demand).astype(float))
    supply = Supply([f"f{i}" for i in range(n_supply)], rng.uniform(x0, x1, n_supply),
                    rng.uniform(y0, y1, n_supply), rng.integers(5, 200, n_supply).astype(float),
                    [CATS[i % len(CATS)] for i in range(n_supply)])
    return demand, supply


def timed(fn, repeat: int):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def traced_peak(fn) -> tuple[float, object]:
    tracemalloc.start()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, out


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pysal_all(demand: Demand, supply: Supply, pairs, max_cost: float, sigma: float):
    import pandas as pd
    from access import Access, weights

    demand_df = pd.DataFrame({"geoid": list(demand.ids), "pop": demand.population})
    supply_df = pd.DataFrame({"geoid": list(supply.ids), "cap": supply.capacity})
    ids_d = np.asarray(demand.ids, dtype=object)
    ids_s = np.asarray(supply.ids, dtype=object)
    cost_df = pd.DataFrame({"origin": ids_d[pairs.demand], "dest": ids_s[pairs.supply],
                            "cost": pairs.cost})
    acc = Access(demand_df=demand_df, demand_index="geoid", demand_value="pop",
                 supply_df=supply_df, supply_index="geoid", supply_value="cap",
                 cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost")
    f = acc.two_stage_fca(name="f", max_cost=max_cost)["f_cap"]
    e = acc.enhanced_two_stage_fca(name="e", max_cost=max_cost,
                                   weight_fn=weights.gaussian(sigma))["e_cap"]
    g = acc.weighted_catchment(name="g", max_cost=max_cost,
                               weight_fn=weights.gravity(100.0, -1.0, 50.0))["g_cap"]
    return [s.reindex(list(demand.ids)).fillna(0).to_numpy(float) for s in (f, e, g)]


def shanghai(report: dict, repeat: int) -> None:
    if not SHANGHAI.exists():
        print(f"skip: {SHANGHAI} missing")
        return
    t = time.perf_counter()
    net = read_osm_network(SHANGHAI, all_highways=True)
    load = time.perf_counter() - t
    demand, supply = points(net, 3000, 60, seed=13)
    max_cost = 1000.0
    params = AccessParams(catchment_m=max_cost, search_m=max_cost,
                          e2sfca_weight=Weight("gaussian", sigma=max_cost / 2))
    mask = net.largest_component_mask()
    ours, result = timed(lambda: analyse(net, demand, supply, params, snap_mask=mask), repeat)
    peak, _ = traced_peak(lambda: analyse(net, demand, supply, params, snap_mask=mask))
    d_node, _ = snap(net, demand.x, demand.y, mask=mask)
    s_node, _ = snap(net, supply.x, supply.y, mask=mask)
    pairs = network_costs(net, s_node, d_node, max_cost)
    theirs, ref = timed(lambda: pysal_all(demand, supply, pairs, max_cost, max_cost / 2),
                        max(1, repeat // 2))
    from gongzhi.spatial.engine.access import _fca

    def ours_scores():
        w_e = params.e2sfca_weight(pairs.cost)
        w_g = params.gravity_weight(pairs.cost)
        n = len(demand.ids)
        return (_fca(pairs, demand.population, supply.capacity, n),
                _fca(pairs, demand.population, supply.capacity, n, w_e),
                np.bincount(pairs.demand, weights=supply.capacity[pairs.supply] * w_g,
                            minlength=n))

    scores_only, _ = timed(ours_scores, repeat)
    diffs = [float(np.max(np.abs(a - b))) for a, b in
             zip((result.fca["all"], result.e2sfca["all"], result.gravity["all"]), ref,
                 strict=True)]
    rows = {
        "network": net.summary(), "load_s": load, "analyse_s": ours, "pysal_s": theirs,
        "ratio_pysal_over_ours": theirs / ours, "scores_only_s": scores_only,
        "ratio_pysal_over_ours_scores_only": theirs / scores_only, "pairs": int(pairs.cost.size),
        "max_abs_diff_2sfca_e2sfca_gravity": diffs, "peak_traced_mb": peak,
    }
    report["shanghai"] = rows
    print(f"central Shanghai: {net.n_nodes:,} nodes, {net.n_edges:,} edges "
          f"(loaded in {load:.2f} s); 3,000 buildings, 60 facilities, 1,000 m")
    print(f"  engine.analyse (everything): {ours * 1000:.1f} ms  "
          f"(peak traced memory {peak:.1f} MiB)")
    print(f"  PySAL access 2SFCA + E2SFCA + gravity from the same {pairs.cost.size:,} pairs: "
          f"{theirs * 1000:.1f} ms  → PySAL / ours = {theirs / ours:.1f}×")
    print(f"  engine, the same three scores from the same pairs: {scores_only * 1000:.2f} ms"
          f"  → PySAL / ours = {theirs / scores_only:.0f}×")
    print(f"  largest difference (2SFCA, E2SFCA, gravity): {diffs}")


def synthetic_city(side: int, seed: int) -> Network:
    rng = np.random.default_rng(seed)
    n = side * side
    idx = np.arange(n).reshape(side, side)
    x = (np.tile(np.arange(side), side) * 60.0 + rng.normal(0, 6, n))
    y = (np.repeat(np.arange(side), side) * 60.0 + rng.normal(0, 6, n))
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.random(u.size) > 0.05
    u, v = u[keep], v[keep]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    return Network.from_edges(np.arange(n), x, y, u, v, length)


def million(report: dict) -> None:
    t0 = time.perf_counter()
    net = synthetic_city(1000, seed=3)
    build = time.perf_counter() - t0
    demand, supply = points(net, 100_000, 1_000, seed=4)
    params = AccessParams(catchment_m=1000.0, search_m=1000.0, nearest_limit_m=3000.0)
    t = time.perf_counter()
    peak, result = traced_peak(lambda: analyse(net, demand, supply, params))
    took = time.perf_counter() - t
    report["million"] = {"nodes": net.n_nodes, "edges": net.n_edges, "build_s": build,
                         "analyse_s": took, "total_s": build + took, "peak_traced_mb": peak,
                         "reached_share": float(np.isfinite(result.nearest_m).mean())}
    print(f"synthetic city: {net.n_nodes:,} nodes, {net.n_edges:,} edges built in {build:.1f} s;"
          f" 100,000 buildings, 1,000 facilities: analysed in {took:.1f} s "
          f"(total {build + took:.1f} s, peak traced memory {peak:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report: dict = {}
    shanghai(report, args.repeat)
    if not args.skip_million:
        million(report)
    report["maxrss_mb"] = maxrss_mb()
    print(f"process max RSS: {report['maxrss_mb']:.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
