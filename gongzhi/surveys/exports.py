"""Response exports: CSV (UTF-8 with BOM, so Excel opens Chinese correctly), XLSX and SPSS
``.sav`` with variable and value labels (pyreadstat). One row per response; a
select_multiple question becomes one 0/1 column per choice (``name__choice``). Rows carry
the pseudonymous respondent key, never a name."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Any

from gongzhi.surveys.formdef import FormDef, pick

BASE_COLUMNS = ["response_id", "respondent_key", "channel", "building", "submitted_at"]


@dataclass
class Column:
    name: str
    label: str
    question: str
    choice: str | None = None  # select_multiple 0/1 column
    numeric: bool = False
    value_labels: dict[Any, str] | None = None


def _safe(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return s if s[:1].isalpha() else f"q_{s}"


def columns(form: FormDef, lang: str = "zh") -> list[Column]:
    out: list[Column] = []
    for q in form.questions():
        if q.type == "note":
            continue
        label = pick(q.label, lang) or q.name
        if q.type == "select_multiple":
            for c in form.choices.get(q.list_name, []):
                out.append(Column(_safe(f"{q.name}__{c.name}"),
                                  f"{label}: {pick(c.label, lang)}", q.name, c.name, True,
                                  {0: "否" if lang == "zh" else "no",
                                   1: "是" if lang == "zh" else "yes"}))
        elif q.type == "select_one":
            items = form.choices.get(q.list_name, [])
            numeric = bool(items) and all(_is_num(c.name) for c in items)
            labels = {(float(c.name) if numeric else c.name): pick(c.label, lang)
                      for c in items}
            out.append(Column(_safe(q.name), label, q.name, None, numeric, labels))
        else:
            out.append(Column(_safe(q.name), label, q.name, None,
                              q.type in ("integer", "decimal")))
    return out


def _is_num(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def rows(form: FormDef, responses: list[dict[str, Any]], lang: str = "zh"
         ) -> tuple[list[str], list[list[Any]], list[Column]]:
    """(header, rows, columns); each response dict has the base columns and ``answers``."""
    cols = columns(form, lang)
    header = BASE_COLUMNS + [c.name for c in cols]
    out = []
    for r in responses:
        a = r["answers"]
        row: list[Any] = [r[k] for k in BASE_COLUMNS]
        for c in cols:
            v = a.get(c.question)
            if c.choice is not None:
                row.append(None if v is None else int(c.choice in v))
            elif c.numeric and v not in (None, ""):
                row.append(float(v))
            else:
                row.append("" if v is None else v)
        out.append(row)
    return header, out, cols


def to_csv(header: list[str], data: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for row in data:
        w.writerow(["" if v is None else _num_text(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _num_text(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _cell(v: Any) -> Any:
    # A cell starting with = + - @ is a formula in Excel: user text must never become one.
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def to_xlsx(header: list[str], data: list[list[Any]], cols: list[Column]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(header)
    for row in data:
        ws.append([_cell(v) for v in row])
    lab = wb.create_sheet("labels")
    lab.append(["column", "label", "value", "value label"])
    for c in cols:
        lab.append([c.name, _cell(c.label), "", ""])
        for v, text in (c.value_labels or {}).items():
            lab.append(["", "", _num_text(v), _cell(text)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_sav(header: list[str], data: list[list[Any]], cols: list[Column]) -> bytes:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(data, columns=header)
    frame["submitted_at"] = frame["submitted_at"].astype(str)
    frame["building"] = frame["building"].astype(str)
    for c in cols:
        if c.numeric:
            frame[c.name] = pd.to_numeric(frame[c.name], errors="coerce")
        else:
            frame[c.name] = frame[c.name].astype(str)
    labels: dict[str, str | None] = {
        "response_id": "response", "respondent_key": "pseudonymous respondent key",
        "channel": "channel", "building": "building", "submitted_at": "submitted"}
    labels.update({c.name: c.label[:250] for c in cols})
    value_labels = {c.name: c.value_labels for c in cols if c.value_labels and c.numeric}
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.close(fd)
    try:
        pyreadstat.write_sav(frame, path, column_labels=labels,
                             variable_value_labels=value_labels)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)
