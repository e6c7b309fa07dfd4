"""Item matrices: reverse scoring, missing-data rules and scale scores.

A response matrix is a 2-D float array, one row per respondent and one column per item,
with ``nan`` for a missing answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

MissingRule = Literal["listwise", "pairwise"]
MISSING_RULES: tuple[str, ...] = ("listwise", "pairwise")


def as_matrix(data: Sequence[Sequence[float | None]] | np.ndarray) -> np.ndarray:
    """A float matrix with ``nan`` for ``None``; raises ValueError unless 2-D."""
    x = np.array(
        [[np.nan if v is None else v for v in row] for row in data]
        if not isinstance(data, np.ndarray)
        else data,
        dtype=float,
    )
    if x.ndim != 2:
        raise ValueError("a response matrix has one row per respondent and one column per item")
    return x


def reverse(x: np.ndarray, columns: Sequence[int], *, low: float, high: float) -> np.ndarray:
    """A copy of ``x`` with ``columns`` reverse-scored as ``low + high - value``."""
    if high <= low:
        raise ValueError("the scale maximum must be greater than its minimum")
    out = np.array(x, dtype=float, copy=True)
    for c in columns:
        out[:, c] = low + high - out[:, c]
    return out


def answered_rows(x: np.ndarray) -> np.ndarray:
    """Boolean mask of rows with at least one answered item."""
    return ~np.all(np.isnan(x), axis=1)


def complete_rows(x: np.ndarray) -> np.ndarray:
    """Boolean mask of rows with every item answered (listwise deletion keeps these)."""
    return ~np.any(np.isnan(x), axis=1)


def covariance(x: np.ndarray, rule: str = "listwise") -> tuple[np.ndarray, int]:
    """The item covariance matrix (denominator n − 1) and the n it rests on.

    ``listwise`` keeps only complete rows. ``pairwise`` computes each covariance from the rows
    that answered both items (each with its own means), as pandas ``DataFrame.cov`` does;
    its n is the number of rows with at least one answer.
    """
    if rule not in MISSING_RULES:
        raise ValueError(f"unknown missing-data rule {rule!r} (listwise or pairwise)")
    if rule == "listwise":
        xc = x[complete_rows(x)]
        n = xc.shape[0]
        if n < 2:
            raise ValueError("fewer than two complete responses")
        return np.cov(xc, rowvar=False, ddof=1).reshape(x.shape[1], x.shape[1]), n
    k = x.shape[1]
    present = ~np.isnan(x)
    c = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            m = present[:, i] & present[:, j]
            if m.sum() < 2:
                raise ValueError("fewer than two responses answer both items of a pair")
            a = x[m, i]
            b = x[m, j]
            c[i, j] = c[j, i] = float(np.dot(a - a.mean(), b - b.mean()) / (m.sum() - 1))
    return c, int(answered_rows(x).sum())


def pairwise_correlation(x: np.ndarray) -> np.ndarray:
    """Pearson correlations, each from the rows that answered both items (as pandas
    ``DataFrame.corr`` and R's ``cor(use = "pairwise")``)."""
    k = x.shape[1]
    present = ~np.isnan(x)
    r = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            m = present[:, i] & present[:, j]
            if m.sum() < 2:
                raise ValueError("fewer than two responses answer both items of a pair")
            a = x[m, i] - x[m, i].mean()
            b = x[m, j] - x[m, j].mean()
            r[i, j] = r[j, i] = float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))
    return r


def scale_scores(
    x: np.ndarray,
    *,
    method: Literal["mean", "sum"] = "mean",
    min_answered: int | None = None,
) -> np.ndarray:
    """Each respondent's scale score; ``nan`` where too few items were answered.

    Person-mean rule: a respondent who answered at least ``min_answered`` items (default:
    all of them, i.e. listwise) gets the mean of the answered items; ``sum`` is that mean
    times the number of items (a prorated sum, so it stays on the full-scale range).
    """
    k = x.shape[1]
    need = k if min_answered is None else int(min_answered)
    if not 1 <= need <= k:
        raise ValueError(f"the minimum of answered items must be between 1 and {k}")
    answered = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        means = np.where(answered > 0, np.nansum(x, axis=1) / np.maximum(answered, 1), np.nan)
    means = np.where(answered >= need, means, np.nan)
    return means * k if method == "sum" else means
