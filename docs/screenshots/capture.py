"""Regenerate the user-guide screenshots: `.venv/bin/python docs/screenshots/capture.py`.

Builds a throw-away demo database in a temporary folder (removed afterwards), serves it
on a loopback port (``SHOTS_PORT``, else a free one), signs in as the demo accounts and
photographs the pages the guide talks about, on a 360-px phone and on a laptop
(``SHOTS_ONLY=a.png,b.png`` takes only those). Needs Debian's Chromium (/usr/bin/chromium)
and, for the real basemap, ``../shared/data/osm`` beside the checkout.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GONGZHI = str(ROOT / ".venv" / "bin" / "gongzhi")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# (file name, account phone or None, path, viewport width[, "map"]); "map" shots wait for
# the basemap's labels and photograph the first screen (what a phone shows first).
SHOTS = [
    ("01-community-phone.png", None, "/c/s-community/", 360),
    ("02-login-phone.png", None, "/accounts/login/", 360),
    ("03-verification-queue.png", "13800000001", "/c/s-community/verification/", 1280),
    ("04-ledger-import.png", "13800000001", "/c/s-community/ledger/import/", 1280),
    ("05-map-phone.png", "13800000011", "/c/s-community/map/", 360, "map"),
    ("map-360.png", None, "/c/s-community/map/", 360, "mapview"),
    ("06-map-laptop.png", "13800000001", "/c/b-community/map/", 1280, "map"),
    ("13-report-pin-phone.png", "13800000011", "/c/s-community/reports/new/", 360, "mapview"),
    ("14-project-map-laptop.png", "13800000011", "/c/s-community/projects/1/", 1280, "mapview"),
    ("15-map-phone-scrolled.png", "13800000011", "/c/s-community/map/?building=", 360, "mapview"),
    ("07-reports.png", "13800000011", "/c/s-community/reports/", 360),
    ("08-report-stats.png", "13800000003", "/c/b-community/reports/stats/", 1280),
    ("09-projects.png", "13800000011", "/c/s-community/projects/", 360),
    ("10-meetings.png", "13800000003", "/c/b-community/meetings/", 1280),
    ("11-ballots.png", "13800000013", "/c/b-community/ballots/", 360),
    ("16-ballot-pictures-phone.png", "13800000011", "/c/s-community/ballots/{garden}/", 360),
    ("12-people-roles.png", "13800000002", "/c/s-community/people/", 1280),
    ("13-access-phone.png", "13800000001", "/c/s-community/access/", 360),
    ("14-what-if-phone.png", "13800000001", "/c/s-community/access/what-if/?action=add"
     "&category=green&name=%E5%85%B1%E5%BB%BA%E8%8A%B1%E5%9B%AD&capacity=60&datum=wgs84"
     "&lon=121.501923&lat=31.282242", 360),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="gongzhi-shots-")
    env = {**os.environ, "GONGZHI_VAR_DIR": tmp, "DEBUG": "1", "TASKS_BACKEND":
           "django_tasks.backends.immediate.ImmediateBackend"}
    env.pop("DATABASE_URL", None)
    subprocess.run([GONGZHI, "migrate", "-v0"], env=env, check=True)
    subprocess.run([GONGZHI, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    garden = subprocess.run(
        [GONGZHI, "shell", "-c", "from gongzhi.decisions.models import Ballot; "
         "print(Ballot.objects.get(title='大院花园设计方案投票').pk)"],
        env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    port = int(os.environ.get("SHOTS_PORT", "0")) or free_port()
    server = subprocess.Popen([GONGZHI, "runserver", f"127.0.0.1:{port}", "--noreload"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        for _ in range(300):  # wait until the server answers (slow on a busy machine)
            try:
                urllib.request.urlopen(base + "/favicon.ico", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            only = set(filter(None, os.environ.get("SHOTS_ONLY", "").split(",")))
            for name, phone, path, width, *kind in SHOTS:
                if only and name not in only:
                    continue
                ctx = browser.new_context(viewport={"width": width, "height": 800},
                                          locale="zh-CN")
                page = ctx.new_page()
                if phone:
                    page.goto(base + "/accounts/login/password/")
                    page.fill("#id_login", phone)
                    page.fill("#id_password", "gongzhi-demo")
                    page.click("main button[type=submit]")
                    page.wait_for_load_state("networkidle")
                response = page.goto(base + path.format(garden=garden))
                if response is None or response.status >= 400:
                    print(f"skip {name}: {path} -> {response.status if response else '?'}")
                    ctx.close()
                    continue
                if kind:
                    page.wait_for_selector(".gz-label", timeout=20_000)
                page.wait_for_timeout(800)  # maps and charts draw after load
                if width == 360 and not kind:  # load lazy pictures before a full-page shot
                    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                    page.wait_for_load_state("networkidle")
                    page.evaluate("window.scrollTo(0, 0)")
                    page.wait_for_timeout(300)
                if kind == ["mapview"]:
                    page.evaluate("document.querySelector('.leaflet-container')"
                                  ".scrollIntoView({block: 'center'})")
                    page.wait_for_timeout(300)
                page.screenshot(path=str(HERE / name), full_page=width == 360 and not kind)
                print("wrote", name)
                ctx.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
