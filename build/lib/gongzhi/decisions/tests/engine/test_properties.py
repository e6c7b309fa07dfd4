"""Property tests (hypothesis) for the PB rules, and MES against an exact naive oracle."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.decisions.engine.greedy import greedy, greedy_order
from gongzhi.decisions.engine.mes import _run, _Static, equal_shares, equal_shares_add1
from gongzhi.decisions.engine.pabulib import PBElection, Project, Voter
from gongzhi.decisions.engine.profile import PBProfile
from gongzhi.decisions.engine.rules import RULES, compute
from gongzhi.decisions.engine.tiebreak import DEFAULT_TIE_BREAK

from .reference import reference_add1, reference_mes

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elections(draw, max_projects=6, max_voters=12, max_cost=40, weighted=False):
    n_projects = draw(st.integers(1, max_projects))
    costs = draw(
        st.lists(
            st.integers(0 if weighted else 1, max_cost), min_size=n_projects, max_size=n_projects
        )
    )
    n_voters = draw(st.integers(1, max_voters))
    ballots = []
    for _ in range(n_voters):
        chosen = draw(st.sets(st.integers(0, n_projects - 1), max_size=n_projects))
        if weighted:
            ballots.append({p: draw(st.integers(1, 4)) for p in sorted(chosen)})
        else:
            ballots.append(dict.fromkeys(sorted(chosen), 1))
    budget = draw(st.integers(0, max(1, sum(costs))))
    return costs, ballots, budget


def profile_of(costs, ballots, budget, vote_type="cumulative"):
    return PBProfile.from_weighted_ballots(
        costs, budget, [list(b.items()) for b in ballots], vote_type=vote_type
    )


def election_of(costs, ballots, budget, order=None, rule="greedy"):
    ids = [f"p{i}" for i in range(len(costs))]
    projects = {pid: Project(pid, c) for pid, c in zip(ids, costs, strict=True)}
    voters = [
        Voter(f"v{i}", [ids[p] for p in b], [b[p] for p in b] if b else None)
        for i, b in enumerate(ballots)
    ]
    if order is not None:
        voters = [voters[i] for i in order]
    meta = {
        "budget": str(budget),
        "vote_type": "cumulative",
        "rule": rule,
        "min_project_score_threshold": "2",
    }
    return PBElection(
        meta, projects, voters, ["project_id", "cost"], ["voter_id", "vote", "points"]
    )


@SETTINGS
@given(elections(weighted=True), st.sampled_from(RULES))
def test_no_rule_exceeds_the_budget(data, rule):
    costs, ballots, budget = data
    outcome = compute(profile_of(costs, ballots, budget), rule)
    assert outcome.cost <= budget
    assert sum(costs[int(p)] for p in outcome.selected) == outcome.cost
    assert len(set(outcome.selected)) == len(outcome.selected)


@SETTINGS
@given(elections(weighted=True), st.sampled_from(RULES), st.randoms(use_true_random=False))
def test_outcome_does_not_depend_on_voter_order(data, rule, rnd: random.Random):
    costs, ballots, budget = data
    order = list(range(len(ballots)))
    rnd.shuffle(order)
    a = compute(election_of(costs, ballots, budget), rule)
    b = compute(election_of(costs, ballots, budget, order), rule)
    assert a.selected == b.selected


@SETTINGS
@given(elections(weighted=True), st.sampled_from(["cost", "cardinality"]))
def test_mes_only_funds_supported_projects(data, utility):
    costs, ballots, budget = data
    profile = profile_of(costs, ballots, budget)
    supported = {str(p) for b in ballots for p in b}
    for outcome in (
        equal_shares(profile, utility=utility),
        equal_shares_add1(profile, utility=utility),
    ):
        assert set(outcome.selected) <= {profile.project_ids[int(p)] for p in supported}


@SETTINGS
@given(elections(weighted=True))
def test_greedy_no_skip_selects_a_prefix_of_the_score_order(data):
    costs, ballots, budget = data
    profile = profile_of(costs, ballots, budget)
    order = [
        profile.project_ids[p]
        for p in greedy_order(profile)
        if Fraction(profile.costs[p]) <= budget
    ]  # never-fundable projects are passed
    selected = greedy(profile, variant="no-skip").selected
    assert selected == order[: len(selected)]


@SETTINGS
@given(
    elections(weighted=True, max_voters=10),
    st.sampled_from(["cost", "cardinality"]),
    st.integers(1, 30),
)
def test_mes_matches_the_exact_reference(data, utility, beta):
    costs, ballots, _budget = data
    profile = profile_of(costs, ballots, sum(costs))
    static = _Static.build(profile, utility, DEFAULT_TIE_BREAK)
    priority = DEFAULT_TIE_BREAK.priority(profile)
    for b in (Fraction(beta), Fraction(beta, 7)):
        ours = _run(static, b).winners
        assert ours == reference_mes(costs, ballots, b, priority, utility)


@SETTINGS
@given(elections(max_projects=5, max_voters=8, max_cost=12))
def test_add1_matches_the_exact_reference(data):
    costs, ballots, budget = data
    profile = profile_of(costs, ballots, budget)
    priority = DEFAULT_TIE_BREAK.priority(profile)
    ours = equal_shares_add1(profile).selected
    ref = reference_add1(costs, ballots, budget, priority)
    assert ours == [profile.project_ids[p] for p in ref]


def test_many_exact_ties_are_resolved_exactly():
    """Thirty identical-cost projects with identical support: every round is a tie that
    floats alone could not order; the exact path and the tie-break must give file order."""
    n = 30
    ballots = [dict.fromkeys(range(n), 1) for _ in range(7)] + [{0: 1}, {n - 1: 1}]
    costs = [3] * n
    profile = profile_of(costs, ballots, 45)
    static = _Static.build(profile, "cost", DEFAULT_TIE_BREAK)
    run = _run(static, Fraction(5))
    priority = DEFAULT_TIE_BREAK.priority(profile)
    assert run.winners == reference_mes(costs, ballots, Fraction(5), priority)
    assert run.exact_checks > 0
