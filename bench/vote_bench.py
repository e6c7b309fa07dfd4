"""Online vote throughput on PostgreSQL through the real HTTP stack (a benchmark, not a test).

    .venv/bin/python bench/vote_bench.py [--voters 400] [--concurrency 16]
        [--server serve|runserver|gunicorn] [--workers 2] [--threads 8] [--conn-max-age 60]
        [--db-name gongzhi_vote_bench]
        [--pg postgres://postgres@127.0.0.1:5432] [--keep-db]

``--server gunicorn`` needs gunicorn in the same virtualenv (``pip install gunicorn``;
nothing is installed for you): a production-like server, ``--workers`` processes with
``--threads`` threads each, persistent database connections (``--conn-max-age``).

What it does, bounded in count and time and on loopback only:

1. creates a dedicated database ``gongzhi_vote_bench`` (dropped first if it exists) and
   migrates it;
2. seeds one community with N verified voters, an API token each
   (``accounts.services.api_token_create``) and an open participatory-budget ballot
   (secret, approval, MES/add1, 8 projects);
3. starts the app on 127.0.0.1 on a free port -- ``gongzhi runserver --noreload`` (a
   threaded WSGI server, a new database connection per request unless
   ``--conn-max-age``) or gunicorn -- and, in this process, the sequencer as the task
   worker would run it (``ballots_seal_pending`` in a loop: votes leave sealed pending
   entries, the sequencer writes them in shuffled batches);
4. measures the throughput of a trivial endpoint (``/healthz``) on the same server as the
   in-run reference, then sends every voter's vote (plus a duplicate for 10% of them, to
   exercise the double-vote path) from a thread pool: votes per second, p50 / p99 latency;
5. checks integrity: one record per voter, as many contents as records once sealed, every
   duplicate refused, no content over budget, and after closing ``verify_ballot`` (the
   live database against the chain and the recount) and the export verify.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpload  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "gongzhi_vote_bench"
PROJECTS = [("p1", 300), ("p2", 250), ("p3", 200), ("p4", 150), ("p5", 120), ("p6", 100),
            ("p7", 80), ("p8", 50)]
BUDGET = 600
MAX_SECONDS = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_db(pg: str) -> str:
    import psycopg

    with psycopg.connect(pg + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return f"{pg}/{DB_NAME}"


def drop_db(pg: str) -> None:
    import psycopg

    with psycopg.connect(pg + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def seed(n_voters: int):
    from gongzhi.accounts.models import Membership, Role, RoleAssignment, User
    from gongzhi.accounts.services import api_token_create
    from gongzhi.decisions import services
    from gongzhi.places.models import Community, Region

    region = Region.objects.create(kind="subdistrict", name="bench")
    community = Community.objects.create(name="Bench", slug="bench", subdistrict=region)
    admin = User.objects.create(phone="13900000000", display_name="admin")
    RoleAssignment.objects.create(user=admin, community=community, role=Role.ADMIN)
    RoleAssignment.objects.create(user=admin, community=community, role=Role.WORKER)
    users = User.objects.bulk_create([User(phone=f"137{i:08d}", display_name=f"v{i}")
                                      for i in range(n_voters)])
    Membership.objects.bulk_create([Membership(user=u, community=community,
                                               status=Membership.Status.VERIFIED)
                                    for u in users])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, community=community,
                                                       role=Role.VERIFIED_RESIDENT)
                                        for u in users])
    tokens = [api_token_create(user=u, name="bench")[1] for u in users]
    ballot = services.ballot_create(
        actor=admin, community=community, title="bench", method="pb", secrecy="secret",
        options=[{"key": k, "label": k, "cost": c} for k, c in PROJECTS], budget=BUDGET,
        pb_rule="equalshares/add1")
    services.ballot_open(actor=admin, ballot=ballot)
    # Statistics, as autovacuum would have gathered them on a live server within a minute
    # (it is off on some test machines): without any, the vote's prepared generic plan may
    # pick an index on the ballot alone and walk every eligible voter of it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, ballot, tokens


def request(port: int, method: str, path: str, body: bytes | None = None,
            token: str | None = None) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - t0
    finally:
        conn.close()


def run_pool(concurrency: int, jobs) -> tuple[list[tuple[int, float]], float]:
    """Each job on a new connection from a thread pool (``--new-connections``)."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    return results, time.perf_counter() - t0


