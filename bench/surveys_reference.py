"""Engine vs references on the real item-level data (Krumbholz 2023, content-validity
ratings — not self-reported belonging): the largest absolute difference per statistic.

    .venv/bin/python bench/surveys_reference.py

References (test-only installs, GPL): pingouin ``cronbach_alpha`` (its Feldt interval is
rounded to 3 decimals), factor_analyzer minres loadings (ω computed from them with the
same formula), scipy Pearson r for r_drop (listwise).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
from factor_analyzer import FactorAnalyzer
from scipy import stats

from gongzhi.surveys.engine.reliability import omega_from_loadings, reliability

DATA = Path(__file__).resolve().parents[1].parent / "shared/data/surveys"
FILE = DATA / "krumbholz2023_05_conval_data.csv"
INSTRUMENTS = {"chavis": 25, "omoto": 18, "jason": 9, "halamova": 22}


def main() -> None:
    warnings.filterwarnings("ignore")
    df = pd.read_csv(FILE, na_values=["NA"], keep_default_na=False)
    print(f"{'scale':<9} {'missing':<9} {'n':>5} {'alpha':>8} {'d_alpha':>9} {'d_ci':>9} "
          f"{'omega':>8} {'d_omega':>9} {'d_load':>9} {'d_aid':>9} {'d_rdrop':>9}")
    for name, k in INSTRUMENTS.items():
        cols = [f"{name}_{i}" for i in range(1, k + 1)]
        frame = df[cols].dropna(how="all")
        for missing in ("listwise", "pairwise"):
            ours = reliability(frame.to_numpy(dtype=float), cols, missing=missing)
            used = frame.dropna() if missing == "listwise" else frame
            a, ci = pg.cronbach_alpha(used, nan_policy=missing)
            fa = FactorAnalyzer(n_factors=1, rotation=None, method="minres",
                                is_corr_matrix=True)
            lam = fa._fit_factor_analysis(used.corr().to_numpy().copy())[:, 0]
            lam = lam if lam.sum() > 0 else -lam
            aid = [pg.cronbach_alpha(used.drop(columns=c), nan_policy=missing)[0]
                   for c in cols]
            d_rd = float("nan")
            if missing == "listwise":
                rd = [stats.pearsonr(used[c], used.drop(columns=c).sum(axis=1))[0]
                      for c in cols]
                d_rd = np.max(np.abs(np.array(rd) - [s.r_drop for s in ours.items]))
            d_aid = np.max(np.abs(np.array(aid) - [s.alpha_if_deleted for s in ours.items]))
            print(f"{name:<9} {missing:<9} {ours.n:>5} {ours.alpha:>8.5f} "
                  f"{abs(a - ours.alpha):>9.1e} "
                  f"{np.max(np.abs(np.array(ours.alpha_ci) - ci)):>9.1e} "
                  f"{ours.omega:>8.5f} {abs(omega_from_loadings(lam) - ours.omega):>9.1e} "
                  f"{np.max(np.abs(lam - [s.loading for s in ours.items])):>9.1e} "
                  f"{d_aid:>9.1e} "
                  f"{d_rd:>9.1e}")


if __name__ == "__main__":
    main()
