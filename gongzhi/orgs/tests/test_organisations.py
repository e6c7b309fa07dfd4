from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.accounts.access import community_roles
from gongzhi.accounts.models import Role
from gongzhi.core.models import AuditEntry
from gongzhi.orgs import services
from gongzhi.orgs.models import Organisation, OrgKind


@pytest.mark.django_db
def test_worker_registers_an_organisation_and_it_is_audited(personas):
    org = services.organisation_create(actor=personas.worker, community=personas.community,
                                       kind=OrgKind.PROPERTY, name="大院物业",
                                       contact_name="张经理")
    assert org.community == personas.community
    assert AuditEntry.objects.get(action="org.create").target_id == str(org.pk)


@pytest.mark.django_db
def test_duplicate_names_get_a_field_error(personas):
    services.organisation_create(actor=personas.worker, community=personas.community,
                                 kind=OrgKind.PARTY, name="社区党委")
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(actor=personas.worker, community=personas.community,
                                     kind=OrgKind.PARTY, name="社区党委")
    assert "name" in exc.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "verified", "owner", "other_admin"])
def test_non_staff_cannot_register(personas, persona):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=personas.user(persona), community=personas.community,
                                     kind=OrgKind.PARTY, name="x")


@pytest.mark.django_db
def test_member_gets_the_org_member_role_and_loses_it_when_removed(personas):
    org = services.organisation_create(actor=personas.worker, community=personas.community,
                                       kind=OrgKind.POLICE, name="派出所")
    member = services.org_member_add(actor=personas.worker, organisation=org,
                                     user=personas.verified, title="社区民警",
                                     is_representative=True)
    assert Role.ORG_MEMBER in community_roles(personas.verified, personas.community)
    services.org_member_remove(actor=personas.worker, member=member)
    from gongzhi.accounts.access import forget_roles

    forget_roles(personas.verified)  # the test holds its own copy of the user
    assert Role.ORG_MEMBER not in community_roles(personas.verified, personas.community)


@pytest.mark.django_db
def test_create_page_keeps_input_on_error(personas):
    client = personas.client("worker")
    url = f"/c/{personas.community.slug}/orgs/new/"
    response = client.post(url, {"kind": "nonsense", "name": "青年驿站"})
    assert response.status_code == 200
    assert 'value="青年驿站"' in response.content.decode()
    response = client.post(url, {"kind": "social_org", "name": "青年驿站"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="青年驿站").exists()


@pytest.mark.django_db
def test_add_member_by_phone_on_the_page(personas):
    org = services.organisation_create(actor=personas.worker, community=personas.community,
                                       kind=OrgKind.BUSINESS, name="商户联席会")
    client = personas.client("worker")
    url = f"/c/{personas.community.slug}/orgs/{org.pk}/"
    missing = client.post(url, {"action": "member", "phone": "13000000000"})
    assert missing.status_code == 200 and 'value="13000000000"' in missing.content.decode()
    ok = client.post(url, {"action": "member", "phone": personas.owner.phone, "title": "代表"})
    assert ok.status_code == 302
    assert org.members.get().user == personas.owner
    refused = personas.client("owner").post(url, {"action": "member",
                                                  "phone": personas.verified.phone})
    assert refused.status_code == 403
