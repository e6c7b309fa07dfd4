"""k-means as Pol.is' ``clusters.clj`` does it (steps 5 and 6 of an update).

**Base clusters**: k-means on the projections of the participants in conversation, started from
the first k distinct points, or from the previous snapshot's clusters as
``clean-start-clusters`` does (recentred on their members, the most distal point split off and
everything recentred, until k clusters are possible).

**Group clusters**: weighted k-means (weights = base cluster sizes) of the base cluster
centres, each k warm-started from the previous clustering with the same k, and the silhouette
coefficient over base clusters by which the update chooses k (``opinion.compute``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


@dataclass
class Clusters:
    ids: np.ndarray  # cluster ids
    centers: np.ndarray  # k x 2
    labels: np.ndarray  # per point: index into ids


def sqdist(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    d = np.zeros((len(x), len(centers)))
    for j in range(x.shape[1]):
        diff = x[:, j, None] - centers[None, :, j]
        d += diff * diff
    return d


def _nearest(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each point (a k-d tree when there are many points)."""
    if len(x) * len(centers) > 200_000:
        return cKDTree(centers).query(x, k=1)[1].astype(np.int64)
    return np.argmin(sqdist(x, centers), axis=1)


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


def recentre(points_by_id: dict[int, int], x: np.ndarray, previous: list[dict],
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
        mind = sqdist(x, centers).min(1)
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
    already recentred on current data (``recentre``).
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
