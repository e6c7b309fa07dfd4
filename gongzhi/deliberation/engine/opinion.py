"""Opinion groups from agree / disagree / pass votes, following Pol.is' open mathematics.

The steps, each as Pol.is' Clojure code (``math/src/polismath/math/*.clj``) does it:

1. **Vote matrix** (``VoteMatrix.from_votes``): participant x statement, agree 1, disagree -1,
   pass 0, missing absent; the latest vote of a participant on a statement wins. Rows are in
   the order participants first voted, columns in statement id order.
2. **In conversation** (``conversation.clj``, ``:in-conv``): a participant counts once they have
   voted on ``min(7, number of statements)`` statements; if fewer than 15 qualify, the most
   active participants are added until there are 15. Once in, always in (across updates).
3. **PCA** (``pca.clj``): moderated-out statements are zeroed for everyone; each column is
   centred on the mean of the votes cast and missing votes are imputed with that mean, so
   after centring the matrix is sparse (a missing vote is exactly 0). The first two principal
   components are computed exactly (eigendecomposition of the statement covariance) for up
   to 500 statements and by randomized subspace iteration (Halko, Martinsson & Tropp 2011)
   warm-started from the previous components above that. Sign convention: a component keeps
   the orientation of the previous snapshot's component; without one, its largest loading is
   positive.
4. **Sparsity-aware projection** (``sparsity-aware-project-ptpt``): a participant is projected
   using only the votes they cast and the result is scaled by ``sqrt(n_statements / n_voted)``
   (moderated-out columns count as voted, as the zeroed column does in Pol.is).
5. **Base clusters** (``clusters.clj``): k-means with k = 100 on the projections of the
   participants in conversation, started from the first 100 distinct points, or from the
   previous snapshot's clusters as ``clean-start-clusters`` does (recentred on their members,
   the most distal point split off and everything recentred, until k clusters are possible).
6. **Group clusters**: weighted k-means (weights = base cluster sizes) of the base cluster
   centres for every k in 2..min(5, 2 + n_base // 12), each warm-started from the previous
   clustering with the same k; k is chosen by the silhouette coefficient over base clusters
   and smoothed: a new best k replaces the current one only after being best 4 times in a row.
7. **Representative statements** (``repness.clj``) with pseudocounts and z-tests, selected as
   ``select-rep-comments`` does; **consensus** as ``select-consensus-comments``;
   **group-informed consensus** as the product over groups of (agree + 1) / (seen + 2).
8. **Statement routing priority** (``comment-priorities``).
9. **Replay** (``replay``): an export's history as Pol.is' poller delivered it, one update
   per 1000 ms of votes (``poller.clj``, ``conv_man.clj``).

No Django in here: numpy and scipy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.spatial import cKDTree

Z90 = 1.2816  # one-sided 90 % (stats.clj z-sig-90?)


@dataclass(frozen=True)
class Params:
    min_votes: int = 7
    greedy_n: int = 15
    base_k: int = 100
    max_k: int = 5
    base_iters: int = 100
    # Pol.is passes :cluster-iters to kmeans, which reads :max-iters, so groups get the default 20.
    group_iters: int = 20
    k_buffer: int = 4
    pick_max: int = 5
    exact_pca_max_statements: int = 0
    seed: int = 20140618


# ---------------------------------------------------------------------------------------------
# The vote matrix


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each value's index; a lookup table for small integers."""
    if values.dtype.kind in "iu" and len(values):
        lo, hi = int(values.min()), int(values.max())
        if lo >= 0 and hi < 4 * len(values) + 1024:
            present = np.zeros(hi + 1, dtype=bool)
            present[values] = True
            index = np.cumsum(present) - 1
            return np.flatnonzero(present).astype(values.dtype), index[values]
    return np.unique(values, return_inverse=True)


