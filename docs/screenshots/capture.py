"""Regenerate the user-guide screenshots: `.venv/bin/python docs/screenshots/capture.py`.

Builds a throw-away demo database in a temporary folder (removed afterwards), serves it
on a loopback port (``SHOTS_PORT``, else a free one), signs in as the demo accounts and
photographs the pages the guide talks about, on a 360-px phone and on a laptop
(``SHOTS_ONLY=a.png,b.png`` takes only those). Needs Debian's Chromium (/usr/bin/chromium)
and, for the real basemap, ``../shared/data/osm`` beside the checkout.
"""

from __future__ import annotations

import json
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

# (file name, account phone or None, path, viewport width[, kind]). Kinds: "map" waits for
# the basemap's labels and photographs the first screen (what a phone shows first);
# "mapview" scrolls the map into view first; "screen" photographs the first screen of an
# ordinary page; a CSS selector photographs that element only. Without a kind, phone
# shots are whole pages. ``{name}`` in a path is filled from LOOKUP (a demo object's id).
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
    # the second half of the loop
    ("17-opinion-map-phone.png", "13800000011", "/c/s-community/deliberation/{boiler}/", 360,
     "section[aria-labelledby=map-h]"),
    ("18-consensus-phone.png", "13800000011", "/c/s-community/deliberation/{boiler}/", 360,
     "section[aria-labelledby=consensus-h]"),
    ("19-volunteers-phone.png", "13800000011", "/c/s-community/volunteers/", 360, "screen"),
    ("20-activity-phone.png", "13800000011", "/c/s-community/activities/{activity}/", 360,
     "screen"),
    ("21-points-phone.png", "13800000013", "/c/b-community/points/", 360, "screen"),
    ("22-memory-phone.png", None, "/c/s-community/memory/", 360, "screen"),
    ("23-contest-phone.png", "13800000013", "/c/b-community/contests/{contest}/", 360,
     "screen"),
    ("24-news-receipts-phone.png", "13800000003", "/c/b-community/news/{notice}/receipts/",
     360, "screen"),
    ("25-survey-results-laptop.png", "13800000001", "/c/s-community/surveys/{survey}/results/",
     1280, "screen"),
    ("26-equity-laptop.png", "13800000001", "/c/s-community/analytics/", 1280, "screen"),
    ("27-feed-phone.png", "13800000013", "/c/b-community/feed/", 360, "screen"),
    # what a signed-in resident sees first: the home's "happening now", a proposal
    ("28-home-resident-phone.png", "13800000011", "/c/s-community/", 360),
    ("29-proposal-phone.png", "13800000011",
     "/c/s-community/projects/{garden_project}/proposals/{proposal}/", 360),
    # ... and a community worker: the same page with the hidden and draft items staff see
    ("30-home-worker-phone.png", "13800000001", "/c/s-community/", 360),
    # the worker's project page (tasks, photos, the forms to add them) and report page
    ("31-project-worker-phone.png", "13800000001", "/c/s-community/projects/{garden_project}/",
     360),
    ("32-report-worker-phone.png", "13800000001", "/c/s-community/reports/{report}/", 360),
    ("14-what-if-phone.png", "13800000001", "/c/s-community/access/what-if/?action=add"
     "&category=green&name=%E5%85%B1%E5%BB%BA%E8%8A%B1%E5%9B%AD&capacity=60&datum=wgs84"
     "&lon=121.501923&lat=31.282242", 360),
]


# The ids of the demo objects the shots open, printed as JSON by ``gongzhi shell -c``.
LOOKUP = """
import json
from django.db.models import Count
from gongzhi.activities.models import Activity
from gongzhi.contests.models import Contest
from gongzhi.decisions.models import Ballot
from gongzhi.deliberation.models import Conversation
from gongzhi.news.models import Announcement
from gongzhi.projects.models import Proposal
from gongzhi.reports.models import Report
from gongzhi.surveys.models import Survey
print(json.dumps({
    "garden": Ballot.objects.get(title="大院花园设计方案投票").pk,
    "boiler": Conversation.objects.filter(community__slug="s-community",
                                          state="closed").first().pk,
    "activity": Activity.objects.filter(community__slug="s-community",
                                        title__contains="放学后").first().pk,
    "contest": Contest.objects.filter(community__slug="b-community").first().pk,
    "notice": Announcement.objects.filter(community__slug="b-community").order_by("pk")
              .first().pk,
    "proposal": (proposal := Proposal.objects.filter(project__community__slug="s-community",
                                                     visibility="visible")
                 .order_by("-support_count", "pk").first()).pk,
    "garden_project": proposal.project_id,
    "report": Report.objects.filter(community__slug="s-community", status="submitted",
                                    hidden_at__isnull=True).order_by("pk").first().pk,
    "survey": Survey.objects.filter(community__slug="s-community")
              .annotate(n=Count("responses")).order_by("-n").first().pk,
}))
"""


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
    lookup = json.loads(subprocess.run(
        [GONGZHI, "shell", "-c", LOOKUP], env=env, check=True, capture_output=True,
        text=True).stdout.strip().splitlines()[-1])
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
                response = page.goto(base + path.format(**lookup))
                if response is None or response.status >= 400:
                    print(f"skip {name}: {path} -> {response.status if response else '?'}")
                    ctx.close()
                    continue
                if kind in (["map"], ["mapview"]):
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
                if kind and kind[0] not in ("map", "mapview", "screen"):
                    page.locator(kind[0]).first.screenshot(path=str(HERE / name))
                else:
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
