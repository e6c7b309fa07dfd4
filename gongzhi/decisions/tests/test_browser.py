"""On a 360-px phone: vote on a participatory budget with the live budget meter, rank
options with the up/down buttons (no dragging), see the receipt and the results with the
chart and its table. axe checks every page."""

from __future__ import annotations

import pytest

from gongzhi.decisions import services
from gongzhi.decisions.models import BallotContent
from gongzhi.testing.browser import assert_accessible, login_with_password
from gongzhi.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _vote(page, ballot):
    """Submit the vote form. The receipt comes back on the response to the vote itself
    (no redirect: a secret ballot's code is stored nowhere, not even in the session), and
    that response must not be cached."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("main form.vote-form button[type=submit]")
    page.wait_for_load_state()
    response = posted.value
    assert response.status == 200 and response.url.endswith(f"/ballots/{ballot.pk}/")
    assert response.headers.get("cache-control") == "no-store"
    assert page.locator("h1").inner_text() in ("您的投票回执", "Your receipt")
    if ballot.is_secret:
        assert page.locator(".receipt-code strong").inner_text().strip()


def _login(page, base, user):
    login_with_password(page, base, user.phone, PASSWORD)
    page.wait_for_load_state()
    if "/consent/" in page.url:
        page.check("#id_agree")
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def test_pb_vote_receipt_and_results_on_a_phone(live_server, phone_page, personas,
                                                make_ballot):
    base, page = live_server.url, phone_page
    ballot = make_ballot(method="pb", budget=600, pb_rule="greedy")
    slug = personas.community.slug
    _login(page, base, personas.owner)
    page.goto(f"{base}/c/{slug}/ballots/{ballot.pk}/")
    page.check("#opt-a")
    page.check("#opt-b")
    assert "700" in page.inner_text("#budget-text")  # over the budget: told, not hidden
    assert_accessible(page)
    page.uncheck("#opt-b")
    page.check("#opt-c")
    _vote(page, ballot)
    assert_accessible(page)
    assert BallotContent.objects.get().content == {"approve": ["a", "c"]}
    services.ballot_close(actor=personas.admin, ballot=ballot)
    page.goto(f"{base}/c/{slug}/ballots/{ballot.pk}/results/")
    page.wait_for_selector("#result-chart canvas")
    assert_accessible(page)


def test_ranking_with_buttons(live_server, phone_page, personas, make_ballot):
    base, page = live_server.url, phone_page
    ballot = make_ballot(method="borda")
    _login(page, base, personas.verified)
    page.goto(f"{base}/c/{personas.community.slug}/ballots/{ballot.pk}/")
    page.click(".rank-item[data-key=c] .rank-up")
    page.click(".rank-item[data-key=c] .rank-up")
    assert page.input_value("#rank-c") == "1"
    assert_accessible(page)
    _vote(page, ballot)
    assert BallotContent.objects.get().content == {"ranking": ["c", "a", "b"]}


def test_art278_progress_page_is_accessible(live_server, phone_page, personas):
    ballot = services.ballot_create(actor=personas.admin, community=personas.community,
                                    title="加装电梯", method="art278", options=[],
                                    eligibility="building_owners",
                                    building=personas.household.building, art278_item=7)
    services.ballot_open(actor=personas.admin, ballot=ballot)
    services.vote_cast(user=personas.owner, ballot=ballot, content={"choice": "agree"})
    page = phone_page
    page.goto(f"{live_server.url}/c/{personas.community.slug}/ballots/{ballot.pk}/")
    assert page.locator("progress").count() == 4
    assert_accessible(page)
    page.goto(f"{live_server.url}/c/{personas.community.slug}/ballots/{ballot.pk}/results/")
    page.wait_for_selector("#result-chart canvas")
    assert_accessible(page)
