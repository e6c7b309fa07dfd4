"""Where the time of one online vote goes (a profile, not a test), on PostgreSQL.

    .venv/bin/python bench/vote_profile.py [--votes 400] [--db-name gongzhi_vote_profile]
        [--pg postgres://postgres@127.0.0.1:5432] [--cprofile 25]

Creates (and drops) its own database, seeds one open secret PB ballot like
``vote_bench.py``, then sends votes one after the other straight into the WSGI application
(the production middleware, ninja, the service; no HTTP server, no client threads), and
``/healthz`` the same way as the reference. Prints, per vote:

* the Python time of each layer (self time of every middleware; inside the API view:
  authentication, parsing, the service's steps, the response), the time spent waiting on
  PostgreSQL, and the share of the request;
* statements and commits per vote (``connection.execute_wrapper``), and which;
* with ``--cprofile N``, the N functions with the most own time (a second, profiled run).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

_local = threading.local()


def _acc() -> dict[str, float]:
    if not hasattr(_local, "acc"):
        _local.acc = defaultdict(float)
    return _local.acc


def _timed(owner: Any, name: str, label: str) -> None:
    """Wrap ``owner.name`` so that its inclusive time adds up under ``label``."""
    inner = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            _acc()[label] += time.perf_counter() - t0
    wrapper.__wrapped__ = inner  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


class Probe:
    """Put between two middlewares: records when the request passes in and out, so the
    self time of each middleware is the difference between neighbouring probes."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.index = Probe.count
        Probe.count += 1

    count = 0

    def __call__(self, request: Any) -> Any:
        marks = _local.marks
        marks.append(("in", self.index, time.perf_counter()))
        try:
            return self.get_response(request)
        finally:
            marks.append(("out", self.index, time.perf_counter()))


def _probed(middleware: list[str]) -> list[str]:
    out = ["__main__.Probe"]
    for m in middleware:
        out += [m, "__main__.Probe"]
    return out


def _environ(method: str, path: str, body: bytes = b"", token: str | None = None
             ) -> dict[str, Any]:
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
           "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
           "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
           "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
           "wsgi.version": (1, 0)}
    if body:
        env.update(CONTENT_LENGTH=str(len(body)), CONTENT_TYPE="application/json")
    if token:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def _call(app: Any, environ: dict[str, Any]) -> int:
    status: list[str] = []
    chunks = app(environ, lambda s, h, exc_info=None: status.append(s))
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0])


def _instrument() -> None:
    from ninja.operation import Operation

    from gongzhi.accounts import services as account_services
    from gongzhi.api import auth
    from gongzhi.decisions import api, phases, seal, selectors, services

    _timed(Operation, "_run_checks", "ninja: authentication (token lookup)")
    _timed(auth, "check_csrf", "ninja: csrf")
    _timed(account_services, "api_token_user", "  auth: api_token_user")
    _timed(Operation, "_get_values", "ninja: parse + validate body")
    _timed(Operation, "_result_to_response", "ninja: response schema + JSON")
    _timed(api, "_get", "view: ballot fetch + view permission")
    if hasattr(api, "_get_for_vote"):
        _timed(api, "_get_for_vote", "view: ballot (cached while open) + view permission")
    _timed(services, "vote_cast", "service: vote_cast (inclusive)")
    _timed(services, "_content_or_error", "  service: content check (config + tally)")
    _timed(selectors, "ballot_config", "    selectors.ballot_config")
    services.require_phase_for_vote = _wrap(phases.require_phase_for_vote,
                                            "  service: project phase check")
    _timed(selectors, "eligibility_keys_for_user", "  service: eligibility keys")
    _timed(seal, "seal", "  service: seal (HKDF + AES-GCM)")
    _timed(services, "_first_vote_fast", "  service: the vote statement (incl. seal)")
    _timed(api, "_receipt_out", "view: receipt dict")


def _wrap(fn: Callable, label: str) -> Callable:
    holder = type("H", (), {"f": staticmethod(fn)})
    _timed(holder, "f", label)
    return holder.f


