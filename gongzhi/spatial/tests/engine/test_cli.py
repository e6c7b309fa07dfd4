"""`gongzhi spatial access`: the CSV contract of issue 13, checked against PySAL."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from gongzhi.spatial.engine.cli import EXIT_INPUT, EXIT_OK, access

from .reference import nx_costs, nx_snap, pysal_scores
from .test_engine_reference import random_city


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def city_files(tmp_path, seed=11):
    net, demand, supply = random_city(seed)
    coo = net.graph.tocoo()
    edges = [(net.node_ids[a], net.node_ids[b], repr(float(c)))
             for a, b, c in zip(coo.row, coo.col, coo.data, strict=True) if a < b]
    files = {
        "nodes": write_csv(tmp_path / "nodes.csv", ["id", "x", "y"],
                           [(i, repr(float(x)), repr(float(y)))
                            for i, x, y in zip(net.node_ids, net.x, net.y, strict=True)]),
        "edges": write_csv(tmp_path / "edges.csv", ["u", "v", "length"], edges),
        "demand": write_csv(tmp_path / "demand.csv", ["id", "x", "y", "population"],
                            [(i, repr(float(x)), repr(float(y)), repr(float(p))) for i, x, y, p in
                             zip(demand.ids, demand.x, demand.y, demand.population,
                                 strict=True)]),
        "supply": write_csv(tmp_path / "supply.csv", ["id", "x", "y", "capacity", "category"],
                            [(i, repr(float(x)), repr(float(y)), repr(float(c)), k)
                             for i, x, y, c, k in
                             zip(supply.ids, supply.x, supply.y, supply.capacity,
                                 supply.category, strict=True)]),
    }
    return net, demand, supply, files


def run(files, max_cost, as_json=True):
    out, err = io.StringIO(), io.StringIO()
    code = access(files["nodes"], files["edges"], files["demand"], files["supply"], max_cost,
                  as_json=as_json, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_json_output_equals_pysal(tmp_path):
    pytest.importorskip("access")
    pytest.importorskip("networkx")
    from inequality.gini import Gini

    net, demand, supply, files = city_files(tmp_path)
    code, out, err = run(files, 350.0)
    assert code == EXIT_OK, err
    data = json.loads(out)
    assert set(data) == {"demand", "gini_2sfca"}
    assert list(data["demand"]) == list(demand.ids)
    pairs = nx_costs(net, nx_snap(net, supply.x, supply.y), nx_snap(net, demand.x, demand.y),
                     350.0)
    ref = pysal_scores(demand.ids, demand.population, supply.ids, supply.capacity, pairs, 350.0)
    got = np.array([data["demand"][i]["2sfca"] for i in demand.ids])
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
    per_person = np.repeat(ref, demand.population.astype(int))
    assert abs(data["gini_2sfca"] - Gini(per_person).g) < 1e-9
    row = data["demand"][demand.ids[0]]
    assert set(row["nearest"]) == {"green", "elderly", "clinic"}
    assert all(v is None or v >= 0 for v in row["nearest"].values())


def test_unconnected_category_is_null(tmp_path):
    files = {
        "nodes": write_csv(tmp_path / "n.csv", ["id", "x", "y"],
                           [("a", 0, 0), ("b", 100, 0), ("c", 5000, 0)]),
        "edges": write_csv(tmp_path / "e.csv", ["u", "v", "length"], [("a", "b", 120)]),
        "demand": write_csv(tmp_path / "d.csv", ["id", "x", "y", "population"],
                            [("h1", 1, 1, 100), ("h2", 99, 0, 300)]),
        "supply": write_csv(tmp_path / "s.csv", ["id", "x", "y", "capacity", "category"],
                            [("park", 98, 2, 10, "green"), ("far", 4990, 0, 5, "clinic")]),
    }
    code, out, _ = run(files, 200.0)
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["demand"]["h1"]["nearest"] == {"clinic": None, "green": 120.0}
    assert data["demand"]["h2"]["nearest"]["green"] == 0.0
    # 2SFCA by hand: park serves 400 people within 200 m → 10/400 each
    assert data["demand"]["h1"]["2sfca"] == pytest.approx(0.025)
    assert data["demand"]["h2"]["2sfca"] == pytest.approx(0.025)
    assert data["gini_2sfca"] == pytest.approx(0.0, abs=1e-15)
    code, out, _ = run(files, 100.0)  # h1's park is now 120 m away: out of reach
    data = json.loads(out)
    assert data["demand"]["h1"]["2sfca"] == 0.0
    assert data["demand"]["h2"]["2sfca"] == pytest.approx(10 / 300)
    # G: p = 0, .25, 1; L = 0, 0, 1 → 1 - .75 = .25
    assert data["gini_2sfca"] == pytest.approx(0.25)
    code, text, _ = run(files, 100.0, as_json=False)
    assert "h1\t-\t120.0\t0" in text and "Gini" in text


@pytest.mark.parametrize(
    ("which", "header", "rows", "message"),
    [
        ("edges", ["u", "v", "length"], [("a", "zz", 1)], "unknown node 'zz'"),
        ("edges", ["u", "v", "length"], [("a", "b", -1)], "negative length"),
        ("demand", ["id", "x", "y"], [("h", 0, 0)], "missing column(s) population"),
        ("demand", ["id", "x", "y", "population"], [("h", "x", 0, 1)], "is not a number"),
        ("supply", ["id", "x", "y", "capacity", "category"], [("s", 0, 0, "nan", "g")],
         "is not finite"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, which, header, rows, message):
    files = {
        "nodes": write_csv(tmp_path / "n.csv", ["id", "x", "y"], [("a", 0, 0), ("b", 1, 0)]),
        "edges": write_csv(tmp_path / "e.csv", ["u", "v", "length"], [("a", "b", 1)]),
        "demand": write_csv(tmp_path / "d.csv", ["id", "x", "y", "population"], [("h", 0, 0, 1)]),
        "supply": write_csv(tmp_path / "s.csv", ["id", "x", "y", "capacity", "category"],
                            [("s", 1, 0, 1, "g")]),
    }
    files[which] = write_csv(tmp_path / f"bad_{which}.csv", header, rows)
    code, out, err = run(files, 100.0)
    assert code == EXIT_INPUT and out == ""
    assert message in err


def test_missing_file_and_bad_max_cost(tmp_path):
    code, _, err = run({k: str(tmp_path / "nope.csv") for k in
                        ("nodes", "edges", "demand", "supply")}, 100.0)
    assert code == EXIT_INPUT and "cannot read" in err
    code, _, err = run(dict.fromkeys(("nodes", "edges", "demand", "supply"), "x"), -1.0)
    assert code == EXIT_INPUT and "--max-cost" in err
