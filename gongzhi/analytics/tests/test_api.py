"""The analytics API: the dashboard's numbers for those who may see the dashboard."""

from __future__ import annotations

import pytest

from .test_views import DASH, town  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
API = {"anonymous": 401, **{k: v for k, v in DASH.items() if k != "anonymous"}}


@pytest.mark.parametrize("who", list(API))
@pytest.mark.parametrize("what", ["equity", "kpis"])
def test_api_permissions(personas, who, what):
    r = personas.client(who).get(f"/api/v1/analytics/communities/{personas.community.slug}/"
                                 f"{what}")
    assert r.status_code == API[who], (who, what, r.status_code)


def test_equity_numbers_match_the_dashboard(personas, town, django_assert_max_num_queries):  # noqa: F811
    c = personas.client("worker")
    with django_assert_max_num_queries(25):
        r = c.get(f"/api/v1/analytics/communities/{town.slug}/equity")
    body = r.json()
    reported = next(a for a in body["by_activity"] if a["code"] == "reported")
    shares = {s["group"]: s for s in reported["shares"]}
    # the ledger: the personas' owner household + 6 owner + 4 public-rental households;
    # 2 owners and 3 tenants reported (the same hand-worked figures as test_views)
    assert reported["people"] == 5
    assert shares["public_rental"]["participants"] == 3
    assert shares["public_rental"]["ratio"] == pytest.approx(0.6 * 11 / 4)
    assert shares["owner"]["ratio"] == pytest.approx(0.4 * 11 / 7)
    assert body["residents_by_tenure"] == {"owner": 7, "public_rental": 4}
    r = c.get(f"/api/v1/analytics/communities/{town.slug}/kpis")
    assert r.status_code == 200 and len(r.json()["months"]) == 12
    assert personas.client("worker").get(
        "/api/v1/analytics/communities/nope/kpis").status_code == 404
