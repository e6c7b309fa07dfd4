"""Parsing and writing the .pb format, and the errors malformed files produce."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gongzhi.decisions.engine.pabulib import (
    PabulibError,
    format_number,
    parse_number,
    parse_pabulib_text,
    write_pabulib,
)
from gongzhi.decisions.engine.rules import RULES, UnknownRuleError, compute, resolve_rule

GOOD = '''META
key;value
description;"Test; with a semicolon"
budget;100.5
vote_type;cumulative
rule;greedy
PROJECTS
project_id;cost;votes;name;selected;category
a;40;2;"Park; north";1;green,play
b;60.25;1;Road;0;roads
c;10;1;"Quote ""x""";1;
VOTES
voter_id;vote;points;age
v1;a,b;2,1;30
v2;a,c;1,3;
'''


def test_parses_quoted_fields_and_exact_numbers():
    e = parse_pabulib_text(GOOD)
    assert e.meta["description"] == "Test; with a semicolon"
    assert e.budget == Fraction(201, 2)
    assert e.projects["a"].name == "Park; north"
    assert e.projects["b"].cost == Fraction(241, 4)
    assert e.projects["c"].name == 'Quote "x"'
    assert e.projects["a"].selected == 1 and e.projects["b"].selected == 0
    assert e.projects["a"].fields == {"votes": "2", "category": "green,play"}
    assert e.voters[0].vote == ["a", "b"] and e.voters[0].points == [2, 1]
    assert e.voters[1].attributes == {"age": ""}
    assert e.official_selection() == ["a", "c"]
    assert e.vote_type == "cumulative"


def test_round_trip_is_exact():
    e = parse_pabulib_text(GOOD)
    text = write_pabulib(e)
    assert parse_pabulib_text(text) == e
    assert '"Park; north"' in text


@pytest.mark.parametrize("value", [Fraction(1, 3), Fraction(5, 8), 7, Fraction(-3, 20)])
def test_number_format_round_trips(value):
    assert parse_number(format_number(value)) == value


def test_decimal_comma_is_accepted():
    assert parse_number("12,5") == Fraction(25, 2)


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


MALFORMED = [
    ("missing PROJECTS", GOOD.split("PROJECTS")[0], None, "missing section PROJECTS"),
    ("missing VOTES", GOOD.split("VOTES")[0], None, "missing section VOTES"),
    ("bad cost", _replace("b;60.25;", "b;sixty;"), 10, "cost 'sixty'"),
    ("negative cost", _replace("b;60.25;", "b;-5;"), 10, "negative"),
    ("unknown project", _replace("v2;a,c;", "v2;a,z;"), 15, "unknown project 'z'"),
    (
        "wrong column count",
        _replace("b;60.25;1;Road;0;roads", "b;60.25;1;Road;0;roads;x"),
        10,
        "has 7 fields but the header has 6",
    ),
    ("unquoted semicolon", _replace('"Park; north"', "Park; north"), 9, "fields"),
    ("budget not numeric", _replace("budget;100.5", "budget;lots"), 4, "budget 'lots'"),
    ("no budget", _replace("budget;100.5\n", ""), 5, "no 'budget'"),
    ("points mismatch", _replace("v1;a,b;2,1;30", "v1;a,b;2;30"), 14, "2 projects but 1 points"),
    ("bad points", _replace("v1;a,b;2,1;30", "v1;a,b;2,x;30"), 14, "non-numeric points"),
    ("duplicate project", _replace("c;10;1;", "a;10;1;"), 11, "listed twice"),
    ("duplicate in vote", _replace("v2;a,c;1,3", "v2;a,a;1,3"), 15, "twice"),
    (
        "unknown vote type",
        _replace("vote_type;cumulative", "vote_type;quadratic"),
        5,
        "unknown vote_type",
    ),
    ("sections out of order", "PROJECTS\nproject_id;cost\n" + GOOD, 1, "META was expected"),
    (
        "projects header without cost",
        _replace("project_id;cost;votes", "project_id;price;votes"),
        8,
        "'cost'",
    ),
    ("missing points for cumulative", _replace("v1;a,b;2,1;30", "v1;a,b;;30"), 14, "no points"),
]


@pytest.mark.parametrize(
    ("label", "text", "line", "fragment"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_files_name_the_line(label, text, line, fragment):
    with pytest.raises(PabulibError) as info:
        parse_pabulib_text(text, source="x.pb")
    message = str(info.value)
    assert fragment in message
    if line is not None:
        assert info.value.line == line
        assert f"line {line}" in message
    assert message.startswith("x.pb")


def test_unknown_rule_lists_known_rules():
    with pytest.raises(UnknownRuleError) as info:
        resolve_rule("borda-count-2000")
    message = str(info.value)
    assert "'borda-count-2000'" in message
    for rule in RULES:
        assert rule in message


def test_rule_aliases_and_fallbacks():
    assert resolve_rule("MES/add1").name == "equalshares/add1"
    assert resolve_rule("equalshares/add1/comparison").name == "equalshares/add1-comparison"
    assert resolve_rule(" Greedy ").name == "greedy"
    fallback = resolve_rule("unknown")
    assert fallback.name == "greedy" and "falling back to greedy" in fallback.note
    assert resolve_rule("greedy-custom").name == "greedy"


def test_compute_uses_meta_rule_and_reports_fallback():
    e = parse_pabulib_text(GOOD.replace("rule;greedy", "rule;unknown"))
    outcome = compute(e)
    assert outcome.rule == "greedy"
    assert any("unknown" in n for n in outcome.notes)
    # cumulative points: a=3, c=3, b=1; tie a/c broken by lower cost -> c first
    assert outcome.selected == ["c", "a"]
