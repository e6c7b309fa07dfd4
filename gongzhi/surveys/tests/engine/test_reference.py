"""The engine against independent implementations on the real item-level data.

References (test-only, GPL, never imported by the app): pingouin 0.7 ``cronbach_alpha``
(α, Feldt interval rounded by pingouin to 3 decimals), ``ttest``, ``wilcoxon``,
``compute_effsize``; factor_analyzer 0.5 minres (L-BFGS-B on the uniquenesses, psych's
``fa(fm="minres")`` algorithm) for the one-factor loadings behind ω. r_drop is checked
against scipy's Pearson r of the item with the sum of the other items.

Tolerances: α, α if deleted, r_drop 1e-9; Feldt interval 5e-4 (pingouin rounds);
ω 1e-6 and loadings 1e-5 (the reference's optimiser stops at its own tolerance — measured
differences are ~3e-9 for ω and ~1e-7 for loadings).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from gongzhi.surveys.engine.change import paired_change
from gongzhi.surveys.engine.items import reverse, scale_scores
from gongzhi.surveys.engine.reliability import omega_from_loadings, reliability

from .conftest import INSTRUMENTS, items

pg = pytest.importorskip("pingouin")
fa_mod = pytest.importorskip("factor_analyzer")

TOL = 1e-9


def fa_minres_loadings(r: np.ndarray) -> np.ndarray:
    """factor_analyzer's minres fit of one factor to the correlation matrix ``r``.

    Calls the fitting routine directly: ``FactorAnalyzer.fit`` breaks on current
    scikit-learn (``check_array(force_all_finite=…)``), the algorithm itself does not."""
    fa = fa_mod.FactorAnalyzer(n_factors=1, rotation=None, method="minres",
                               is_corr_matrix=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lam = fa._fit_factor_analysis(np.array(r, copy=True))[:, 0]
    return lam if lam.sum() > 0 else -lam


def check_against_reference(frame, cols, missing):
    frame = frame[cols].dropna(how="all")
    ours = reliability(frame.to_numpy(dtype=float), cols, missing=missing)
    used = frame.dropna() if missing == "listwise" else frame
    a, ci = pg.cronbach_alpha(used, nan_policy=missing)
    assert ours.n == len(used)
    assert ours.alpha == pytest.approx(a, abs=TOL)
    assert ours.alpha_ci == pytest.approx(tuple(ci), abs=5e-4 + 1e-12)
    for s in ours.items:
        ref = pg.cronbach_alpha(used.drop(columns=s.item), nan_policy=missing)[0]
        assert s.alpha_if_deleted == pytest.approx(ref, abs=TOL), s.item
    if missing == "listwise":
        for s in ours.items:
            rest = used.drop(columns=s.item).sum(axis=1)
            assert s.r_drop == pytest.approx(stats.pearsonr(used[s.item], rest)[0], abs=TOL)
    else:
        c = used.cov().to_numpy()  # pandas: pairwise-complete covariances
        for i, s in enumerate(ours.items):
            rest = [j for j in range(len(cols)) if j != i]
            ref = c[i, rest].sum() / np.sqrt(c[i, i] * c[np.ix_(rest, rest)].sum())
            assert s.r_drop == pytest.approx(ref, abs=TOL)
    lam = fa_minres_loadings(used.corr().to_numpy())
    assert [s.loading for s in ours.items] == pytest.approx(list(lam), abs=1e-5)
    assert ours.omega == pytest.approx(omega_from_loadings(lam), abs=1e-6)
    return ours


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
def test_whole_instruments(conval, name, missing):
    ours = check_against_reference(conval, items(name), missing)
    assert 0.85 < ours.alpha < 0.99  # these scales are internally consistent


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_subsets_items_and_rows(conval, seed):
    """Data the engine has never seen: random rows, random items, random instruments."""
    rng = np.random.default_rng(seed)
    name = sorted(INSTRUMENTS)[seed % 4]
    cols = list(rng.choice(items(name), size=int(rng.integers(3, 8)), replace=False))
    rows = conval.sample(n=int(rng.integers(40, 400)), random_state=seed)
    for missing in ("listwise", "pairwise"):
        check_against_reference(rows, cols, missing)


@pytest.mark.parametrize("comm", [1, 5, 12])
def test_per_reference_community(conval, comm):
    """One community type at a time (the data's ``comm`` column), mixed instruments."""
    cols = items("jason")[:5] + items("omoto")[:4]
    check_against_reference(conval[conval["comm"] == comm], cols, "pairwise")


def test_reversed_items_match_reference(conval):
    cols = items("halamova")[:8]
    frame = conval[cols].dropna()
    x = reverse(frame.to_numpy(dtype=float), [1, 4], low=0, high=1)
    ref = frame.copy()
    for c in (cols[1], cols[4]):
        ref[c] = 1 - ref[c]
    ours = reliability(x, cols, missing="listwise")
    assert ours.alpha == pytest.approx(pg.cronbach_alpha(ref)[0], abs=TOL)
    assert ours.alpha < reliability(frame.to_numpy(dtype=float), cols).alpha


def test_paired_change_matches_pingouin(conval):
    """Within-person difference of two scale means (jason vs omoto ratings) as pairs."""
    frame = conval.sample(n=120, random_state=7)
    before = scale_scores(frame[items("omoto")].to_numpy(dtype=float), min_answered=10)
    after = scale_scores(frame[items("jason")].to_numpy(dtype=float), min_answered=5)
    ours = paired_change(before, after)
    keep = ~(np.isnan(before) | np.isnan(after))
    b, a = before[keep], after[keep]
    t = pg.ttest(a, b, paired=True)
    assert ours.n == keep.sum()
    assert ours.t == pytest.approx(float(t["T"].iloc[0]), abs=1e-9)
    assert ours.p_t == pytest.approx(float(t["p_val"].iloc[0] if "p_val" in t
                                           else t["p-val"].iloc[0]), rel=1e-6)
    assert ours.hedges_g == pytest.approx(
        pg.compute_effsize(a, b, paired=True, eftype="hedges"), abs=1e-9)
    dz = (a - b).mean() / (a - b).std(ddof=1)
    assert ours.d_z == pytest.approx(dz, abs=1e-12)
    w = pg.wilcoxon(a, b)
    assert ours.rank_biserial == pytest.approx(float(w["RBC"].iloc[0]), abs=1e-9)
    assert ours.wilcoxon_w == pytest.approx(float(w["W_val"].iloc[0] if "W_val" in w
                                                  else w["W-val"].iloc[0]))
