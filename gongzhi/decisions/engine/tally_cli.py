"""``gongzhi pb tally FILE.pb [--rule RULE] [--json]`` without Django.

The management command ``pb`` is a thin wrapper around :func:`tally`, so the behaviour
(output format, messages, exit codes) is tested here directly.

Defects the parser can repair (see :mod:`.pabulib`) are printed to stderr as
``warning: FILE: line N: ...`` and the count goes on; ``--strict`` refuses such files.

Exit codes: 0 success, 2 malformed file (or a defect under ``--strict``) / unknown rule /
unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .outcome import json_number
from .pabulib import Number, PabulibError, format_number, read_pabulib
from .profile import PBProfile
from .rules import UnknownRuleError, compute
from .tiebreak import TieBreak

if TYPE_CHECKING:  # Django's OutputWrapper or a file: anything with write(str)
    from _typeshed import SupportsWrite

EXIT_OK = 0
EXIT_INPUT = 2


def tally(
    path: str,
    rule: str | None = None,
    as_json: bool = False,
    tie_break: str | None = None,
    out: SupportsWrite[str] | None = None,
    err: SupportsWrite[str] | None = None,
    strict: bool = False,
) -> int:
    """Print the outcome of ``path``; returns the process exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        election = read_pabulib(path, strict=strict)
    except PabulibError as exc:
        err.write(f"error: malformed Pabulib file {exc}\n")
        return EXIT_INPUT
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"error: cannot read {path}: {exc}\n")
        return EXIT_INPUT
    for defect in election.defects:
        err.write(f"warning: {Path(path).name}: {defect}\n")
    try:
        profile = PBProfile.from_election(election)
        outcome = compute(profile, rule, tie_break=TieBreak.parse(tie_break))
    except (UnknownRuleError, ValueError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_INPUT
    if as_json:
        for note in outcome.notes:
            err.write(f"note: {note}\n")
        out.write(json.dumps(outcome.to_json(), ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write(_table(election.meta, profile, outcome))
    return EXIT_OK


def _table(meta, profile: PBProfile, outcome) -> str:
    lines = [
        f"{meta.get('description', '')} "
        f"({meta.get('unit', '')} {meta.get('instance', '')})".strip(),
        f"rule: {outcome.rule}    vote type: {profile.vote_type}    voters: "
        f"{profile.n_voters}    projects: {profile.n_projects}",
    ]
    lines += [f"note: {n}" for n in outcome.notes]
    rows = [("#", "project", "votes", "score", "cost", "cumulative", "name")]
    total: Number = 0
    for i, pid in enumerate(outcome.selected, start=1):
        p = profile.index[pid]
        total += profile.costs[p]
        rows.append(
            (
                str(i),
                pid,
                str(int(profile.votes[p])),
                format_number(profile.score(p)),
                format_number(profile.costs[p]),
                format_number(total),
                profile.names[p][:50],
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(6)]
    for r in rows:
        cells = [
            r[c].rjust(widths[c]) if c in (0, 2, 3, 4, 5) else r[c].ljust(widths[c])
            for c in range(6)
        ]
        lines.append("  ".join(cells + [r[6]]).rstrip())
    share = float(outcome.cost) / float(outcome.budget) if outcome.budget else 0.0
    lines.append(
        f"selected {len(outcome.selected)} of {profile.n_projects} projects, cost "
        f"{json_number(outcome.cost)} of budget {json_number(outcome.budget)} ({share:.1%})"
    )
    return "\n".join(lines) + "\n"


def build_parser(prog: str = "gongzhi pb") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Pabulib tools")
    sub = parser.add_subparsers(dest="action", required=True)
    t = sub.add_parser("tally", help="compute the outcome of a .pb file")
    add_tally_arguments(t)
    return parser


def add_tally_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="Pabulib .pb file")
    parser.add_argument(
        "--rule", default=None, help="rule to use (default: the rule named in META)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        dest="as_json",
        help='print {"rule", "selected", "cost", "budget"} as JSON',
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse files with defects the parser could repair (e.g. a project listed "
        "twice on an approval ballot)",
    )
    parser.add_argument(
        "--tie-break", default=None, help="comma-separated tie-break keys, e.g. min_cost,max_votes"
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return tally(args.file, rule=args.rule, as_json=args.as_json, tie_break=args.tie_break,
                 strict=args.strict)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
