"""The access rows are read once per request (and kept between requests only under the
person's access version, see test_access_version.py): a role granted or revoked, an
organisation joined or left, shows on the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts import services
from gongzhi.accounts.access import community_roles, contact_orgs, forget_roles
from gongzhi.accounts.models import Role
from gongzhi.orgs.models import OrgMember
from gongzhi.points.models import Reward
from gongzhi.testing.factories import OrganisationFactory


@pytest.mark.django_db
def test_role_granted_and_revoked_shows_at_once(personas):
    client = personas.client("owner")
    queue = "/c/test-community/reports/queue/"
    assert client.get(queue).status_code == 403
    services.role_grant(actor=personas.admin, user=personas.owner,
                        community=personas.community, role=Role.WORKER)
    assert client.get(queue).status_code == 200
    services.role_revoke(actor=personas.admin, user=personas.owner,
                         community=personas.community, role=Role.WORKER)
    assert client.get(queue).status_code == 403


@pytest.mark.django_db
def test_role_change_in_the_same_request_is_seen(personas):
    user = personas.owner
    assert Role.WORKER not in community_roles(user, personas.community)
    services.role_grant(actor=personas.admin, user=user, community=personas.community,
                        role=Role.WORKER)
    assert Role.WORKER in community_roles(user, personas.community)


def _provider(personas, *, contact: bool):
    org = OrganisationFactory(community=personas.community)
    Reward.objects.create(community=personas.community, provider=org, title="理发券", price=10)
    OrgMember.objects.create(organisation=org, user=personas.verified, is_contact=contact)
    forget_roles(personas.verified)
    return org


@pytest.mark.django_db
def test_provider_contact_from_the_access_rows(personas):
    user = personas.verified
    # a contact of no organisation: answered from the access rows, no query more
    community_roles(user, personas.community)
    with CaptureQueriesContext(connection) as ctx:
        assert not user.has_perm("points.view_queue", personas.community)
    assert len(ctx) == 0
    org = _provider(personas, contact=False)
    assert not user.has_perm("points.view_queue", personas.community)
    OrgMember.objects.filter(organisation=org, user=user).update(is_contact=True)
    forget_roles(user)
    assert contact_orgs(user) == {org.pk: personas.community.pk}
    assert user.has_perm("points.view_queue", personas.community)
    assert not user.has_perm("points.view_queue", personas.other_community)
    # the organisation deleted: no longer a contact anywhere
    org.deleted_at = org.created_at
    org.save(update_fields=["deleted_at"])
    forget_roles(user)
    assert contact_orgs(user) == {}
    assert not user.has_perm("points.view_queue", personas.community)


@pytest.mark.django_db
def test_provider_contact_shows_on_the_next_request(personas):
    client = personas.client("verified")
    page = "/c/test-community/points/queue/"
    before = client.get(page).status_code
    assert before in (302, 403)
    _provider(personas, contact=True)
    assert client.get(page).status_code == 200
