"""Who may open which foundation page and endpoint: every persona × every view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.models import Membership

ALL = {"anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
       "other_admin", "subdistrict_admin"}
SIGNED_IN = ALL - {"anonymous"}
STAFF = {"worker", "admin", "subdistrict_admin"}
ADMINS = {"admin", "subdistrict_admin"}


def _pages(p) -> list[tuple[str, str, set[str]]]:
    slug = p.community.slug
    pending = Membership.objects.get(user=p.resident, community=p.community)
    return [
        ("community", reverse("core:community", args=[slug]), ALL),
        ("orgs", reverse("orgs:list", args=[slug]), ALL),
        ("privacy", reverse("accounts:privacy"), ALL),
        ("profile", reverse("accounts:profile"), SIGNED_IN),
        ("inbox", reverse("notifications:inbox"), SIGNED_IN),
        ("tokens", reverse("accounts:api_tokens"), SIGNED_IN),
        ("join", reverse("accounts:join_choose"), SIGNED_IN),
        ("queue", reverse("members:queue", args=[slug]), STAFF),
        ("decide", reverse("members:decide", args=[slug, pending.pk]), STAFF),
        ("ledger", reverse("places:ledger", args=[slug]), STAFF),
        ("ledger_import", reverse("places:ledger_import", args=[slug]), STAFF),
        ("household", reverse("places:household", args=[slug, p.household.pk]), STAFF),
        ("org_create", reverse("orgs:create", args=[slug]), STAFF),
        ("people", reverse("members:members", args=[slug]), ADMINS),
        ("audit", reverse("core:audit_log", args=[slug]), ADMINS),
        ("area", reverse("core:area", args=[p.community.subdistrict.pk]), {"subdistrict_admin"}),
    ]


PAGE_NAMES = ["community", "orgs", "privacy", "profile", "inbox", "tokens", "join", "queue",
              "decide", "ledger", "ledger_import", "household", "org_create", "people", "audit",
              "area"]


@pytest.mark.parametrize("persona", sorted(ALL))
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_access(personas, persona, page):
    name, url, allowed = next(x for x in _pages(personas) if x[0] == page)
    response = personas.client(persona).get(url)
    if persona in allowed:
        assert response.status_code == 200, (persona, url, response.status_code)
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403, (persona, url, response.status_code)


API_CASES = [
    ("/api/v1/communities", ALL),
    ("/api/v1/communities/test-community/buildings", ALL),
    ("/api/v1/communities/test-community/organisations", ALL),
    ("/api/v1/communities/test-community/households", STAFF),
    ("/api/v1/me", SIGNED_IN),
]


@pytest.mark.parametrize("persona", sorted(ALL))
@pytest.mark.parametrize(("url", "allowed"), API_CASES)
def test_api_access(personas, persona, url, allowed):
    response = personas.client(persona).get(url)
    if persona in allowed:
        assert response.status_code == 200, (persona, url, response.content[:200])
    else:
        assert response.status_code in (401, 403), (persona, url, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        if persona == "anonymous":
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == 403


def test_households_api_is_scoped_to_the_community(personas):
    """The other community's admin sees their own ledger but never ours."""
    response = personas.client("other_admin").get(
        f"/api/v1/communities/{personas.other_community.slug}/households")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_contacts_hidden_from_outsiders(personas):
    from gongzhi.testing.factories import OrganisationFactory

    OrganisationFactory(community=personas.community, contact_name="张经理",
                        contact_phone="13911112222")
    url = f"/api/v1/communities/{personas.community.slug}/organisations"
    outsider = personas.client("outsider").get(url).json()
    verified = personas.client("verified").get(url).json()
    assert outsider[0]["contact_phone"] == ""
    assert verified[0]["contact_phone"] == "13911112222"
