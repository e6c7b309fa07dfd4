"""The report page's "Next step" forms drawn in Python (reports.drawing): the same forms
the template drew, escaped, in the viewer's language, posting with the page's one CSRF
token."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gongzhi.reports import drawing
from gongzhi.reports.models import Report, Status

pytestmark = pytest.mark.django_db


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_one_token_per_page_and_it_posts(personas, make_report, org):
    report = make_report()
    slug = personas.community.slug
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.worker)
    page = client.get(reverse("reports:detail", args=[slug, report.pk])).content.decode()
    tokens = _tokens(page)
    # the language form, "me too", accept, refuse and moderation: one masked token for all
    assert len(tokens) == 5 and len(set(tokens)) == 1
    assert f'"X-CSRFToken": "{tokens[0]}"' in page
    act = reverse("reports:act", args=[slug, report.pk])
    assert client.post(act, {"action": "accept", "organisation": org.pk,
                             "csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
    response = client.post(act, {"action": "accept", "organisation": org.pk,
                                 "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED and report.organisation_id == org.pk


def test_each_language_gets_its_own_skeleton_and_user_text_stays_out_of_it(
        personas, make_report, org):
    report = make_report()
    worker = personas.client("worker")
    detail = reverse("reports:detail", args=[personas.community.slug, report.pk])
    zh = worker.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # a refused step with typed text that looks like markup: kept, escaped, in its form
    response = worker.post(reverse("reports:act", args=[personas.community.slug, report.pk]),
                           {"action": "refuse", "note": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    response = worker.post(reverse("reports:act", args=[personas.community.slug, report.pk]),
                           {"action": "accept", "organisation": "0",
                            "note": "</textarea><script>x()</script>"},
                           HTTP_ACCEPT_LANGUAGE="en")
    en = response.content.decode()
    assert "下一步" in zh and "Next step" not in zh
    assert "Next step" in en and "下一步" not in en
    accept = en[en.index('aria-labelledby="act-accept-h"'):]
    accept = accept[:accept.index("</form>")]
    assert "&lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;</textarea>" in accept
    assert 'role="alert"' in accept
    for (_lang, _action), (pieces, names) in drawing._SKELETONS.items():
        assert "script" not in "".join(pieces) and set(names) <= {
            "url", "csrf", "errors", "options", "note"}
    # the page drawn again in Chinese afterwards is the same as before
    again = worker.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    strip = re.compile(r'(value="|"X-CSRFToken": ")[^"]{40,}"')
    assert strip.sub("", again) == strip.sub("", zh)


def test_the_forms_match_what_each_step_asks(personas, make_report, org):
    """Drawn for every step of the workflow: an organisation only for accept and assign, a
    note except for start and confirm, a photo only for resolve, danger for refuse and
    reopen."""
    from gongzhi.reports.workflow import TRANSITIONS

    report = make_report()
    forms = drawing.action_forms(list(TRANSITIONS.values()), [org], report)
    with translation.override("zh-hans"):
        for f in forms:
            html = drawing._drawn(f, "/act/", "tok")
            assert html.startswith('<form method="post" action="/act/"')
            assert ('name="organisation"' in html) == (f.action in {"accept", "assign"})
            assert ('name="note"' in html) == (f.action not in {"start", "confirm"})
            assert ('name="photos"' in html) == (f.action == "resolve")
            assert ('class="btn-danger"' in html) == (f.action in {"refuse", "reopen"})
            assert html.count('value="tok"') == 1 and html.endswith("</form>")
