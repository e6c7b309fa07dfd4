"""The real Pabulib elections: every official ``selected`` column is reproduced exactly."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from gongzhi.decisions.engine.mes import equal_shares_add1
from gongzhi.decisions.engine.pabulib import parse_pabulib_text, read_pabulib, write_pabulib
from gongzhi.decisions.engine.profile import PBProfile
from gongzhi.decisions.engine.rules import RULES, compute

from .conftest import PABULIB_DIR, pabulib_files, require_file

FILES = [p.name for p in pabulib_files()] or ["(no data)"]
WITH_SELECTED = [
    "Netherlands_Assen_2024.pb",
    "Poland_Katowice_2023_Zarzecze.pb",
    "Poland_Krakow_2019_Bienczyce.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Warszawa_2023_Bemowo.pb",
    "Poland_Warszawa_2026_Stare_Bielany.pb",
    "Poland_Wroclaw_2017.pb",
    "Poland_Wroclaw_2017_Rejon_nr_11_750.pb",
]
WITHOUT_SELECTED = [
    "France_Toulouse_2019.pb",
    "Netherlands_Amsterdam_643.pb",
    "Poland_Gdansk_2020_Zaspa_Mlyniec.pb",
    "US_Stanford_Dataset_2022_Jersey_City_Ward_C_vote_knapsacks.pb",
]


def test_data_folder_has_the_twelve_files(pabulib_dir):
    names = {p.name for p in pabulib_dir.glob("*.pb")}
    assert set(WITH_SELECTED) | set(WITHOUT_SELECTED) <= names


@pytest.mark.parametrize("name", WITH_SELECTED)
def test_meta_rule_reproduces_official_selection(name):
    election = read_pabulib(require_file(name))
    assert election.has_selected
    outcome = compute(election)
    assert sorted(outcome.selected) == sorted(election.official_selection())
    assert outcome.cost <= election.budget
    assert outcome.rule == election.rule


@pytest.mark.parametrize("name", WITHOUT_SELECTED)
@pytest.mark.parametrize("rule", RULES)
def test_files_without_selection_give_feasible_outcomes(name, rule):
    election = read_pabulib(require_file(name))
    profile = PBProfile.from_election(election)
    outcome = compute(profile, rule)
    costs = {p.project_id: p.cost for p in election.projects.values()}
    assert len(set(outcome.selected)) == len(outcome.selected)
    assert sum(costs[p] for p in outcome.selected) == outcome.cost
    assert outcome.cost <= election.budget


@pytest.mark.parametrize("name", FILES)
def test_every_file_round_trips(name):
    path = require_file(name)
    election = read_pabulib(path)
    text = write_pabulib(election)
    again = parse_pabulib_text(text)
    assert again == election
    assert write_pabulib(again) == text


@pytest.mark.parametrize("name", FILES)
def test_project_votes_and_scores_match_the_ballots(name):
    """Our per-project tallies equal the file's ``votes``/``score`` columns; for Kraków
    (ordinal) this pins the Borda-like points ``max_length - position``."""
    election = read_pabulib(require_file(name))
    profile = PBProfile.from_election(election)
    for project in election.projects.values():
        p = profile.index[project.project_id]
        if "votes" in project.fields:
            assert int(profile.votes[p]) == int(project.fields["votes"])
        if "score" in project.fields:
            assert profile.score(p) == Fraction(project.fields["score"])


def test_krakow_points_are_three_two_one():
    election = read_pabulib(require_file("Poland_Krakow_2019_Bienczyce.pb"))
    profile = PBProfile.from_election(election)
    assert profile.score(profile.index["3"]) == 1571
    assert profile.score(profile.index["4"]) == 1538


def test_wroclaw_withdrawn_project_does_not_stop_no_skip():
    election = read_pabulib(require_file("Poland_Wroclaw_2017_Rejon_nr_11_750.pb"))
    outcome = compute(election)
    assert outcome.selected == ["425"]
    rows = {r["project_id"]: r["status"] for r in outcome.details["rows"]}
    assert rows == {"150": "exceeds_budget", "425": "selected", "571": "does_not_fit"}


def test_wroclaw_no_skip_stops_at_first_misfit():
    election = read_pabulib(require_file("Poland_Wroclaw_2017.pb"))
    outcome = compute(election)
    assert outcome.selected == ["10", "50", "18", "675", "260"]
    assert outcome.cost == 3_970_000
    statuses = [r["status"] for r in outcome.details["rows"]]
    assert statuses[:6] == ["selected"] * 5 + ["does_not_fit"]
    assert set(statuses[6:]) == {"after_stop"}


def test_amsterdam_leftover_budget_is_spent_by_score():
    election = read_pabulib(require_file("Netherlands_Amsterdam_643.pb"))
    assert compute(election).selected == ["44251"]
    # with a stop-at-first-misfit rule the leftover clause still funds what fits
    tight = compute(election, "greedy-no-skip")
    assert tight.selected == ["44251"]


def test_swiecie_add1_details():
    election = read_pabulib(require_file("Poland_Swiecie_2023.pb"))
    outcome = compute(election)
    assert outcome.details["start_beta"] == 1070000 // 2553
    assert outcome.details["beta"] == 662
    assert outcome.cost == 1_040_337
    json.dumps(outcome.details)  # the whole explanation is JSON-serialisable


def test_swiecie_add1_continues_past_exhaustive_outcomes():
    """Official add1 keeps raising the budget past exhaustive outcomes (see README): on
    Swiecie the pabutools-style variant stops at 646, the official procedure at 662."""
    election = read_pabulib(require_file("Poland_Swiecie_2023.pb"))
    profile = PBProfile.from_election(election)
    official = equal_shares_add1(profile)
    stopping = equal_shares_add1(profile, stop_when_exhaustive=True)
    assert (official.details["beta"], stopping.details["beta"]) == (662, 646)
    assert sorted(official.selected) == sorted(election.official_selection())


@pytest.mark.parametrize("name", WITH_SELECTED)
@pytest.mark.parametrize("tie_break", ["lexico", "max_cost,min_votes,reverse_order"])
def test_official_selections_do_not_hinge_on_tie_breaking(name, tie_break):
    election = read_pabulib(require_file(name))
    outcome = compute(election, tie_break=tie_break)
    assert sorted(outcome.selected) == sorted(election.official_selection())


def test_data_dir_is_outside_the_repository():
    assert PABULIB_DIR.name == "pabulib"
    assert "shared" in PABULIB_DIR.parts


def test_wroclaw_mes_add1_is_fast():
    """62,529 voters: MES + add1 must take well under 10 s (it takes ~0.05 s)."""
    import time

    election = read_pabulib(require_file("Poland_Wroclaw_2017.pb"))
    profile = PBProfile.from_election(election)
    start = time.perf_counter()
    outcome = compute(profile, "equalshares/add1")
    assert time.perf_counter() - start < 10
    assert outcome.cost <= election.budget
    assert sorted(outcome.selected) == ["10", "18", "260", "284", "50", "514", "688"]


def test_assen_explanation_is_chartable():
    election = read_pabulib(require_file("Netherlands_Assen_2024.pb"))
    details = compute(election).details
    json.dumps(details)
    first = details["winners"][0]
    assert first["project_id"] == details["winners"][0]["project_id"]
    assert first["paid_full_price"] + first["paid_all_they_had"] == first["supporters"]
    assert sum(g["voters"] for g in first["payments"]) == first["supporters"]
    losers = {x["project_id"]: x for x in details["losers"]}
    # Crossbaan in Peelo (25 votes, 40,000) lost: its supporters ran out of money
    assert losers["8"]["reason"] == "supporters_ran_out_of_money"
    assert losers["8"]["money_of_supporters"] < 40000
    assert losers["8"]["needed_per_supporter"] == 40000 / 25
