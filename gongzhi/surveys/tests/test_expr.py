"""The XLSForm expression subset: parsed once, interpreted safely, unsupported refused."""

from __future__ import annotations

import pytest
from django.utils import translation

from gongzhi.surveys.expr import ExpressionError, parse


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("src, answers, expected", [
    ("${age} >= 18", {"age": 20}, True),
    ("${age} >= 18", {"age": 12}, False),
    ("${age} >= 18", {}, False),  # unanswered: '' → NaN → comparisons are false
    ("${a} = 'yes' and ${b} != 'no'", {"a": "yes", "b": "x"}, True),
    ("${a} = 'yes' or ${b} = 'no'", {"a": "n", "b": "no"}, True),
    ("selected(${m}, 'garden')", {"m": ["garden", "light"]}, True),
    ("selected(${m}, 'seat')", {"m": ["garden"]}, False),
    ("count-selected(${m}) <= 2", {"m": ["a", "b", "c"]}, False),
    ("not(${x} = 1)", {"x": 2}, True),
    ("string-length(${t}) > 3", {"t": "你好世界啊"}, True),
    ("(${a} + ${b}) * 2 = 10", {"a": 2, "b": 3}, True),
    ("${a} div ${b} = 2.5", {"a": 5, "b": 2}, True),
    ("${a} mod 3 = 1", {"a": 7}, True),
    ("-${a} < 0", {"a": 1}, True),
    ("${d} > '2024-01-01'", {"d": "2024-06-01"}, True),
    ("if(${a} > 1, 'big', 'small') = 'big'", {"a": 2}, True),
    ("coalesce(${a}, 'none') = 'none'", {}, True),
    ("true()", {}, True),
])
def test_truth(src, answers, expected):
    assert parse(src).truth(answers) is expected


def test_dot_is_the_current_answer():
    e = parse(". >= 0 and . <= 10")
    assert e.truth({}, current=5) and not e.truth({}, current=11)


def test_calculation_values():
    assert parse("${a} + ${b}").evaluate({"a": 1, "b": 2.5}) == 3.5
    assert parse("concat(${a}, '-', ${b})").evaluate({"a": "x", "b": 3}) == "x-3"
    assert parse("round(${a} div 3, 2)").evaluate({"a": 10}) == 3.33
    assert parse("int(${a})").evaluate({"a": "7.9"}) == 7.0


def test_choice_filter_columns_only_where_allowed():
    e = parse("district = ${district}", allow_columns=True)
    assert e.columns == {"district"} and e.refs == {"district"}
    assert e.truth({"district": "east"}, choice={"district": "east"})
    with pytest.raises(ExpressionError, match="unsupported name"):
        parse("district = ${district}")


@pytest.mark.parametrize("src, message", [
    ("__import__('os').system('x')", "unsupported function __import__"),
    ("regex(., '[0-9]+')", "unsupported function regex"),
    ("pulldata('x', 'y')", "unsupported function"),
    ("${a} >", "unexpected"),
    ("(${a} = 1", "expected “)”"),
    ("selected(${a})", "takes 2–2 arguments"),
    ("${a} | ${b}", "cannot read"),
    ("/data/x = 1", "cannot read"),
])
def test_unsupported_is_refused(src, message):
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(src)


def test_refs_are_collected():
    assert parse("${a} > 1 and selected(${b}, 'x')").refs == {"a", "b"}
