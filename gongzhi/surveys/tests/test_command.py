"""The ``gongzhi survey psychometrics`` management command (a wrapper of engine.cli)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command


def test_command_prints_json(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("q1,q2,q3\n1,2,3\n2,3,3\n3,3,4\n4,5,5\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("survey", "psychometrics", str(p), "--items", "q1,q2,q3", "--json",
                 stdout=out, stderr=err)
    assert json.loads(out.getvalue())["alpha"] == pytest.approx(27 / 28)


def test_command_exits_2_on_bad_input(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("q1,q2\n1,2\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("survey", "psychometrics", str(p), "--items", "q1,zz",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 2
