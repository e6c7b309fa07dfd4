"""``gongzhi survey psychometrics``: output, defects by line, exit codes."""

from __future__ import annotations

import io
import json

import pytest

from gongzhi.surveys.engine.cli import psychometrics

from .conftest import items


def run(path, **kw):
    out, err = io.StringIO(), io.StringIO()
    code = psychometrics(str(path), out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue()


CSV = """id,q1,q2,q3,note
1,1,2,3,a
2,2,3,3,b
3,3,3,4,c
4,4,5,5,d
5,x,2,2,e
6,9,1,2,f
7,2,3
"""


def test_json_output_and_defects_by_line(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(CSV, encoding="utf-8")
    code, out, err = run(p, items="q1,q2,q3", low=1, high=5, as_json=True)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"n", "alpha", "alpha_ci", "omega", "items"}
    assert doc["n"] == 4  # lines 6, 7, 8 each have a defect or a missing answer
    assert doc["alpha"] == pytest.approx(27 / 28)
    assert [i["item"] for i in doc["items"]] == ["q1", "q2", "q3"]
    assert "line 6, column q1: not a number ('x')" in err
    assert "line 7, column q1: outside the scale range 1–5 ('9')" in err
    assert "line 8: expected 5 cells" in err


def test_reverse_needs_a_range_and_known_columns(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(CSV, encoding="utf-8")
    assert run(p, items="q1,q2,q3", reverse_items="q2")[0] == 2
    code, _, err = run(p, items="q1,q2", reverse_items="q3", low=1, high=5)
    assert code == 2 and "not in --items" in err
    code, out, _ = run(p, items="q1,q2,q3", reverse_items="q3", low=1, high=5, as_json=True)
    assert code == 0 and json.loads(out)["alpha"] < 27 / 28


def test_unknown_column_and_missing_file(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(CSV, encoding="utf-8")
    code, _, err = run(p, items="q1,zz")
    assert code == 2 and "no such column: zz" in err
    code, _, err = run(tmp_path / "nope.csv", items="q1,q2")
    assert code == 2 and "cannot read" in err


def test_text_table(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(CSV, encoding="utf-8")
    code, out, _ = run(p, items="q1,q2,q3", low=1, high=5)
    assert code == 0 and "Cronbach's alpha = 0.964" in out


def test_real_data_through_the_command_matches_pingouin(conval_path, conval, tmp_path):
    """A subset written to a new file, read back by the command, vs pingouin."""
    pg = pytest.importorskip("pingouin")
    cols = items("chavis")[5:12]
    sub = conval.sample(n=300, random_state=11)[["person", *cols]]
    p = tmp_path / "subset.csv"
    sub.to_csv(p, index=False, na_rep="NA")
    code, out, err = run(p, items=",".join(cols), low=0, high=1, missing="pairwise",
                         as_json=True)
    assert code == 0, err
    doc = json.loads(out)
    ref = sub[cols].dropna(how="all")
    a, ci = pg.cronbach_alpha(ref, nan_policy="pairwise")
    assert doc["n"] == len(ref)
    assert doc["alpha"] == pytest.approx(a, abs=1e-9)
    assert doc["alpha_ci"] == pytest.approx(list(ci), abs=5e-4 + 1e-12)


def test_the_real_file_has_no_defects(conval_path):
    """The real file is clean (5,609 rows, NA for missing): no defect is invented."""
    code, out, err = run(conval_path, items=",".join(items("jason")), low=0, high=1,
                         as_json=True)
    assert code == 0
    assert json.loads(out)["defects"] == 0 and "defect" not in err