@dataclass
class VoteMatrix:
    participants: np.ndarray  # participant ids, in row order
    statements: np.ndarray  # statement ids, in column order (ascending)
    rows: np.ndarray  # COO row index of each observed vote (int64)
    cols: np.ndarray  # COO column index
    vals: np.ndarray  # vote value (float64: 1, -1, 0)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participants), len(self.statements)

    @classmethod
    def from_votes(
        cls,
        participant: Any,
        statement: Any,
        vote: Any,
        time: Any | None = None,
    ) -> VoteMatrix:
        """Build the matrix from parallel arrays; the latest vote per pair wins.

        ``time`` orders the votes (ties: the later row wins); without it, row order is time.
        """
        pid = np.asarray(participant)
        tid = np.asarray(statement)
        val = np.asarray(vote, dtype=np.float64)
        n = len(pid)
        if not (len(tid) == n == len(val)):
            raise ValueError("participant, statement and vote arrays differ in length")
        t = np.arange(n, dtype=np.float64) if time is None else np.asarray(time, np.float64)
        if n == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), empty, empty,
                       np.zeros(0, np.float64))
        bad = ~np.isin(val, (-1.0, 0.0, 1.0))
        if bad.any():
            raise ValueError("votes must be 1 (agree), -1 (disagree) or 0 (pass)")
        p_ids, p_idx = _factorize(pid)
        s_ids, s_idx = _factorize(tid)
        # votes in time order (stable: equal times keep row order), then grouped by pair
        if n < 2 or bool(np.all(t[1:] >= t[:-1])):
            by_time = np.arange(n)
        else:
            by_time = np.argsort(t, kind="stable")
        pair = p_idx.astype(np.int64) * len(s_ids) + s_idx
        # one sort of (pair, time rank) packed into int64 keys, all distinct
        keys = np.sort(pair[by_time] * n + np.arange(n))
        pair_sorted, rank_sorted = np.divmod(keys, n)
        last = np.ones(n, dtype=bool)
        last[:-1] = pair_sorted[1:] != pair_sorted[:-1]
        keep = by_time[rank_sorted[last]]
        # rows in order of each participant's first vote (ties: smaller id first)
        _, first_pos = np.unique(p_idx[by_time], return_index=True)
        row_order = np.argsort(first_pos, kind="stable")
        rank = np.empty_like(row_order)
        rank[row_order] = np.arange(len(row_order))
        return cls(
            participants=p_ids[row_order],
            statements=s_ids,
            rows=rank[p_idx[keep]].astype(np.int64),
            cols=s_idx[keep].astype(np.int64),
            vals=val[keep],
        )

    def reorder_rows(self, order: np.ndarray) -> VoteMatrix:
        """The same matrix with row ``order[i]`` as row ``i``."""
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return VoteMatrix(self.participants[order], self.statements, rank[self.rows],
                          self.cols, self.vals)

    def vote_counts(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=self.shape[0])


# ---------------------------------------------------------------------------------------------
# PCA


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


# ---------------------------------------------------------------------------------------------
# k-means as clusters.clj does it


@dataclass
class Clusters:
    ids: np.ndarray  # cluster ids
    centers: np.ndarray  # k x 2
    labels: np.ndarray  # per point: index into ids