class Load:
    """Sends prepared requests: over keep-alive connections from one thread
    (``httpload``, the default) or each on a new connection from a thread pool."""

    def __init__(self, port: int, concurrency: int, new_connections: bool) -> None:
        self.port, self.concurrency, self.new = port, concurrency, new_connections

    def run(self, reqs: list[tuple[str, str, bytes | None, str | None]]
            ) -> tuple[list[tuple[int, float]], float]:
        if self.new:
            return run_pool(self.concurrency, [
                lambda r=r: request(self.port, *r) for r in reqs])
        raw = []
        for method, path, body, token in reqs:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            raw.append(httpload.build(method, path, body, headers))
        return httpload.run(self.port, raw, self.concurrency)


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server (gunicorn master + workers), of PostgreSQL's
    backends serving the bench database, and of this process (the client threads and the
    sequencer). Linux only; the bench database's backends are found by their title."""
    import resource

    server = [server_pid, *_children(server_pid)]
    pg = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {DB_NAME} " in title:
                pg += _proc_cpu(int(entry.name))
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"server": sum(_proc_cpu(p) for p in server), "postgres": pg,
            "bench client + sequencer": own.ru_utime + own.ru_stime}


def cpu_report(before: dict[str, float], after: dict[str, float], n: int, wall: float
               ) -> str:
    """CPU milliseconds per request by component, and the cores they kept busy."""
    parts = [f"{k} {(after[k] - before[k]) / max(n, 1) * 1000:.2f} ms" for k in before]
    busy = sum(after[k] - before[k] for k in before) / wall
    return "CPU per request: " + ", ".join(parts) + f"  ({busy:.2f} cores busy)"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def content_for(rng: random.Random) -> dict:
    chosen, total = [], 0
    for key, cost in rng.sample(PROJECTS, len(PROJECTS)):
        if rng.random() < 0.5 and total + cost <= BUDGET:
            chosen.append(key)
            total += cost
    return {"approve": chosen or ["p8"]}


def _wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def _vote_jobs(path: str, tokens: list[str], rng: random.Random
               ) -> tuple[list[tuple[str, str, bytes | None, str | None]], list[str]]:
    """One vote per voter; about one in ten also sends a second, different vote."""
    vote_jobs: list[tuple[str, str, bytes | None, str | None]] = []
    kinds = []
    for token in tokens:
        body = json.dumps({"content": content_for(rng)}).encode()
        vote_jobs.append(("POST", path, body, token))
        kinds.append("vote")
        if rng.random() < 0.1:  # a second, different vote from the same voter
            other = json.dumps({"content": {"approve": ["p8"]}}).encode()
            vote_jobs.append(("POST", path, other, token))
            kinds.append("dup")
    return vote_jobs, kinds


