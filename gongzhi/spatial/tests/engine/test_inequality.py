"""Inequality measures: hand-computed values and identities."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gongzhi.spatial.engine import (
    concentration_index,
    gini,
    lorenz,
    shortfall,
    theil,
    theil_decomposition,
)


def test_gini_by_hand():
    # values 1, 3 with populations 1, 1: p = 0, .5, 1; L = 0, .25, 1
    # G = 1 - (.5 * .25 + .5 * 1.25) = .25
    assert gini([3, 1], [1, 1]) == pytest.approx(0.25, abs=1e-15)
    # weighted: value 0 for 3 people, 4 for 1 person → p=0,.75,1  L=0,0,1 → G = 1-.25 = .75
    assert gini([0, 4], [3, 1]) == pytest.approx(0.75, abs=1e-15)
    assert gini([5, 5, 5], [1, 2, 3]) == pytest.approx(0.0, abs=1e-15)
    assert math.isnan(gini([], []))


def test_lorenz_curve_and_zero_population_ignored():
    p, L = lorenz([2.0, 0.0, 9.0], [1, 1, 0])
    assert p.tolist() == [0.0, 0.5, 1.0]
    assert L.tolist() == [0.0, 0.0, 1.0]
    p, L = lorenz([0.0, 0.0], [1, 1])
    assert L.tolist() == p.tolist()  # all zero: the diagonal


def test_theil_by_hand_and_decomposition_adds_up():
    # y = 1, 3 (one person each): mean 2; T = ½(.5 ln .5 + 1.5 ln 1.5)
    expected = 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5))
    assert theil([1, 3], [1, 1]) == pytest.approx(expected, abs=1e-15)
    assert theil([0, 2], [1, 1]) == pytest.approx(math.log(2), abs=1e-15)
    dec = theil_decomposition([1, 3, 2, 6], [1, 1, 2, 2], ["a", "a", "b", "b"])
    assert dec.between + dec.within == pytest.approx(dec.total, abs=1e-12)
    # by hand: total value 1+3+4+12 = 20; group a: 4/20 = .2 of value, 2/6 of people
    between = 0.2 * math.log(0.2 / (2 / 6)) + 0.8 * math.log(0.8 / (4 / 6))
    assert dec.between == pytest.approx(between, abs=1e-12)
    assert dec.groups["b"]["mean"] == pytest.approx(4.0)


def test_shortfall_for_distances_and_scores():
    sf = shortfall([200, 700, np.inf, 400], [10, 30, 20, 40], 500, higher_is_better=False)
    assert sf.share_below == pytest.approx(0.5)  # 30 + 20 of 100
    assert sf.residents_below == 50
    assert sf.mean_shortfall == pytest.approx(200.0)  # only the finite gap counts
    sf = shortfall([0.1, 0.5], [1, 3], 0.3)
    assert sf.share_below == pytest.approx(0.25) and sf.mean_shortfall == pytest.approx(0.2)


def test_concentration_index_matches_curve_formula_without_ties():
    rng = np.random.default_rng(5)
    h = rng.uniform(0, 1, 50)
    need = rng.uniform(0, 1, 50)
    w = rng.integers(1, 9, 50).astype(float)
    order = np.argsort(need)
    p = np.concatenate([[0], np.cumsum(w[order])]) / w.sum()
    c = np.concatenate([[0], np.cumsum((w * h)[order])]) / (w * h).sum()
    curve = 1 - np.sum((p[1:] - p[:-1]) * (c[1:] + c[:-1]))
    assert concentration_index(h, need, w) == pytest.approx(curve, abs=1e-12)
    # more access where need is higher → positive; reversed → negative
    assert concentration_index([1, 2, 3], [0.1, 0.2, 0.3]) > 0
    assert concentration_index([3, 2, 1], [0.1, 0.2, 0.3]) < 0
    # ties in need share one rank: equal need → no concentration
    assert concentration_index([1, 5], [0.2, 0.2]) == pytest.approx(0.0, abs=1e-15)