def _sqdist(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    d = np.zeros((len(x), len(centers)))
    for j in range(x.shape[1]):
        diff = x[:, j, None] - centers[None, :, j]
        d += diff * diff
    return d


def _nearest(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each point (a k-d tree when there are many points)."""
    if len(x) * len(centers) > 200_000:
        return cKDTree(centers).query(x, k=1)[1].astype(np.int64)
    return np.argmin(_sqdist(x, centers), axis=1)


def _first_distinct(x: np.ndarray, k: int) -> np.ndarray:
    _, idx = np.unique(x, axis=0, return_index=True)
    return np.sort(idx)[:k]


def _weighted_means(x, labels, weights, k):
    w = np.ones(len(x)) if weights is None else weights
    tot = np.bincount(labels, weights=w, minlength=k)
    counts = np.bincount(labels, minlength=k)
    sums = np.stack([np.bincount(labels, weights=w * x[:, j], minlength=k) for j in
                     range(x.shape[1])], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / tot[:, None]
    return means, counts


def _member_means(x: np.ndarray, member_of: np.ndarray, weights: np.ndarray | None,
                  previous: np.ndarray) -> np.ndarray:
    """Weighted mean of each cluster's members (recenter-clusters); memberless keep theirs."""
    k = len(previous)
    inside = member_of >= 0
    lab = member_of[inside]
    w = np.ones(int(inside.sum())) if weights is None else weights[inside]
    tot = np.bincount(lab, weights=w, minlength=k)
    sums = np.stack([np.bincount(lab, weights=w * x[inside, j], minlength=k)
                     for j in range(x.shape[1])], axis=1)
    out = previous.copy()
    has = tot > 0
    out[has] = sums[has] / tot[has, None]
    return out


def _clean_start(x: np.ndarray, ids: np.ndarray, centers: np.ndarray, member_of: np.ndarray,
                 k: int, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """clean-start-clusters (clusters.clj), after safe-recenter and uniqify: while fewer than
    ``min(k, distinct points)`` clusters, the point farthest from every centre (``most-distal``;
    the last one on a tie) leaves its cluster and starts a new one with id max + 1, and all
    clusters are recentred on their members (``recenter-clusters``)."""
    possible = min(k, len(np.unique(x, axis=0)))
    id_list = [int(i) for i in ids]
    member_of = member_of.copy()
    centers = _member_means(x, member_of, weights, np.asarray(centers, dtype=float))
    while len(id_list) < possible:
        mind = _sqdist(x, centers).min(1)
        i = len(mind) - 1 - int(np.argmax(mind[::-1]))
        if mind[i] <= 0:
            break
        member_of[i] = len(id_list)
        id_list.append(max(id_list) + 1)
        centers = _member_means(x, member_of, weights, np.vstack([centers, x[i]]))
    return np.asarray(id_list, dtype=np.int64), centers


def kmeans(
    x: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
    start: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    max_iters: int = 20,
    threshold: float = 0.01,
) -> Clusters:
    """Lloyd iterations; empty clusters are dropped; stop when no centre moves by ``threshold``
    (``same-clustering?``: centres sorted and paired, so a dropped cluster does not count).

    ``start``: (ids, centres, cluster index of each point or -1) of a previous clustering,
    already recentred on current data (``_recentre``).
    """
    if len(x) == 0:
        return Clusters(np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros(0, np.int64))
    if start is not None and len(start[0]):
        ids, centers = _clean_start(x, start[0], start[1], start[2], k, weights)
    else:
        idx = _first_distinct(x, k)
        ids, centers = np.arange(len(idx)), x[idx].copy()
    labels = np.zeros(len(x), dtype=np.int64)
    for it in range(max_iters + 1):
        labels = _nearest(x, centers)
        means, counts = _weighted_means(x, labels, weights, len(centers))
        keep = counts > 0
        remap = np.cumsum(keep) - 1
        new_centers, new_ids = means[keep], ids[keep]
        labels = remap[labels]
        # same-clustering?: sorted centres paired by utils/zip, which stops at the shorter list
        n_pair = min(len(new_centers), len(centers))
        same = bool(np.all(np.linalg.norm(_sorted_rows(new_centers)[:n_pair]
                                          - _sorted_rows(centers)[:n_pair], axis=1) < threshold))
        centers, ids = new_centers, new_ids
        if same or it == max_iters:
            break
    return Clusters(ids=np.asarray(ids, dtype=np.int64), centers=centers, labels=labels)


def _sorted_rows(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort(a.T[::-1])]


def silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points (here: base clusters), singletons scoring 0 (clusters.clj)."""
    k = int(labels.max()) + 1 if len(labels) else 0
    if k < 2:
        return -1.0
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    sizes = onehot.sum(0)
    sums = dist @ onehot  # point x cluster: sum of distances
    own = sizes[labels] - 1
    a = np.divide(sums[np.arange(len(labels)), labels], own, out=np.zeros(len(labels)),
                  where=own > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / sizes[None, :]
    means[np.arange(len(labels)), labels] = np.inf
    means[:, sizes == 0] = np.inf
    b = means.min(1)
    denom = np.maximum(a, b)
    s = np.divide(b - a, denom, out=np.zeros(len(labels)), where=denom > 0)
    s[own == 0] = 0.0
    return float(s.mean())


# ---------------------------------------------------------------------------------------------
# Representativeness and consensus (repness.clj, stats.clj)


def prop_test(succ: np.ndarray, n: np.ndarray) -> np.ndarray:
    succ, n = succ + 1.0, n + 1.0
    return 2.0 * np.sqrt(n) * (succ / n - 0.5)


def two_prop_test(succ_in, succ_out, pop_in, pop_out) -> np.ndarray:
    succ_in, succ_out = succ_in + 1.0, succ_out + 1.0
    pop_in, pop_out = pop_in + 1.0, pop_out + 1.0
    pi1, pi2 = succ_in / pop_in, succ_out / pop_out
    pi_hat = (succ_in + succ_out) / (pop_in + pop_out)
    denom = np.sqrt(pi_hat * (1 - pi_hat) * (1 / pop_in + 1 / pop_out))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (pi1 - pi2) / denom
    return np.where(pi_hat == 1, 0.0, z)


def _group_counts(matrix: VoteMatrix, row_group: np.ndarray, k: int):
    m = matrix.shape[1]
    g = row_group[matrix.rows]
    inside = g >= 0
    key = g[inside] * m + matrix.cols[inside]
    v = matrix.vals[inside]
    size = k * m
    na = np.bincount(key[v > 0], minlength=size).reshape(k, m).astype(float)
    nd = np.bincount(key[v < 0], minlength=size).reshape(k, m).astype(float)
    ns = np.bincount(key, minlength=size).reshape(k, m).astype(float)
    return na, nd, ns


def _finalize(tid: int, st: dict) -> dict:
    if st["rat"] > st["rdt"]:
        n_s, p_s, p_t, rep, rep_t, way = st["na"], st["pa"], st["pat"], st["ra"], st["rat"], "agree"
    else:
        n_s, p_s, p_t, rep, rep_t, way = st["nd"], st["pd"], st["pdt"], st["rd"], st["rdt"], \
            "disagree"
    return {
        "statement": int(tid), "repful_for": way, "n_success": int(n_s),
        "n_trials": int(st["ns"]), "p_success": float(p_s), "p_test": float(p_t),
        "repness": float(rep), "repness_test": float(rep_t),
    }


def _metric(f: dict) -> float:
    return f["repness"] * f["repness_test"] * f["p_success"] * f["p_test"]


def representative_statements(
    matrix: VoteMatrix, row_group: np.ndarray, group_ids: list[int], active: np.ndarray,
    pick_max: int = 5,
) -> dict[int, list[dict]]:
    k = len(group_ids)
    if k == 0:
        return {}
    na, nd, ns = _group_counts(matrix, row_group, k)
    rest_na, rest_nd, rest_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    stats = {
        "na": na, "nd": nd, "ns": ns,
        "pa": (1 + na) / (2 + ns), "pd": (1 + nd) / (2 + ns),
        "pat": prop_test(na, ns), "pdt": prop_test(nd, ns),
    }
    stats["ra"] = stats["pa"] / ((1 + rest_na) / (2 + rest_ns))
    stats["rd"] = stats["pd"] / ((1 + rest_nd) / (2 + rest_ns))
    stats["rat"] = two_prop_test(na, rest_na, ns, rest_ns)
    stats["rdt"] = two_prop_test(nd, rest_nd, ns, rest_ns)
    out: dict[int, list[dict]] = {}
    tids = matrix.statements
    for gi, gid in enumerate(group_ids):
        sufficient: list[dict] = []
        best = None
        best_agree = None
        for j in np.flatnonzero(active):
            st = {key: float(arr[gi, j]) for key, arr in stats.items()}
            if (st["rat"] > Z90 and st["pat"] > Z90) or (st["rdt"] > Z90 and st["pdt"] > Z90):
                sufficient.append(_finalize(tids[j], st))
            if not sufficient and (best is None or max(st["rat"], st["rdt"]) >
                                   best["repness_test"]):
                best = _finalize(tids[j], st)
            if _beats_best_agree(st, best_agree):
                best_agree = dict(st, tid=int(tids[j]))
        head: list[dict] = []
        if best_agree is not None:
            f = _finalize(int(best_agree["tid"]), best_agree)
            f.update(n_agree=int(best_agree["na"]), best_agree=True)
            head = [f]
        elif best is not None:
            head = [best]
        if not sufficient:
            out[gid] = head
            continue
        ba_tid = best_agree["tid"] if best_agree is not None else None
        chosen = sorted((f for f in sufficient if f["statement"] != ba_tid), key=lambda f:
                        -_metric(f))
        chosen = ([head[0]] if best_agree is not None else []) + chosen
        chosen = chosen[:pick_max]
        out[gid] = [f for f in chosen if f["repful_for"] == "agree"] + [
            f for f in chosen if f["repful_for"] == "disagree"]
    return out


def _beats_best_agree(st: dict, current: dict | None) -> bool:
    if st["na"] == 0 and st["nd"] == 0:
        return False
    if current is not None and current["ra"] > 1.0:
        return st["ra"] * st["rat"] * st["pa"] * st["pat"] > (
            current["ra"] * current["rat"] * current["pa"] * current["pat"])
    if current is not None:
        return st["pa"] * st["pat"] > current["pa"] * current["pat"]
    return st["pat"] > Z90 or (st["ra"] > 1.0 and st["pa"] > 0.5)


def consensus_statements(matrix: VoteMatrix, active: np.ndarray, pick_max: int = 5) -> dict:
    m = matrix.shape[1]
    c, v = matrix.cols, matrix.vals
    na = np.bincount(c[v > 0], minlength=m).astype(float)
    nd = np.bincount(c[v < 0], minlength=m).astype(float)
    ns = np.bincount(c, minlength=m).astype(float)
    out = {}
    for way, n in (("agree", na), ("disagree", nd)):
        p = (1 + n) / (2 + ns)
        t = prop_test(n, ns)
        ok = active & (p > 0.5) & (t > Z90)
        idx = np.flatnonzero(ok)
        idx = idx[np.argsort(-(p[idx] * t[idx]), kind="stable")][:pick_max]
        out[way] = [
            {"statement": int(matrix.statements[j]), "n_success": int(n[j]),
             "n_trials": int(ns[j]), "p_success": float(p[j]), "p_test": float(t[j])}
            for j in idx
        ]
    return out


def group_informed_consensus(
    matrix: VoteMatrix, row_group: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per statement: product over groups of (agree+1)/(seen+2), the same for disagree, and the
    smallest per-group agree probability (how well the least convinced group agrees)."""
    m = matrix.shape[1]
    if k == 0:
        return np.zeros(m), np.zeros(m), np.zeros(m)
    na, nd, ns = _group_counts(matrix, row_group, k)
    pa = (na + 1) / (ns + 2)
    pd = (nd + 1) / (ns + 2)
    return pa.prod(0), pd.prod(0), pa.min(0)


def comment_priority(
    agree: ArrayLike, passes: ArrayLike, seen: ArrayLike, extremity: ArrayLike,
    is_meta: ArrayLike | None = None,
) -> np.ndarray:
    """``priority-metric`` of conversation.clj: ((1 - p) (E + 1) a (1 + 8 * 2^(-S/5)))^2."""
    agree, passes = np.asarray(agree, float), np.asarray(passes, float)
    seen, extremity = np.asarray(seen, float), np.asarray(extremity, float)
    p = (passes + 1) / (seen + 2)
    a = (agree + 1) / (seen + 2)
    importance = (1 - p) * (extremity + 1) * a
    pr = (importance * (1 + 8 * np.power(2.0, -seen / 5))) ** 2
    if is_meta is not None:
        pr = np.where(np.asarray(is_meta, bool), 7.0**2, pr)
    return pr


# ---------------------------------------------------------------------------------------------
# The whole update


@dataclass
class Result:
    participants: np.ndarray
    statements: np.ndarray
    projection: np.ndarray
    in_conv: np.ndarray
    group: np.ndarray  # per participant: group id, -1 when not grouped
    group_ids: list[int]
    k: int
    silhouettes: dict[int, float]
    repness: dict[int, list[dict]]
    consensus: dict
    gac_agree: np.ndarray
    gac_disagree: np.ndarray
    gac_min_agree: np.ndarray
    priority: np.ndarray
    pca: Pca
    base: Clusters
    base_of_participant: np.ndarray  # index into base.ids, -1 when not in conversation
    state: dict = field(default_factory=dict)

    def groups_by_participant(self) -> dict[int, int]:
        return {int(p): int(g) for p, g in zip(self.participants, self.group, strict=True)
                if g >= 0}

    def group_informed(self, limit: int = 5) -> list[dict]:
        """Statements every group leans towards agreeing with, by group-informed consensus."""
        active = self.priority >= 0
        idx = np.flatnonzero(active & (self.gac_min_agree > 0.5))
        idx = idx[np.argsort(-self.gac_agree[idx], kind="stable")][:limit]
        return [{"statement": int(self.statements[j]), "gac": float(self.gac_agree[j]),
                 "min_agree": float(self.gac_min_agree[j])} for j in idx]

    def summary(self) -> dict:
        return {
            "participants": {str(p): g for p, g in self.groups_by_participant().items()},
            "k": self.k,
            "repness": {str(g): [r["statement"] for r in reps] for g, reps in
                        self.repness.items()},
            "consensus": [c["statement"] for c in self.consensus["agree"]],
            "consensus_disagree": [c["statement"] for c in self.consensus["disagree"]],
            "group_informed_consensus": [c["statement"] for c in self.group_informed()],
        }


def _recentre(points_by_id: dict[int, int], x: np.ndarray, previous: list[dict],
              weights: np.ndarray | None = None):
    """safe-recenter-clusters then uniqify-clusters (clusters.clj): each previous cluster
    recentred on its members still present (weighted by ``weights``), clusters without any
    dropped, identical centres merged (their members together, the first id kept).
    Returns (ids, centres, cluster index of each point or -1), or None."""
    members = [cl["members"] for cl in previous]
    sizes = np.fromiter((len(ms) for ms in members), dtype=np.int64, count=len(members))
    flat = np.fromiter((int(x_) for ms in members for x_ in ms), dtype=np.int64,
                       count=int(sizes.sum()))
    owner = np.repeat(np.arange(len(previous)), sizes)
    known_ids = np.fromiter(points_by_id.keys(), dtype=np.int64, count=len(points_by_id))
    known_pos = np.fromiter(points_by_id.values(), dtype=np.int64, count=len(points_by_id))
    sort = np.argsort(known_ids)
    known_ids, known_pos = known_ids[sort], known_pos[sort]
    at = np.searchsorted(known_ids, flat)
    at = np.minimum(at, max(len(known_ids) - 1, 0))
    present = (len(known_ids) > 0) & (known_ids[at] == flat) if len(flat) else np.zeros(0, bool)
    owner, idx = owner[present], known_pos[at[present]]
    w = np.ones(len(idx)) if weights is None else weights[idx]
    k = len(previous)
    tot = np.bincount(owner, weights=w, minlength=k)
    keep = np.flatnonzero(np.bincount(owner, minlength=k) > 0)
    if not len(keep):
        return None
    sums = np.stack([np.bincount(owner, weights=w * x[idx, j], minlength=k)
                     for j in range(x.shape[1])], axis=1)
    centers = sums[keep] / tot[keep, None]
    ids = np.asarray([int(previous[i]["id"]) for i in keep])
    # uniqify-clusters: identical centres merge
    _, first, inverse = np.unique(centers, axis=0, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    kept_index = np.full(k, -1, dtype=np.int64)
    kept_index[keep] = rank[np.asarray(inverse).reshape(-1)]
    member_of = np.full(len(x), -1, dtype=np.int64)
    member_of[idx] = kept_index[owner]
    first = np.sort(first)
    return ids[first], centers[first], member_of


def _statistics(matrix: VoteMatrix, row_group: np.ndarray, group_ids: list[int],
                active: np.ndarray, meta: set[int] | frozenset[int], p: Pca, params: Params):
    """Repness, consensus, group-informed consensus and routing priorities of one update."""
    m = matrix.shape[1]
    tids = matrix.statements
    repness = representative_statements(matrix, row_group, group_ids, active, params.pick_max)
    consensus = consensus_statements(matrix, active, params.pick_max)
    gac_a, gac_d, gac_min = group_informed_consensus(matrix, row_group, len(group_ids))

    # routing priorities from all grouped votes (Pol.is sums group votes)
    grouped = row_group[matrix.rows] >= 0
    c, v = matrix.cols[grouped], matrix.vals[grouped]
    a_cnt = np.bincount(c[v > 0], minlength=m)
    d_cnt = np.bincount(c[v < 0], minlength=m)
    s_cnt = np.bincount(c, minlength=m)
    is_meta = np.isin(tids, list(meta)) if meta else None
    priority = comment_priority(a_cnt, s_cnt - a_cnt - d_cnt, s_cnt, p.comment_extremity,
                                is_meta)
    priority = np.where(active | (is_meta if is_meta is not None else False), priority, -1.0)

    return repness, consensus, gac_a, gac_d, gac_min, priority


def _in_conversation(matrix: VoteMatrix, counts: np.ndarray, previous: list[int],
                     params: Params) -> np.ndarray:
    """``:in-conv`` of conversation.clj: the previous set, everyone with
    ``min(7, n statements)`` votes, and while fewer than 15 the most active others."""
    n, m = matrix.shape
    in_conv = counts >= min(params.min_votes, m) if m else np.zeros(n, bool)
    if previous:
        in_conv |= np.isin(matrix.participants, list(previous))
    if in_conv.sum() < params.greedy_n and n:
        order = np.lexsort((np.arange(n), -counts))
        extra = [i for i in order if not in_conv[i] and counts[i] > 0]
        in_conv[extra[: params.greedy_n - int(in_conv.sum())]] = True
    return in_conv


def compute(
    matrix: VoteMatrix,
    *,
    moderated_out: set[int] | frozenset[int] = frozenset(),
    meta: set[int] | frozenset[int] = frozenset(),
    state: dict | None = None,
    params: Params = Params(),
    statistics: bool = True,
) -> Result:
    """One update of the opinion map. ``state`` is the previous ``Result.state`` (JSON-able).

    ``statistics=False`` skips what the next update does not need (representative statements,
    consensus, group-informed consensus, routing priorities), as a replay does between polls.
    """
    state = state or {}
    n, m = matrix.shape
    tids = matrix.statements
    excluded = set(moderated_out) | set(meta)
    active = ~np.isin(tids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
    counts = matrix.vote_counts()

    in_conv = _in_conversation(matrix, counts, state.get("in_conv", []), params)

    # PCA, warm-started when the statements are the same set
    prev_comps = None
    prev_pca = state.get("pca")
    if prev_pca:
        prev_ids = np.asarray(prev_pca["statements"], dtype=np.int64)
        pos = {int(t): i for i, t in enumerate(prev_ids)}
        comps_old = np.asarray(prev_pca["comps"], dtype=float)
        prev_comps = np.zeros((comps_old.shape[0], m))
        for j, t in enumerate(tids):
            i = pos.get(int(t))
            if i is not None:
                prev_comps[:, j] = comps_old[:, i]
        prev_comps[:, ~active] = 0
        norms = np.linalg.norm(prev_comps, axis=1)
        if not np.all(norms > 0):
            prev_comps = None
        else:
            prev_comps = prev_comps / norms[:, None]
    p = pca(matrix, active, prev_comps, params)

    # base clusters
    idx_in = np.flatnonzero(in_conv)
    x_in = p.projection[idx_in]
    pid_in = matrix.participants[idx_in]
    pos_in = {int(pid): i for i, pid in enumerate(pid_in)}
    start = _recentre(pos_in, x_in, state.get("base", [])) if state.get("base") else None
    base = kmeans(x_in, params.base_k, start=start, max_iters=params.base_iters)
    n_base = len(base.ids)
    base_weights = np.bincount(base.labels, minlength=n_base).astype(float)

    # group clusters for every k
    max_k = min(params.max_k, 2 + n_base // 12)
    dist = np.sqrt(_sqdist(base.centers, base.centers)) if n_base else np.zeros((0, 0))
    np.fill_diagonal(dist, 0.0)
    base_pos = {int(b): i for i, b in enumerate(base.ids)}
    clusterings: dict[int, Clusters] = {}
    silhouettes: dict[int, float] = {}
    prev_groups = state.get("groups", {})
    for k in range(2, max_k + 1):
        prev = prev_groups.get(str(k))
        start_k = _recentre(base_pos, base.centers, prev, base_weights) if prev else None
        cl = kmeans(base.centers, k, weights=base_weights, start=start_k,
                    max_iters=params.group_iters)
        clusterings[k] = cl
        silhouettes[k] = silhouette(dist, cl.labels)

    smoother = dict(state.get("k_smoother", {}))
    chosen_k = 0
    if clusterings:
        best = max(silhouettes.values())
        this_k = max(k for k, s in silhouettes.items() if s == best)
        last_k = smoother.get("last_k")
        count = smoother.get("last_k_count", 0) + 1 if last_k == this_k else 1
        smoothed = smoother.get("smoothed_k")
        if count >= params.k_buffer or smoothed is None:
            smoothed = this_k
        smoother = {"last_k": this_k, "last_k_count": count, "smoothed_k": smoothed}
        # :group-k-smoother keeps smoothed-k even when this update has no clustering with it
        # (Pol.is then shows no groups until it has); we show this update's best k meanwhile
        chosen_k = smoothed if smoothed in clusterings else this_k

    group = np.full(n, -1, dtype=np.int64)
    base_of = np.full(n, -1, dtype=np.int64)
    group_ids: list[int] = []
    if chosen_k:
        cl = clusterings[chosen_k]
        group_ids = [int(g) for g in cl.ids]
        base_group = cl.ids[cl.labels]  # group id of each base cluster
        base_of[idx_in] = base.labels
        group[idx_in] = base_group[base.labels]
    row_group = np.full(n, -1, dtype=np.int64)
    gindex = {g: i for i, g in enumerate(group_ids)}
    for g, i in gindex.items():
        row_group[group == g] = i

    if statistics:
        repness, consensus, gac_a, gac_d, gac_min, priority = _statistics(
            matrix, row_group, group_ids, active, meta, p, params)
    else:
        repness, consensus = {}, {"agree": [], "disagree": []}
        gac_a = gac_d = gac_min = np.zeros(m)
        priority = np.where(active, 0.0, -1.0)

    new_state = {
        "in_conv": [int(x) for x in matrix.participants[in_conv]],
        "pca": {"statements": [int(t) for t in tids], "comps": p.comps.tolist()},
        "base": [
            {"id": int(b), "members": [int(x) for x in pid_in[base.labels == i]]}
            for i, b in enumerate(base.ids)
        ],
        "groups": {
            str(k): [
                {"id": int(g), "members": [int(b) for b in base.ids[cl.labels == i]]}
                for i, g in enumerate(cl.ids)
            ]
            for k, cl in clusterings.items()
        },
        "k_smoother": smoother,
    }
    return Result(
        participants=matrix.participants, statements=tids, projection=p.projection,
        in_conv=in_conv, group=group, group_ids=group_ids, k=len(group_ids),
        silhouettes=silhouettes, repness=repness, consensus=consensus, gac_agree=gac_a,
        gac_disagree=gac_d, gac_min_agree=gac_min, priority=priority, pca=p, base=base,
        base_of_participant=base_of, state=new_state,
    )


def adjusted_rand_index(a: Any, b: Any) -> float:
    """Hubert & Arabie's adjusted Rand index of two labelings of the same items."""
    a, b = np.asarray(a), np.asarray(b)
    if len(a) != len(b):
        raise ValueError("labelings differ in length")
    n = len(a)
    if n < 2:
        return 1.0
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(table, (ai, bi), 1)

    def comb2(x):
        return (x * (x - 1) / 2).sum()

    index = comb2(table)
    sa, sb = comb2(table.sum(1)), comb2(table.sum(0))
    expected = sa * sb / (n * (n - 1) / 2)
    maximum = (sa + sb) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def in_conversation_history(
    participant: Any, statement: Any, time: Any, params: Params = Params()
) -> np.ndarray:
    """Participants who were "in conversation" at any moment of the vote history.

    Pol.is checks ``votes >= min(7, statements so far)`` on every update and never drops anyone,
    and while fewer than 15 are in it adds the most active; replayed vote by vote, that makes
    the first 15 participants members, plus everyone who at some vote had voted on
    ``min(7, statements voted on so far)`` statements. Returns the participant ids.
    """
    pid, tid = np.asarray(participant), np.asarray(statement)
    t = np.asarray(time, dtype=np.float64)
    if len(pid) == 0:
        return np.zeros(0, dtype=pid.dtype)
    order = np.lexsort((np.arange(len(pid)), t))
    pid, tid = pid[order], tid[order]
    # first occurrence of each (participant, statement) pair, in time order
    _, p_idx = np.unique(pid, return_inverse=True)
    _, s_idx = np.unique(tid, return_inverse=True)
    pair = p_idx.astype(np.int64) * (s_idx.max() + 1) + s_idx
    _, first_pair = np.unique(pair, return_index=True)
    is_new_pair = np.zeros(len(pid), dtype=bool)
    is_new_pair[first_pair] = True
    _, first_stmt = np.unique(s_idx, return_index=True)
    is_new_stmt = np.zeros(len(pid), dtype=bool)
    is_new_stmt[first_stmt] = True
    n_stmts = np.cumsum(is_new_stmt)
    # running count of distinct statements per participant
    ev = np.flatnonzero(is_new_pair)
    ev_p = p_idx[ev]
    o = np.lexsort((ev, ev_p))
    sorted_p = ev_p[o]
    start = np.r_[0, np.flatnonzero(sorted_p[1:] != sorted_p[:-1]) + 1]
    running = np.arange(len(o)) - np.repeat(start, np.diff(np.r_[start, len(o)])) + 1
    count_at = np.empty(len(o), dtype=np.int64)
    count_at[o] = running
    qualifies = count_at >= np.minimum(params.min_votes, n_stmts[ev])
    inside = np.zeros(p_idx.max() + 1, dtype=bool)
    inside[ev_p[qualifies]] = True
    _, first_seen = np.unique(p_idx, return_index=True)
    inside[p_idx[np.sort(first_seen)[: params.greedy_n]]] = True
    return np.unique(pid)[inside]


POLL_MS = 1000.0  # poller.clj: default :polling-interval of the vote poller, in milliseconds


def poll_batches(time: Any, poll_ms: float = POLL_MS) -> np.ndarray:
    """End positions (exclusive) of the vote batches Pol.is' poller would have delivered.

    ``poller.clj`` (``poll``) asks for the votes created since the last poll every ``poll_ms``
    and ``conv_man.clj`` (``go-act!``) runs one ``conv-update`` per batch. Votes are taken in
    time order and cut into windows of ``poll_ms`` counted from the first vote; an empty window
    makes no update. Returns the end index of each non-empty batch in time order.
    """
    t = np.sort(np.asarray(time, dtype=np.float64), kind="stable")
    if len(t) == 0:
        return np.zeros(0, dtype=np.int64)
    window = np.floor((t - t[0]) / poll_ms).astype(np.int64)
    return np.r_[np.flatnonzero(np.diff(window)) + 1, len(t)].astype(np.int64)


def _polis_row_keys(pid: np.ndarray, tid: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Pol.is' row order: ``update-nmat`` (named_matrix.clj) appends a new participant's row
    where their first vote comes in the batch, and ``conv-poll`` / ``poll`` (postgres.clj)
    deliver a batch ordered by statement, then participant. Returns sorted participant ids
    and their rank: (first batch, smallest statement in it, participant id)."""
    batch = np.searchsorted(ends, np.arange(len(pid)), side="right")
    ids, inverse = np.unique(pid, return_inverse=True)
    first = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, batch)
    in_first = batch == first[inverse]
    min_tid = np.full(len(ids), np.iinfo(np.int64).max)
    np.minimum.at(min_tid, inverse[in_first], tid[in_first].astype(np.int64))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.lexsort((ids, min_tid, first))] = np.arange(len(ids))
    return np.stack([ids.astype(np.int64), rank], axis=1)


def replay(
    participant: Any,
    statement: Any,
    vote: Any,
    time: Any,
    *,
    moderated_out: set[int] | frozenset[int] = frozenset(),
    meta: set[int] | frozenset[int] = frozenset(),
    poll_ms: float = POLL_MS,
    params: Params = Params(),
) -> Result:
    """Pol.is' live history of a conversation, replayed from the vote timestamps.

    One ``compute`` per poll batch (``poll_batches``), each on all votes so far and started
    from the previous update's state, as the conversation actor keeps it in memory: sticky
    in-conversation set with the greedy top-up to 15 (``:in-conv``), PCA warm start
    (``:start-vectors``), base and group clusters warm-started per k (``:last-clusters``) and
    the k-smoother (``:group-k-smoother``). An export does not say when statements were
    moderated, so the final moderation applies throughout. Returns the last update's result.
    """
    pid = np.asarray(participant)
    tid = np.asarray(statement)
    val = np.asarray(vote)
    t = np.asarray(time, dtype=np.float64)
    order = np.argsort(t, kind="stable")
    pid, tid, val, t = pid[order], tid[order], val[order], t[order]
    ends = poll_batches(t, poll_ms)
    row_key = _polis_row_keys(pid, tid, ends)
    state: dict | None = None
    result: Result | None = None
    for end in ends:
        matrix = VoteMatrix.from_votes(pid[:end], tid[:end], val[:end], t[:end])
        matrix = matrix.reorder_rows(np.argsort(row_key[np.searchsorted(row_key[:, 0],
                                                 matrix.participants), 1], kind="stable"))
        result = compute(matrix, moderated_out=moderated_out, meta=meta, state=state,
                         params=params, statistics=end == len(t))
        state = result.state
    if result is None:
        result = compute(VoteMatrix.from_votes(pid, tid, val, t), moderated_out=moderated_out,
                         meta=meta, params=params)
    return result
