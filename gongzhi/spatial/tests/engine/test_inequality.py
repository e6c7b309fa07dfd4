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


def test_concentration_index_by_hand():
    # three buildings, one resident each; need (share elderly) .1, .2, .3; access 1, 2, 3.
    # fractional ranks 1/6, 1/2, 5/6; mean access 2; cov(h, R) = ⅓(−1·−⅓ + 0 + 1·⅓) = 2/9
    # CI = 2·cov/μ = 2/9
    assert concentration_index([1, 2, 3], [0.1, 0.2, 0.3]) == pytest.approx(2 / 9, abs=1e-15)


def test_concentration_index_equals_the_convenient_regression():
    """O'Donnell et al. (2008), eq. 8.7: weighted OLS of 2σ_R²·h/μ on the fractional rank;
    the slope is CI. An independent route (numpy least squares), with ties-free need."""
    rng = np.random.default_rng(11)
    h = rng.gamma(2.0, 1.0, 80)
    need = rng.uniform(0, 0.6, 80)
    w = rng.integers(1, 30, 80).astype(float)
    order = np.argsort(need)
    ws = w[order]
    rank = np.empty(80)
    rank[order] = (np.cumsum(ws) - ws / 2) / ws.sum()
    mu = np.average(h, weights=w)
    var_r = np.average((rank - np.average(rank, weights=w)) ** 2, weights=w)
    y = 2 * var_r * h / mu
    sw = np.sqrt(w)
    X = np.column_stack([np.ones(80), rank]) * sw[:, None]
    beta = np.linalg.lstsq(X, y * sw, rcond=None)[0]
    assert concentration_index(h, need, w) == pytest.approx(beta[1], abs=1e-12)


def test_erreygers_index_by_hand_and_mirror():
    from gongzhi.spatial.engine import erreygers_index

    # share of categories reached 0, .5, 1 against need .1, .2, .3 (one resident each):
    # μ = .5, cov = ⅓(−.5·−⅓ + 0 + .5·⅓) = 1/9, CI = 2·(1/9)/.5 = 4/9, E = 4·.5·4/9 = 8/9
    assert erreygers_index([0, 0.5, 1], [0.1, 0.2, 0.3]) == pytest.approx(8 / 9, abs=1e-15)
    rng = np.random.default_rng(3)
    h = rng.uniform(0, 1, 40)
    need = rng.uniform(0, 1, 40)
    w = rng.integers(1, 9, 40).astype(float)
    # mirror property: what is reached and what is missing give opposite indices
    assert erreygers_index(h, need, w) == pytest.approx(-erreygers_index(1 - h, need, w),
                                                        abs=1e-12)
    with pytest.raises(ValueError):
        erreygers_index([2.0], [0.1])
