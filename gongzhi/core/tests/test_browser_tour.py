"""The browser tour: every page of every persona (``gongzhi/testing/tour.py``) at 360 px and
1280 px in zh-Hans, failing on axe violations, console errors, failed or 404 subresources,
requests to any other host, horizontal overflow of the page, Python reprs and untranslated
English in the visible text. All problems are collected and reported together.

``TOUR_WIDTHS=360`` or ``TOUR_PERSONAS=verified`` narrow a run while working on a page.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from gongzhi.testing.browser import axe_violations
from gongzhi.testing.tour import tour_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [int(w) for w in os.environ.get("TOUR_WIDTHS", "360,1280").split(",")]
PERSONAS = set(filter(None, os.environ.get("TOUR_PERSONAS", "").split(",")))

# ASCII words that may appear on a zh-Hans page on purpose: brand and format names, units,
# codes shown as codes (receipt codes, map attribution).
ALLOWED_WORDS = {
    "Gongzhi", "English", "Pabulib", "JSON", "Excel", "GeoJSON", "OpenStreetMap", "ODbL",
    "contributors", "Leaflet", "ECharts", "Apache", "WeChat", "Borda", "Schulze", "API",
    "XLSX", "JPEG", "WebP", "Bearer", "Token", "Authorization", "http", "https", "HTTPS",
    "Tianditu", "AMap", "WGS", "Phragm", "MapLibre", "PMTiles", "Swagger", "OpenAPI",
}
REPR = re.compile(r"\{'|\['")
ENGLISH = re.compile(r"(?<![A-Za-z0-9@._/-])[A-Za-z]{4,}(?![A-Za-z0-9@._/-])")


def _picture():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), (60, 140, 80)).save(out, format="PNG")
    return SimpleUploadedFile("design.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def tour_data(personas, settings, tmp_path):
    """A little of everything in the personas' community, so every page has content."""
    from gongzhi.accounts.services import consent_record
    from gongzhi.decisions import services as ballots
    from gongzhi.meetings.tests.conftest import make_meeting
    from gongzhi.projects.tests.factories import (
        PhaseFactory,
        ProjectFactory,
        ProposalFactory,
        ResultFactory,
    )
    from gongzhi.reports import services as reports
    from gongzhi.reports.tests.conftest import LAT, LON

    for name in ("verified", "worker", "owner", "admin"):
        consent_record(user=personas.user(name))
    c = personas.community
    project = ProjectFactory(community=c, title="锅炉房花园")
    today = timezone.localdate()
    PhaseFactory(project=project, order=1, key="open", name="征集",
                 starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=20))
    proposal = ProposalFactory(project=project, author=personas.verified, title="种菜角")
    result = ResultFactory(community=c, project=project, proposal=proposal, title="种菜角")
    report = reports.report_create(actor=personas.verified, community=c, category="lamp",
                                   description="3号楼北侧路灯不亮", lat=LAT, lon=LON,
                                   location_text="3号楼北侧")
    meeting = make_meeting(c, title="花园议事会", days=2)
    settings.MEDIA_ROOT = tmp_path
    options = [{"key": "a", "label": "方案甲", "image": _picture()},
               {"key": "b", "label": "方案乙"}]
    ballot = ballots.ballot_create(actor=personas.admin, community=c, title="花园设计",
                                   method="plurality", options=options)
    ballots.ballot_open(actor=personas.admin, ballot=ballot)
    ballots.vote_cast(user=personas.owner, ballot=ballot, content={"choice": "a"})
    closed = ballots.ballot_create(actor=personas.admin, community=c, title="开放时间",
                                   method="borda", options=options, secrecy="open")
    ballots.ballot_open(actor=personas.admin, ballot=closed)
    ballots.vote_cast(user=personas.owner, ballot=closed, content={"ranking": ["b", "a"]})
    ballots.ballot_close(actor=personas.admin, ballot=closed)
    return {"slug": c.slug, "ballot": ballot.pk, "closed_ballot": closed.pk,
            "meeting": meeting.pk, "report": report.pk, "project": project.pk,
            "result": result.pk}


def _session_cookie(live_server, user) -> list[dict]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    host = urlsplit(live_server.url).hostname
    return [{"name": settings.SESSION_COOKIE_NAME,
             "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
             "domain": host, "path": "/"}]


def _visible_text_problems(text: str) -> list[str]:
    problems = []
    if REPR.search(text):
        i = REPR.search(text).start()
        problems.append(f"Python repr in text: …{text[max(0, i - 30):i + 40]!r}")
    words = {w for w in ENGLISH.findall(text) if w not in ALLOWED_WORDS}
    if words:
        problems.append("English words in zh-Hans text: " + ", ".join(sorted(words)[:12]))
    return problems


def test_every_page_of_every_persona(live_server, browser, personas, tour_data):
    base = live_server.url
    host = urlsplit(base).netloc
    problems: list[str] = []
    visited = 0
    for name, path in tour_urls(tour_data):
        if PERSONAS and name not in PERSONAS:
            continue
        user = personas.user(name)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 800},
                                          locale="zh-CN", extra_http_headers={
                                              "Accept-Language": "zh-Hans,zh;q=0.9"})
            if user is not None:
                context.add_cookies(_session_cookie(live_server, user))
            page = context.new_page()
            page.set_default_timeout(20_000)
            seen: list[str] = []
            where = f"[{name} {width}px {path}]"
            page.on("console", lambda m, seen=seen: seen.append(f"console {m.type}: {m.text}")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e, seen=seen: seen.append(f"script error: {e}"))
            page.on("requestfailed", lambda r, seen=seen: seen.append(
                f"request failed: {r.url} ({r.failure})"))
            page.on("request", lambda r, seen=seen: seen.append(f"other host: {r.url}")
                    if urlsplit(r.url).netloc not in (host, "") and not r.url.startswith(
                        ("data:", "blob:", "about:")) else None)
            page.on("response", lambda r, seen=seen: seen.append(
                f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            response = page.goto(base + path, wait_until="networkidle")
            visited += 1
            if response is None or response.status >= 400:
                problems.append(f"{where} page answered {response.status if response else '?'}")
                context.close()
                continue
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:
                problems.append(f"{where} page body overflows sideways by {overflow}px")
            problems += [f"{where} {p}" for p in _visible_text_problems(
                page.inner_text("body"))]
            for v in axe_violations(page):
                targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:3]
                problems.append(f"{where} axe {v['id']}: {v.get('help')} -> {targets}")
            problems += [f"{where} {s}" for s in seen]
            context.close()
    assert visited, "the tour visited no page"
    assert not problems, f"{len(problems)} problem(s) on {visited} page views:\n" + "\n".join(
        problems)
