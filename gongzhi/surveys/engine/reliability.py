"""Reliability of a scale: Cronbach's α, McDonald's ω, item statistics.

Definitions (C is the k × k item covariance matrix under the chosen missing-data rule):

- α = k / (k − 1) · (1 − tr C / ΣC).
- Feldt (1965) interval, as pingouin's ``cronbach_alpha``: with df1 = n − 1 and
  df2 = (n − 1)(k − 1), lower = 1 − (1 − α) · F⁻¹(1 − a/2; df1, df2) and
  upper = 1 − (1 − α) · F⁻¹(a/2; df1, df2).
- Corrected item–total correlation r_drop of item i: the correlation of the item with the
  sum of the other items, from C: Σ_{j≠i} C_ij / √(C_ii · Σ_{j,l≠i} C_jl) (as psych's
  ``alpha``; with listwise deletion it is exactly the Pearson correlation).
- α if item deleted: α of C without row and column i (the same respondents).
- McDonald's ω (total, one factor): a one-factor model fitted to the item correlation
  matrix R (pairwise: each pair's own Pearson correlation) by minimum residual
  (unweighted least squares: the loadings λ minimise the squared off-diagonal residuals
  of R − λλᵀ), computed by iterated principal axes from the squared multiple
  correlations until the communalities change by less than 1e-12; then
  ω = (Σλ)² / ((Σλ)² + Σ(1 − λ²)), the share of the model-implied variance of the
  standardised sum score that the common factor explains (McDonald 1999).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .items import complete_rows, covariance, pairwise_correlation


def alpha_from_cov(c: np.ndarray) -> float:
    k = c.shape[0]
    if k < 2:
        raise ValueError("α needs at least two items")
    total = float(c.sum())
    if total <= 0:
        raise ValueError("the items have no variance")
    return k / (k - 1) * (1.0 - float(np.trace(c)) / total)


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's confidence interval for α from n respondents and k items."""
    a = 1.0 - level
    df1 = n - 1
    df2 = df1 * (k - 1)
    lower = 1.0 - (1.0 - alpha) * float(stats.f.isf(a / 2, df1, df2))
    upper = 1.0 - (1.0 - alpha) * float(stats.f.isf(1 - a / 2, df1, df2))
    return lower, upper


def r_drop_from_cov(c: np.ndarray) -> np.ndarray:
    k = c.shape[0]
    out = np.empty(k)
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        cov_rest = float(c[i, rest].sum())
        var_rest = float(c[np.ix_(rest, rest)].sum())
        out[i] = cov_rest / np.sqrt(c[i, i] * var_rest)
    return out


def alpha_if_deleted_from_cov(c: np.ndarray) -> np.ndarray:
    k = c.shape[0]
    if k < 3:
        return np.full(k, np.nan)
    return np.array(
        [alpha_from_cov(np.delete(np.delete(c, i, axis=0), i, axis=1)) for i in range(k)]
    )


@dataclass
class OneFactor:
    loadings: np.ndarray
    iterations: int
    converged: bool
    heywood: bool


