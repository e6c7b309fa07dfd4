"""Who may do what in the talent pool (django-rules); matrix in docs/talent.md.

* a member of the community (pending residents too) keeps their own profile and consent;
* workers (and community / subdistrict admins) search the pool, see a talent's phone
  number — only while that talent's consent to be contacted holds — and invite talents to
  co-construction tasks;
* nobody else sees the pool: residents never see another resident's profile or number.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_worker


@rules.predicate
def consent_holds(user, profile=None) -> bool:
    return bool(getattr(profile, "consent_holds", False))


@rules.predicate
def is_invitee(user, invitation=None) -> bool:
    return (user.is_authenticated and invitation is not None
            and invitation.profile.user_id == user.pk)


rules.add_perm("talent.offer", rules.is_authenticated & is_member)   # obj: community
rules.add_perm("talent.search", is_worker)                              # obj: community
rules.add_perm("talent.view_contact", is_worker & consent_holds)        # obj: profile
rules.add_perm("talent.invite", is_worker & consent_holds)              # obj: profile
rules.add_perm("talent.respond", is_invitee)                            # obj: invitation
