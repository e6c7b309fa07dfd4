"""Every page of every persona loads under the Content-Security-Policy without a single
violation, and a space named like a script stays text (issue 8, item 3).

Data-driven: add a page by adding a line to PAGES (persona, path; ``{slug}``, ``{space}``,
``{report}``, ``{project}``, ``{meeting}``, ``{ballot}`` are filled in).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from gongzhi.testing.browser import PHONE_VIEWPORT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS_NAME = '<img src=x id=xss-space onerror="window.__xss=1">小花园'

PUBLIC = ["/", "/c/{slug}/", "/c/{slug}/map/", "/c/{slug}/spaces/", "/c/{slug}/spaces/{space}/",
          "/c/{slug}/reports/", "/c/{slug}/reports/{report}/", "/c/{slug}/projects/",
          "/c/{slug}/projects/{project}/", "/c/{slug}/results/", "/c/{slug}/meetings/",
          "/c/{slug}/meetings/{meeting}/", "/c/{slug}/ballots/", "/c/{slug}/ballots/{ballot}/",
          "/accounts/login/", "/accounts/login/password/", "/accounts/privacy/",
          "/api/v1/docs"]
RESIDENT = ["/accounts/me/", "/accounts/me/tokens/", "/accounts/join/", "/inbox/",
            "/inbox/settings/", "/c/{slug}/reports/new/", "/c/{slug}/reports/mine/",
            "/c/{slug}/projects/{project}/proposals/",
            "/c/{slug}/projects/{project}/proposals/new/",
            "/c/{slug}/meetings/{meeting}/check-in/", "/me/input/"]
WORKER = ["/c/{slug}/reports/queue/", "/c/{slug}/reports/stats/",
          "/c/{slug}/spaces/new/", "/c/{slug}/spaces/{space}/edit/", "/c/{slug}/projects/new/",
          "/c/{slug}/projects/{project}/manage/", "/c/{slug}/meetings/new/",
          "/c/{slug}/meetings/{meeting}/manage/", "/c/{slug}/meetings/{meeting}/notice/",
          "/c/{slug}/ballots/new/", "/c/{slug}/verification/",
          "/c/{slug}/orgs/", "/c/{slug}/moderation/", "/c/{slug}/spaces/duties/overdue/"]
ADMIN = ["/c/{slug}/audit/", "/c/{slug}/ledger/", "/c/{slug}/spaces/import/",
         "/c/{slug}/people/", "/c/{slug}/reports/targets/"]

PAGES = ([("anonymous", p) for p in PUBLIC] + [("owner", p) for p in PUBLIC + RESIDENT]
         + [("resident", p) for p in ("/accounts/me/", "/c/{slug}/")]
         + [("worker", p) for p in WORKER] + [("admin", p) for p in ADMIN])

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                    " at " + (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


@pytest.fixture
def world(personas):
    from gongzhi.accounts.services import consent_record
    from gongzhi.decisions import services as decisions
    from gongzhi.meetings.models import MeetingKind
    from gongzhi.meetings.tests.conftest import make_meeting
    from gongzhi.projects.services.projects import project_create
    from gongzhi.reports.services import report_create
    from gongzhi.spaces.services import space_create

    c = personas.community
    for name in Personas_NAMES:
        user = personas.user(name)
        if user is not None:
            consent_record(user=user)
    space = space_create(actor=personas.worker, community=c, kind="community_garden",
                         name=XSS_NAME, geometry={"type": "Point",
                                                  "coordinates": [c.center_lon, c.center_lat]})
    report = report_create(actor=personas.owner, community=c, category="lamp",
                           description="路灯不亮 <script>window.__xss=2</script>",
                           lat=c.center_lat, lon=c.center_lon)
    project = project_create(actor=personas.worker, community=c, title="花园改造",
                             spaces=[space])
    meeting = make_meeting(c, kind=MeetingKind.HEARING, title="听证会 <i>x</i>")
    ballot = decisions.ballot_create(actor=personas.admin, community=c, method="approval",
                                     title="选方案", options=[{"key": "a", "label": "<b>A</b>"},
                                                              {"key": "b", "label": "B"}])
    decisions.ballot_open(actor=personas.admin, ballot=ballot)
    return {"slug": c.slug, "space": space.pk, "report": report.pk, "project": project.pk,
            "meeting": meeting.pk, "ballot": ballot.pk}


Personas_NAMES = ("outsider", "resident", "verified", "owner", "worker", "admin")


def _context(browser, base, user):
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
    context.add_init_script(LISTEN)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                              "url": base}])
    return context


def test_no_csp_violation_on_any_page_of_any_persona(live_server, browser, personas, world):
    base = live_server.url
    failures: list[str] = []
    contexts: dict[str, object] = {}
    try:
        for persona, template in PAGES:
            if persona not in contexts:
                contexts[persona] = _context(browser, base, personas.user(persona))
            page = contexts[persona].new_page()
            page.set_default_timeout(15_000)
            console: list[str] = []
            page.on("console", lambda m, sink=console: sink.append(m.text)
                    if "Content Security Policy" in m.text or "Refused to" in m.text else None)
            path = template.format(**world)
            response = page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if response is None or response.status >= 400:
                failures.append(f"{persona} {path}: HTTP {response and response.status}")
            header = response.headers.get("content-security-policy", "") if response else ""
            if "script-src 'self'" not in header:
                failures.append(f"{persona} {path}: no strict CSP header ({header!r})")
            violations = page.evaluate("window.__csp || []") + console
            if violations:
                failures.append(f"{persona} {path}: " + "; ".join(sorted(set(violations))))
            if page.evaluate("window.__xss || 0") or page.locator("#xss-space").count():
                failures.append(f"{persona} {path}: user text became HTML")
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not failures, "\n".join(failures)


def test_space_name_in_the_project_tooltip_is_text(live_server, browser, personas, world):
    context = _context(browser, live_server.url, None)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{world['slug']}/projects/{world['project']}/")
    page.wait_for_selector("#project-map .leaflet-interactive, #project-map .leaflet-marker-icon")
    page.locator("#project-map .leaflet-interactive, #project-map .leaflet-marker-icon"
                 ).first.hover(force=True)
    tooltip = page.wait_for_selector(".leaflet-tooltip")
    assert tooltip.text_content().strip() == XSS_NAME
    assert page.locator("#xss-space").count() == 0
    assert not page.evaluate("window.__xss || 0")
    context.close()
