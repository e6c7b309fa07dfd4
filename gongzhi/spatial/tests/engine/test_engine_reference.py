"""The engine against independent references: networkx for shortest paths, PySAL
`access` for 2SFCA / E2SFCA / gravity and PySAL `inequality` for Gini / Theil, on
random networks and on the real Siping extract. Agreement to 1e-9."""

from __future__ import annotations

import numpy as np
import pytest

from gongzhi.spatial.engine import (
    AccessParams,
    Demand,
    Network,
    Supply,
    Weight,
    analyse,
    gini,
    read_osm_network,
    snap,
    theil,
    theil_decomposition,
)

from .reference import SIPING, nx_costs, nx_graph, nx_snap, pysal_scores

pytest.importorskip("access", reason="PySAL access is a test-only dependency")
pytest.importorskip("inequality", reason="PySAL inequality is a test-only dependency")
pytest.importorskip("networkx", reason="networkx is a test-only dependency")


def random_city(seed: int, n_side: int = 12, n_demand: int = 60, n_supply: int = 9):
    """A jittered grid with some streets missing, random buildings and facilities."""
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(np.arange(n_side), np.arange(n_side))
    x = gx.ravel() * 80.0 + rng.normal(0, 10, gx.size)
    y = gy.ravel() * 80.0 + rng.normal(0, 10, gy.size)
    u, v = [], []
    for i in range(n_side):
        for j in range(n_side):
            k = i * n_side + j
            if j + 1 < n_side and rng.random() > 0.15:
                u.append(k)
                v.append(k + 1)
            if i + 1 < n_side and rng.random() > 0.15:
                u.append(k)
                v.append(k + n_side)
    u, v = np.array(u), np.array(v)
    length = np.hypot(x[u] - x[v], y[u] - y[v]) * rng.uniform(1.0, 1.3, u.size)
    net = Network.from_edges([str(i) for i in range(x.size)], x, y, u, v, length)
    span = (n_side - 1) * 80.0
    demand = Demand(
        [f"b{i}" for i in range(n_demand)],
        rng.uniform(0, span, n_demand),
        rng.uniform(0, span, n_demand),
        rng.integers(1, 400, n_demand).astype(float),
    )
    cats = ["green", "elderly", "clinic"]
    supply = Supply(
        [f"f{i}" for i in range(n_supply)],
        rng.uniform(0, span, n_supply),
        rng.uniform(0, span, n_supply),
        rng.integers(1, 50, n_supply).astype(float),
        [cats[i % 3] for i in range(n_supply)],
    )
    return net, demand, supply


def check_against_references(net, demand, supply, max_cost):
    params = AccessParams(
        catchment_m=max_cost,
        search_m=max_cost,
        e2sfca_weight=Weight("gaussian", sigma=max_cost / 2),
        gravity_weight=Weight("gravity", scale=100.0, alpha=-1.0, min_dist=50.0),
    )
    result = analyse(net, demand, supply, params)
    d_nodes = nx_snap(net, demand.x, demand.y)
    s_nodes = nx_snap(net, supply.x, supply.y)
    assert np.array_equal(result.demand_node, d_nodes)
    assert np.array_equal(result.supply_node, s_nodes)
    pairs = nx_costs(net, s_nodes, d_nodes, max_cost)
    assert pairs, "the test city must have some pairs in reach"
    from access import weights

    ref = pysal_scores(demand.ids, demand.population, supply.ids, supply.capacity, pairs,
                       max_cost)
    np.testing.assert_allclose(result.fca["all"], ref, rtol=1e-9, atol=1e-12)
    ref_e = pysal_scores(demand.ids, demand.population, supply.ids, supply.capacity, pairs,
                         max_cost, weight_fn=weights.gaussian(max_cost / 2))
    np.testing.assert_allclose(result.e2sfca["all"], ref_e, rtol=1e-9, atol=1e-12)
    ref_g = pysal_scores(demand.ids, demand.population, supply.ids, supply.capacity, pairs,
                         max_cost, gravity_fn=weights.gravity(100.0, -1.0, 50.0))
    np.testing.assert_allclose(result.gravity["all"], ref_g, rtol=1e-9, atol=1e-12)
    # per category: PySAL on that category's facilities alone
    cats = np.asarray(supply.category)
    for code in result.categories:
        members = np.flatnonzero(cats == code)
        sub_pairs = [(list(members).index(s), d, c) for s, d, c in pairs if s in set(members)]
        ref_c = pysal_scores(demand.ids, demand.population,
                             [supply.ids[m] for m in members], supply.capacity[members],
                             sub_pairs, max_cost)
        np.testing.assert_allclose(result.fca[code], ref_c, rtol=1e-9, atol=1e-12)
    # nearest facility per category: networkx multi-source Dijkstra, no limit
    import networkx as nx

    g = nx_graph(net)
    for c, code in enumerate(result.categories):
        sources = {int(n) for n in s_nodes[cats == code]}
        lengths = nx.multi_source_dijkstra_path_length(g, sources)
        expected = np.array([lengths.get(int(n), np.inf) for n in d_nodes])
        np.testing.assert_allclose(result.nearest_m[:, c], expected, rtol=1e-12)
        # the 3 nearest within the search radius
        for i, dnode in enumerate(d_nodes[:20]):
            dists = sorted(
                cost for s, d, cost in pairs if d == i and cats[s] == code
            )[:3]
            got = result.k_nearest_m[i, c]
            np.testing.assert_allclose(got[np.isfinite(got)], dists, rtol=1e-12)
            assert dnode == result.demand_node[i]
    # population-weighted Gini / Theil = unweighted PySAL on one value per resident
    from inequality.gini import Gini
    from inequality.theil import Theil, TheilD

    per_person = np.repeat(result.fca["all"], demand.population.astype(int))
    assert abs(gini(result.fca["all"], demand.population) - Gini(per_person).g) < 1e-9
    assert abs(theil(result.fca["all"], demand.population) - float(Theil(per_person).T)) < 1e-9
    groups = np.array([i % 3 for i in range(len(demand.ids))])
    dec = theil_decomposition(result.fca["all"], demand.population, groups)
    ref_d = TheilD(per_person, np.repeat(groups, demand.population.astype(int)))
    assert abs(dec.between - float(np.ravel(ref_d.bg)[0])) < 1e-9
    assert abs(dec.within - float(np.ravel(ref_d.wg)[0])) < 1e-9
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_cities_match_pysal_and_networkx(seed):
    net, demand, supply = random_city(seed)
    result = check_against_references(net, demand, supply, max_cost=400.0)
    assert result.fca["all"].max() > 0


