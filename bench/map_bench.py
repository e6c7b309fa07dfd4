"""Map endpoint benchmark (a script, not a test).

    .venv/bin/python bench/map_bench.py      # DATABASE_URL=... to choose the server

Creates the database if missing (default postgres://postgres@127.0.0.1:5432/gongzhi_bench),
migrates it, seeds one community with 10,000 spaces and 50,000 problem reports (once;
re-runs reuse them), then times through Django's test Client (real URL routing,
permission checks and JSON serialisation):

- the spaces GeoJSON endpoint for a typical viewport bbox and for the whole community;
- the reports GeoJSON endpoint (owned by the reports app) for the whole community;

printing median and p90 per request and, as the reference measured in the same run, the
time of a bare SELECT of the same rows (ratio endpoint / bare query).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
N_SPACES = 10_000
N_REPORTS = 50_000
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
CENTER = (121.5035, 31.2835)
HALF = 0.01  # degrees: a ~2 km square community


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    os.environ.setdefault("GONGZHI_TESTING", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed():
    from gongzhi.places.models import Community, Region
    from gongzhi.spaces.models import Space, SpaceKind, SpaceState

    lon0, lat0 = CENTER
    boundary = {"type": "Polygon", "coordinates": [[
        [lon0 - HALF, lat0 - HALF], [lon0 + HALF, lat0 - HALF], [lon0 + HALF, lat0 + HALF],
        [lon0 - HALF, lat0 + HALF], [lon0 - HALF, lat0 - HALF]]]}
    region, _ = Region.objects.get_or_create(kind="subdistrict", name="基准街道")
    community, _ = Community.objects.get_or_create(
        slug="bench", defaults={"name": "基准社区", "subdistrict": region, "boundary": boundary,
                                "center_lon": lon0, "center_lat": lat0})
    rng = random.Random(7)
    have = Space.objects.filter(community=community).count()
    if have < N_SPACES:
        kinds = SpaceKind.values
        states = [SpaceState.OPEN] * 6 + [SpaceState.PLANNED, SpaceState.DERELICT]
        rows = []
        for i in range(N_SPACES - have):
            lon = lon0 + rng.uniform(-HALF, HALF) * 0.98
            lat = lat0 + rng.uniform(-HALF, HALF) * 0.98
            if i % 5 == 0:  # a fifth are small polygons (gardens, courts)
                d = 0.0001
                geom = {"type": "Polygon", "coordinates": [[
                    [round(lon - d, 7), round(lat - d, 7)], [round(lon + d, 7), round(lat - d, 7)],
                    [round(lon + d, 7), round(lat + d, 7)], [round(lon - d, 7), round(lat + d, 7)],
                    [round(lon - d, 7), round(lat - d, 7)]]]}
                box = (lon - d, lat - d, lon + d, lat + d)
                area = 400.0
            else:
                geom = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
                box = (lon, lat, lon, lat)
                area = None
            rows.append(Space(community=community, kind=rng.choice(kinds), name=f"空间 {i}",
                              state=rng.choice(states), geometry=geom,
                              geom_type=geom["type"], lon=lon, lat=lat, min_lon=box[0],
                              min_lat=box[1], max_lon=box[2], max_lat=box[3], area_m2=area))
        Space.objects.bulk_create(rows, batch_size=2000)
        print(f"seeded {len(rows)} spaces")
    reports_ready = True
    try:
        from gongzhi.reports.models import Category, Report, Status
    except ImportError as exc:
        print(f"reports model not available ({exc}); reports not seeded")
        reports_ready = False
    if reports_ready:
        have = Report.objects.filter(community=community).count()
        if have < N_REPORTS:
            statuses = [Status.SUBMITTED]  # other states need workflow fields
            rows = [Report(community=community, category=rng.choice(Category.values),
                           description=f"问题 {i}", status=rng.choice(statuses),
                           lat=lat0 + rng.uniform(-HALF, HALF) * 0.98,
                           lon=lon0 + rng.uniform(-HALF, HALF) * 0.98)
                    for i in range(N_REPORTS - have)]
            Report.objects.bulk_create(rows, batch_size=5000)
            print(f"seeded {len(rows)} reports")
    return community, reports_ready


def _reports_sql(community):
    from gongzhi.reports.models import Report
    from gongzhi.reports.selectors import OPEN_STATUSES

    qs = (Report.objects.filter(community=community, status__in=OPEN_STATUSES,
                                hidden_at__isnull=True).order_by("-created_at")
          .values_list("id", "lat", "lon", "category", "status", "created_at", "due_at"))
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def timed(fn, repeat: int = REPEAT) -> tuple[float, float, object]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    return statistics.median(times), p90, result


def main() -> None:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.rstrip("/").endswith("/test"):
        url = url.rsplit("/", 1)[0] + "/gongzhi_bench"  # never seed the test database
    ensure_database(url)
    setup_django(url)
    from django.db import connection
    from django.test import Client

    community, reports_ready = seed()
    client = Client()
    lon0, lat0 = CENTER
    # A phone viewport at zoom 17 is roughly 500 m × 800 m.
    viewport = (lon0 - 0.0026, lat0 - 0.0036, lon0 + 0.0026, lat0 + 0.0036)
    bbox = ",".join(f"{v:.6f}" for v in viewport)
    cases = [
        ("spaces viewport", "/api/v1/spaces/", {"community": "bench", "bbox": bbox,
                                                 "limit": 5000},
         "SELECT id, kind, name, state, geometry, area_m2, length_m, is_public FROM spaces_space"
         " WHERE community_id = %s AND is_public AND max_lon >= %s AND min_lon <= %s"
         " AND max_lat >= %s AND min_lat <= %s ORDER BY id LIMIT 5001",
         [community.pk, viewport[0], viewport[2], viewport[1], viewport[3]]),
        ("spaces whole community", "/api/v1/spaces/", {"community": "bench", "limit": 5000},
         "SELECT id, kind, name, state, geometry, area_m2, length_m, is_public FROM spaces_space"
         " WHERE community_id = %s AND is_public ORDER BY id LIMIT 5001", [community.pk]),
    ]
    if reports_ready:
        cases.append(
            ("reports whole community", "/api/v1/reports/geojson", {"community": "bench"},
             *_reports_sql(community)))
    print(f"PostgreSQL {connection.pg_version if connection.vendor == 'postgresql' else '-'}, "
          f"{N_SPACES} spaces, {N_REPORTS if reports_ready else 0} reports, {REPEAT} runs each")
    print(f"{'case':26} {'features':>8} {'bytes':>9} {'median ms':>10} {'p90 ms':>8} "
          f"{'bare SQL ms':>11} {'ratio':>6}")

    for label, path, params, sql, args in cases:
        def request(path=path, params=params):
            response = client.get(path, params)
            assert response.status_code == 200, response.content[:300]
            return response

        def bare(sql=sql, args=args):
            with connection.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall()

        med, p90, response = timed(request)
        import json

        body = json.loads(response.content)
        count = len(body["features"])
        bmed, _bp90, rows = timed(bare)
        print(f"{label:26} {count:8d} {len(response.content):9d} {med:10.1f} {p90:8.1f} "
              f"{bmed:11.2f} {med / bmed:6.1f}" + ("" if body.get("next") is None
                                                   else "  (first page; next link set)"))
        if len(rows) != count and "reports" not in label:
            print(f"  note: bare query returned {len(rows)} rows")


if __name__ == "__main__":
    main()
