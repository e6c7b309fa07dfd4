"""Permission predicates (django-rules) shared by every app.

A predicate takes ``(user, obj)`` where ``obj`` is a community or anything with a
``.community``. Apps combine these with their own phase predicates.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.access import SUBDISTRICT_ADMIN, community_of, community_roles
from gongzhi.accounts.models import Role


def has_role(*role_codes: str) -> rules.Predicate:
    wanted = frozenset(str(r) for r in role_codes)
    name = "has_role:" + ",".join(sorted(wanted))

    @rules.predicate(name)
    def _has_role(user, obj=None) -> bool:
        community = community_of(obj)
        if community is None:
            return False
        return bool(community_roles(user, community) & wanted)

    return _has_role


is_superuser = rules.is_superuser
is_area_admin = has_role(SUBDISTRICT_ADMIN)
is_community_admin = has_role(Role.ADMIN) | is_area_admin | is_superuser
is_worker = has_role(Role.WORKER, Role.ADMIN) | is_area_admin | is_superuser
is_member = has_role(Role.RESIDENT, Role.VERIFIED_RESIDENT)
is_verified_resident = has_role(Role.VERIFIED_RESIDENT)
is_owner = has_role(Role.OWNER)
is_volunteer = has_role(Role.VOLUNTEER)
is_org_member = has_role(Role.ORG_MEMBER)

# Verbs of the foundation. Other apps add theirs in their own rules.py.
rules.add_perm("accounts.view_verification_queue", is_worker)
rules.add_perm("accounts.verify_resident", is_worker)
rules.add_perm("accounts.create_invite", is_worker)
rules.add_perm("accounts.manage_roles", is_community_admin)
rules.add_perm("accounts.view_member_contact", is_worker)
rules.add_perm("places.view_ledger", is_worker)
rules.add_perm("places.import_ledger", is_worker)
rules.add_perm("places.edit_ledger", is_community_admin)
rules.add_perm("places.view_community", rules.always_allow)
rules.add_perm("core.view_audit_log", is_community_admin)
rules.add_perm("orgs.view_organisations", rules.always_allow)
rules.add_perm("orgs.manage_organisations", is_worker)
rules.add_perm("orgs.view_contacts", is_worker | is_verified_resident)
