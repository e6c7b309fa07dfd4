"""The ten main pages on the seeded city, signed out and signed in (a benchmark, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DBNAME \\
        .venv/bin/python bench/pages_bench.py [--runs 9] [--community c001] [--json OUT]

Run it on a database filled by ``gongzhi seed_city`` (PostgreSQL). Each page is requested
through the whole WSGI stack (Django's test client: middleware, sessions, templates,
gzip) as three personas -- signed out, a verified resident of the community (an owner
with a household), and a community worker -- once to warm up and then ``--runs`` times,
the personas taking turns within each run;
printed per page: the median in ms for each persona, the signed-in / signed-out ratio
(goal <= 1.3x) and every median against the 50 ms goal, with the number of SQL queries.
Nothing is written except the two personas' sessions.

The pages render as in production: Django's test-environment template instrumentation
(which copies every template's context for ``response.context``) is not installed, so
the figures are the server's, not the test client's. ``--profile PAGE`` runs cProfile
over ``--runs`` requests of one page as one persona (``--persona``) and prints the top
functions (``PROFILE_SORT=cumulative`` to sort by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

GOAL_RATIO = 1.3
GOAL_MS = 50.0


def pages(slug: str) -> list[tuple[str, str]]:
    """(name, path) of the ten main pages for one community of the seeded data."""
    from django.db.models import Count

    from gongzhi.decisions.models import Ballot
    from gongzhi.places.models import Community
    from gongzhi.projects.models import Project, Proposal
    from gongzhi.reports.models import Report

    community = Community.objects.get(slug=slug)
    project = (Project.objects.filter(community=community)
               .annotate(n=Count("proposals")).order_by("-n", "pk").first())
    proposal = (Proposal.objects.filter(project=project, visibility="visible")
                .order_by("-support_count", "pk").first())
    report = (Report.objects.filter(community=community, hidden_at__isnull=True,
                                    anonymous=False).order_by("-created_at", "-pk").first())
    assert project and proposal and report and Ballot.objects.filter(
        community=community).exists(), "run 'gongzhi seed_city' first"
    base = f"/c/{slug}"
    return [
        ("community home", f"{base}/"),
        ("map GeoJSON (reports)", f"/api/v1/reports/geojson?community={slug}"),
        ("proposal list", f"{base}/projects/{project.pk}/proposals/"),
        ("proposal detail", f"{base}/projects/{project.pk}/proposals/{proposal.pk}/"),
        ("project page", f"{base}/projects/{project.pk}/"),
        ("reports list", f"{base}/reports/"),
        ("report detail", f"{base}/reports/{report.pk}/"),
        ("ballots list", f"{base}/ballots/"),
        ("meetings list", f"{base}/meetings/"),
        ("proposals API", f"/api/v1/projects/{project.pk}/proposals"),
    ]


def personas(slug: str) -> dict[str, object]:
    from gongzhi.accounts.models import Membership, RoleAssignment, User

    resident = (User.objects.filter(
        memberships__community__slug=slug, memberships__status=Membership.Status.VERIFIED,
        memberships__household__isnull=False, role_assignments__role="owner")
        .order_by("pk").first())
    worker = (User.objects.filter(pk__in=RoleAssignment.objects.filter(
        community__slug=slug, role="worker").values("user_id")).order_by("pk").first())
    assert resident and worker
    return {"signed out": None, "resident": resident, "worker": worker}


SHOW_QUERIES = False


def measure(clients: dict, path: str, runs: int) -> dict[str, tuple[float, int, int]]:
    """Per persona: median ms over ``runs`` (after a warm-up), the query count of a
    request after the warm-up, and the status.

    The personas take turns within each run (signed out, resident, worker, signed out, ...)
    so that a change in the machine's load during the page hits all three alike and the
    ratio stays a ratio of like with like."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries, statuses = {}, {}
    for persona, client in clients.items():
        client.get(path)  # warm-up: what a first visit writes or reads once
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        queries[persona] = len(ctx.captured_queries)
        if SHOW_QUERIES:
            print(f"  -- {persona}")
            for q in ctx.captured_queries:
                print(f"    {q['time']:>6} {q['sql'][:300]}")
    times: dict[str, list[float]] = {persona: [] for persona in clients}
    for _ in range(runs):
        for persona, client in clients.items():
            start = time.perf_counter()
            response = client.get(path)
            times[persona].append((time.perf_counter() - start) * 1000)
            statuses[persona] = response.status_code
    return {p: (statistics.median(times[p]), queries[p], statuses[p]) for p in clients}


def profile(client, page_list: list[tuple[str, str]], args: argparse.Namespace) -> int:
    """cProfile ``args.runs`` requests of the first page whose name holds ``args.profile``."""
    matches = [(title, path) for title, path in page_list if args.profile in title]
    if not matches:
        print(f"no page named like {args.profile!r}")
        return 2
    title, path = matches[0]
    client.get(path)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(args.runs):
        client.get(path)
    profiler.disable()
    ms = (time.perf_counter() - start) * 1000 / args.runs
    print(f"{title} as {args.persona}: {ms:.1f} ms a request under the profiler "
          f"({args.runs} requests)")
    out = io.StringIO()
    order = os.environ.get("PROFILE_SORT", "tottime")
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
    print(out.getvalue())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--community", default="c001")
    parser.add_argument("--only", default="", help="substring of a page name")
    parser.add_argument("--json", default="")
    parser.add_argument("--show-queries", action="store_true",
                        help="print the SQL of each persona's first request")
    parser.add_argument("--profile", default="", metavar="PAGE",
                        help="cProfile --runs requests of the page named (a substring)")
    parser.add_argument("--persona", default="resident",
                        choices=["signed out", "resident", "worker"])
    parser.add_argument("--top", type=int, default=40, help="functions printed by --profile")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        print("pages_bench needs the seeded PostgreSQL database (DATABASE_URL)")
        return 2
    global SHOW_QUERIES
    SHOW_QUERIES = args.show_queries
    # the test client's host name, without setup_test_environment()'s template
    # instrumentation (a context copy per rendered template, which production doesn't do)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients = {}
    for name, user in personas(args.community).items():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_ACCEPT_ENCODING="gzip")
        if user is not None:
            client.force_login(user)
        clients[name] = client
    if args.profile:
        return profile(clients[args.persona], pages(args.community), args)
    rows = []
    print(f"{'page':26} {'out ms':>7} {'res ms':>7} {'wrk ms':>7} {'ratio':>6}  queries "
          f"(out/res/wrk)  goal")
    for title, path in pages(args.community):
        if args.only and args.only not in title:
            continue
        result: dict = {"page": title, "path": path}
        for persona, (ms, queries, status) in measure(clients, path, args.runs).items():
            result[persona] = {"ms": round(ms, 1), "queries": queries, "status": status}
        out = result["signed out"]["ms"]
        ratio = max(result["resident"]["ms"], result["worker"]["ms"]) / out
        result["ratio"] = round(ratio, 2)
        ok = ratio <= GOAL_RATIO and all(result[p]["ms"] <= GOAL_MS for p in clients)
        statuses = {result[p]["status"] for p in clients}
        flag = ("ok" if ok else "SLOW") + ("" if statuses == {200} else f" status {statuses}")
        print(f"{title:26} {out:7.1f} {result['resident']['ms']:7.1f} "
              f"{result['worker']['ms']:7.1f} {ratio:5.2f}x  "
              f"{result['signed out']['queries']:>3}/{result['resident']['queries']:>3}/"
              f"{result['worker']['queries']:>3}        {flag}")
        rows.append(result)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