def one_factor_minres(r: np.ndarray, tol: float = 1e-12, max_iter: int = 100_000) -> OneFactor:
    """One-factor minimum-residual (ULS) loadings of the correlation matrix ``r``.

    Iterated principal axes: communalities start at the squared multiple correlations
    (the largest absolute correlation of each item when ``r`` is singular); each step puts
    them on the diagonal and takes the first eigenvector scaled by √eigenvalue. A fixed
    point is a stationary point of the ULS criterion. Loadings are signed so they sum to a
    positive number.
    """
    k = r.shape[0]
    try:
        h2 = 1.0 - 1.0 / np.diag(np.linalg.inv(r))
        if not np.all(np.isfinite(h2)) or np.any(h2 < 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        off = np.abs(r - np.diag(np.diag(r)))
        h2 = off.max(axis=1)
    converged = False
    lam = np.zeros(k)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        rr = r.copy()
        np.fill_diagonal(rr, h2)
        w, v = np.linalg.eigh(rr)
        lam = v[:, -1] * np.sqrt(max(w[-1], 0.0))
        new = lam**2
        if np.max(np.abs(new - h2)) < tol:
            h2 = new
            converged = True
            break
        h2 = new
    if lam.sum() < 0:
        lam = -lam
    return OneFactor(lam, it, converged, bool(np.any(lam**2 >= 1.0)))


def omega_from_loadings(lam: np.ndarray) -> float:
    s = float(lam.sum()) ** 2
    return s / (s + float(np.sum(1.0 - lam**2)))


def corr_from_cov(c: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.diag(c))
    r = c / np.outer(d, d)
    np.fill_diagonal(r, 1.0)
    return r


@dataclass
class ItemStat:
    item: str
    n: int
    mean: float
    sd: float
    r_drop: float
    alpha_if_deleted: float | None
    loading: float


@dataclass
class Reliability:
    n: int
    k: int
    missing: str
    alpha: float
    alpha_ci: tuple[float, float]
    omega: float
    items: list[ItemStat]
    warnings: list[str] = field(default_factory=list)
    omega_iterations: int = 0

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "k": self.k,
            "missing": self.missing,
            "alpha": self.alpha,
            "alpha_ci": list(self.alpha_ci),
            "omega": self.omega,
            "omega_method": "one factor, minimum residual (iterated principal axes)",
            "items": [
                {
                    "item": s.item,
                    "n": s.n,
                    "mean": s.mean,
                    "sd": s.sd,
                    "r_drop": s.r_drop,
                    "alpha_if_deleted": s.alpha_if_deleted,
                    "loading": s.loading,
                }
                for s in self.items
            ],
            "warnings": self.warnings,
        }


SMALL_N = 30


def reliability(
    x: np.ndarray,
    names: list[str] | None = None,
    *,
    missing: str = "listwise",
    level: float = 0.95,
) -> Reliability:
    """α (with its Feldt interval), ω and item statistics of the item matrix ``x``.

    Rows with no answered item are not respondents of this scale and are dropped first.
    Raises ValueError when the scale cannot be analysed (fewer than two items, fewer than
    two usable responses, an item without variance).
    """
    k = x.shape[1]
    names = names or [f"item_{i + 1}" for i in range(k)]
    if k < 2:
        raise ValueError("reliability needs at least two items")
    x = x[~np.all(np.isnan(x), axis=1)]
    c, n = covariance(x, missing)
    zero = [names[i] for i in range(k) if not c[i, i] > 0]
    if zero:
        raise ValueError("items without variance: " + ", ".join(zero))
    warnings: list[str] = []
    if n < SMALL_N:
        warnings.append(
            f"small sample: n = {n} (< {SMALL_N}); α and its interval are unstable"
        )
    if k == 2:
        warnings.append("two items: α if item deleted is undefined")
    a = alpha_from_cov(c)
    if a < 0:
        warnings.append("negative α: check reverse-scored items")
    # ω: correlations of the same rows as C — listwise: of the complete rows (identical to
    # standardising C); pairwise: each pair's own Pearson correlation.
    r = corr_from_cov(c) if missing == "listwise" else pairwise_correlation(x)
    fac = one_factor_minres(r)
    if not fac.converged:
        warnings.append("the one-factor model did not converge; ω is approximate")
    if fac.heywood:
        warnings.append("Heywood case (a loading of 1 or more); ω is unreliable")
    rd = r_drop_from_cov(c)
    aid = alpha_if_deleted_from_cov(c)
    present = ~np.isnan(x)
    items = []
    for i in range(k):
        col = x[present[:, i], i] if missing == "pairwise" else x[complete_rows(x), i]
        items.append(
            ItemStat(
                item=names[i],
                n=int(col.size),
                mean=float(col.mean()),
                sd=float(np.sqrt(c[i, i])),
                r_drop=float(rd[i]),
                alpha_if_deleted=None if np.isnan(aid[i]) else float(aid[i]),
                loading=float(fac.loadings[i]),
            )
        )
    return Reliability(
        n=n,
        k=k,
        missing=missing,
        alpha=a,
        alpha_ci=feldt_ci(a, n, k, level),
        omega=omega_from_loadings(fac.loadings),
        items=items,
        warnings=warnings,
        omega_iterations=fac.iterations,
    )
