"""Hand-checked numbers for the psychometrics engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gongzhi.surveys.engine.change import paired_change
from gongzhi.surveys.engine.items import covariance, reverse, scale_scores
from gongzhi.surveys.engine.reliability import (
    feldt_ci,
    omega_from_loadings,
    one_factor_minres,
    reliability,
)

X = np.array([[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5]], dtype=float)
nan = math.nan


def test_alpha_by_hand():
    # item variances 5/3, 4.75/3, 2.75/3; total-score variance 35/3
    # α = 3/2 · (1 − 12.5/35) = 27/28
    r = reliability(X, ["a", "b", "c"])
    assert r.alpha == pytest.approx(27 / 28, abs=1e-15)
    assert r.n == 4 and r.k == 3
    assert any("small sample" in w for w in r.warnings)


def test_r_drop_and_alpha_if_deleted_by_hand():
    r = reliability(X, ["a", "b", "c"])
    # item a against b+c = [5, 6, 7, 10]: cov = 5/3·… computed directly
    rest = X[:, 1] + X[:, 2]
    assert r.items[0].r_drop == pytest.approx(np.corrcoef(X[:, 0], rest)[0, 1], abs=1e-15)
    # α without a: two items with variances 4.75/3, 2.75/3 and covariance 3.25/3
    # α = 2 · (1 − 7.5/(7.5 + 6.5)) = 2 · 6.5/14 = 13/14
    assert r.items[0].alpha_if_deleted == pytest.approx(13 / 14, abs=1e-15)


def test_feldt_interval_contains_alpha_and_narrows_with_n():
    lo, hi = feldt_ci(0.8, 50, 6)
    assert lo < 0.8 < hi
    lo2, hi2 = feldt_ci(0.8, 500, 6)
    assert hi2 - lo2 < hi - lo


def test_omega_for_a_perfect_one_factor_matrix():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    fac = one_factor_minres(r)
    assert fac.converged
    assert fac.loadings == pytest.approx(lam, abs=1e-6)
    # (2.6)² / ((2.6)² + (0.36 + 0.51 + 0.64 + 0.75)) = 6.76 / 9.02
    assert omega_from_loadings(fac.loadings) == pytest.approx(6.76 / 9.02, abs=1e-6)


def test_reverse_scores_min_plus_max_minus_x():
    out = reverse(np.array([[0.0, 4.0], [1.0, nan]]), [1], low=0, high=4)
    assert out[0].tolist() == [0.0, 0.0]
    assert math.isnan(out[1, 1])
    with pytest.raises(ValueError):
        reverse(X, [0], low=4, high=4)


def test_person_mean_needs_a_minimum_of_answers():
    x = np.array([[1, nan, 3], [nan, nan, 3], [1, 2, 3]])
    assert scale_scores(x, min_answered=2)[0] == 2.0
    assert math.isnan(scale_scores(x, min_answered=2)[1])
    assert math.isnan(scale_scores(x)[0])  # default: every item (listwise)
    assert scale_scores(x, method="sum", min_answered=2)[0] == 6.0  # prorated
    with pytest.raises(ValueError):
        scale_scores(x, min_answered=4)


def test_listwise_and_pairwise_covariance():
    x = np.array([[1, 2], [2, nan], [3, 5], [4, 4]])
    c, n = covariance(x, "listwise")
    assert n == 3
    c2, n2 = covariance(x, "pairwise")
    assert n2 == 4
    assert c2[0, 0] == pytest.approx(np.var([1, 2, 3, 4], ddof=1))
    assert c[0, 0] == pytest.approx(np.var([1, 3, 4], ddof=1))
    with pytest.raises(ValueError):
        covariance(x, "mean")


def test_item_without_variance_is_refused():
    x = np.array([[1, 2], [1, 3], [1, 4]], dtype=float)
    with pytest.raises(ValueError, match="without variance"):
        reliability(x, ["a", "b"])


def test_wilcoxon_rank_biserial_by_hand():
    before = np.array([3, 3, 4, 2, 5, 1, 2, 3, 4, 2, 3, 3], dtype=float)
    after = before + np.array([1, 2, -1, 3, 0, 1, 1, 2, 1, 1, -1, 2])
    ch = paired_change(before, after)
    # non-zero diffs: 1,2,-1,3,1,1,2,1,1,-1,2 → |d|=1 ×7 (ranks 1–7, mean 4), 2 ×3 (ranks
    # 8–10, mean 9), 3 (rank 11). R⁻ = 4+4 = 8, R⁺ = 66 − 8 = 58, r = 50/66.
    assert ch.rank_biserial == pytest.approx(50 / 66, abs=1e-15)
    assert ch.wilcoxon_w == 8.0
    d = after - before
    assert ch.d_z == pytest.approx(d.mean() / d.std(ddof=1))
    assert ch.n == 12
    assert any("small sample" in w for w in ch.warnings)


def test_paired_change_drops_incomplete_pairs_and_refuses_too_few():
    with pytest.raises(ValueError, match="at least 3"):
        paired_change(np.array([1.0, 2.0, nan]), np.array([2.0, 3.0, 4.0]))
    with pytest.raises(ValueError, match="same amount"):
        paired_change(np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0]))
