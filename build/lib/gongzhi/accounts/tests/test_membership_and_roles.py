from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.accounts import services
from gongzhi.accounts.access import community_roles
from gongzhi.accounts.models import Membership, Role
from gongzhi.core.models import AuditEntry
from gongzhi.notifications.models import Notification
from gongzhi.places.models import Tenure
from gongzhi.testing.factories import HouseholdFactory, UserFactory


@pytest.mark.django_db
def test_joining_links_the_ledger_household_when_the_address_matches(personas):
    newcomer = UserFactory()
    m = services.membership_request(user=newcomer, community=personas.community,
                                    building="3", unit="", room="502", tenure=Tenure.OWNER)
    assert m.status == Membership.Status.PENDING
    assert m.household == personas.household
    assert community_roles(newcomer, personas.community) >= {"resident", "pending_resident"}


@pytest.mark.django_db
def test_asking_twice_is_refused(personas):
    with pytest.raises(ValidationError):
        services.membership_request(user=personas.resident, community=personas.community,
                                    building="3", unit="", room="502")


@pytest.mark.django_db
def test_worker_approves_and_resident_is_told_and_gets_roles(personas):
    m = Membership.objects.get(user=personas.resident)
    hh = HouseholdFactory(building__community=personas.community, tenure=Tenure.PUBLIC_RENTAL)
    services.membership_approve(actor=personas.worker, membership=m, household=hh)
    m.refresh_from_db()
    assert m.status == Membership.Status.VERIFIED and m.household == hh
    roles = community_roles(personas.resident, personas.community)
    assert {Role.VERIFIED_RESIDENT, Role.TENANT} <= roles
    assert Role.OWNER not in roles
    note = Notification.objects.get(user=personas.resident)
    assert note.kind == "membership.approved"
    entry = AuditEntry.objects.filter(action="membership.approve").get()
    assert entry.actor == personas.worker and entry.community == personas.community
    assert AuditEntry.objects.filter(action="role.grant").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "verified", "owner", "other_admin"])
def test_only_staff_may_approve(personas, persona):
    m = Membership.objects.get(user=personas.resident)
    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=personas.user(persona), membership=m)
    m.refresh_from_db()
    assert m.status == Membership.Status.PENDING


@pytest.mark.django_db
def test_subdistrict_admin_may_approve(personas):
    m = Membership.objects.get(user=personas.resident)
    services.membership_approve(actor=personas.subdistrict_admin, membership=m)
    assert Membership.objects.get(pk=m.pk).status == Membership.Status.VERIFIED


@pytest.mark.django_db
def test_refusal_needs_a_reason_and_tells_the_resident(personas):
    m = Membership.objects.get(user=personas.resident)
    with pytest.raises(ValidationError):
        services.membership_refuse(actor=personas.worker, membership=m, reason="  ")
    services.membership_refuse(actor=personas.worker, membership=m,
                               reason="台账中没有3号楼502室")
    m.refresh_from_db()
    assert m.status == Membership.Status.REFUSED
    note = Notification.objects.get(user=personas.resident)
    assert "台账中没有3号楼502室" in note.body
    assert AuditEntry.objects.get(action="membership.refuse").reason == "台账中没有3号楼502室"
    # The resident can correct the address and ask again.
    again = services.membership_request(user=personas.resident, community=personas.community,
                                        building="3", unit="", room="502")
    assert again.status == Membership.Status.PENDING


@pytest.mark.django_db
def test_refuse_through_the_page_keeps_the_typed_reason_on_error(personas):
    m = Membership.objects.get(user=personas.resident)
    client = personas.client("worker")
    url = f"/c/{personas.community.slug}/verification/{m.pk}/"
    response = client.post(url, {"action": "refuse", "reason": ""})
    assert response.status_code == 200
    response = client.post(url, {"action": "refuse", "reason": "地址不对"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=m.pk).status == Membership.Status.REFUSED


@pytest.mark.django_db
def test_invitation_code_verifies_on_use_and_runs_out(personas):
    invite = services.invite_create(actor=personas.worker, household=personas.household,
                                    days=7, max_uses=1)
    first = UserFactory()
    m = services.invite_redeem(user=first, code=invite.code.lower())
    assert m.status == Membership.Status.VERIFIED and m.household == personas.household
    assert Role.OWNER in community_roles(first, personas.community)
    with pytest.raises(ValidationError):
        services.invite_redeem(user=UserFactory(), code=invite.code)


@pytest.mark.django_db
def test_expired_invitation_is_refused(personas):
    from django.utils import timezone

    invite = services.invite_create(actor=personas.worker, household=personas.household)
    invite.expires_at = timezone.now()
    invite.save()
    with pytest.raises(ValidationError):
        services.invite_redeem(user=UserFactory(), code=invite.code)


@pytest.mark.django_db
def test_residents_cannot_create_invitations(personas):
    with pytest.raises(PermissionDenied):
        services.invite_create(actor=personas.owner, household=personas.household)


@pytest.mark.django_db
def test_role_changes_are_admin_only_and_audited(personas):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=personas.worker, user=personas.verified,
                            community=personas.community, role=Role.VOLUNTEER)
    services.role_grant(actor=personas.admin, user=personas.verified,
                        community=personas.community, role=Role.VOLUNTEER)
    assert services.role_grant(actor=personas.admin, user=personas.verified,
                               community=personas.community, role=Role.VOLUNTEER) is None
    assert Role.VOLUNTEER in community_roles(personas.verified, personas.community)
    services.role_revoke(actor=personas.admin, user=personas.verified,
                         community=personas.community, role=Role.VOLUNTEER, reason="moved")
    assert Role.VOLUNTEER not in community_roles(personas.verified, personas.community)
    actions = list(AuditEntry.objects.filter(target_id=str(personas.verified.pk))
                   .values_list("action", flat=True))
    assert actions.count("role.grant") == 1 and actions.count("role.revoke") == 1


@pytest.mark.django_db
def test_other_communitys_admin_cannot_change_roles_here(personas):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=personas.other_admin, user=personas.verified,
                            community=personas.community, role=Role.WORKER)


@pytest.mark.django_db
def test_admin_cannot_remove_own_admin_role(personas):
    with pytest.raises(ValidationError):
        services.role_revoke(actor=personas.admin, user=personas.admin,
                             community=personas.community, role=Role.ADMIN)


@pytest.mark.django_db
def test_role_change_page_grants_role(personas):
    client = personas.client("admin")
    response = client.post(f"/c/{personas.community.slug}/people/role/",
                           {"user_id": personas.verified.pk, "role": "volunteer", "op": "grant"})
    assert response.status_code == 302
    assert Role.VOLUNTEER in community_roles(personas.verified, personas.community)
    refused = personas.client("worker").post(
        f"/c/{personas.community.slug}/people/role/",
        {"user_id": personas.verified.pk, "role": "admin", "op": "grant"})
    assert refused.status_code == 403