def _arguments() -> tuple[argparse.Namespace, Path]:
    """The command line, checked; and the gunicorn of this virtualenv."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--health-requests", type=int, default=1000)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG",
                                                      "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--server", choices=["serve", "runserver", "gunicorn", "granian"],
                        default="serve",
                        help="serve = 'gongzhi serve' (the production server, default)")
    parser.add_argument("--db-name", default=DB_NAME,
                        help=f"the database to create and drop (default {DB_NAME})")
    parser.add_argument("--new-connections", action="store_true",
                        help="a new TCP connection per request from a thread pool (the old "
                             "client) instead of keep-alive connections from one thread")
    parser.add_argument("--workers", type=int, default=None,
                        help="server processes (default: serve's own from the cores; 2)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per process (default: serve's own; 4)")
    parser.add_argument("--conn-max-age", type=int, default=None,
                        help="persistent database connections (seconds; 0 = per request)")
    args = parser.parse_args()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    globals()["DB_NAME"] = args.db_name  # recreate_db / drop_db use it
    if args.server != "serve":  # serve picks its own from the cores when not given
        args.workers = args.workers or 2
        args.threads = args.threads or 4
    if args.conn_max_age is None:  # what each server runs with by default
        args.conn_max_age = 60 if args.server in ("serve", "granian") else 0
    if args.server == "gunicorn" and not gunicorn.exists():
        parser.error(f"--server gunicorn: {gunicorn} not found; install it in this "
                     "virtualenv yourself (pip install gunicorn)")
    if not 1 <= args.voters <= 5000 or not 1 <= args.concurrency <= 64:
        parser.error("voters must be 1-5000 and concurrency 1-64")
    return args, gunicorn


def main() -> int:
    args, gunicorn = _arguments()
    started = time.monotonic()

    url = recreate_db(args.pg)
    # The sequencer runs in this process (below), as a task worker would; the server's
    # task backend only records enqueues (DummyBackend), so requests never seal inline.
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", DB_CONN_MAX_AGE=str(args.conn_max_age),
               DJANGO_SETTINGS_MODULE="gongzhi.settings",
               TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
               # Every simulated voter comes from 127.0.0.1: count API writes per person
               # (as in production) but not per address, or one address would be refused.
               RATE_LIMIT_API_WRITE="120/-/60")
    env.pop("GONGZHI_TESTING", None)
    gongzhi = str(Path(sys.executable).parent / "gongzhi")
    subprocess.run([gongzhi, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="gongzhi.settings")
    import django

    django.setup()
    t_seed = time.monotonic()
    admin, ballot, tokens = seed(args.voters)
    print(f"seeded {len(tokens)} voters with API tokens in {time.monotonic() - t_seed:.1f} s")

    port = free_port()
    log = open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w")  # noqa: SIM115
    if args.server == "serve":
        cmd = [gongzhi, "serve", "--bind", f"127.0.0.1:{port}"]
        cmd += ["--workers", str(args.workers)] if args.workers else []
        cmd += ["--threads", str(args.threads)] if args.threads else []
    elif args.server == "gunicorn":
        cmd = [str(gunicorn), "gongzhi.wsgi", "-b", f"127.0.0.1:{port}", "-w",
               str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
               "--log-level", "warning"]
    elif args.server == "granian":
        cmd = [str(Path(sys.executable).parent / "granian"), "--interface", "wsgi",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
               "--blocking-threads", str(args.threads), "--log-level", "warning",
               "gongzhi.wsgi:application"]
    else:
        cmd = [gongzhi, "runserver", "--noreload", f"127.0.0.1:{port}"]
    print(f"server: {args.server}" + (f" ({args.workers or 'default'} workers x "
                                      f"{args.threads or 'default'} threads)"
                                      if args.server != "runserver" else "")
          + f", CONN_MAX_AGE {args.conn_max_age}")
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    stop = threading.Event()
    batches: list[int] = []

    def sequencer() -> None:
        from django.db import connection

        from gongzhi.decisions.services import ballot_seal

        while not stop.is_set():
            n = ballot_seal(ballot=ballot)
            if n:
                batches.append(n)
            else:
                stop.wait(0.05)
        connection.close()

    seq_thread = threading.Thread(target=sequencer, daemon=True)
    try:
        _wait_until_up(port)

        # warm every worker up first (imports, first connections), then measure
        load = Load(port, args.concurrency, args.new_connections)
        load.run([("GET", "/healthz", None, None)] * 200 * (args.workers or 4))
        cpu0 = cpu_snapshot(server.pid)
        health, h_wall = load.run([("GET", "/healthz", None, None)] * args.health_requests)
        cpu1 = cpu_snapshot(server.pid)
        h_lat = [t for _s, t in health]
        print(f"/healthz: {len(health) / h_wall:8.1f} req/s   p50 {pct(h_lat, 50) * 1000:6.1f} ms"
              f"   p99 {pct(h_lat, 99) * 1000:6.1f} ms   (reference, same server)")
        print("  " + cpu_report(cpu0, cpu1, len(health), h_wall))

        rng = random.Random(1)
        path = f"/api/v1/decisions/ballots/{ballot.pk}/vote"
        # the floor of a vote: the same authenticated POST, parsed and checked, refused
        # before anything is written (an unknown option: 400)
        bad = json.dumps({"content": {"approve": ["nope"]}}).encode()
        cpu0 = cpu_snapshot(server.pid)
        floor, f_wall = load.run([("POST", path, bad, t) for t in tokens[:args.health_requests]])
        cpu1 = cpu_snapshot(server.pid)
        f_lat = [t for _s, t in floor]
        assert all(st == 400 for st, _t in floor), {st for st, _t in floor}
        print(f"refused:  {len(floor) / f_wall:8.1f} req/s   p50 {pct(f_lat, 50) * 1000:6.1f} ms"
              f"   p99 {pct(f_lat, 99) * 1000:6.1f} ms   (same POST with a token, 400 before"
              " any write)")
        print("  " + cpu_report(cpu0, cpu1, len(floor), f_wall))

        seq_thread.start()
        vote_jobs, kinds = _vote_jobs(path, tokens, rng)
        order = list(range(len(vote_jobs)))
        rng.shuffle(order)
        cpu0 = cpu_snapshot(server.pid)
        results, v_wall = load.run([vote_jobs[i] for i in order])
        cpu1 = cpu_snapshot(server.pid)
        statuses: dict[int, int] = {}
        for status, _t in results:
            statuses[status] = statuses.get(status, 0) + 1
        v_lat = [t for _s, t in results]
        created = statuses.get(201, 0)
        print(f"votes:    {created / v_wall:8.1f} votes/s ({len(results) / v_wall:.1f} req/s)"
              f"   p50 {pct(v_lat, 50) * 1000:6.1f} ms   p99 {pct(v_lat, 99) * 1000:6.1f} ms"
              f"   mean {statistics.mean(v_lat) * 1000:.1f} ms")
        print("  " + cpu_report(cpu0, cpu1, len(results), v_wall))
        print(f"statuses: {dict(sorted(statuses.items()))}   concurrency {args.concurrency}")
        print(f"ratio: {created / v_wall / (len(health) / h_wall):.3f} of /healthz's rate, "
              f"{created / v_wall / (len(floor) / f_wall):.3f} of the refused POST's")
        if time.monotonic() - started > MAX_SECONDS:
            print("warning: over the time budget")
    finally:
        stop.set()
        if seq_thread.is_alive():
            seq_thread.join(timeout=30)
        server.terminate()
        server.wait(timeout=20)
        log.close()

    from gongzhi.decisions import selectors, services
    from gongzhi.decisions.models import BallotContent, PendingEntry, VoterRecord
    from gongzhi.decisions.verify import verify_ballot, verify_export

    pending = PendingEntry.objects.filter(ballot=ballot).count()
    print(f"sequencer: {len(batches)} batches during the run (sizes min "
          f"{min(batches, default=0)}, median {int(statistics.median(batches or [0]))}, max "
          f"{max(batches, default=0)}); {pending} entries left for the close")
    services.ballot_seal(ballot=ballot, min_batch=1)
    records = VoterRecord.objects.filter(ballot=ballot).count()
    contents = BallotContent.objects.filter(ballot=ballot).count()
    costs = dict(PROJECTS)
    over = sum(1 for c in BallotContent.objects.filter(ballot=ballot).values_list("content",
                                                                                   flat=True)
               if sum(costs[k] for k in c["approve"]) > BUDGET)
    dups = kinds.count("dup")
    services.ballot_close(actor=admin, ballot=ballot)
    ballot.refresh_from_db()
    report = verify_export(json.loads(json.dumps(selectors.export(ballot))))
    live = verify_ballot(ballot)
    report["ok"] = report["ok"] and live["ok"]
    report["errors"] = report["errors"] + live["errors"]
    ok = (records == contents == len(tokens) == created and over == 0
          and statuses.get(409, 0) == dups and report["ok"])
    print(f"integrity: records {records}, contents {contents}, voters {len(tokens)}, "
          f"201s {created}, 409s {statuses.get(409, 0)} (duplicates sent {dups}), "
          f"over budget {over}, chain+recount {'OK' if report['ok'] else report['errors']}")
    print(f"result: {ballot.result['winners']}   total {time.monotonic() - started:.1f} s")
    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        drop_db(args.pg)
    print("INTEGRITY OK" if ok else "INTEGRITY FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
