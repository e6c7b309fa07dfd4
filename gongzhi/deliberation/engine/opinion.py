"""Opinion groups from agree / disagree / pass votes, following Pol.is' open mathematics.

``compute`` is one update of the opinion map, as ``conv-update`` of Pol.is' ``conversation.clj``
runs it. The steps, each in the module of the Pol.is Clojure code
(``math/src/polismath/math/*.clj``) it follows:

1. **Vote matrix** (``matrix``, ``named_matrix.clj``): participant x statement, the latest vote
   wins.
2. **In conversation** (here; ``conversation.clj``, ``:in-conv``): a participant counts once they
   have voted on ``min(7, number of statements)`` statements; if fewer than 15 qualify, the most
   active participants are added until there are 15. Once in, always in (across updates).
3. **PCA** and 4. **sparsity-aware projection** (``pca``, ``pca.clj``).
5. **Base clusters** (``clusters``, ``clusters.clj``): k-means with k = 100 on the projections of
   the participants in conversation, warm-started from the previous snapshot's clusters.
6. **Group clusters** (``clusters``; k chosen here): weighted k-means of the base cluster centres
   for every k in 2..min(5, 2 + n_base // 12), each warm-started from the previous clustering
   with the same k; k is chosen by the silhouette coefficient over base clusters and smoothed: a
   new best k replaces the current one only after being best 4 times in a row.
7. **Representative statements**, **consensus**, **group-informed consensus** (``repness``,
   ``repness.clj`` and ``stats.clj``).
8. **Statement routing priority** (``repness``, ``comment-priorities`` of ``conversation.clj``).
9. **Replay** (``replay``, one ``compute`` per poll): an export's history as Pol.is' poller
   delivered it, one update per 1000 ms of votes (``poller.clj``, ``conv_man.clj``).

``Result`` is what an update returns; its ``state`` (JSON-able) warm-starts the next.

No Django in the engine: numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gongzhi.deliberation.engine.clusters import Clusters, kmeans, recentre, silhouette, sqdist
from gongzhi.deliberation.engine.matrix import VoteMatrix
from gongzhi.deliberation.engine.params import Params
from gongzhi.deliberation.engine.pca import Pca, pca
from gongzhi.deliberation.engine.repness import (
    comment_priority,
    consensus_statements,
    group_informed_consensus,
    representative_statements,
)


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
    start = recentre(pos_in, x_in, state.get("base", [])) if state.get("base") else None
    base = kmeans(x_in, params.base_k, start=start, max_iters=params.base_iters)
    n_base = len(base.ids)
    base_weights = np.bincount(base.labels, minlength=n_base).astype(float)

    # group clusters for every k
    max_k = min(params.max_k, 2 + n_base // 12)
    dist = np.sqrt(sqdist(base.centers, base.centers)) if n_base else np.zeros((0, 0))
    np.fill_diagonal(dist, 0.0)
    base_pos = {int(b): i for i, b in enumerate(base.ids)}
    clusterings: dict[int, Clusters] = {}
    silhouettes: dict[int, float] = {}
    prev_groups = state.get("groups", {})
    for k in range(2, max_k + 1):
        prev = prev_groups.get(str(k))
        start_k = recentre(base_pos, base.centers, prev, base_weights) if prev else None
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
