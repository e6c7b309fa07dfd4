"""Real files have defects: the parser repairs those whose meaning is clear (with a
warning naming the line), ``strict`` refuses them, and the file's own ``votes`` column
is the check that the repair counts what the city counted."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from gongzhi.decisions.engine.pabulib import (
    PabulibError,
    parse_pabulib_text,
    read_pabulib,
)
from gongzhi.decisions.engine.rules import compute
from gongzhi.decisions.engine.tally_cli import tally

from .conftest import pabulib_files, require_file

BIELANY = "Poland_Warszawa_2026_Stare_Bielany.pb"

SMALL = """META
key;value
num_projects;3
num_votes;3
budget;100
vote_type;approval
PROJECTS
project_id;cost;votes
a;60;2
b;30;3
c;25;1
VOTES
voter_id;vote
v1;a,b
v2;a,b,a
v3;b,c
"""


def _with_repeat(text: str) -> tuple[str, int, str, str]:
    """The real file with one voter's first project listed again at the end of their
    ballot; returns the text, the 1-based line, the voter and the project."""
    lines = text.split("\n")
    votes_at = next(i for i, ln in enumerate(lines) if ln.strip() == "VOTES")
    header = lines[votes_at + 1].split(";")
    col = header.index("vote")
    for i in range(len(lines) - 1, votes_at + 1, -1):
        cells = lines[i].split(";")
        if len(cells) == len(header) and "," in cells[col]:
            first = cells[col].split(",")[0]
            cells[col] = cells[col] + "," + first
            lines[i] = ";".join(cells)
            return "\n".join(lines), i + 1, cells[header.index("voter_id")], first
    raise AssertionError("no voter with two projects")


def test_repeated_approval_is_counted_once_with_a_warning():
    election = parse_pabulib_text(SMALL, source="small.pb")
    assert election.voters[1].vote == ["a", "b"]
    assert [(d.line, d.code) for d in election.defects] == [(15, "repeated_approval")]
    assert "voter 'v2' lists project(s) 'a' more than once" in str(election.defects[0])
    assert str(election.defects[0]).startswith("line 15: ")


def test_strict_refuses_the_repeat_and_names_the_line():
    with pytest.raises(PabulibError) as info:
        parse_pabulib_text(SMALL, source="small.pb", strict=True)
    assert info.value.line == 15
    assert "--strict" in str(info.value)


@pytest.mark.parametrize("vote_type, row", [
    ("ordinal", "v2;a,b,a"),
    ("cumulative", "v2;a,a;1,2"),
])
def test_a_repeat_whose_meaning_is_unclear_stays_an_error(vote_type, row):
    text = SMALL.replace("vote_type;approval", f"vote_type;{vote_type}")
    if vote_type == "cumulative":
        text = text.replace("voter_id;vote\n", "voter_id;vote;points\n")
        text = text.replace("v1;a,b\n", "v1;a,b;1,1\n").replace("v3;b,c\n", "v3;b,c;1,1\n")
    text = text.replace("v2;a,b,a", row)
    with pytest.raises(PabulibError) as info:
        parse_pabulib_text(text)
    assert info.value.line == 15
    assert "twice" in str(info.value)


def test_the_files_own_figures_are_checked():
    text = (SMALL.replace("num_votes;3", "num_votes;4").replace("c;25;1", "c;25;7")
            )
    text = text.replace("vote_type;approval\n", "vote_type;approval\nmax_length;2\n")
    defects = [(d.line, d.code) for d in parse_pabulib_text(text).defects]
    assert (4, "num_votes_mismatch") in defects
    assert (12, "votes_column_mismatch") in defects
    # v2 lists three projects (one twice): after counting once it has two, within 2
    assert not any(code == "over_max_length" for _line, code in defects)


def test_real_warsaw_file_with_a_repeated_project():
    """The Warsaw 2026 defect, reproduced on the real file: counted once, the file's own
    ``votes`` column still agrees and the official selection is reproduced."""
    original = require_file(BIELANY).read_text(encoding="utf-8-sig")
    text, line, voter, project = _with_repeat(original)
    election = parse_pabulib_text(text, source=BIELANY)
    assert [(d.line, d.code) for d in election.defects] == [(line, "repeated_approval")]
    assert voter in election.defects[0].message and project in election.defects[0].message
    clean = parse_pabulib_text(original)
    assert election == clean  # the repair gives exactly the election without the defect
    outcome = compute(election)
    assert sorted(outcome.selected) == sorted(clean.official_selection())
    with pytest.raises(PabulibError) as info:
        parse_pabulib_text(text, source=BIELANY, strict=True)
    assert info.value.line == line


def test_pb_tally_warns_and_counts_strict_refuses(tmp_path):
    original = require_file(BIELANY).read_text(encoding="utf-8-sig")
    text, line, _voter, _project = _with_repeat(original)
    path = tmp_path / BIELANY
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert tally(str(path), out=out, err=err) == 0
    assert f"warning: {BIELANY}: line {line}: " in err.getvalue()
    assert "selected" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert tally(str(path), out=out, err=err, strict=True) == 2
    assert f"line {line}" in err.getvalue()
    assert out.getvalue() == ""


def test_pb_tally_strict_through_the_command_line(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    cmd = [sys.executable, "-m", "gongzhi.decisions.engine.tally_cli", "tally", str(path)]
    ok = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "warning: small.pb: line 15" in ok.stderr
    refused = subprocess.run(cmd + ["--strict"], capture_output=True, text=True, check=False)
    assert refused.returncode == 2
    assert "line 15" in refused.stderr


@pytest.mark.parametrize("path", pabulib_files() or [Path("(no data)")],
                         ids=lambda p: p.name)
def test_shared_files_defects_are_listed_and_strict_agrees(path):
    if not path.is_file():
        pytest.skip("real Pabulib data not found (../shared/data/pabulib)")
    election = read_pabulib(path)
    for defect in election.defects:
        assert defect.line is not None and defect.line > 0
    if election.defects:
        with pytest.raises(PabulibError):
            read_pabulib(path, strict=True)
    else:
        assert read_pabulib(path, strict=True) == election
