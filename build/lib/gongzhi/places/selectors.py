from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from gongzhi.places.models import Building, Community, Household


def buildings_of(community: Community) -> QuerySet[Building]:
    return (Building.objects.filter(community=community)
            .annotate(household_count=Count("households")).order_by("number"))


def ledger_households(*, user, community: Community, query: str = "") -> QuerySet[Household]:
    """Households of the ledger; only staff of the community may read it."""
    if not user.has_perm("places.view_ledger", community):
        raise PermissionDenied
    qs = (Household.objects.filter(community=community)
          .select_related("building", "unit")
          .annotate(member_count=Count("memberships", filter=Q(memberships__status="verified"))))
    query = query.strip()
    if query:
        parts = query.replace("号楼", "-").replace("单元", "-").replace("室", "").split("-")
        parts = [p.strip() for p in parts if p.strip()]
        if len(parts) == 1:
            qs = qs.filter(Q(building__number=parts[0]) | Q(room__icontains=parts[0]))
        elif len(parts) == 2:
            qs = qs.filter(building__number=parts[0], room__icontains=parts[1])
        else:
            qs = qs.filter(building__number=parts[0], unit__number=parts[1],
                           room__icontains=parts[-1])
    return qs.order_by("building__number", "unit__number", "room")
