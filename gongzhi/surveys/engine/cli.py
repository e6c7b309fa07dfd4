"""``gongzhi survey psychometrics FILE.csv --items A,B,… [--reverse A,…] [--min 0 --max 4]
[--missing listwise|pairwise] [--json]`` without Django.

The management command ``survey`` is a thin wrapper around :func:`psychometrics`, so its
behaviour (output, messages, exit codes) is tested here directly.

Exit codes: 0 success (defects in the data are reported on stderr by line and skipped),
2 unusable input (unreadable file, unknown column, bad options, a scale that cannot be
analysed).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING

from .items import MISSING_RULES, reverse
from .reliability import reliability
from .table import TableError, read_items

if TYPE_CHECKING:  # Django's OutputWrapper or a file: anything with write(str)
    from _typeshed import SupportsWrite

EXIT_OK = 0
EXIT_INPUT = 2
MAX_DEFECTS_SHOWN = 50


def _split(value: str | None) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


def _num(v: float | None) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def psychometrics(
    path: str,
    *,
    items: str,
    reverse_items: str | None = None,
    low: float | None = None,
    high: float | None = None,
    missing: str = "listwise",
    as_json: bool = False,
    out: SupportsWrite[str] | None = None,
    err: SupportsWrite[str] | None = None,
) -> int:
    """Print the reliability of the scale ``items`` in ``path``; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    cols = _split(items)
    rev = _split(reverse_items)
    problem = _argument_problem(cols, rev, missing, low, high)
    if problem:
        err.write(f"error: {problem}\n")
        return EXIT_INPUT
    try:
        table = read_items(path, cols, low=low, high=high)
    except TableError as exc:
        err.write(f"error: {path}: {exc}\n")
        return EXIT_INPUT
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"error: cannot read {path}: {exc}\n")
        return EXIT_INPUT
    for d in table.defects[:MAX_DEFECTS_SHOWN]:
        err.write(f"defect: {d}\n")
    if len(table.defects) > MAX_DEFECTS_SHOWN:
        err.write(f"defect: … {len(table.defects) - MAX_DEFECTS_SHOWN} more\n")
    x = table.matrix
    if rev and low is not None and high is not None:  # checked above: --reverse needs both
        x = reverse(x, [cols.index(c) for c in rev], low=low, high=high)
    try:
        rel = reliability(x, cols, missing=missing)
    except ValueError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_INPUT
    for w in rel.warnings:
        err.write(f"warning: {w}\n")
    doc = {
        "n": rel.n,
        "alpha": rel.alpha,
        "alpha_ci": list(rel.alpha_ci),
        "omega": rel.omega,
        "items": [
            {"item": s.item, "r_drop": s.r_drop, "alpha_if_deleted": _num(s.alpha_if_deleted)}
            for s in rel.items
        ],
        "k": rel.k,
        "missing": missing,
        "reversed": rev,
        "omega_method": "one factor, minimum residual (iterated principal axes)",
        "defects": len(table.defects),
        "warnings": rel.warnings,
    }
    if as_json:
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return EXIT_OK
    _print_table(out, rel, missing, rev)
    return EXIT_OK


def _argument_problem(cols: list[str], rev: list[str], missing: str, low: float | None,
                      high: float | None) -> str | None:
    """What is wrong with the command line, if anything."""
    if len(cols) < 2:
        return "--items needs at least two columns, separated by commas"
    if missing not in MISSING_RULES:
        return f"--missing must be one of {', '.join(MISSING_RULES)}"
    if rev and (low is None or high is None):
        return "--reverse needs the scale range: --min and --max"
    if low is not None and high is not None and high <= low:
        return "--max must be greater than --min"
    stray = [c for c in rev if c not in cols]
    if stray:
        return "--reverse names columns not in --items: " + ", ".join(stray)
    return None


def _print_table(out: SupportsWrite[str], rel, missing: str, rev: list[str]) -> None:
    lo, hi = rel.alpha_ci
    out.write(f"n = {rel.n}   items = {rel.k}   missing: {missing}\n")
    out.write(f"Cronbach's alpha = {rel.alpha:.3f}   95% CI (Feldt) [{lo:.3f}, {hi:.3f}]\n")
    out.write(f"McDonald's omega (one factor, minres) = {rel.omega:.3f}\n")
    out.write(f"{'item':<20} {'r_drop':>8} {'alpha if deleted':>17} {'loading':>8}\n")
    for s in rel.items:
        aid = "" if s.alpha_if_deleted is None else f"{s.alpha_if_deleted:.3f}"
        mark = " (reversed)" if s.item in rev else ""
        out.write(f"{s.item:<20} {s.r_drop:>8.3f} {aid:>17} {s.loading:>8.3f}{mark}\n")


def add_psychometrics_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV with one row per respondent")
    p.add_argument("--items", required=True, help="item columns, comma-separated")
    p.add_argument("--reverse", default=None, help="reverse-scored item columns")
    p.add_argument("--min", dest="low", type=float, default=None, help="scale minimum")
    p.add_argument("--max", dest="high", type=float, default=None, help="scale maximum")
    p.add_argument("--missing", default="listwise", choices=list(MISSING_RULES))
    p.add_argument("--json", dest="as_json", action="store_true", help="print JSON")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="psychometrics")
    add_psychometrics_arguments(parser)
    a = parser.parse_args(argv)
    return psychometrics(
        a.file, items=a.items, reverse_items=a.reverse, low=a.low, high=a.high,
        missing=a.missing, as_json=a.as_json,
    )


if __name__ == "__main__":
    raise SystemExit(main())
