"""PCA and the participants' projection (steps 3 and 4 of an update), Pol.is' ``pca.clj``.

**PCA**: moderated-out statements are zeroed for everyone; each column is centred on the mean
of the votes cast and missing votes are imputed with that mean, so after centring the matrix is
sparse (a missing vote is exactly 0). The first two principal components are computed by
randomized subspace iteration (Halko, Martinsson & Tropp 2011) warm-started from the previous
components, or exactly (eigendecomposition of the statement covariance) when there are at most
``Params.exact_pca_max_statements`` statements (0 by default: never). Sign convention: a
component keeps the orientation of the previous snapshot's component; without one, its largest
loading is positive.

**Sparsity-aware projection** (``sparsity-aware-project-ptpt``): a participant is projected
using only the votes they cast and the result is scaled by ``sqrt(n_statements / n_voted)``
(moderated-out columns count as voted, as the zeroed column does in Pol.is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from gongzhi.deliberation.engine.matrix import VoteMatrix
from gongzhi.deliberation.engine.params import Params


def _orient(comps: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    out = comps.copy()
    for i in range(out.shape[0]):
        if previous is not None and i < previous.shape[0]:
            s = float(out[i] @ previous[i])
            if s < 0:
                out[i] = -out[i]
            if s != 0:
                continue
        j = int(np.argmax(np.abs(out[i]))) if out.shape[1] else 0
        if out.shape[1] and out[i, j] < 0:
            out[i] = -out[i]
    return out


def _top_components(
    x: sparse.csr_matrix, k: int, previous: np.ndarray | None, params: Params
) -> np.ndarray:
    n, m = x.shape
    k = min(k, m, n)
    if k == 0:
        return np.zeros((0, m))
    if m <= params.exact_pca_max_statements:
        cov = (x.T @ x).toarray()
        w, v = np.linalg.eigh(cov)
        order = np.argsort(w)[::-1][:k]
        return v[:, order].T
    # Randomized subspace iteration with Rayleigh-Ritz, warm-started (Halko et al. 2011, alg. 4.4).
    p = min(m, k + 8)
    rng = np.random.default_rng(params.seed)
    q = rng.standard_normal((m, p))
    if previous is not None:
        q[:, : previous.shape[0]] = previous.T
    q, _ = np.linalg.qr(q)
    xt = x.T.tocsr()
    best: np.ndarray | None = None  # the previous iteration's components
    for _ in range(60):
        q, _ = np.linalg.qr(xt @ (x @ q))
        b = x @ q
        w, u = np.linalg.eigh(b.T @ b)
        order = np.argsort(w)[::-1][:k]
        comps = (q @ u[:, order]).T
        if best is not None:
            change = 1.0 - np.abs(np.sum(comps * best, axis=1))
            if float(change.max()) < 1e-13:
                break
        best = comps
    return comps


@dataclass
class Pca:
    center: np.ndarray  # per statement (0 for moderated-out)
    comps: np.ndarray  # 2 x n_statements
    projection: np.ndarray  # n_participants x 2
    comment_projection: np.ndarray  # n_statements x 2
    comment_extremity: np.ndarray  # n_statements


def pca(
    matrix: VoteMatrix,
    active: np.ndarray,
    previous: np.ndarray | None = None,
    params: Params = Params(),
) -> Pca:
    n, m = matrix.shape
    use = active[matrix.cols]
    r, c, v = matrix.rows[use], matrix.cols[use], matrix.vals[use]
    col_n = np.bincount(c, minlength=m)
    col_sum = np.bincount(c, weights=v, minlength=m)
    center = np.divide(col_sum, col_n, out=np.zeros(m), where=col_n > 0)
    centred = v - center[c]
    x = sparse.csr_matrix((centred, (r, c)), shape=(n, m))
    if n == 1:
        row = x.toarray()[0]
        norm = float(np.linalg.norm(row))
        comps = np.zeros((2, m))
        if norm:
            comps[0] = row / norm
    else:
        comps = _top_components(x, 2, previous, params)
        if comps.shape[0] < 2:
            comps = np.vstack([comps, np.zeros((2 - comps.shape[0], m))])
    comps = _orient(comps, previous)
    n_voted = np.bincount(r, minlength=n) + int(m - active.sum())
    scale = np.sqrt(m / np.maximum(n_voted, 1))
    projection = np.asarray(x @ comps.T) * scale[:, None]
    comment_projection = ((1.0 - center)[:, None] * comps.T) * math.sqrt(max(m, 1))
    comment_projection[~active] = 0.0
    return Pca(
        center=center,
        comps=comps,
        projection=projection,
        comment_projection=comment_projection,
        comment_extremity=np.linalg.norm(comment_projection, axis=1),
    )
