"""What the groups make of each statement (steps 7 and 8 of an update).

**Representative statements** (``repness.clj``) with pseudocounts and z-tests (``stats.clj``),
selected as ``select-rep-comments`` does; **consensus** as ``select-consensus-comments``;
**group-informed consensus** as the product over groups of (agree + 1) / (seen + 2).
**Statement routing priority** (``comment-priorities``, ``priority-metric`` of
``conversation.clj``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from gongzhi.deliberation.engine.matrix import VoteMatrix

Z90 = 1.2816  # one-sided 90 % (stats.clj z-sig-90?)


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
