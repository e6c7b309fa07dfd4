"""Who may do what with points and rewards (django-rules); matrix in docs/points.md.

* everyone sees the catalogue and the leaderboards (which name only people who opted in);
* a member of the community (pending residents too: they can volunteer) sees their own
  points and redeems rewards;
* workers (and community / subdistrict admins) edit the rules, adjust balances, keep the
  catalogue and stock, run the redemption queue and the monthly report;
* the contact person of a reward's provider (an organisation of the community: a shop,
  the property company) sees the queue of that provider's rewards and hands them over.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_worker


def _provider_id(obj):
    from gongzhi.points.models import Redemption, Reward

    if isinstance(obj, Redemption):
        return obj.reward.provider_id
    if isinstance(obj, Reward):
        return obj.provider_id
    return None


@rules.predicate
def is_provider_contact(user, obj=None) -> bool:
    """The user is a contact person of the organisation providing this reward."""
    provider = _provider_id(obj)
    if provider is None or not user.is_authenticated:
        return False
    from gongzhi.orgs.models import OrgMember

    return OrgMember.objects.filter(organisation_id=provider, user=user, is_contact=True,
                                    organisation__deleted_at__isnull=True).exists()


@rules.predicate
def is_any_provider_contact(user, community=None) -> bool:
    """Contact person of an organisation of this community that provides a reward."""
    if community is None or not user.is_authenticated:
        return False
    from gongzhi.accounts.access import contact_orgs
    from gongzhi.points.models import Reward

    # the person's contact organisations come with the request's access rows: most people
    # are a contact of none, and then no query is needed
    here = [org for org, community_id in contact_orgs(user).items()
            if community_id == community.pk]
    return bool(here) and Reward.objects.filter(provider_id__in=here).exists()


rules.add_perm("points.view_catalogue", rules.always_allow)
rules.add_perm("points.view_leaderboard", rules.always_allow)
rules.add_perm("points.view_own", rules.is_authenticated & is_member)
rules.add_perm("points.redeem", rules.is_authenticated & is_member)
rules.add_perm("points.manage", is_worker)
rules.add_perm("points.hand_over", is_worker | is_provider_contact)   # obj: a redemption
rules.add_perm("points.view_queue", is_worker | is_any_provider_contact)  # obj: community