def test_colocated_points_and_unreachable_places():
    """Two facilities on one node, a building on an island: PySAL agrees, scores 0."""
    net, demand, supply = random_city(7, n_side=8, n_demand=20, n_supply=6)
    supply.x[1], supply.y[1] = supply.x[0], supply.y[0]
    check_against_references(net, demand, supply, max_cost=250.0)


def siping_inputs():
    if not SIPING.exists():
        pytest.skip(f"real data missing: {SIPING} (CI always has ../shared/data)")
    from gongzhi.core.geo.osm_import import read_osm
    from gongzhi.spatial.engine.network import project

    net = read_osm_network(SIPING)
    osm = read_osm(SIPING)
    residential = [b for b in osm.buildings if b.building in {"apartments", "residential",
                                                              "dormitory", "house", "yes"}]
    bx, by = project([b.centroid[0] for b in residential], [b.centroid[1] for b in residential],
                     net.crs)
    pop = np.array([max(1, round(b.area_m2 * (b.levels or 6) / 33)) for b in residential],
                   dtype=float)
    demand = Demand([b.ref for b in residential], bx, by, pop)
    cats = {"pocket_park": "green", "community_garden": "green", "playground": "green",
            "book_corner": "culture", "community_living_room": "culture",
            "sports_court": "sport", "fitness_area": "sport"}
    fac = [a for a in osm.amenities if a.kind in cats]
    fx, fy = project([a.centroid[0] for a in fac], [a.centroid[1] for a in fac], net.crs)
    supply = Supply([a.ref for a in fac], fx, fy,
                    np.array([max(1.0, (a.area_m2 or 100.0) / 100) for a in fac]),
                    [cats[a.kind] for a in fac])
    return net, demand, supply


def test_siping_real_network_matches_references():
    net, demand, supply = siping_inputs()
    assert net.n_nodes > 1000 and len(demand.ids) > 100 and len(supply.ids) >= 5
    result = check_against_references(net, demand, supply, max_cost=800.0)
    # a real gap: residents beyond 500 m of any green space
    c = result.categories.index("green")
    assert (result.nearest_m[:, c] > 500).any()
    assert (result.nearest_m[:, c] <= 500).any()


def test_snap_uses_straight_line_and_mask():
    net = Network.from_edges(["a", "b", "c"], [0, 100, 1000], [0, 0, 0], [0], [1], [100.0])
    node, dist = snap(net, np.array([900.0]), np.array([0.0]))
    assert node.tolist() == [2] and dist.tolist() == [100.0]
    node, dist = snap(net, np.array([900.0]), np.array([0.0]), mask=net.largest_component_mask())
    assert node.tolist() == [1] and dist.tolist() == [800.0]
