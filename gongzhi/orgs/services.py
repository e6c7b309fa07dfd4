"""Writes to organisations and their members."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role, User
from gongzhi.accounts.services import role_grant
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.orgs.models import Organisation, OrgMember
from gongzhi.places.models import Community

ORG_FIELDS = ["kind", "name", "description", "contact_name", "contact_phone", "contact_email",
              "address"]


def _check(actor: User, community: Community) -> None:
    if not actor.has_perm("orgs.manage_organisations", community):
        raise PermissionDenied


def organisation_create(*, actor: User, community: Community, **fields) -> Organisation:
    _check(actor, community)
    org = Organisation(community=community, **{k: fields.get(k, "") for k in ORG_FIELDS})
    org.full_clean(exclude=["community"])
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise ValidationError({"name": _("An organisation with this name already exists here.")})
    audit_record(actor=actor, action="org.create", community=community, target=org,
                 after=snapshot(org, ORG_FIELDS))
    return org


def organisation_update(*, actor: User, organisation: Organisation, **fields) -> Organisation:
    _check(actor, organisation.community)
    before = snapshot(organisation, ORG_FIELDS)
    for k in ORG_FIELDS:
        if k in fields:
            setattr(organisation, k, fields[k])
    organisation.full_clean(exclude=["community"])
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise ValidationError({"name": _("An organisation with this name already exists here.")})
    audit_record(actor=actor, action="org.update", community=organisation.community,
                 target=organisation, before=before, after=snapshot(organisation, ORG_FIELDS))
    return organisation


def organisation_archive(*, actor: User, organisation: Organisation, reason: str = "") -> None:
    _check(actor, organisation.community)
    organisation.deleted_at = timezone.now()
    organisation.save(update_fields=["deleted_at", "updated_at"])
    audit_record(actor=actor, action="org.archive", community=organisation.community,
                 target=organisation, reason=reason)


def org_member_add(*, actor: User, organisation: Organisation, user: User, title: str = "",
                   is_contact: bool = False, is_representative: bool = False) -> OrgMember:
    _check(actor, organisation.community)
    member, created = OrgMember.objects.update_or_create(
        organisation=organisation, user=user,
        defaults={"title": title, "is_contact": is_contact,
                  "is_representative": is_representative},
    )
    role_grant(actor=actor, user=user, community=organisation.community, role=Role.ORG_MEMBER,
               check=False)
    audit_record(actor=actor, action="org.member_add" if created else "org.member_update",
                 community=organisation.community, target=organisation,
                 after={"user": user.pk, "title": title, "contact": is_contact,
                        "representative": is_representative})
    return member


def org_member_remove(*, actor: User, member: OrgMember) -> None:
    organisation = member.organisation
    _check(actor, organisation.community)
    user = member.user
    member.delete()
    audit_record(actor=actor, action="org.member_remove", community=organisation.community,
                 target=organisation, before={"user": user.pk})
    still_member = OrgMember.objects.filter(user=user,
                                            organisation__community=organisation.community)
    if not still_member.exists():
        from gongzhi.accounts.models import RoleAssignment

        RoleAssignment.objects.filter(user=user, community=organisation.community,
                                      role=Role.ORG_MEMBER).delete()
    from gongzhi.accounts.access import forget_roles

    forget_roles(user)
