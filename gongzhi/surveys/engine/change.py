"""Before/after comparisons of paired scores (the same respondents, matched by key).

Definitions (diff = after − before, so a positive effect is an increase):

- paired t: t = mean(diff) / (sd(diff) / √n), df = n − 1, two-sided p; the 95 % interval of
  the mean difference.
- d_z = mean(diff) / sd(diff) (the standardised mean of the differences).
- Hedges' g (paired): g_av = d_av · J with d_av = (mean(after) − mean(before)) /
  √((sd²(before) + sd²(after)) / 2) (Lakens 2013, eq. 10) and the small-sample correction
  J = 1 − 3 / (4 (n_before + n_after) − 9), as pingouin's ``compute_effsize(paired=True,
  eftype="hedges")``. g_av is comparable with between-group effect sizes; d_z is not.
- Wilcoxon signed-rank (zero differences dropped — Wilcoxon's method): W = the smaller of
  the rank sums, p from scipy (exact for small n without ties, else the normal
  approximation); the matched-pairs rank-biserial r = (R⁺ − R⁻) / (R⁺ + R⁻) (Kerby 2014).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import stats

SMALL_PAIRS = 20
VERY_SMALL_PAIRS = 10


@dataclass
class PairedChange:
    n: int
    mean_before: float
    mean_after: float
    mean_diff: float
    sd_diff: float
    diff_ci: tuple[float, float]
    t: float
    df: int
    p_t: float
    d_z: float
    hedges_g: float
    wilcoxon_w: float | None
    p_wilcoxon: float | None
    rank_biserial: float | None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        d = asdict(self)
        d["diff_ci"] = list(self.diff_ci)
        return d


def paired_change(before: np.ndarray, after: np.ndarray, level: float = 0.95) -> PairedChange:
    """Compare paired scores; pairs with a missing side are dropped."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape or b.ndim != 1:
        raise ValueError("before and after must be two equally long lists of scores")
    keep = ~(np.isnan(a) | np.isnan(b))
    b, a = b[keep], a[keep]
    n = int(b.size)
    if n < 3:
        raise ValueError(f"a paired comparison needs at least 3 complete pairs (got {n})")
    warnings: list[str] = []
    if n < SMALL_PAIRS:
        warnings.append(
            f"small sample: {n} pairs (< {SMALL_PAIRS}); tests have little power and "
            "effect sizes are imprecise"
        )
    d = a - b
    md = float(d.mean())
    sd = float(d.std(ddof=1))
    if sd == 0:
        raise ValueError("every pair changed by the same amount; the tests are undefined")
    se = sd / np.sqrt(n)
    t = md / se
    p_t = float(2 * stats.t.sf(abs(t), n - 1))
    q = float(stats.t.ppf(1 - (1 - level) / 2, n - 1))
    sb, sa = float(b.std(ddof=1)), float(a.std(ddof=1))
    d_av = md / np.sqrt((sb**2 + sa**2) / 2)
    g = d_av * (1 - 3 / (4 * (2 * n) - 9))
    nz = d[d != 0]
    w = p_w = rbc = None
    if nz.size == 0:
        warnings.append("no pair changed; the signed-rank test is undefined")
    else:
        if nz.size < VERY_SMALL_PAIRS:
            warnings.append(
                f"only {nz.size} non-zero differences: the signed-rank p-value is coarse"
            )
        ranks = stats.rankdata(np.abs(nz))
        r_plus = float(ranks[nz > 0].sum())
        r_minus = float(ranks[nz < 0].sum())
        rbc = (r_plus - r_minus) / (r_plus + r_minus)
        res = stats.wilcoxon(nz, zero_method="wilcox", alternative="two-sided")
        w, p_w = float(res.statistic), float(res.pvalue)
    return PairedChange(
        n=n,
        mean_before=float(b.mean()),
        mean_after=float(a.mean()),
        mean_diff=md,
        sd_diff=sd,
        diff_ci=(md - q * se, md + q * se),
        t=float(t),
        df=n - 1,
        p_t=p_t,
        d_z=md / sd,
        hedges_g=float(g),
        wilcoxon_w=w,
        p_wilcoxon=p_w,
        rank_biserial=rbc,
        warnings=warnings,
    )