def _layers(marks: list[tuple[str, int, float]], names: list[str]) -> dict[str, float]:
    """Self time of middleware i = (in[i+1] - in[i]) + (out[i] - out[i+1]), the probes
    numbered from the outside in (the order the request meets them)."""
    order = [i for kind, i, _t in marks if kind == "in"]
    pos = {probe: n for n, probe in enumerate(order)}
    t_in = {pos[i]: t for kind, i, t in marks if kind == "in"}
    t_out = {pos[i]: t for kind, i, t in marks if kind == "out"}
    out = {}
    for i, name in enumerate(names):
        if i in t_in and i + 1 in t_in:
            out[name] = (t_in[i + 1] - t_in[i]) + (t_out[i] - t_out[i + 1])
        elif i in t_in:  # the middleware answered itself
            out[name] = t_out[i] - t_in[i]
    if len(names) in t_in:
        out["(URL resolve + view)"] = t_out[len(names)] - t_in[len(names)]
    return out


def _report(walls: list[float], health: list[float], dbs: list[float],
            stmt_counts: list[int], sample: list[str], per: dict[str, list[float]]) -> None:
    n = len(walls)
    mean_wall = statistics.mean(walls)
    ref = statistics.mean(health)
    print(f"votes: {n} sequential, straight into the WSGI app (no HTTP server)")
    print(f"/healthz: {ref * 1000:7.3f} ms per request (reference)")
    print(f"vote:     {mean_wall * 1000:7.3f} ms per request  = {mean_wall / ref:.1f} x "
          f"/healthz; median {statistics.median(walls) * 1000:.3f} ms")
    print(f"waiting on PostgreSQL: {statistics.mean(dbs) * 1000:7.3f} ms per vote "
          f"({statistics.mean(dbs) / mean_wall:.0%}); Python: "
          f"{(mean_wall - statistics.mean(dbs)) * 1000:.3f} ms")
    print(f"statements per vote: {statistics.mean(stmt_counts):.1f} "
          f"(commits: autocommit, one per write statement)")
    for s in sample:
        print(f"    {s}")
    print("layers (inclusive ms per vote; middleware rows are self time):")
    for k, v in per.items():
        mean = sum(v) / n
        print(f"  {k:<56} {mean * 1000:7.3f} ms  {mean / mean_wall:5.1%}")


class Backend:
    """The PostgreSQL backend process of a Django connection: its CPU time so far (from
    /proc/PID/schedstat, in ns) and, on request, a Linux ``perf record`` of it."""

    def __init__(self, connection: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]
        self.perf: subprocess.Popen | None = None
        self.perf_file = ""

    def cpu(self) -> float:
        return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[0]) / 1e9

    def perf_start(self, path: str) -> None:
        self.perf_file = path
        self.perf = subprocess.Popen(["perf", "record", "-g", "-p", str(self.pid), "-o", path],
                                     stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def perf_stop(self) -> None:
        if self.perf is not None:
            self.perf.send_signal(2)
            self.perf.wait()
            print(f"perf data of the backend: {self.perf_file} "
                  f"(perf report -i {self.perf_file} --no-children)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--votes", type=int, default=400)
    parser.add_argument("--db-name", default="gongzhi_vote_profile")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG",
                                                      "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--cprofile", type=int, default=0,
                        help="also print the N functions with the most own time")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--perf", metavar="FILE",
                        help="record the PostgreSQL backend during the votes with Linux perf")
    args = parser.parse_args()
    if not 10 <= args.votes <= 3000:
        parser.error("--votes must be 10-3000")
    return args


def _database(args: argparse.Namespace) -> None:
    """A new database, migrated, and this process's environment pointed at it."""
    import vote_bench

    vote_bench.DB_NAME = args.db_name
    url = vote_bench.recreate_db(args.pg)
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", DB_CONN_MAX_AGE="60",
               DJANGO_SETTINGS_MODULE="gongzhi.settings",
               TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
               # as vote_bench: every voter comes from 127.0.0.1, so count per person only
               RATE_LIMIT_API_WRITE="120/-/60")
    env.pop("GONGZHI_TESTING", None)
    subprocess.run([str(Path(sys.executable).parent / "gongzhi"), "migrate", "-v0"], env=env,
                   check=True, cwd=ROOT)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "DB_CONN_MAX_AGE",
                                           "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND",
                                           "RATE_LIMIT_API_WRITE")})


