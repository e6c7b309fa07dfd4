"""``gongzhi spatial access --nodes N.csv --edges E.csv --demand D.csv --supply S.csv
--max-cost METRES [--json]`` without Django.

NODES `id,x,y` (projected metres), EDGES `u,v,length` (undirected), DEMAND
`id,x,y,population`, SUPPLY `id,x,y,capacity,category`. Each point is snapped to its
nearest node by straight-line distance; the cost between a demand and a supply point is
the shortest-path length between their nodes. "nearest" is the network distance to the
nearest supply point of each category (no limit; null when none is connected); "2sfca"
is PySAL `access` `two_stage_fca(normalize=False)` with a step weight at --max-cost over
all supply points (0 where PySAL gives NaN: no supply within reach); "gini_2sfca" the
population-weighted Gini of it.

Exit codes: 0 success, 2 malformed or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING

import numpy as np

from .access import AccessParams, Demand, Supply, analyse
from .inequality import gini
from .network import NetworkError, _float, _read_rows, read_csv_network

if TYPE_CHECKING:  # Django's OutputWrapper or a file: anything with write(str)
    from _typeshed import SupportsWrite

EXIT_OK = 0
EXIT_INPUT = 2


def read_demand(path: str) -> Demand:
    rows = _read_rows(path, ("id", "x", "y", "population"))
    ids = [r["id"].strip() for r in rows]
    if len(set(ids)) != len(ids):
        raise NetworkError("demand: duplicate id")
    pop = [_float(r["population"], f"demand line {i + 2} population") for i, r in enumerate(rows)]
    if any(p < 0 for p in pop):
        raise NetworkError("demand: population must be >= 0")
    return Demand(
        ids,
        np.array([_float(r["x"], f"demand line {i + 2} x") for i, r in enumerate(rows)]),
        np.array([_float(r["y"], f"demand line {i + 2} y") for i, r in enumerate(rows)]),
        np.array(pop),
    )


def read_supply(path: str) -> Supply:
    rows = _read_rows(path, ("id", "x", "y", "capacity", "category"))
    ids = [r["id"].strip() for r in rows]
    if len(set(ids)) != len(ids):
        raise NetworkError("supply: duplicate id")
    cap = [_float(r["capacity"], f"supply line {i + 2} capacity") for i, r in enumerate(rows)]
    if any(c < 0 for c in cap):
        raise NetworkError("supply: capacity must be >= 0")
    return Supply(
        ids,
        np.array([_float(r["x"], f"supply line {i + 2} x") for i, r in enumerate(rows)]),
        np.array([_float(r["y"], f"supply line {i + 2} y") for i, r in enumerate(rows)]),
        np.array(cap),
        [r["category"].strip() for r in rows],
    )


def compute(nodes: str, edges: str, demand: str, supply: str, max_cost: float) -> dict:
    network = read_csv_network(nodes, edges)
    if network.n_nodes == 0:
        raise NetworkError("nodes: no nodes")
    d = read_demand(demand)
    s = read_supply(supply)
    params = AccessParams(catchment_m=max_cost, search_m=max_cost)
    result = analyse(network, d, s, params)
    score = result.fca["all"]
    g = gini(score, d.population)
    return {
        "demand": {
            result.demand_ids[i]: {"nearest": result.nearest_json(i), "2sfca": float(score[i])}
            for i in range(len(result.demand_ids))
        },
        "gini_2sfca": g if math.isfinite(g) else None,
    }


def access(
    nodes: str,
    edges: str,
    demand: str,
    supply: str,
    max_cost: float,
    as_json: bool = False,
    out: SupportsWrite[str] | None = None,
    err: SupportsWrite[str] | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if not (math.isfinite(max_cost) and max_cost >= 0):
        err.write("error: --max-cost must be a non-negative number of metres\n")
        return EXIT_INPUT
    try:
        data = compute(nodes, edges, demand, supply, max_cost)
    except (NetworkError, ValueError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_INPUT
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"error: cannot read input: {exc}\n")
        return EXIT_INPUT
    if as_json:
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        return EXIT_OK
    cats = sorted({c for row in data["demand"].values() for c in row["nearest"]})
    header = ["id", *[f"nearest {c} (m)" for c in cats], "2SFCA"]
    out.write("\t".join(header) + "\n")
    for demand_id, row in data["demand"].items():
        cells = [demand_id]
        for c in cats:
            value = row["nearest"][c]
            cells.append("-" if value is None else f"{value:.1f}")
        cells.append(f"{row['2sfca']:.6g}")
        out.write("\t".join(cells) + "\n")
    g = data["gini_2sfca"]
    out.write(f"Gini (2SFCA, population-weighted): {'-' if g is None else f'{g:.4f}'}\n")
    return EXIT_OK


def add_access_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nodes", required=True, help="NODES.csv: id,x,y (projected metres)")
    parser.add_argument("--edges", required=True, help="EDGES.csv: u,v,length (undirected)")
    parser.add_argument("--demand", required=True, help="DEMAND.csv: id,x,y,population")
    parser.add_argument("--supply", required=True, help="SUPPLY.csv: id,x,y,capacity,category")
    parser.add_argument("--max-cost", required=True, type=float, dest="max_cost",
                        help="catchment in metres (2SFCA step weight: cost <= max-cost)")
    parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")
