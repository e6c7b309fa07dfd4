"""XLSForm import/export (openpyxl): types, groups, languages, expressions, errors by row."""

from __future__ import annotations

import pytest
from django.utils import translation

from gongzhi.surveys.xlsform import XLSFormError, read_xlsform, write_xlsform

from .conftest import GARDEN_FORM, SURVEY_HEAD, make_xlsform


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_reads_groups_languages_and_scoring(garden_xlsx):
    form = read_xlsform(garden_xlsx).form
    assert [g.name for g in form.groups] == ["you", "garden"]
    assert form.title == {"zh": "花园需求调查", "en": "Garden needs"}
    age = form.question("age")
    assert age.required and age.label == {"zh": "您的年龄", "en": "Your age"}
    assert age.constraint_message == {"zh": "请填写 0 到 120 之间的数"}
    b2 = form.question("b2")
    assert b2.subscale == "bel" and b2.reverse and b2.likert
    assert form.question("building").choice_filter == "area=${area}"
    assert [c.extra for c in form.choices["bld"]] == [{"area": "east"}, {"area": "west"}]
    assert form.scale_range(b2) == (1.0, 3.0)


def test_answers_are_cleaned_with_relevance_constraints_filters(garden_xlsx):
    form = read_xlsform(garden_xlsx).form
    you, garden = form.groups
    with translation.override("zh-hans"):
        _a, errors = form.clean_page(you, {"age": "130", "area": "east", "building": "w1"},
                                     {})
        assert errors["age"] == "请填写 0 到 120 之间的数"
        assert errors["building"] == "请从列出的选项中选择。"
        _a, errors = form.clean_page(you, {"age": "", "area": ""}, {})
        assert errors == {"age": "此题必答。", "area": "此题必答。"}
    answers, errors = form.clean_page(you, {"age": "40", "area": "east", "building": "e1"}, {})
    assert errors == {}
    assert answers == {"age": 40, "area": "east", "building": "e1", "n_uses": 0.0}
    out, errors = form.clean_page(garden, {"uses": ["plants"], "why_seat": "ignored",
                                           "b1": "3"}, answers)
    assert errors == {}
    assert "why_seat" not in out  # not relevant: dropped
    assert out["n_uses"] == 1.0  # calculate
    out, _e = form.clean_page(garden, {"uses": ["seat", "plants"], "why_seat": "老人歇脚"},
                              answers)
    assert out["why_seat"] == "老人歇脚" and out["uses"] == ["seat", "plants"]


def test_round_trip_export_then_import(garden_xlsx):
    form = read_xlsform(garden_xlsx).form
    again = read_xlsform(write_xlsform(form)).form
    strip = lambda f: [{**q.__dict__, "row": 0} for q in f.questions()]  # noqa: E731
    assert strip(again) == strip(form)
    assert again.choices == form.choices
    assert again.title == form.title


def test_problems_are_listed_by_row():
    rows = [SURVEY_HEAD,
            ["integer", "a", "甲", "", "", "", ". > ${zz}", "", "", "", "", "", ""],
            ["geopoint", "where", "位置", "", "", "", "", "", "", "", "", "", ""],
            ["text", "b", "乙", "", "maybe", "", "", "", "", "", "", "", ""],
            ["integer", "c", "丙", "", "", "regex(${a}, '1')", "", "", "", "", "", "", ""],
            ["begin repeat", "r", "", "", "", "", "", "", "", "", "", "", ""],
            ["select_one nolist", "d", "丁", "", "", "", "", "", "", "", "", "", ""]]
    with pytest.raises(XLSFormError) as exc:
        read_xlsform(make_xlsform(rows))
    text = "\n".join(exc.value.problems)
    assert "survey row 3: unsupported type “geopoint”" in text
    assert "survey row 4: required must be yes or no" in text
    assert "survey row 6: repeats are not supported" in text
    assert "row 2 (a), constraint: unknown question zz" in text
    assert "row 5 (c), relevant: unsupported expression “regex(${a}, '1')”" in text
    assert "row 7 (d): no choice list called nolist" in text


def test_not_a_workbook_and_no_survey_sheet():
    with pytest.raises(XLSFormError, match="not an Excel workbook"):
        read_xlsform(b"PK\x03\x04 nonsense")
    import io

    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "other"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(XLSFormError, match="no sheet called"):
        read_xlsform(buf.getvalue())


def test_metadata_types_are_skipped_with_a_notice():
    rows = [["type", "name", "label"], ["start", "start", ""], ["text", "t", "说说"]]
    imp = read_xlsform(make_xlsform(rows))
    assert [q.name for q in imp.form.questions()] == ["t"]
    assert imp.form.question("t").label == {"zh": "说说"}  # plain label: default language
    assert "metadata start skipped" in imp.notices[0]


def test_nested_group_relevance_is_folded_into_the_page():
    rows = [["type", "name", "label", "relevant"],
            ["begin group", "p", "页", ""],
            ["integer", "n", "人数", ""],
            ["begin group", "inner", "", "${n} > 1"],
            ["text", "who", "都有谁", "${n} < 10"],
            ["end group", "", "", ""],
            ["end group", "", "", ""]]
    form = read_xlsform(make_xlsform(rows)).form
    assert len(form.groups) == 1
    assert form.question("who").relevant == "(${n} > 1) and (${n} < 10)"
    assert GARDEN_FORM  # the shared fixture stays importable
