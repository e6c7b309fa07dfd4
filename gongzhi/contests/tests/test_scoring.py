import pytest

from gongzhi.contests.scoring import combine


def test_public_vote_only_ranks_by_share_of_ballots():
    rows = combine(["a", "b", "c"], {"a": 3, "b": 7, "c": 0}, 10, {}, 0)
    assert [r.key for r in rows] == ["b", "a", "c"]
    assert rows[0].public == 0.7 and rows[0].combined == 0.7 and rows[0].rank == 1


def test_the_jury_weight_mixes_the_scaled_jury_mean_with_the_vote():
    # a: 80% of voters, jury 1 (= 0); b: 20% of voters, jury 10 (= 1)
    rows = combine(["a", "b"], {"a": 8, "b": 2}, 10, {"a": 1.0, "b": 10.0}, 0.5)
    by = {r.key: r for r in rows}
    assert by["a"].combined == pytest.approx(0.4)
    assert by["b"].combined == pytest.approx(0.6)
    assert rows[0].key == "b"


def test_ties_break_by_votes_then_jury_then_earlier_entry():
    rows = combine(["x", "y", "z"], {"x": 1, "y": 1, "z": 1}, 3, {"y": 5.0}, 0)
    assert [r.key for r in rows] == ["y", "x", "z"]


def test_no_ballots_and_no_jury_gives_zeros_not_errors():
    rows = combine(["a"], {}, 0, {}, 0.3)
    assert rows[0].public == 0 and rows[0].jury is None and rows[0].combined == 0


def test_a_weight_outside_0_1_is_refused():
    with pytest.raises(ValueError):
        combine(["a"], {}, 0, {}, 1.5)
