"""Load scenarios against ``gongzhi serve`` on the seeded city (run with locust).

    bench/.venv-locust/bin/locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s \\
        --host http://127.0.0.1:8180 --csv bench/out/load-50

Needs ``bench/out/locust.json`` from ``bench/locust_setup.py`` (sessions and tokens of
verified residents and workers). Locust lives in its own virtualenv (bench/README.md),
never in Gongzhi's dependencies. Scenarios, weighted like a community's day:

* residents browsing (the community home, the map layer, proposals, a proposal, the
  project, reports, a report, ballots, meetings, the proposals API);
* a resident reporting a problem with a photo (the form, then the POST with a JPEG);
* a resident supporting a proposal;
* a resident voting on the community's open ballot (the API, with a bearer token: once);
* a worker answering the queue (the queue page, a report, accepting a new one).

Requests are named by route (``/c/[slug]/reports/[id]/``), so the statistics are per
endpoint.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ.get(
    "GONGZHI_LOCUST_DATA", Path(__file__).parent / "out" / "locust.json")).read_text())
COOKIE = DATA["cookie"]
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def tiny_jpeg() -> bytes:
    """A real 64x48 JPEG (made once), as a phone would send a (much larger) one."""
    from PIL import Image  # locust's venv: pip install pillow

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(buf, "JPEG", quality=80)
    return buf.getvalue()


try:
    PHOTO = tiny_jpeg()
except ImportError:  # pragma: no cover - without pillow: a minimal valid JPEG
    PHOTO = bytes.fromhex(
        "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c14"
        "0d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d"
        "38323c2e333432ffc0000b080001000101011100ffc4001f000001050101010101010000000000000000"
        "0102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131"
        "410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435"
        "363738393a434445464748494a535455565758595a636465666768696a737475767778797a8384858687"
        "88898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4"
        "d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")


class Persona(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    pool: list[dict] = []

    def on_start(self) -> None:
        self.me = random.choice(self.pool)
        self.slug = self.me["slug"]
        self.c = DATA["communities"][self.slug]
        self.client.cookies.set(COOKIE, self.me["session"])
        self.client.headers["Accept-Language"] = "zh-hans"

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            return r

    def post_form(self, form_path: str, path: str, name: str, data: dict, files=None,
                  ok=(200, 302)):
        page = self.client.get(form_path, name=name + " (form)")
        token = CSRF.search(page.content or b"")
        if token is None:
            return None
        data = {"csrfmiddlewaretoken": token.group(1).decode(), **data}
        with self.client.post(path, data=data, files=files, name=name, catch_response=True,
                              headers={"Referer": self.host + form_path},
                              allow_redirects=False) as r:
            if r.status_code not in ok:
                r.failure(f"status {r.status_code}")
            return r


class Resident(Persona):
    weight = 10
    pool = DATA["residents"]

    def _proposal(self):
        return random.choice(self.c["proposals"]) if self.c["proposals"] else None

    @task(8)
    def browse(self) -> None:
        s = self.slug
        self.get(f"/c/{s}/", "/c/[slug]/")
        self.get(f"/api/v1/reports/geojson?community={s}", "/api/v1/reports/geojson")
        found = self._proposal()
        if found:
            project, proposal = found
            self.get(f"/c/{s}/projects/{project}/", "/c/[slug]/projects/[id]/")
            self.get(f"/c/{s}/projects/{project}/proposals/",
                     "/c/[slug]/projects/[id]/proposals/")
            self.get(f"/c/{s}/projects/{project}/proposals/{proposal}/",
                     "/c/[slug]/projects/[id]/proposals/[id]/")
            self.get(f"/api/v1/projects/{project}/proposals?page={random.randint(1, 5)}",
                     "/api/v1/projects/[id]/proposals")
        self.get(f"/c/{s}/reports/", "/c/[slug]/reports/")
        if self.c["reports"]:
            self.get(f"/c/{s}/reports/{random.choice(self.c['reports'])}/",
                     "/c/[slug]/reports/[id]/")
        self.get(f"/c/{s}/ballots/", "/c/[slug]/ballots/")
        self.get(f"/c/{s}/meetings/", "/c/[slug]/meetings/")

    @task(1)
    def report_with_photo(self) -> None:
        s = self.slug
        clat, clon = self.c["center"]
        lat, lon = clat + random.uniform(-0.003, 0.003), clon + random.uniform(-0.003, 0.003)
        self.post_form(f"/c/{s}/reports/new/", f"/c/{s}/reports/new/", "/c/[slug]/reports/new/",
                       {"category": "lamp", "description": "楼下路灯不亮，晚上看不清路。（压测）",
                        "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "location_text": "3号楼旁"},
                       files={"photos": ("lamp.jpg", PHOTO, "image/jpeg")}, ok=(302,))

    @task(2)
    def support(self) -> None:
        found = self._proposal()
        if not found:
            return
        project, proposal = found
        base = f"/c/{self.slug}/projects/{project}/proposals/{proposal}/"
        self.post_form(base, base + "support/", "/c/[slug]/projects/[id]/proposals/[id]/support/",
                       {}, ok=(302,))

    @task(1)
    def vote(self) -> None:
        ballot = self.c["ballot"]
        if not ballot or self.me.get("voted"):
            return
        choice = random.sample(self.c["ballot_options"], 1)
        with self.client.post(f"/api/v1/decisions/ballots/{ballot}/vote",
                              data=json.dumps({"content": {"approve": choice}}),
                              headers={"Authorization": f"Bearer {self.me['token']}",
                                       "Content-Type": "application/json"},
                              name="/api/v1/decisions/ballots/[id]/vote",
                              catch_response=True) as r:
            if r.status_code in (200, 201, 409):  # 409: voted already (another locust user)
                self.me["voted"] = True
                r.success()
            else:
                r.failure(f"status {r.status_code}")


class Worker(Persona):
    weight = 1
    pool = DATA["workers"]

    @task
    def answer_queue(self) -> None:
        s = self.slug
        page = self.get(f"/c/{s}/reports/queue/", "/c/[slug]/reports/queue/")
        ids = re.findall(rb"/c/%s/reports/(\d+)/" % s.encode(), page.content or b"")
        if not ids:
            return
        pk = int(random.choice(ids))
        detail = f"/c/{s}/reports/{pk}/"
        form = self.client.get(detail, name="/c/[slug]/reports/[id]/ (worker)")
        if b'value="accept"' not in (form.content or b""):
            return
        org = re.search(rb'name="organisation"[^>]*>.*?<option value="(\d+)"', form.content,
                        re.S)
        token = CSRF.search(form.content)
        if token is None:
            return
        with self.client.post(detail + "act/", data={
                "csrfmiddlewaretoken": token.group(1).decode(), "action": "accept",
                "organisation": org.group(1).decode() if org else "", "note": "已派单（压测）"},
                headers={"Referer": self.host + detail}, allow_redirects=False,
                name="/c/[slug]/reports/[id]/act/", catch_response=True) as r:
            if r.status_code not in (302, 400):  # 400: taken by another worker meanwhile
                r.failure(f"status {r.status_code}")
