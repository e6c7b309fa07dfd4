from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.accounts.access import (
    has_area_roles,
    managed_communities,
    member_community_ids,
)
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


def community_stats(community: Community) -> dict[str, int]:
    from django.db.models import Count, Q

    from gongzhi.accounts.models import Membership
    from gongzhi.places.models import Building, Household

    members = Membership.objects.filter(community=community).aggregate(
        verified=Count("id", filter=Q(status=Membership.Status.VERIFIED)),
        pending=Count("id", filter=Q(status=Membership.Status.PENDING)),
    )
    return {
        "buildings": Building.objects.filter(community=community).count(),
        "households": Household.objects.filter(community=community).count(),
        "verified": members["verified"],
        "pending": members["pending"],
    }


def community_org_summary(community: Community):
    from gongzhi.orgs.models import Organisation

    return Organisation.objects.alive().filter(community=community).order_by("kind", "name")[:12]


def membership_of(user, community: Community):
    from gongzhi.accounts.models import Membership

    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).first()


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
