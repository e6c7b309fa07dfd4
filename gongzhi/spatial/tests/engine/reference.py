"""Independent references for the engine tests: networkx shortest paths and PySAL
`access` / `inequality` (test-only installs, BSD-licensed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data"
SIPING = DATA / "osm" / "siping.osm.pbf"
SIPING_XML = DATA / "osm" / "siping.osm"
SHANGHAI = DATA / "osm" / "shanghai_center.osm.pbf"


def nx_graph(network):
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(network.n_nodes))
    coo = network.graph.tocoo()
    for a, b, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        if a < b:
            g.add_edge(a, b, weight=w)
    return g


def nx_snap(network, x, y):
    """Nearest node by brute force (no KD-tree)."""
    out = []
    for px, py in zip(np.asarray(x), np.asarray(y), strict=True):
        d = (network.x - px) ** 2 + (network.y - py) ** 2
        out.append(int(np.argmin(d)))
    return np.array(out)


def nx_costs(network, s_nodes, d_nodes, limit):
    """(supply index, demand index, cost) for every pair with cost <= limit (networkx)."""
    import networkx as nx

    g = nx_graph(network)
    rows = []
    for s, node in enumerate(s_nodes):
        lengths = nx.single_source_dijkstra_path_length(g, int(node), cutoff=limit)
        for d, dnode in enumerate(d_nodes):
            if int(dnode) in lengths:
                rows.append((s, d, lengths[int(dnode)]))
    return rows


def pysal_scores(demand_ids, population, supply_ids, capacity, pairs, max_cost, weight_fn=None,
                 gravity_fn=None):
    """PySAL access 2SFCA (or E2SFCA with weight_fn), NaN filled with 0, by demand id."""
    import pandas as pd
    from access import Access

    demand_df = pd.DataFrame({"geoid": list(demand_ids), "pop": np.asarray(population)})
    supply_df = pd.DataFrame({"geoid": list(supply_ids), "cap": np.asarray(capacity)})
    cost_df = pd.DataFrame(
        {
            "origin": [demand_ids[d] for _s, d, _c in pairs],
            "dest": [supply_ids[s] for s, _d, _c in pairs],
            "cost": [c for _s, _d, c in pairs],
        }
    )
    acc = Access(
        demand_df=demand_df, demand_index="geoid", demand_value="pop",
        supply_df=supply_df, supply_index="geoid", supply_value="cap",
        cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost",
    )
    if gravity_fn is not None:
        out = acc.weighted_catchment(name="g", weight_fn=gravity_fn, max_cost=max_cost)
        col = "g_cap"
    elif weight_fn is None:
        out = acc.two_stage_fca(name="f", max_cost=max_cost, normalize=False)
        col = "f_cap"
    else:
        out = acc.enhanced_two_stage_fca(name="e", max_cost=max_cost, weight_fn=weight_fn)
        col = "e_cap"
    series = out[col].reindex(list(demand_ids)).fillna(0.0)
    return series.to_numpy(dtype=float)
