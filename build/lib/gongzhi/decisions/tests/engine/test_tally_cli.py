"""The ``pb tally`` command as a plain function (the Django command only wraps it)."""

from __future__ import annotations

import io
import json

import pytest

from gongzhi.decisions.engine.tally_cli import main, tally

from .conftest import require_file

SMALL = """META
key;value
budget;100
vote_type;approval
rule;{rule}
PROJECTS
project_id;cost;name
1;60;Sixty
2;30;Thirty
3;25.5;Quarter
VOTES
voter_id;vote
a;1,2
b;1
c;2,3
"""


def run(path, *args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    code = tally(str(path), *args, out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_json_shape_is_exact(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL.format(rule="greedy"), encoding="utf-8")
    code, out, err = run(path, as_json=True)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["rule", "selected", "cost", "budget"]
    # projects 1 and 2 both have 2 votes: the tie goes to the cheaper one (2)
    assert data == {"rule": "greedy", "selected": ["2", "1"], "cost": 90, "budget": 100}
    assert isinstance(data["cost"], int)


def test_non_integral_cost_is_a_float(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL.format(rule="greedy-cost"), encoding="utf-8")
    data = json.loads(run(path, as_json=True)[1])
    # votes per cost: 2 -> 2/30, 3 -> 1/25.5, 1 -> 2/60: picks 2 and 3; 1 does not fit
    assert data == {"rule": "greedy-cost", "selected": ["2", "3"], "cost": 55.5, "budget": 100}
    assert isinstance(data["cost"], float)
    data = json.loads(run(path, rule="greedy-no-skip", as_json=True)[1])
    assert data["rule"] == "greedy-no-skip"


def test_unknown_meta_rule_falls_back_to_greedy(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL.format(rule="unknown"), encoding="utf-8")
    code, out, err = run(path, as_json=True)
    assert code == 0
    assert json.loads(out)["rule"] == "greedy"
    assert "falling back to greedy" in err


def test_unknown_rule_option_is_an_error(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL.format(rule="greedy"), encoding="utf-8")
    code, out, err = run(path, rule="dictatorship", as_json=True)
    assert code == 2 and out == ""
    assert "unknown rule 'dictatorship'" in err and "equalshares/add1" in err


@pytest.mark.parametrize(
    ("original", "replacement", "line", "fragment"),
    [
        ("2;30;Thirty", "2;thirty;Thirty", 9, "cost 'thirty'"),
        ("c;2,3", "c;2,4", 15, "unknown project '4'"),
        ("budget;100", "budget;1OO", 3, "budget '1OO'"),
    ],
)
def test_malformed_file_names_the_line(tmp_path, original, replacement, line, fragment):
    path = tmp_path / "bad.pb"
    path.write_text(SMALL.format(rule="greedy").replace(original, replacement), encoding="utf-8")
    code, out, err = run(path, as_json=True)
    assert code == 2 and out == ""
    assert f"bad.pb: line {line}: " in err
    assert fragment in err


def test_malformed_file_line_numbers(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text(
        SMALL.format(rule="greedy").replace("2;30;Thirty", "2;thirty;Thirty"), encoding="utf-8"
    )
    assert "bad.pb: line 9: cost 'thirty'" in run(path)[2]
    path.write_text(SMALL.format(rule="greedy").replace("c;2,3", "c;2,4"), encoding="utf-8")
    assert "line 15: voter 'c' votes for unknown project '4'" in run(path)[2]
    path.write_text(SMALL.format(rule="greedy").split("VOTES")[0], encoding="utf-8")
    code, _, err = run(path)
    assert code == 2 and "missing section VOTES" in err


def test_missing_file(tmp_path):
    code, _, err = run(tmp_path / "nope.pb")
    assert code == 2 and "cannot read" in err


def test_table_output(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL.format(rule="greedy"), encoding="utf-8")
    code, out, _ = run(path)
    assert code == 0
    assert "rule: greedy" in out
    assert "selected 2 of 3 projects, cost 90 of budget 100 (90.0%)" in out
    assert "Sixty" in out


def test_real_file_json(capsys):
    path = require_file("Poland_Warszawa_2026_Stare_Bielany.pb")
    assert main(["tally", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "greedy-threshold"
    assert data["budget"] == 483736 and data["cost"] == 473415
    assert data["selected"][:3] == ["456", "2113", "1498"]


def test_django_command_wraps_the_function(tmp_path):
    """``gongzhi pb tally`` through Django's command machinery (no database needed)."""
    pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured")
    from django.core.management import call_command

    path = tmp_path / "small.pb"
    path.write_text(SMALL.format(rule="greedy"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("pb", "tally", str(path), "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == {
        "rule": "greedy",
        "selected": ["2", "1"],
        "cost": 90,
        "budget": 100,
    }
    path.write_text(SMALL.format(rule="greedy").replace("2;30;", "2;x;"), encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        call_command("pb", "tally", str(path), stdout=out, stderr=err)
    assert info.value.code == 2
    assert "line 9" in err.getvalue()