def main() -> int:
    args = _arguments()
    _database(args)
    import django
    import vote_bench

    django.setup()
    from django.conf import settings
    from django.db import connection

    names = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = _probed(names)
    from django.core.handlers.wsgi import WSGIHandler

    admin, ballot, tokens = vote_bench.seed(2 * args.votes + 20)
    _instrument()
    app = WSGIHandler()
    path = f"/api/v1/decisions/ballots/{ballot.pk}/vote"
    rng = random.Random(1)
    statements: list[str] = []
    db_time = [0.0]

    def watch(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - t0
            statements.append(sql.split()[0].upper() + " " + " ".join(sql.split()[1:6]))

    from gongzhi.decisions.services import ballot_seal

    backend = Backend(connection)
    pg_spent = {"vote": 0.0, "seal": 0.0, "healthz": 0.0}
    sealed = [0]

    def seal_now() -> None:
        c0 = backend.cpu()
        sealed[0] += ballot_seal(ballot=ballot)
        pg_spent["seal"] += backend.cpu() - c0

    def one(environ: dict[str, Any]) -> tuple[int, float, dict[str, float], list[str], float]:
        _local.marks = []
        _local.acc = defaultdict(float)
        statements.clear()
        db_time[0] = 0.0
        t0 = time.perf_counter()
        with connection.execute_wrapper(watch):
            status = _call(app, environ)
        wall = time.perf_counter() - t0
        layers = _layers(_local.marks, names)
        layers.update(_local.acc)
        return status, wall, layers, list(statements), db_time[0]

    # warm up: imports, the first connection, caches
    for token in tokens[:10]:
        one(_environ("POST", path, json.dumps({"content": vote_bench.content_for(rng)})
                     .encode(), token))
        one(_environ("GET", "/healthz"))
    seal_now()
    sealed[0] = 0
    pg_spent["seal"] = 0.0
    c0 = backend.cpu()
    health = [one(_environ("GET", "/healthz"))[1] for _ in range(args.votes)]
    pg_spent["healthz"] = backend.cpu() - c0

    if args.perf:
        backend.perf_start(args.perf)
    per: dict[str, list[float]] = defaultdict(list)
    walls, dbs, stmt_counts = [], [], []
    sample: list[str] = []
    for i, token in enumerate(tokens[10:10 + args.votes]):
        body = json.dumps({"content": vote_bench.content_for(rng)}).encode()
        c0 = backend.cpu()
        status, wall, layers, stmts, db = one(_environ("POST", path, body, token))
        pg_spent["vote"] += backend.cpu() - c0
        assert status == 201, status
        walls.append(wall)
        dbs.append(db)
        stmt_counts.append(len(stmts))
        sample = stmts
        for k, v in layers.items():
            per[k].append(v)
        if i % 25 == 24:  # the sequencer keeps the pending table small, as in the bench
            seal_now()
    backend.perf_stop()
    seal_now()

    _report(walls, health, dbs, stmt_counts, sample, per)
    print(f"PostgreSQL backend CPU: vote {pg_spent['vote'] / args.votes * 1000:.3f} ms, "
          f"sealing {pg_spent['seal'] / max(sealed[0], 1) * 1000:.3f} ms per entry "
          f"({sealed[0]} entries), /healthz {pg_spent['healthz'] / args.votes * 1000:.3f} ms")

    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        for token in tokens[10 + args.votes:10 + 2 * args.votes]:
            one(_environ("POST", path, json.dumps({"content": vote_bench.content_for(rng)})
                         .encode(), token))
        profiler.disable()
        out = io.StringIO()
        order = os.environ.get("PROFILE_SORT", "tottime")  # or cumulative
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.cprofile)
        print(out.getvalue())
    from django.db import connections

    from gongzhi.accounts import token_stamps

    print(f"token stamps written at the end: {token_stamps.flush()}")
    connections.close_all()
    if not args.keep_db:
        vote_bench.drop_db(args.pg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
