"""Who may do what with announcements (django-rules); the matrix is in docs/news.md.

* workers (and community / area admins) write, publish, pin and withdraw announcements
  for any organisation of the community;
* a member of an organisation that speaks to residents (residents' committee, Party
  branch, property company, owners' committee, housing-guarantee centre) writes and
  publishes for *that* organisation, and sees its read confirmations; pinning stays
  with the workers;
* everyone may read community-wide announcements; building- and unit-wide ones are for
  their audience, the staff and the author organisation;
* people in the audience of a live important notice confirm they have read it.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_worker
from gongzhi.news.models import Announcement

SPEAKING_KINDS = ("residents_committee", "party", "property", "owners_committee",
                  "housing_centre")


def my_org_ids(user, community) -> set[int]:
    """Organisations of ``community`` (speaking kinds) the user belongs to; one query per
    request and community."""
    if not user.is_authenticated or community is None:
        return set()
    cache = user.__dict__.setdefault("_gz_news_orgs", {})
    from gongzhi.accounts.access import org_memberships

    if community.pk not in cache and community.pk not in org_memberships(user).values():
        cache[community.pk] = set()  # (the access rows: in no organisation there)
    if community.pk not in cache:
        from gongzhi.orgs.models import OrgMember

        cache[community.pk] = set(OrgMember.objects.filter(
            user=user, organisation__community=community,
            organisation__kind__in=SPEAKING_KINDS,
            organisation__deleted_at__isnull=True).values_list("organisation_id", flat=True))
    return cache[community.pk]


def _community(obj):
    return obj.community if isinstance(obj, Announcement) else obj


@rules.predicate
def speaks_for_an_org(user, obj=None) -> bool:
    return bool(my_org_ids(user, _community(obj)))


@rules.predicate
def speaks_for_author_org(user, obj=None) -> bool:
    return (isinstance(obj, Announcement)
            and obj.organisation_id in my_org_ids(user, obj.community))


@rules.predicate
def is_live(user, obj=None) -> bool:
    return isinstance(obj, Announcement) and obj.is_live


@rules.predicate
def is_important(user, obj=None) -> bool:
    return isinstance(obj, Announcement) and obj.important


@rules.predicate
def in_audience(user, obj=None) -> bool:
    if not isinstance(obj, Announcement) or not user.is_authenticated:
        return False
    from gongzhi.news.selectors import user_in_audience

    return user_in_audience(user, obj)


@rules.predicate
def for_everyone(user, obj=None) -> bool:
    return isinstance(obj, Announcement) and obj.audience == "community"


can_speak = is_worker | speaks_for_author_org

rules.add_perm("news.create", is_worker | speaks_for_an_org)      # on a community
rules.add_perm("news.publish", can_speak)                          # on an announcement
rules.add_perm("news.pin", is_worker)
rules.add_perm("news.withdraw", can_speak)
rules.add_perm("news.view", (is_live & (for_everyone | in_audience)) | can_speak)
rules.add_perm("news.confirm_read", rules.is_authenticated & is_member & is_important
               & is_live & in_audience)
rules.add_perm("news.view_receipts", is_important & can_speak)
rules.add_perm("news.remind", is_important & is_live & can_speak)
