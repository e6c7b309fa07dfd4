"""Approving, in one click, the join requests that match the household ledger."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from gongzhi.accounts import selectors, services
from gongzhi.accounts.models import Membership
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Tenure
from gongzhi.testing.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _requests(personas):
    c = personas.community
    hh1 = HouseholdFactory(building__community=c, building__number="7", room="101",
                           tenure=Tenure.OWNER)
    hh2 = HouseholdFactory(building__community=c, building__number="8", room="202",
                           tenure=Tenure.PUBLIC_RENTAL)
    match = services.membership_request(user=UserFactory(), community=c, building="7",
                                        unit="", room="101", tenure=Tenure.OWNER)
    match_no_tenure = services.membership_request(user=UserFactory(), community=c,
                                                  building="8", unit="", room="202")
    wrong_tenure = services.membership_request(user=UserFactory(), community=c, building="7",
                                               unit="", room="101",
                                               tenure=Tenure.PRIVATE_RENTAL)
    unknown = services.membership_request(user=UserFactory(), community=c, building="99",
                                          unit="", room="1")
    assert match.household == hh1 and match_no_tenure.household == hh2
    return match, match_no_tenure, wrong_tenure, unknown


def test_only_requests_matching_the_ledger_are_offered(personas):
    match, match2, wrong, unknown = _requests(personas)
    offered = {m.pk for m in selectors.memberships_matching_ledger(community=personas.community)}
    assert {match.pk, match2.pk} <= offered
    assert wrong.pk not in offered and unknown.pk not in offered


def test_bulk_approval_approves_only_the_confirmed_matching_ones(personas):
    match, match2, wrong, unknown = _requests(personas)
    approved = services.memberships_approve_matching(
        actor=personas.worker, community=personas.community,
        membership_ids=[match.pk, wrong.pk, unknown.pk])
    assert [m.pk for m in approved] == [match.pk]
    status = dict(Membership.objects.values_list("pk", "status"))
    assert status[match.pk] == "verified"
    assert status[match2.pk] == status[wrong.pk] == status[unknown.pk] == "pending"
    batch = AuditEntry.objects.get(action="membership.bulk_approve")
    assert batch.actor == personas.worker
    assert AuditEntry.objects.filter(action="membership.approve").count() == 1


@pytest.mark.parametrize("persona", ["verified", "owner", "other_admin", "outsider"])
def test_only_staff_may_approve_in_bulk(personas, persona):
    match, *_rest = _requests(personas)
    with pytest.raises(PermissionDenied):
        services.memberships_approve_matching(actor=personas.user(persona),
                                              community=personas.community,
                                              membership_ids=[match.pk])


def test_the_confirmation_page_lists_who_then_one_click(personas, django_assert_max_num_queries):
    match, match2, wrong, _unknown = _requests(personas)
    client = personas.client("worker")
    url = f"/c/{personas.community.slug}/verification/matching/"
    with django_assert_max_num_queries(20):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('name="membership"') >= 2 and f'value="{wrong.pk}"' not in html
    done = client.post(url, {"membership": [match.pk, match2.pk]})
    assert done.status_code == 302
    assert Membership.objects.filter(pk__in=[match.pk, match2.pk], status="verified").count() == 2
    assert personas.client("verified").get(url).status_code in (403, 404)
