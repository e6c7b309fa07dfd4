"""Equity selectors on a hand-built community, dashboard permissions and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.analytics import selectors
from gongzhi.places.models import Tenure
from gongzhi.testing.factories import BuildingFactory, HouseholdFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _report(user, community):
    from gongzhi.reports.models import Report

    return Report.objects.create(community=community, reporter=user, category="lamp",
                                 description="灯坏了", lat=31.28, lon=121.51,
                                 created_at=timezone.now())


@pytest.fixture
def town(personas):
    """6 owner and 4 public-rental households in two buildings; 2 owners and 3 tenants
    report."""
    c = personas.community
    b1 = BuildingFactory(community=c, number="11")
    b2 = BuildingFactory(community=c, number="12")
    people = []
    for i in range(6):
        h = HouseholdFactory(building=b1, room=f"{i}01", tenure=Tenure.OWNER)
        people.append((make_member(UserFactory(), c, "owner", household=h), "owner"))
    for i in range(4):
        h = HouseholdFactory(building=b2, room=f"{i}02", tenure=Tenure.PUBLIC_RENTAL)
        people.append((make_member(UserFactory(), c, "tenant", household=h), "pr"))
    owners = [u for u, t in people if t == "owner"]
    tenants = [u for u, t in people if t == "pr"]
    for u in owners[:2] + tenants[:3]:
        _report(u, c)
    return c


def test_representation_of_reporters_by_hand(town):
    eq = selectors.equity(town)
    # ledger: personas' household (3-502, an owner's) + 6 owner + 4 public rental = 11
    assert eq.residents_by_tenure == {"owner": 7, "public_rental": 4}
    rep = next(r for r in eq.by_activity if r["code"] == "reported")
    s = {x.group: x for x in rep["shares"]}
    # owners: 2/5 of reporters vs 7/11 of households → 0.4 / (7/11) = 0.6286…
    assert s["owner"].ratio == pytest.approx(0.4 * 11 / 7)
    # tenants: 3/5 vs 4/11 → 1.65
    assert s["public_rental"].ratio == pytest.approx(0.6 * 11 / 4)
    # Duncan: ½(|0.4 − 7/11| + |0.6 − 4/11|) = ½(0.2364 + 0.2364) = 0.2364
    assert rep["duncan"] == pytest.approx(0.5 * (abs(0.4 - 7 / 11) + abs(0.6 - 4 / 11)))
    rates = {b["building"]: b["rate"] for b in eq.buildings}
    assert rates["11"] == pytest.approx(2 / 6) and rates["12"] == pytest.approx(3 / 4)


def test_household_votes_count_by_household_tenure(personas, town):
    from gongzhi.decisions import services as dsv
    from gongzhi.decisions.models import Eligibility

    ballot = dsv.ballot_create(actor=personas.admin, community=town, title="表决",
                               method="majority", options=[], eligibility="household",
                               secrecy="secret")
    dsv.ballot_open(actor=personas.admin, ballot=ballot)
    rows = list(Eligibility.objects.filter(ballot=ballot).select_related("household"))
    owners = [r for r in rows if r.household and r.household.tenure == "owner"]
    dsv.votes_bulk_record(ballot=ballot, items=[(r, {"choice": "yes"}) for r in owners[:3]])
    eq = selectors.equity(town)
    voted = next(r for r in eq.by_activity if r["code"] == "voted")
    s = {x.group: x for x in voted["shares"]}
    assert voted["n"] == 3 and s["owner"].ratio == pytest.approx(11 / 7)
    assert s["public_rental"].ratio == 0.0


DASH = {"anonymous": 302, "outsider": 403, "resident": 403, "verified": 403, "owner": 403,
        "worker": 200, "admin": 200, "other_admin": 403, "subdistrict_admin": 200}


@pytest.mark.parametrize("who", list(DASH))
def test_dashboard_permissions(personas, who):
    r = personas.client(who).get(reverse("analytics:dashboard",
                                         args=[personas.community.slug]))
    assert r.status_code == DASH[who]


def test_area_page_only_for_area_admins(personas):
    region = personas.community.subdistrict
    path = reverse("analytics:area", args=[region.pk])
    assert personas.client("subdistrict_admin").get(path).status_code == 200
    assert personas.client("admin").get(path).status_code == 403


def test_dashboard_shows_numbers_and_queries_do_not_grow(personas, town,
                                                         django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = personas.client("worker")
    path = reverse("analytics:dashboard", args=[town.slug])
    with CaptureQueriesContext(connection) as ctx:
        page = c.get(path)
    text = page.content.decode()
    assert "按租住类型的参与" in text and "1.65" in text and "0.63" in text
    b3 = BuildingFactory(community=town, number="13")
    for i in range(8):
        h = HouseholdFactory(building=b3, room=f"{i}03", tenure=Tenure.PRIVATE_RENTAL)
        _report(make_member(UserFactory(), town, "tenant", household=h), town)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        c.get(path)


def test_report_pdf_has_chinese_text(personas, town):
    r = personas.client("worker").get(reverse("analytics:report_pdf", args=[town.slug]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"STSong-Light" in r.content
    assert personas.client("verified").get(
        reverse("analytics:report_pdf", args=[town.slug])).status_code == 403
