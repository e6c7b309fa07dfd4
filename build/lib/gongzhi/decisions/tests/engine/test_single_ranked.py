"""Single-decision methods: plurality, approval, score, Borda, majority, Schulze, IRV."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gongzhi.decisions.engine.ranked import instant_runoff, schulze
from gongzhi.decisions.engine.single import (
    approval,
    borda,
    majority_with_quorum,
    plurality,
    score_voting,
)

# Wikipedia "Schulze method" example: 45 voters, 5 candidates
WIKI_SCHULZE = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def test_schulze_wikipedia_example():
    ballots = [list(r) for _, r in WIKI_SCHULZE]
    weights = [w for w, _ in WIKI_SCHULZE]
    result = schulze("ABCDE", ballots, weights)
    assert result.ranking == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.winners == ["E"]
    d, p = result.pairwise, result.strongest_paths
    assert (d["A"]["B"], d["B"]["A"]) == (20, 25)
    assert (d["A"]["C"], d["C"]["A"]) == (26, 19)
    assert (d["E"]["D"], d["D"]["E"]) == (31, 14)
    assert [p["A"][x] for x in "BCDE"] == [28, 28, 30, 24]
    assert [p["E"][x] for x in "ABCD"] == [25, 28, 28, 31]
    assert [p["D"][x] for x in "ABCE"] == [25, 28, 28, 24]


def test_schulze_ties_and_partial_ballots():
    result = schulze(["x", "y", "z"], [["x", {"y", "z"}], ["y"]])
    # x>y 1:1? ballot1: x>y, x>z; ballot2: y>x, y>z  -> x,y tie at top, both beat z
    assert result.ranking == [["x", "y"], ["z"]]
    with pytest.raises(ValueError):
        schulze(["x"], [["q"]])


TENNESSEE = [
    (42, ["M", "N", "C", "K"]),
    (26, ["N", "C", "K", "M"]),
    (15, ["C", "K", "N", "M"]),
    (17, ["K", "C", "N", "M"]),
]


def test_borda_tennessee():
    rankings = [r for w, r in TENNESSEE for _ in range(w)]
    tally = borda(["M", "N", "C", "K"], rankings)
    assert tally.scores == {"M": 126, "N": 194, "C": 173, "K": 107}
    assert tally.ranking == ["N", "C", "M", "K"]
    assert tally.winners == ["N"]
    truncated = borda(["a", "b", "c"], [["a"]], truncated="average")
    assert truncated.scores == {"a": 2, "b": Fraction(1, 2), "c": Fraction(1, 2)}


def test_schulze_tennessee_elects_nashville():
    result = schulze(["M", "N", "C", "K"], [r for _, r in TENNESSEE], [w for w, _ in TENNESSEE])
    assert result.ranking == [["N"], ["C"], ["K"], ["M"]]


def test_irv_with_an_elimination():
    ballots = [["A", "B", "C"]] * 4 + [["B", "C", "A"]] * 3 + [["C", "B", "A"]] * 2
    result = instant_runoff(["A", "B", "C"], ballots)
    assert [r.counts for r in result.rounds] == [{"A": 4, "B": 3, "C": 2}, {"A": 4, "B": 5}]
    assert result.rounds[0].eliminated == "C"
    assert result.winner == "B"


def test_irv_tie_for_last_uses_previous_round_then_listing_order():
    ballots = (
        [["A"]] * 5 + [["B", "A"]] * 2 + [["C", "B"]] * 3 + [["D", "C"]] * 1 + [["E", "C"]] * 1
    )
    result = instant_runoff(["A", "B", "C", "D", "E"], ballots)
    # round 1: A5 B2 C3 D1 E1 -> D and E tied, tied in every earlier round: E (listed last)
    assert result.rounds[0].eliminated == "E"
    assert "listed last" in result.rounds[0].tie_break
    # round 2: A5 B2 C4 D1 -> D; round 3: A5 B2 C5 -> B; round 4: A7 C5 -> A wins
    assert [r.eliminated for r in result.rounds[1:3]] == ["D", "B"]
    assert result.winner == "A"
    backwards = [["A"]] * 4 + [["B"]] * 3 + [["C", "B"]] * 2 + [["D", "C"]] * 1
    # round 1: A4 B3 C2 D1 -> D; round 2: A4 B3 C3 -> B and C tie; in round 1 C had fewer
    res = instant_runoff(["A", "B", "C", "D"], backwards)
    assert res.rounds[1].eliminated == "C"
    assert "round 1" in res.rounds[1].tie_break


def test_plurality_approval_score():
    t = plurality(["a", "b", "c"], ["a", "b", "a", None])
    assert t.scores == {"a": 2, "b": 1, "c": 0} and t.winners == ["a"] and t.ballots == 4
    t = approval(["a", "b", "c"], [{"a", "b"}, {"b"}, {"c", "b"}])
    assert t.scores == {"a": 1, "b": 3, "c": 1} and t.ranking == ["b", "a", "c"]
    ballots = [{"a": 5, "b": 3}, {"a": 1}, {"b": 4, "c": 5}]
    assert score_voting(["a", "b", "c"], ballots).scores == {"a": 6, "b": 7, "c": 5}
    avg = score_voting(["a", "b", "c"], ballots, aggregate="average")
    assert avg.scores == {"a": 3, "b": Fraction(7, 2), "c": 5}
    assert avg.winners == ["c"]
    with pytest.raises(ValueError):
        plurality(["a"], ["z"])
    with pytest.raises(ValueError):
        score_voting(["a"], [{"a": 11}], max_score=10)


def test_plurality_tie_reports_all_winners():
    t = plurality(["a", "b"], ["a", "b"])
    assert t.winners == ["a", "b"]


def test_majority_with_quorum_boundaries():
    # quorum 50% of 100 eligible, simple majority of yes+no
    r = majority_with_quorum(25, 25, 0, 100, turnout_threshold=Fraction(1, 2))
    assert r.quorum_met and not r.passed  # exactly half yes is not "more than half"
    r = majority_with_quorum(26, 24, 0, 100, turnout_threshold=Fraction(1, 2))
    assert r.passed
    r = majority_with_quorum(26, 23, 0, 100, turnout_threshold=Fraction(1, 2))
    assert not r.quorum_met and not r.passed
    r = majority_with_quorum(25, 25, 0, 100, Fraction(1, 2), Fraction(1, 2), strict=False)
    assert r.passed
    r = majority_with_quorum(40, 20, 10, 100, Fraction(1, 2), Fraction(2, 3), strict=False)
    assert r.yes_share == Fraction(2, 3) and r.passed
    r = majority_with_quorum(
        40, 20, 10, 100, Fraction(1, 2), Fraction(2, 3), strict=False, abstain_counts_in_base=True
    )
    assert r.yes_share == Fraction(4, 7) and not r.passed
    assert r.to_json()["explanation"]
