"""Owners' decisions under Civil Code Art. 278: quorum and majorities at the boundaries."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from gongzhi.decisions.engine.art278 import Choice, Unit, decide


def units(n: int, area: int = 100) -> list[Unit]:
    return [Unit(f"u{i}", area, f"o{i}") for i in range(n)]


def choices(agree: int, disagree: int = 0, abstain: int = 0, start: int = 0) -> dict:
    keys = [f"o{i}" for i in range(start, start + agree + disagree + abstain)]
    return (
        dict.fromkeys(keys[:agree], Choice.AGREE)
        | dict.fromkeys(keys[agree : agree + disagree], Choice.DISAGREE)
        | dict.fromkeys(keys[agree + disagree :], "abstain")
    )


def test_exactly_two_thirds_participation_meets_quorum():
    r = decide(units(9), choices(6), item=1)
    assert r.participation_area_ratio == Fraction(2, 3)
    assert r.participation_owner_ratio == Fraction(2, 3)
    assert r.quorum and r.passed


def test_just_under_two_thirds_area_misses_quorum():
    # 9 units, one of them 99.99 m2: six participating owners hold 599.99 of 899.99 < 2/3
    us = units(8) + [Unit("u8", Decimal("99.99"), "o8")]
    r = decide(us, choices(5, start=0) | {"o8": Choice.AGREE}, item=1)
    assert r.participation_area_ratio < Fraction(2, 3)
    assert r.participation_area_ratio == Fraction(59999, 89999)
    assert not r.quorum_area_met and r.quorum_owners_met
    assert not r.quorum and not r.passed


def test_just_under_two_thirds_headcount_misses_quorum():
    r = decide(units(10), choices(6), item=1)  # 6/10 < 2/3
    assert not r.quorum_owners_met and not r.passed


def test_exactly_half_agree_fails_an_ordinary_matter():
    r = decide(units(12), choices(5, 5), item=4)  # 10/12 participate, 5/10 agree
    assert r.quorum
    assert r.agree_area_ratio == Fraction(1, 2) and r.agree_owner_ratio == Fraction(1, 2)
    assert not r.approved and not r.passed
    r = decide(units(12), choices(6, 4), item=4)
    assert r.passed


def test_exactly_three_quarters_passes_a_special_matter():
    r = decide(units(8), choices(6, 2), item=7)
    assert r.special
    assert r.agree_area_ratio == Fraction(3, 4) and r.agree_owner_ratio == Fraction(3, 4)
    assert r.passed
    r = decide(units(8), choices(5, 2, 1), item=6)  # abstention participates: 5/8 < 3/4
    assert r.quorum and not r.passed


def test_using_the_fund_is_ordinary_raising_it_is_special():
    assert not decide(units(3), choices(3), item=5).special
    assert decide(units(3), choices(3), item=6).special
    assert decide(units(3), choices(3), item=8).special
    with pytest.raises(ValueError):
        decide(units(3), choices(3), item=10)


def test_multi_unit_owner_counts_once_but_all_area_counts():
    us = [
        Unit("a1", 100, "alice"),
        Unit("a2", 100, "alice"),
        Unit("a3", 100, "alice"),
        Unit("b", 100, "bob"),
        Unit("c", 100, "carol"),
    ]
    r = decide(us, {"alice": "agree", "bob": "agree"}, item=3)
    assert r.total_owners == 3 and r.total_area == 500
    assert r.participating_owners == 2 and r.participating_area == 400
    assert r.participation_owner_ratio == Fraction(2, 3)
    assert r.quorum and r.passed


def test_unsold_developer_units_count_as_one_owner():
    us = [Unit(f"d{i}", 80, "developer") for i in range(6)] + [
        Unit("x", 90, "xu"),
        Unit("y", 90, "yang"),
    ]
    r = decide(us, {"developer": "agree", "xu": "disagree"}, item=2)
    assert r.total_owners == 3
    assert r.participating_area == 570
    assert r.agree_area_ratio == Fraction(480, 570)
    assert r.agree_owner_ratio == Fraction(1, 2)  # developer alone is not a majority
    assert r.quorum and not r.passed


def test_float_areas_are_read_as_decimals():
    us = [Unit("a", 0.1, "a"), Unit("b", 0.2, "b"), Unit("c", 0.3, "c")]
    r = decide(us, {"a": "agree", "b": "agree"}, special=False)
    assert r.participation_area_ratio == Fraction(1, 2)


def test_result_figures_and_explanation():
    r = decide(units(4), choices(3, 1), item=9)
    pct = r.percentages()
    assert pct == {
        "participation_area": 100.0,
        "participation_owners": 100.0,
        "agree_area": 75.0,
        "agree_owners": 75.0,
    }
    info = r.explanation()
    json.dumps(info)
    assert [s["key"] for s in info["steps"]] == [
        "participation_area",
        "participation_owners",
        "agree_area",
        "agree_owners",
    ]
    assert info["steps"][2]["comparison"] == ">" and info["passed"] is True


def test_unknown_owner_is_rejected():
    with pytest.raises(ValueError, match="owns no unit"):
        decide(units(2), {"stranger": "agree"}, item=1)
