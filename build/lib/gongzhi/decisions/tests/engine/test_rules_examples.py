"""Small hand-checked examples for each PB rule (worked out in the comments)."""

from __future__ import annotations

from fractions import Fraction

from gongzhi.decisions.engine.greedy import greedy
from gongzhi.decisions.engine.mes import equal_shares, equal_shares_add1
from gongzhi.decisions.engine.phragmen import sequential_phragmen
from gongzhi.decisions.engine.profile import PBProfile
from gongzhi.decisions.engine.tiebreak import TieBreak


def party_list_profile() -> PBProfile:
    """The classic proportionality example (Peters, Pierczyński & Skowron 2021, and
    equalshares.net): 60 voters approve A1..A5, 40 approve B1..B5, every project costs 10,
    budget 50. Each voter holds 0.5, so the A group can buy 3 projects and the B group 2."""
    ids = [f"A{i}" for i in range(1, 6)] + [f"B{i}" for i in range(1, 6)]
    ballots = [list(range(5))] * 60 + [list(range(5, 10))] * 40
    return PBProfile.from_approval_ballots([10] * 10, 50, ballots, ids)


def test_mes_is_proportional_where_greedy_is_not():
    profile = party_list_profile()
    mes = equal_shares(profile)
    assert mes.selected == ["A1", "A2", "A3", "B1", "B2"]
    assert mes.cost == 50
    assert greedy(profile).selected == ["A1", "A2", "A3", "A4", "A5"]
    first = mes.details["winners"][0]
    # 60 supporters share 10: each pays 1/6, effective vote count 60
    assert first["effective_vote_count"] == 60
    assert abs(first["price_per_supporter"] - 1 / 6) < 1e-12
    assert first["paid_full_price"] == 60 and first["paid_all_they_had"] == 0
    a4 = next(x for x in mes.details["losers"] if x["project_id"] == "A4")
    assert a4["reason"] == "supporters_ran_out_of_money"
    assert a4["money_of_supporters"] == 0
    assert a4["needed_per_supporter"] == 10 / 60


def test_phragmen_party_list():
    """Loads: A1 at t=1/6, B1 at 1/4, A2 at 1/3, then A3 and B2 tie at 1/2 (A3 wins the tie:
    same cost, more votes), B2 at 1/2; A4 (2/3) no longer fits, so the count stops."""
    out = sequential_phragmen(party_list_profile())
    assert out.selected == ["A1", "B1", "A2", "A3", "B2"]
    times = [r["time"] for r in out.details["rounds"]]
    assert times == [1 / 6, 1 / 4, 1 / 3, 1 / 2, 1 / 2]


def small_profile() -> PBProfile:
    """Budget 100, 4 voters. C (30) approved by all; A (60) by v1-v3; B (40) by v4."""
    ballots = [[0, 2], [0, 2], [0, 2], [1, 2]]
    return PBProfile.from_approval_ballots([60, 40, 30], 100, ballots, ["A", "B", "C"])


def test_mes_small_example_by_hand():
    """Each voter has 25. Round 1: C costs 7.5 per voter (effective votes 4) and beats A
    (20 per voter, 3). Then v1-v3 hold 17.5 each, 52.5 < 60: A is unaffordable; v4 holds
    17.5 < 40 for B. Outcome {C}."""
    out = equal_shares(small_profile())
    assert out.selected == ["C"]
    losers = {x["project_id"]: x for x in out.details["losers"]}
    assert losers["A"]["money_of_supporters"] == 52.5
    assert losers["A"]["shortfall"] == 7.5
    assert losers["B"]["money_of_supporters"] == 17.5


def test_mes_add1_small_example_by_hand():
    """add1 starts at floor(100/4)=25. A becomes affordable after C when 3(beta-7.5) >= 60,
    i.e. from beta=28 ({C, A}, cost 90). B needs v4 to keep 40 after paying 7.5, i.e.
    beta >= 47.5; at 48 the outcome {C, A, B} costs 130 > 100, so add1 stops and returns
    the outcome for beta=47: {C, A}."""
    out = equal_shares_add1(small_profile())
    assert out.selected == ["C", "A"]
    assert out.details["beta"] == 47
    assert out.details["start_beta"] == 25
    assert out.details["steps"] == 23
    assert greedy(small_profile()).selected == ["C", "A"]


def test_add1_exhaustive_stop_variant():
    """pabutools-style add1 stops at the first exhaustive outcome: beta=28 here."""
    out = equal_shares_add1(small_profile(), stop_when_exhaustive=True)
    assert out.selected == ["C", "A"]
    assert out.details["beta"] == 28


