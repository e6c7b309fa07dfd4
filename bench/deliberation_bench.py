"""Opinion-group benchmark (a script, not a test).

    .venv/bin/python bench/deliberation_bench.py [--participants 30000 --statements 1000
        --votes-per-participant 50] [--no-reddwarf] [--real | --real-only [--replay]]

Generates a synthetic conversation with planted opinion groups (1.5 M votes by default), then
times, each in its own subprocess pinned to one BLAS thread (one core):

- ours: ``VoteMatrix.from_votes`` + ``compute`` (latest-vote matrix, sparse PCA by randomized
  subspace iteration, 100 base clusters, group clusters k = 2..5, repness, consensus);
- red-dwarf (``reddwarf.implementations.polis.run_pipeline``), the Python reimplementation of
  Pol.is on PyPI, installed only in ``bench/.venv-reddwarf`` (created on first run); if it
  cannot be installed, a plain dense numpy reference (mean-imputed SVD + k-means) instead.

Prints seconds, peak resident memory of each process, the ratio, and the adjusted Rand index
of each result against the planted groups. ``--real`` also prints both implementations' ARI
against the groups Pol.is exported for the real conversations in ../shared/data/polis.
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

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "bench" / ".venv-reddwarf"
POLIS = (ROOT / ".." / "shared" / "data" / "polis").resolve()
ONE_CORE = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

WORKER = r'''
import json, resource, sys, time
import numpy as np
kind, data = sys.argv[1], sys.argv[2]
z = np.load(data)
pid, tid, vote, times = z["pid"], z["tid"], z["vote"], z["time"]
def rss():
    # VmHWM: this process's peak resident set (ru_maxrss would include the parent's before exec)
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {}
if kind == "ours":
    sys.path.insert(0, sys.argv[3])
    from gongzhi.deliberation.engine import VoteMatrix, compute
    before = rss()
    t0 = time.perf_counter()
    m = VoteMatrix.from_votes(pid, tid, vote, times)
    r = compute(m)
    out["seconds"] = time.perf_counter() - t0
    labels = dict(r.groups_by_participant())
    out["k"] = r.k
elif kind == "reddwarf":
    from reddwarf.implementations.polis import run_pipeline
    latest = {}
    for p, s, v, t in zip(pid.tolist(), tid.tolist(), vote.tolist(), times.tolist()):
        if (p, s) not in latest or t >= latest[(p, s)][1]:
            latest[(p, s)] = (v, t)  # red-dwarf needs one vote per pair: the latest
    votes = [{"participant_id": p, "statement_id": s, "vote": v, "modified": t}
             for (p, s), (v, t) in latest.items()]
    modout = z["modout"].tolist() if "modout" in z else []
    before = rss()
    t0 = time.perf_counter()
    r = run_pipeline(votes=votes, mod_out_statement_ids=modout, random_state=0)
    out["seconds"] = time.perf_counter() - t0
    df = r.participants_df
    labels = {int(i): int(c) for i, c in df["cluster_id"].dropna().items()}
    out["k"] = len(set(labels.values()))
else:  # plain numpy: dense mean-imputed SVD + Lloyd k-means, fixed k = 3
    before = rss()
    t0 = time.perf_counter()
    pu, pi = np.unique(pid, return_inverse=True)
    su, si = np.unique(tid, return_inverse=True)
    x = np.full((len(pu), len(su)), np.nan)
    x[pi, si] = vote
    mean = np.nanmean(x, axis=0)
    x = np.where(np.isnan(x), mean, x) - mean
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    proj = x @ vt[:2].T
    c = proj[:3].copy()
    for _ in range(100):
        lab = np.argmin(((proj[:, None] - c[None]) ** 2).sum(-1), 1)
        c = np.stack([proj[lab == j].mean(0) for j in range(3)])
    out["seconds"] = time.perf_counter() - t0
    labels = {int(p): int(g) for p, g in zip(pu, lab)}
    out["k"] = 3
out["peak_rss_mb"] = rss()
out["rss_before_mb"] = before
out["labels"] = labels
print(json.dumps(out))
'''


def ensure_reddwarf() -> Path | None:
    python = VENV / "bin" / "python"
    if python.exists():
        return python
    print(f"creating {VENV} and installing red-dwarf (first run only)...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "red-dwarf"], check=True,
                       timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"red-dwarf could not be installed ({exc}); using the numpy reference")
        return None
    return python


def run(python: str, kind: str, data: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(WORKER)
        worker = fh.name
    try:
        proc = subprocess.run([python, worker, kind, data, str(ROOT)], capture_output=True,
                              text=True, env={**os.environ, **ONE_CORE}, timeout=1800)
    finally:
        os.unlink(worker)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ari_against(labels: dict, truth: dict) -> float:
    from gongzhi.deliberation.engine import adjusted_rand_index

    keys = sorted(truth)
    return adjusted_rand_index([labels.get(str(k), labels.get(k, -1)) for k in keys],
                               [truth[k] for k in keys])


def real_data(python: Path | None, live_replay: bool = False) -> None:
    from gongzhi.deliberation.engine import read_conversation
    from gongzhi.deliberation.engine.groups_cli import groups_of

    if not POLIS.is_dir():
        print(f"(no real data at {POLIS})")
        return
    print("\nReal conversations, ARI against the group-id Pol.is exported:")
    import numpy as np

    for folder in sorted(p for p in POLIS.iterdir() if p.is_dir()):
        conv = read_conversation(folder)
        ours = groups_of(conv)["polis_comparison"]["adjusted_rand_index"]
        replayed = ""
        if live_replay:
            t0 = time.perf_counter()
            res_r = groups_of(conv, live_replay=True)
            replayed = (f"   replayed {res_r['polis_comparison']['adjusted_rand_index']:.3f} "
                        f"(k {res_r['k']}, {time.perf_counter() - t0:.0f} s)")
        theirs = "-"
        if python is not None:
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "votes.npz"
                np.savez(data, pid=conv.participant, tid=conv.statement, vote=conv.vote,
                         time=conv.time, modout=np.array(sorted(conv.moderated_out), int))
                res = run(str(python), "reddwarf", str(data))
            theirs = f"{ari_against(res['labels'], conv.exported_groups):.3f}"
        print(f"  {folder.name:28s} ours {ours:.3f}   red-dwarf {theirs}{replayed}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30_000)
    parser.add_argument("--statements", type=int, default=1_000)
    parser.add_argument("--votes-per-participant", type=int, default=50)
    parser.add_argument("--no-reddwarf", action="store_true")
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--replay", action="store_true",
                        help="with --real/--real-only: also replay each history poll by poll")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from gongzhi.deliberation.engine.synthetic import synthetic_votes

    if args.real_only:
        real_data(None if args.no_reddwarf else ensure_reddwarf(), args.replay)
        return 0
    pid, tid, vote, truth = synthetic_votes(
        args.participants, args.statements, votes_per_participant=args.votes_per_participant,
        n_groups=3, seed=1)
    times = np.arange(len(pid), dtype=np.float64)
    python = None if args.no_reddwarf else ensure_reddwarf()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "votes.npz"
        np.savez(data, pid=pid, tid=tid, vote=vote, time=times)
        print(f"{args.participants:,} participants x {args.statements:,} statements, "
              f"{len(pid):,} votes, 3 planted groups; one BLAS thread per process")
        ours = run(sys.executable, "ours", str(data))
        ref_name = "red-dwarf" if python else "numpy reference"
        ref = run(str(python) if python else sys.executable,
                  "reddwarf" if python else "numpy", str(data))
    for name, res in (("ours", ours), (ref_name, ref)):
        print(f"  {name:16s} {res['seconds']:8.2f} s   peak RSS {res['peak_rss_mb']:7.0f} MB "
              f"(input loaded: {res['rss_before_mb']:.0f} MB)   k {res['k']}   "
              f"ARI vs planted {ari_against(res['labels'], truth):.3f}")
    print(f"  ratio {ref_name} / ours: {ref['seconds'] / ours['seconds']:.1f}x")
    if args.real:
        real_data(python, args.replay)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
