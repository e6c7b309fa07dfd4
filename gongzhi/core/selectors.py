from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.accounts.access import (
    has_area_roles,
    managed_communities,
    member_community_ids,
)
from gongzhi.core.compiled import CompiledQuery
from gongzhi.places.models import Community


def switcher_communities(user) -> list[Community]:
    """Communities offered in the header switcher: those the user manages or belongs to."""
    if user is None or not user.is_authenticated:
        return []
    # member_community_ids covers every community where the person has a role, so the
    # managed ones need a query only for area admins and superusers
    ids = set(member_community_ids(user))
    if user.is_superuser or has_area_roles(user):
        ids |= set(managed_communities(user).values_list("pk", flat=True)[:200])
    return list(Community.objects.filter(pk__in=ids).order_by("name")[:200])


def switcher_needed(user) -> bool:
    """Whether the header's switcher has more than one community to offer (no query: the
    person's own rows are read once per request). Most residents belong to one."""
    if user is None or not user.is_authenticated:
        return False
    return (user.is_superuser or has_area_roles(user) or len(member_community_ids(user)) > 1)


def public_communities() -> QuerySet[Community]:
    return Community.objects.filter(is_active=True).select_related("subdistrict")


def _community_stats_query(pk: int) -> QuerySet:
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from gongzhi.accounts.models import Membership
    from gongzhi.places.models import Building, Household

    def count(qs) -> Subquery:
        # COUNT(*) grouped by the community: an index-only scan where one fits
        return Subquery(qs.filter(community_id=OuterRef("pk")).order_by()
                        .annotate(n=Count("*")).values("n")[:1],
                        output_field=IntegerField())

    members = Membership.objects
    return Community.objects.filter(pk=pk).values_list(
        count(Building.objects.values("community_id")),
        count(Household.objects.values("community_id")),
        count(members.filter(status=Membership.Status.VERIFIED).values("community_id")),
        count(members.filter(status=Membership.Status.PENDING).values("community_id")))


# on every community home: compiled once (core/compiled.py)
_COMMUNITY_STATS = CompiledQuery(_community_stats_query, pk=int)


def community_stats(community: Community) -> dict[str, int]:
    """Buildings, households, verified and pending members: ONE query, a counting
    subquery per figure over its (community, ...) index."""
    row = _COMMUNITY_STATS.first(pk=community.pk) or (0, 0, 0, 0)
    return dict(zip(("buildings", "households", "verified", "pending"),
                    (n or 0 for n in row), strict=True))


def community_org_summary(community: Community):
    from gongzhi.orgs.models import Organisation

    return Organisation.objects.alive().filter(community=community).order_by("kind", "name")[:12]


def _membership_with_household(user: int, community: int):
    from gongzhi.accounts.models import Membership

    return (Membership.objects.filter(user_id=user, community_id=community)
            .select_related("household"))


# on every member's community home: its SQL is built once (core.compiled)
_MEMBERSHIP = CompiledQuery(_membership_with_household, user=int, community=int)


def membership_of(user, community: Community):
    """The person's membership of ``community`` (with its household), or None: read once
    per request and community (the home's notice and the news audience share it), and
    not at all when the request's access rows show no membership there."""
    from gongzhi.accounts.access import _unwrap, membership_statuses

    if not user.is_authenticated:
        return None
    user = _unwrap(user)  # the real user: forget_roles drops this with the access rows
    cache = user.__dict__.setdefault("_gz_membership", {})
    if community.pk not in cache:
        cache[community.pk] = (
            _MEMBERSHIP.first(user=user.pk, community=community.pk)
            if community.pk in membership_statuses(user) else None)
    return cache[community.pk]


def audit_entries(*, community: Community, action: str = ""):
    from gongzhi.core.models import AuditEntry

    qs = AuditEntry.objects.filter(community=community).select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    return qs


def area_overview(region) -> list[dict]:
    """One row per community under ``region`` with its people and ledger figures."""
    from django.db.models import Count

    from gongzhi.places.models import Region as R

    sub_ids = [region.pk]
    frontier = [region.pk]
    while frontier:
        frontier = list(R.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        sub_ids += frontier
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from gongzhi.accounts.models import Membership
    from gongzhi.places.models import Household

    def _count(qs):
        # A correlated subquery per figure: joining households and memberships at once
        # would multiply rows (households × members) before counting.
        sub = qs.filter(community=OuterRef("pk")).order_by().values("community")
        return Coalesce(Subquery(sub.annotate(n=Count("pk")).values("n"),
                                 output_field=IntegerField()), 0)

    communities = (Community.objects.filter(subdistrict_id__in=sub_ids)
                   .select_related("subdistrict")
                   .annotate(
                       n_households=_count(Household.objects.all()),
                       n_verified=_count(Membership.objects.filter(status="verified")),
                       n_pending=_count(Membership.objects.filter(status="pending")),
                   ).order_by("subdistrict__name", "name"))
    return [
        {"community": c, "households": c.n_households, "verified": c.n_verified,
         "pending": c.n_pending,
         "per_household": (round(c.n_verified / c.n_households, 2) if c.n_households
                           else None)}
        for c in communities
    ]
