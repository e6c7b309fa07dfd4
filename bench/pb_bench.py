#!/usr/bin/env python3
"""Benchmark Gongzhi's PB engine against pabutools (a script, not a test).

pabutools is GPL, so it is never a dependency of Gongzhi, and this script installs nothing:
give it the Python interpreter of a virtualenv where you installed pabutools yourself
(``--pabutools-python PATH``, e.g. ``python3 -m venv /tmp/pabu && /tmp/pabu/bin/pip install
pabutools``); it runs pabutools there in a subprocess with a time limit. Without it (or
with ``--skip-pabutools``) only our times are printed.

Datasets: the Pabulib files named with ``--file`` (default: the largest shared one,
Wrocław 2017, 62,529 voters) from ``--data DIR`` (default ``<repo>/../shared/data/pabulib``;
a missing file is an error, not a silent skip) and a seeded synthetic approval election
(default 100,000 voters x 150 projects) written to a temporary ``.pb`` file; both sides
parse the same file. For each rule it prints our time, pabutools' time (or "> limit") and
two ratios measured in the same run: the rule alone, and parsing + rule (what a user of
``pb tally`` waits for). It also says whether the outcomes are identical.

Rules compared (same semantics and the same tie-breaking on both sides: lower cost, then
more votes, then file order):

* ``greedy``: greedy by votes, skipping (pabutools ``greedy_utilitarian_welfare``,
  ``Cost_Sat``);
* ``mes``: MES with cost utilities, no completion (``method_of_equal_shares``);
* ``mes+add1(pabutools)``: pabutools' own completion (``voter_budget_increment=1``: start
  at budget/voters, +1 per voter, stop when exhaustive or over budget) against ours in
  the same mode (``start="exact", stop_when_exhaustive=True``).

It also times our official ``equalshares/add1`` (start at floor(budget/voters), no
exhaustive stop) on every dataset, and on a 60,000-voter synthetic election.

Usage::

    .venv/bin/python bench/pb_bench.py --pabutools-python /tmp/pabu/bin/python
        [--data DIR] [--file Poland_Wroclaw_2017.pb ...] [--limit 600] [--voters 100000]
        [--projects 150] [--skip-pabutools] [--json bench/out/result.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongzhi.decisions.engine.greedy import greedy  # noqa: E402
from gongzhi.decisions.engine.mes import equal_shares, equal_shares_add1  # noqa: E402
from gongzhi.decisions.engine.pabulib import read_pabulib, save_pabulib  # noqa: E402
from gongzhi.decisions.engine.profile import PBProfile  # noqa: E402
from gongzhi.decisions.engine.synthetic import synthetic_approval_election  # noqa: E402

SHARED = (ROOT / ".." / "shared" / "data" / "pabulib").resolve()
DEFAULT_FILE = "Poland_Wroclaw_2017.pb"

WORKER = r"""
import json, sys, time
from pabutools.election import parse_pabulib, Cost_Sat
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

path, rule = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
instance, profile = parse_pabulib(path)
parse_seconds = time.perf_counter() - t0
position = {p: i for i, p in enumerate(instance.project_meta)}
votes = {p: profile.approval_score(p) for p in instance}
tie = TieBreakingRule(lambda inst, prof, p: (p.cost, -votes[p], position[p]))
t0 = time.perf_counter()
if rule == "greedy":
    result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                        tie_breaking=tie)
elif rule == "mes":
    result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
elif rule == "mes+add1(pabutools)":
    result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie,
                                    voter_budget_increment=1)
else:
    raise SystemExit(f"unknown rule {rule}")
seconds = time.perf_counter() - t0
print(json.dumps({"selected": sorted(p.name for p in result), "seconds": seconds,
                  "parse_seconds": parse_seconds}))