def test_add1_does_not_stop_at_an_exhaustive_outcome():
    """Costs A=12, B=5, C=3, budget 19; ballots {A,B,C}, {A,C}, {A,B}, {B}.
    beta=4 (floor 19/4): A and B tie at 3 effective votes, B is cheaper; then A is
    unaffordable (26/3 < 12) and C is bought: {B, C}, cost 8, already exhaustive (A does
    not fit). beta=6: B, then A (4 each): {B, A}, cost 17. beta=7: B, A, then C (v1 pays
    4/3, v2 5/3): cost 20 > 19, stop. Official add1 returns {B, A}; stopping at the
    first exhaustive outcome would have returned {B, C}."""
    profile = PBProfile.from_approval_ballots(
        [12, 5, 3], 19, [[0, 1, 2], [0, 2], [0, 1], [1]], ["A", "B", "C"]
    )
    official = equal_shares_add1(profile)
    assert official.selected == ["B", "A"] and official.details["beta"] == 6
    early = equal_shares_add1(profile, stop_when_exhaustive=True)
    assert early.selected == ["B", "C"] and early.details["beta"] == 4


def test_mes_tie_breaks_by_lower_cost_then_votes():
    # P0 and P1 have equal effective vote counts (everyone affords): P1 is cheaper.
    ballots = [[0, 1]] * 4
    profile = PBProfile.from_approval_ballots([40, 20], 60, ballots, ["P0", "P1"])
    assert equal_shares(profile).selected == ["P1", "P0"]
    # equal cost and equal support: earlier in the file wins; an explicit order overrides
    profile = PBProfile.from_approval_ballots([30, 30], 60, ballots, ["x", "y"])
    assert equal_shares(profile).selected == ["x", "y"]
    explicit = TieBreak(("min_cost", "max_votes", "explicit"), order=("y", "x"))
    assert equal_shares(profile, tie_break=explicit).selected == ["y", "x"]


def test_mes_cardinality_utilities_differ_from_cost_utilities():
    """Two voters, budget 100 (50 each). Big (cost 100) approved by both, Small (cost 10)
    by voter 1. Cost utilities: Big costs 50 per voter (rho=1/200 per unit of utility)
    vs Small 10 (rho=1/10): Big first. Cardinality: Big rho=50, Small rho=10: Small first,
    after which voter 1 holds 40 and Big is unaffordable."""
    profile = PBProfile.from_approval_ballots([100, 10], 100, [[0, 1], [0]], ["Big", "Small"])
    assert equal_shares(profile).selected == ["Big"]
    assert equal_shares(profile, utility="cardinality").selected == ["Small"]


def test_greedy_variants_by_hand():
    # scores 50, 40, 30, 20; costs 60, 50, 30, 10; budget 100
    ballots = [[0]] * 50 + [[1]] * 40 + [[2]] * 30 + [[3]] * 20
    profile = PBProfile.from_approval_ballots([60, 50, 30, 10], 100, ballots, ["a", "b", "c", "d"])
    assert greedy(profile).selected == ["a", "c", "d"]
    no_skip = greedy(profile, variant="no-skip")
    assert no_skip.selected == ["a"]
    assert [r["status"] for r in no_skip.details["rows"]] == [
        "selected",
        "does_not_fit",
        "after_stop",
        "after_stop",
    ]
    assert greedy(profile, threshold=35).selected == ["a"]
    rows = greedy(profile, threshold=35).details["rows"]
    assert [r["status"] for r in rows] == [
        "selected",
        "does_not_fit",
        "below_threshold",
        "below_threshold",
    ]
    assert [r["cumulative_cost"] for r in greedy(profile).details["rows"]] == [60, None, 90, 100]
    # by ratio: d 2.0, c 1.0, b 0.8, a 0.83 -> d, c, a (a: 10+30+60 = 100)
    assert greedy(profile, by="ratio").selected == ["d", "c", "a"]


def test_cumulative_mes_uses_points():
    """Voter 1 gives 3 points to X and 1 to Y, voter 2 gives 4 to Y; costs 10, budget 20,
    so each voter holds 10. Cost utilities u = points * cost: X has rho = 10/30, Y has
    rho = 10/50 (voter 1 pays 2, voter 2 pays 8): Y first. Voter 1 then holds 8 < 10 and
    X is unaffordable. Greedy by points takes both."""
    profile = PBProfile.from_weighted_ballots([10, 10], 20, [{0: 3, 1: 1}, {1: 4}], ["X", "Y"])
    assert profile.score(0) == 3 and profile.score(1) == 5
    out = equal_shares(profile)
    assert out.selected == ["Y"]
    assert out.details["winners"][0]["rho"] == 0.2
    x = out.details["losers"][0]
    assert (x["project_id"], x["money_of_supporters"]) == ("X", 8)
    assert greedy(profile).selected == ["Y", "X"]
    assert Fraction(profile.budget) == 20
