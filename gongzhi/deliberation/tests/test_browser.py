"""In headless Chromium at 360 px, in Chinese: a verified resident votes statement by
statement with the three buttons (htmx, no reload), adds a statement of their own, and finds
themselves on the opinion map — with no horizontal scrolling and no axe violation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Vote
from gongzhi.testing.browser import assert_accessible, login_with_password
from gongzhi.testing.factories import PASSWORD, UserFactory, make_member

from .conftest import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _crowd(conversation, community, n=24):
    """Two camps and a consensus, so the map has groups before our resident arrives."""
    statements = list(conversation.statements.all())
    for i in range(n):
        user = make_member(UserFactory(), community, "tenant")
        side = 1 if i % 2 else -1
        # each camp's members differ a little (a spread, not a dot): some skip one or two
        skipped = {1 + (i // 2) % 4, 6 if (i // 2) % 3 == 0 else -1}
        for s in statements:
            if s.number in skipped:
                continue
            value = 1 if s.number in (0, 5) else (side if s.number % 2 else -side)
            services.vote_cast(actor=user, statement=s, value=value)
    return services.snapshot_compute(conversation_id=conversation.pk)


def _has_area(points: list[list[float]]) -> bool:
    """Three distinct points not on one line: a group the map outlines."""
    distinct = sorted({(round(x, 6), round(y, 6)) for x, y in points})
    if len(distinct) < 3:
        return False
    (x0, y0), (x1, y1) = distinct[0], distinct[-1]
    return any(abs((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) > 1e-9 for x, y in distinct)


def test_resident_votes_one_statement_at_a_time_on_a_phone(live_server, phone_page, personas,
                                                          conversation):
    _crowd(conversation, personas.community)
    page = phone_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = live_server.url
    login_with_password(page, base, personas.verified.phone, PASSWORD)
    page.wait_for_load_state()
    url = base + reverse("deliberation:detail",
                         args=[personas.community.slug, conversation.pk])
    page.goto(url)
    page.wait_for_selector("#opinion-map svg")          # the map of the others is drawn
    # each group of three or more is outlined by its hull (a translucent filled polygon)
    hulls = page.locator("#opinion-map svg path[fill-opacity='0.12']").count()
    payload = json.loads(page.inner_text("#opinion-map-data"))
    assert hulls == sum(_has_area([p[:2] for p in payload["points"] if p[2] == i])
                        for i in range(len(payload["groups"]))) >= 1, hulls
    assert "各组都同意的观点" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, exclude=["#opinion-map"])
    seen = []
    buttons = [".vote-agree", ".vote-disagree", ".vote-pass", ".vote-agree"] * 2  # 8 seeds
    for i, button in enumerate(buttons):
        text = page.inner_text("#vote-card blockquote")
        assert text in SEEDS and text not in seen       # a new statement each time
        seen.append(text)
        page.click(f"#vote-card {button}")
        page.wait_for_function(
            "n => document.querySelector('#vote-card') && "
            "document.querySelector('#vote-card').innerText.includes('已经对 ' + n + ' 条')",
            arg=i + 1)
    assert Vote.objects.filter(participant__user=personas.verified).count() == 8
    assert "你已经对所有观点表了态" in page.inner_text("#vote-card")
    # own statement: typed text kept when refused, accepted when fine
    page.click("summary:has-text('写下你自己的观点')")
    page.fill("textarea[name=text]", "花")
    page.click("form:has(textarea[name=text]) button[type=submit]")
    page.wait_for_selector(".errorlist, .form-errors, [role=alert]")
    assert page.input_value("textarea[name=text]") == "花"
    assert not errors[:-1], errors  # the refused form comes back with HTTP 400, logged once
    errors.clear()
    page.fill("textarea[name=text]", "希望在花园边上留一条晚上有路灯的小路")
    page.click("form:has(textarea[name=text]) button[type=submit]")
    page.wait_for_load_state()
    assert conversation.statements.filter(text="希望在花园边上留一条晚上有路灯的小路").exists()
    # after the next update the resident is on the map, ringed
    services.snapshot_compute(conversation_id=conversation.pk)
    page.goto(url)
    page.wait_for_selector("#opinion-map svg")
    assert "你在" in page.inner_text("#map-h + p, section[aria-labelledby=map-h]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not errors, errors