"""


def check_pabutools(python: Path) -> str:
    """The pabutools version importable by ``python``; SystemExit with advice if none."""
    if not python.exists():
        raise SystemExit(f"--pabutools-python {python}: no such interpreter")
    proc = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('pabutools'))"],
        capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"--pabutools-python {python}: pabutools is not installed there "
                         f"(install it yourself: {python} -m pip install pabutools)")
    return proc.stdout.strip()


def run_pabutools(python: Path, path: Path, rule: str, limit: float) -> dict | None:
    """pabutools' result and time, or None if it did not finish within ``limit`` s."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(WORKER)
        worker = handle.name
    try:
        proc = subprocess.run(
            [str(python), worker, str(path), rule], capture_output=True, text=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        return None
    finally:
        os.unlink(worker)
    if proc.returncode != 0:
        raise RuntimeError(f"pabutools failed on {rule}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ours(profile: PBProfile, rule: str):
    if rule == "greedy":
        return greedy(profile)
    if rule == "mes":
        return equal_shares(profile)
    if rule == "mes+add1(pabutools)":
        return equal_shares_add1(profile, start="exact", stop_when_exhaustive=True)
    if rule == "equalshares/add1":
        return equal_shares_add1(profile)
    raise ValueError(rule)


def time_ours(profile: PBProfile, rule: str, repeat: int = 3) -> tuple[float, list[str]]:
    best = float("inf")
    selected: list[str] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        outcome = ours(profile, rule)
        best = min(best, time.perf_counter() - t0)
        selected = outcome.selected
        if best > 5:
            break
    return best, selected


def fmt(seconds: float | None, limit: float) -> str:
    if seconds is None:
        return f"> {limit:.0f} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def bench_dataset(
    label: str, path: Path, python: Path | None, limit: float, rules: list[str]
) -> list[dict]:
    t0 = time.perf_counter()
    election = read_pabulib(path)
    profile = PBProfile.from_election(election)
    parse = time.perf_counter() - t0
    print(
        f"\n== {label}: {len(election.voters):,} voters, {len(election.projects)} "
        f"projects, {len(profile.type_mult):,} distinct ballots; our parse+profile "
        f"{fmt(parse, limit)}"
    )
    rows = []
    for rule in rules:
        our_time, our_sel = time_ours(profile, rule)
        row = {
            "dataset": label,
            "rule": rule,
            "ours_s": our_time,
            "ours_parse_s": parse,
            "pabutools_s": None,
            "ratio": None,
            "ratio_with_parsing": None,
            "identical": None,
        }
        if python is not None and rule != "equalshares/add1":
            res = run_pabutools(python, path, rule, limit)
            if res is not None:
                row["pabutools_s"] = res["seconds"]
                row["pabutools_parse_s"] = res["parse_seconds"]
                row["ratio"] = res["seconds"] / our_time if our_time > 0 else None
                row["ratio_with_parsing"] = ((res["seconds"] + res["parse_seconds"])
                                             / (our_time + parse))
                row["identical"] = sorted(our_sel) == res["selected"]
        ratio = (
            f"{row['ratio']:.0f}x"
            if row["ratio"]
            else (
                f"> {limit / our_time:.0f}x"
                if python is not None and rule != "equalshares/add1"
                else "-"
            )
        )
        with_parsing = (f"{row['ratio_with_parsing']:.1f}x" if row["ratio_with_parsing"]
                        else "-")
        same = {True: "identical", False: "DIFFERENT", None: "-"}[row["identical"]]
        theirs = fmt(row["pabutools_s"], limit) if python and rule != "equalshares/add1" else "-"
        print(
            f"  {rule:22s} ours {fmt(our_time, limit):>10s}   pabutools {theirs:>10s}"
            f"   ratio {ratio:>8s}   with parsing {with_parsing:>7s}   {same}"
            f"   ({len(our_sel)} projects)",
            flush=True,
        )
        if row["pabutools_s"] is not None:
            print(f"  {'':22s} parsing: ours {fmt(parse, limit)}, pabutools "
                  f"{fmt(row['pabutools_parse_s'], limit)}")
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--limit",
        type=float,
        default=600.0,
        help="time limit per pabutools run, seconds (default 600)",
    )
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--skip-pabutools", action="store_true")
    parser.add_argument("--pabutools-python", type=Path, default=None,
                        help="python of a virtualenv with pabutools installed (by you)")
    parser.add_argument("--data", type=Path, default=SHARED,
                        help=f"folder of Pabulib files (default {SHARED})")
    parser.add_argument("--file", action="append", default=None,
                        help=f"a .pb file in --data to compare on (repeatable; default "
                             f"{DEFAULT_FILE})")
    parser.add_argument("--rules", default="greedy,mes,mes+add1(pabutools),equalshares/add1")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args(argv)
    rules = [r.strip() for r in args.rules.split(",") if r.strip()]
    python = None
    if args.pabutools_python and not args.skip_pabutools:
        python = args.pabutools_python
        print(f"pabutools {check_pabutools(python)} from {python}")
    elif not args.skip_pabutools:
        print("no --pabutools-python given: our times only")
    files = [args.data / name for name in (args.file or [DEFAULT_FILE])]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        parser.error(f"not found: {', '.join(missing)} (see --data and --file)")
    results = []
    for path in files:
        results += bench_dataset(f"{path.stem} (real)", path, python, args.limit, rules)
    with tempfile.TemporaryDirectory() as tmp:
        synth = Path(tmp) / f"synthetic_{args.voters}x{args.projects}.pb"
        save_pabulib(synthetic_approval_election(args.voters, args.projects, args.seed), synth)
        results += bench_dataset(
            f"synthetic {args.voters:,} x {args.projects}", synth, python, args.limit, rules
        )
        e60 = synthetic_approval_election(60_000, args.projects, args.seed + 1)
        profile = PBProfile.from_election(e60)
        t0 = time.perf_counter()
        outcome = equal_shares_add1(profile)
        took = time.perf_counter() - t0
        print(
            f"\n== synthetic 60,000 x {args.projects}: our equalshares/add1 {fmt(took, 0)} "
            f"({outcome.details['steps']} add1 steps, {len(outcome.selected)} projects, "
            f"{len(profile.type_mult):,} distinct ballots)"
        )
        results.append(
            {
                "dataset": f"synthetic 60,000 x {args.projects}",
                "rule": "equalshares/add1",
                "ours_s": took,
            }
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
