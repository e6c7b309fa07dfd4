"""The pieces of the engine against independent references (scikit-learn, hand computation)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score

from gongzhi.deliberation.engine import (
    VoteMatrix,
    adjusted_rand_index,
    clusters,
    compute,
    pca,
    replay,
    repness,
)
from gongzhi.deliberation.engine.groups_cli import groups, groups_of
from gongzhi.deliberation.engine.polis_csv import read_conversation, write_conversation
from gongzhi.deliberation.engine.synthetic import synthetic_votes


def dense(matrix: VoteMatrix) -> np.ndarray:
    out = np.full(matrix.shape, np.nan)
    out[matrix.rows, matrix.cols] = matrix.vals
    return out


def test_latest_vote_wins_and_rows_in_first_vote_order():
    m = VoteMatrix.from_votes([5, 3, 5, 3], [1, 1, 1, 2], [1, -1, -1, 0], [10, 20, 30, 5])
    assert m.participants.tolist() == [3, 5]  # 3 voted first (t=5)
    d = dense(m)
    assert d[1, 0] == -1  # participant 5's later vote on statement 1
    assert d[0].tolist() == [-1, 0]


def test_rejects_bad_votes():
    with pytest.raises(ValueError):
        VoteMatrix.from_votes([1], [1], [2])


def test_pca_matches_sklearn_on_mean_imputed_matrix():
    pid, tid, vote, _ = synthetic_votes(400, 60, votes_per_participant=25, seed=3)
    m = VoteMatrix.from_votes(pid, tid, vote)
    active = np.ones(m.shape[1], dtype=bool)
    p = pca.pca(m, active)
    d = dense(m)
    means = np.nanmean(d, axis=0)
    imputed = np.where(np.isnan(d), means, d)
    ref = PCA(n_components=2, svd_solver="full").fit(imputed)
    for i in range(2):
        cos = abs(float(ref.components_[i] @ p.comps[i]))
        assert cos > 0.99999
    np.testing.assert_allclose(p.center, ref.mean_, atol=1e-12)
    # sign convention: largest loading positive
    for i in range(2):
        assert p.comps[i][np.argmax(np.abs(p.comps[i]))] > 0


def test_sparsity_aware_projection_by_hand():
    pid, tid, vote, _ = synthetic_votes(50, 12, votes_per_participant=6, seed=1)
    m = VoteMatrix.from_votes(pid, tid, vote)
    active = np.ones(m.shape[1], dtype=bool)
    active[3] = False  # one moderated-out statement: zeroed, counts as voted
    p = pca.pca(m, active)
    d = dense(m)
    d[:, 3] = 0.0
    for i in range(m.shape[0]):
        voted = ~np.isnan(d[i])
        x = d[i, voted] - p.center[voted]
        raw = x @ p.comps[:, voted].T
        expected = raw * math.sqrt(m.shape[1] / voted.sum())
        np.testing.assert_allclose(p.projection[i], expected, atol=1e-10)


def test_warm_started_pca_keeps_orientation():
    pid, tid, vote, _ = synthetic_votes(300, 40, votes_per_participant=20, seed=5)
    m = VoteMatrix.from_votes(pid, tid, vote)
    active = np.ones(m.shape[1], dtype=bool)
    first = pca.pca(m, active)
    flipped = -first.comps
    again = pca.pca(m, active, previous=flipped)
    np.testing.assert_allclose(again.comps, flipped, atol=1e-5)


def test_silhouette_matches_sklearn():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(5, 1, (20, 2)), [[20, 20]]])
    labels = np.r_[np.zeros(30, int), np.ones(20, int), [2]]
    dist = np.sqrt(clusters.sqdist(x, x))
    np.fill_diagonal(dist, 0.0)
    ours = clusters.silhouette(dist, labels)
    ref = silhouette_score(dist, labels, metric="precomputed")
    assert ours == pytest.approx(ref, abs=1e-9)


def test_kmeans_converges_to_a_fixed_point_and_drops_empty_clusters():
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(0, 0.3, (40, 2)), rng.normal(4, 0.3, (40, 2))])
    cl = clusters.kmeans(x, 2, max_iters=100)
    assert len(cl.ids) == 2
    nearest = np.argmin(clusters.sqdist(x, cl.centers), axis=1)
    assert (nearest == cl.labels).all()
    # more clusters asked than distinct points: only distinct points become centres
    cl = clusters.kmeans(np.array([[0.0, 0], [0, 0], [1, 1]]), 5)
    assert len(cl.ids) == 2


def test_adjusted_rand_index_matches_sklearn():
    rng = np.random.default_rng(2)
    for _ in range(20):
        a, b = rng.integers(0, 4, 50), rng.integers(0, 3, 50)
        assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b))
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0


def test_z_tests_as_stats_clj():
    # prop-test: 2 sqrt(n+1) ((succ+1)/(n+1) - 1/2)
    assert repness.prop_test(np.array(8.0), np.array(10.0)) == pytest.approx(
        2 * math.sqrt(11) * (9 / 11 - 0.5))
    z = repness.two_prop_test(np.array(8.0), np.array(2.0), np.array(10.0), np.array(10.0))
    p1, p2, ph = 9 / 11, 3 / 11, 12 / 22
    assert z == pytest.approx((p1 - p2) / math.sqrt(ph * (1 - ph) * (2 / 11)))
    assert repness.two_prop_test(np.array(5.0), np.array(5.0), np.array(5.0), np.array(5.0)) == 0


def test_groups_repness_consensus_on_planted_structure():
    pid, tid, vote, truth = synthetic_votes(600, 30, votes_per_participant=20, seed=7,
                                            n_groups=2, noise=0.1)
    m = VoteMatrix.from_votes(pid, tid, vote)
    r = compute(m)
    assert r.k == 2
    ours = r.groups_by_participant()
    pids = sorted(ours)
    assert adjusted_rand_index([ours[p] for p in pids], [truth[p] for p in pids]) > 0.9
    # statements 0 and 1 are agreed by everyone in the generator: consensus, bridging
    cons = [c["statement"] for c in r.consensus["agree"]]
    assert {0, 1} <= set(cons)
    assert {0, 1} <= {c["statement"] for c in r.group_informed()}
    for reps in r.repness.values():
        assert 1 <= len(reps) <= 5
        ways = [x["repful_for"] for x in reps]
        assert ways == sorted(ways)  # agrees before disagrees


def test_state_round_trips_through_json_and_keeps_groups_stable():
    pid, tid, vote, _ = synthetic_votes(500, 30, votes_per_participant=20, seed=11,
                                        n_groups=3)
    half = len(pid) * 3 // 4
    r1 = compute(VoteMatrix.from_votes(pid[:half], tid[:half], vote[:half]))
    state = json.loads(json.dumps(r1.state))
    r2 = compute(VoteMatrix.from_votes(pid, tid, vote), state=state)
    g1, g2 = r1.groups_by_participant(), r2.groups_by_participant()
    common = sorted(set(g1) & set(g2))
    same = sum(g1[p] == g2[p] for p in common) / len(common)
    assert same > 0.95  # group ids persist across updates, not just the partition
    assert r2.state["k_smoother"]["last_k_count"] == 2


def test_k_smoother_holds_k_until_buffer():
    pid, tid, vote, _ = synthetic_votes(400, 30, votes_per_participant=20, seed=2, n_groups=3)
    m = VoteMatrix.from_votes(pid, tid, vote)
    state = {"k_smoother": {"last_k": 2, "last_k_count": 5, "smoothed_k": 2}}
    k_seen = []
    for _ in range(4):
        r = compute(m, state=state)
        state = r.state
        k_seen.append(r.k)
    assert k_seen == [2, 2, 2, 3]


def test_priority_metric_as_conversation_clj():
    # (importance * (1 + 8 * 2^(-S/5)))^2, importance = (1-p)(E+1)a
    a, p_, s, e = 20, 3, 30, 0.5
    imp = (1 - (p_ + 1) / (s + 2)) * (e + 1) * (a + 1) / (s + 2)
    expected = (imp * (1 + 8 * 2 ** (-s / 5))) ** 2
    assert repness.comment_priority([a], [p_], [s], [e])[0] == pytest.approx(expected)
    # a fresh statement outranks a well-voted one
    fresh, old = repness.comment_priority([0, 40], [0, 5], [0, 60], [0, 0])
    assert fresh > old
    assert repness.comment_priority([1], [0], [1], [0], [True])[0] == 49


def test_reader_reports_defects_by_line_and_goes_on(tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,0,1,0,1,first\n"
        "2,x,1,0,0,0,7,odd moderation\n"
        "3,x,,0,0,0,1,no id\n", encoding="utf-8")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "10,x,0,1,1\n"
        "11,x,0,2,2\n"
        "12,x,9,2,-1\n"
        "13,x,1\n", encoding="utf-8")
    conv = read_conversation(tmp_path)
    text = [str(d) for d in conv.defects]
    assert "comments.csv:3: comment 1: moderated value 7; taken as 0" in text
    assert "comments.csv:4: no usable comment-id; row skipped" in text
    assert "votes.csv:3: vote '2' is not 1, -1 or 0; skipped" in text
    assert "votes.csv:4: comment-id 9 is not in comments.csv; votes kept" in text
    assert "votes.csv:5: 3 fields where the header has 5" in text
    assert conv.vote.tolist() == [1, -1]


def test_missing_files_are_a_clear_error(tmp_path, capsys):
    import io

    err = io.StringIO()
    assert groups(str(tmp_path), as_json=True, err=err) == 2
    assert "comments.csv" in err.getvalue()


def test_export_reads_back_with_the_same_groups(tmp_path):
    pid, tid, vote, _ = synthetic_votes(300, 25, votes_per_participant=15, seed=4, n_groups=2)
    times = np.arange(len(pid)) * 1000 + 1_600_000_000_000
    m = VoteMatrix.from_votes(pid, tid, vote, times)
    r = compute(m)
    statements = [{"id": int(t), "text": f"statement {t}", "author": 0, "moderated": 1,
                   "timestamp": 1_600_000_000_000, "agrees": 0, "disagrees": 0}
                  for t in m.statements]
    write_conversation(tmp_path, statements=statements,
                       votes=list(zip(times.tolist(), tid.tolist(), pid.tolist(),
                                      vote.tolist(), strict=True)),
                       groups=r.groups_by_participant(), summary={"topic": "t"})
    conv = read_conversation(tmp_path)
    res = groups_of(conv)
    assert res["polis_comparison"]["adjusted_rand_index"] == 1.0
    # and from participants-votes.csv alone
    (tmp_path / "votes.csv").unlink()
    conv2 = read_conversation(tmp_path)
    assert len(conv2.vote) == len(m.vals)


def test_clean_start_splits_the_most_distal_point_and_recentres():
    # clusters.clj clean-start-clusters: one previous cluster {a, b, c} on a line; k = 2
    x = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [4.0, 0.0]])
    member_of = np.array([0, 0, 0, -1])  # the fourth point is new, in no cluster yet
    ids, centers = clusters._clean_start(x, np.array([7]), np.array([[11 / 3, 0.0]]), member_of,
                                         2, None)
    # the point at 10 is farthest from the recentred centre 11/3 and starts cluster 8; the old
    # cluster is recentred on its remaining members (0 and 1), not left at 11/3
    assert ids.tolist() == [7, 8]
    np.testing.assert_allclose(centers, [[0.5, 0.0], [10.0, 0.0]])
    # ties: the last point at the largest distance
    x2 = np.array([[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    _, c2 = clusters._clean_start(x2, np.array([0]), np.array([[0.0, 0.0]]),
                                  np.array([-1, 0, -1]), 2, None)
    np.testing.assert_allclose(c2[1], [1.0, 0.0])


def test_recentre_merges_identical_centres_and_maps_members():
    x = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
    pos = {10: 0, 11: 1, 12: 2, 13: 3}
    prev = [{"id": 1, "members": [10, 11]}, {"id": 2, "members": [12]},
            {"id": 3, "members": [99]}, {"id": 4, "members": [13]}]
    ids, centers, member_of = clusters.recentre(pos, x, prev)
    assert ids.tolist() == [1, 4]  # 2 has the same centre as 1; 3 has no member left
    np.testing.assert_allclose(centers, [[1.0, 0.0], [5.0, 5.0]])
    assert member_of.tolist() == [0, 0, 0, 1]


def test_poll_batches_and_replay_equal_stepwise_compute():
    times = [0, 10, 999, 1000, 1500, 5000, 5001]
    assert replay.poll_batches(times).tolist() == [3, 5, 7]
    pid, tid, vote, _ = synthetic_votes(80, 12, votes_per_participant=8, seed=4)
    t = np.arange(len(pid), dtype=float) * 37.0
    r = replay.replay(pid, tid, vote, t)
    state = None
    ends = replay.poll_batches(t)
    keys = replay._polis_row_keys(pid, tid, ends)
    rank = dict(zip(keys[:, 0].tolist(), keys[:, 1].tolist(), strict=True))
    for end in ends:
        m = VoteMatrix.from_votes(pid[:end], tid[:end], vote[:end], t[:end])
        m = m.reorder_rows(np.argsort([rank[int(p)] for p in m.participants], kind="stable"))
        step = compute(m, state=state, statistics=False)
        state = step.state
    assert state["k_smoother"] == r.state["k_smoother"]
    assert r.groups_by_participant() == {
        int(p): int(g) for p, g in zip(step.participants, step.group, strict=True) if g >= 0}
    assert r.repness  # the last update has the statistics


def test_replay_rows_in_polis_batch_order():
    # one batch: Pol.is appends new rows in (statement, participant) order, not vote time
    keys = replay._polis_row_keys(np.array([9, 4, 4, 9]), np.array([3, 5, 1, 2]), np.array([4]))
    ranks = dict(zip(keys[:, 0].tolist(), keys[:, 1].tolist(), strict=True))
    assert ranks == {4: 0, 9: 1}  # 4 voted on statement 1, 9's smallest is 2


def test_k_smoother_keeps_smoothed_k_missing_from_this_update():
    pid, tid, vote, _ = synthetic_votes(60, 10, votes_per_participant=8, n_groups=2, seed=2)
    m = VoteMatrix.from_votes(pid, tid, vote)
    # a smoothed k of 9 cannot be clustered (at most 5): Pol.is keeps it in the smoother
    r = compute(m, state={"k_smoother": {"last_k": 9, "last_k_count": 1, "smoothed_k": 9}})
    assert r.state["k_smoother"]["smoothed_k"] == 9
    assert r.k == r.state["k_smoother"]["last_k"]


def test_is_meta_statements_are_left_out_as_polis_mod_update_does(tmp_path):
    # conversation.clj mod-update: is_meta puts a statement in mod-out (zeroed, no repness)
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1,x,0,0,0,0,1,true,true,,I am a tenant\n"
        "2,x,1,0,0,0,1,false,true,,Keep the chimney\n", encoding="utf-8")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n10,x,0,1,1\n11,x,1,1,1\n",
        encoding="utf-8")
    conv = read_conversation(tmp_path)
    assert conv.meta == {0} and conv.moderated_out == set()
    res = groups_of(conv)
    # both agreed by the one voter; only the statement that is not meta is consensus
    assert res["consensus"] == [1]
