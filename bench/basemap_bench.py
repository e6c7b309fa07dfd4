"""Offline basemap benchmark (a script, not a test).

    .venv/bin/python bench/basemap_bench.py          # BENCH_REPEAT=7 by default

Builds a throw-away demo (SQLite in a temporary folder, ``gongzhi demo --small``), serves
it on 127.0.0.1:8121 and measures:

1. building the S community's basemap from the shipped Siping extract, against reading
   the same file once with the OSM import reader (reference: the same libosmium pass);
2. the basemap payload: bytes as stored and as sent gzip-compressed;
3. the basemap endpoint (gzip), against ``/favicon.ico`` (reference: the smallest
   round trip through the same server);
4. the community map page in headless Chromium (cold cache each time, 360 px): time
   until the basemap and every layer are drawn, and bytes transferred, against the
   spaces list page without a map (reference page of the same app and server).

Prints medians and ratios; numbers are for this machine and run only.
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GONGZHI = str(ROOT / ".venv" / "bin" / "gongzhi")
PORT = int(os.environ.get("BENCH_PORT", "8121"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
BASE = f"http://127.0.0.1:{PORT}"
EXTRACT = ROOT / "gongzhi" / "maps" / "data" / "siping.osm.pbf"


def median_ms(fn, n: int = REPEAT) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def fetch(path: str, gz: bool = True) -> bytes:
    req = urllib.request.Request(BASE + path, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def builder_figures() -> None:
    sys.path.insert(0, str(ROOT))
    from gongzhi.core.geo.basemap import build_basemap
    from gongzhi.core.geo.measure import nearby_bbox
    from gongzhi.core.geo.osm_import import read_osm

    area = nearby_bbox(121.5035, 31.2835, 260 + 400)  # demo S boundary + 400 m margin
    build = median_ms(lambda: build_basemap(EXTRACT, area))
    ref = median_ms(lambda: read_osm(EXTRACT))
    result = build_basemap(EXTRACT, area)
    import json

    raw = json.dumps(result.feature_collection(), ensure_ascii=False,
                     separators=(",", ":")).encode()
    print(f"build basemap (S + 400 m): {build:.0f} ms; read_osm same file {ref:.0f} ms; "
          f"ratio {build / ref:.2f}")
    print(f"features {len(result.features)} {result.counts}; named streets "
          f"{result.named_roads}")
    print(f"payload: {len(raw):,} bytes raw, {len(gzip.compress(raw, 9)):,} bytes gzip")


def page_figures() -> None:
    from playwright.sync_api import sync_playwright

    def load(browser, path: str, wait_js: str | None) -> tuple[float, int]:
        ctx = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
        page = ctx.new_page()
        sizes: list[int] = []
        page.on("response", lambda r: sizes.append(int(r.headers.get("content-length") or 0)))
        t0 = time.perf_counter()
        page.goto(BASE + path)
        if wait_js:
            page.wait_for_function(wait_js, timeout=30_000)
        else:
            page.wait_for_load_state("load")
        elapsed = (time.perf_counter() - t0) * 1000
        ctx.close()
        return elapsed, sum(sizes)

    drawn = ("document.querySelector('.gz-label') && document.getElementById('map-status')"
             ".textContent.length > 0")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])
        load(browser, "/c/s-community/map/", drawn)  # warm the server
        maps = [load(browser, "/c/s-community/map/", drawn) for _ in range(REPEAT)]
        lists = [load(browser, "/c/s-community/spaces/", None) for _ in range(REPEAT)]
        browser.close()
    m = statistics.median(t for t, _ in maps)
    li = statistics.median(t for t, _ in lists)
    print(f"map page until basemap and layers drawn (cold cache, 360 px): {m:.0f} ms, "
          f"{maps[0][1]:,} bytes transferred; spaces list page {li:.0f} ms, "
          f"{lists[0][1]:,} bytes; ratio {m / li:.2f}")


def main() -> int:
    builder_figures()
    tmp = tempfile.mkdtemp(prefix="gongzhi-basemap-bench-")
    env = {**os.environ, "GONGZHI_VAR_DIR": tmp, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    env.pop("DATABASE_URL", None)
    subprocess.run([GONGZHI, "migrate", "-v0"], env=env, check=True)
    subprocess.run([GONGZHI, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([GONGZHI, "demo", "--small"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen([GONGZHI, "runserver", f"127.0.0.1:{PORT}", "--noreload",
                               "--insecure"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                fetch("/favicon.ico")
                break
            except OSError:
                time.sleep(0.2)
        path = "/api/v1/maps/basemap?community=s-community"
        body = fetch(path)
        plain = fetch(path, gz=False)
        endpoint = median_ms(lambda: fetch(path), REPEAT * 3)
        ref = median_ms(lambda: fetch("/favicon.ico"), REPEAT * 3)
        print(f"basemap endpoint: {len(plain):,} bytes, {len(body):,} sent gzip; "
              f"{endpoint:.1f} ms vs /favicon.ico {ref:.1f} ms; ratio {endpoint / ref:.2f}")
        page_figures()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
