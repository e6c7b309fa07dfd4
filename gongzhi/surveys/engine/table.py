"""Reading a CSV of responses (one row per respondent) into an item matrix.

Missing: an empty cell, ``NA``, ``NaN``, ``N/A``, ``.`` or ``-``. A cell that is not a
number, a value outside the declared scale range, or a row with the wrong number of cells is
a *defect*: it is reported with its line number (the header is line 1) and treated as
missing, and reading goes on.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

import numpy as np

MISSING_TOKENS = frozenset({"", "na", "nan", "n/a", ".", "-"})


@dataclass
class Defect:
    line: int
    column: str | None
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason} ({self.value!r})"


@dataclass
class ItemTable:
    columns: list[str]
    matrix: np.ndarray
    lines: list[int]
    defects: list[Defect] = field(default_factory=list)


class TableError(ValueError):
    pass


def _value(raw: str, line: int, name: str, low: float | None, high: float | None,
           defects: list[Defect]) -> float:
    """A cell as a number on the scale, else ``nan`` (missing; a defect unless blank/NA)."""
    if raw.lower() in MISSING_TOKENS:
        return np.nan
    try:
        v = float(raw)
    except ValueError:
        defects.append(Defect(line, name, raw, "not a number"))
        return np.nan
    if not np.isfinite(v):
        defects.append(Defect(line, name, raw, "not a finite number"))
        return np.nan
    if (low is not None and v < low) or (high is not None and v > high):
        defects.append(Defect(line, name, raw, f"outside the scale range {low}–{high}"))
        return np.nan
    return v


def read_items(
    path: str,
    items: list[str],
    *,
    low: float | None = None,
    high: float | None = None,
) -> ItemTable:
    """The columns ``items`` of the CSV at ``path`` as a float matrix (``nan`` = missing)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(65536)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        try:
            header = next(reader)
        except StopIteration:
            raise TableError("the file is empty") from None
        header = [h.strip() for h in header]
        unknown = [c for c in items if c not in header]
        if unknown:
            raise TableError("no such column: " + ", ".join(unknown))
        dupes = sorted({c for c in items if items.count(c) > 1})
        if dupes:
            raise TableError("column named twice in --items: " + ", ".join(dupes))
        idx = [header.index(c) for c in items]
        rows: list[list[float]] = []
        lines: list[int] = []
        defects: list[Defect] = []
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                defects.append(
                    Defect(line, None, f"{len(row)} cells", f"expected {len(header)} cells")
                )
            vals = [_value(row[j].strip() if j < len(row) else "", line, name, low, high,
                           defects) for name, j in zip(items, idx, strict=True)]
            rows.append(vals)
            lines.append(line)
    matrix = np.array(rows, dtype=float).reshape(len(rows), len(items))
    return ItemTable(items, matrix, lines, defects)
