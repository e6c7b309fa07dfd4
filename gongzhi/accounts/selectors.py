from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from gongzhi.accounts.models import Membership, RoleAssignment, User
from gongzhi.places.models import Community, Household


def memberships_for_review(*, community: Community, status: str) -> QuerySet[Membership]:
    return (Membership.objects.filter(community=community, status=status)
            .select_related("user", "household__building", "household__unit", "decided_by")
            .order_by("created_at"))


def membership_status_counts(*, community: Community) -> dict[str, int]:
    rows = (Membership.objects.filter(community=community).values("status")
            .annotate(n=Count("id")))
    return {r["status"]: r["n"] for r in rows}


def household_candidates(*, membership: Membership) -> list[Household]:
    """Ledger entries that match what the resident typed, best first, for the worker."""
    qs = (Household.objects.filter(community=membership.community)
          .select_related("building", "unit")
          .annotate(verified=Count("memberships", filter=Q(memberships__status="verified"))))
    exact = qs.filter(building__number=membership.claimed_building,
                      room=membership.claimed_room)
    if membership.claimed_unit:
        exact = exact.filter(unit__number=membership.claimed_unit)
    found: list[Household] = list(exact[:5])
    if not found:
        found = list(qs.filter(building__number=membership.claimed_building)
                     .filter(room__icontains=membership.claimed_room[-2:] or "-")[:10])
    return found


def community_people(*, community: Community, query: str = "", role: str = ""
                     ) -> QuerySet[User]:
    qs = User.objects.filter(
        Q(pk__in=Membership.objects.filter(community=community).values("user_id"))
        | Q(pk__in=RoleAssignment.objects.filter(community=community).values("user_id"))
    )
    if role:
        qs = qs.filter(pk__in=RoleAssignment.objects.filter(
            community=community, role=role).values("user_id"))
    query = query.strip()
    if query:
        qs = qs.filter(Q(display_name__icontains=query) | Q(real_name__icontains=query)
                       | Q(phone__endswith=query) | Q(email__icontains=query))
    return qs.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.filter(community=community),
                 to_attr="roles_here"),
        Prefetch("memberships", queryset=Membership.objects.filter(community=community)
                 .select_related("household__building", "household__unit"),
                 to_attr="membership_here"),
    ).order_by("display_name", "pk")


def memberships_matching_ledger(*, community: Community) -> list[Membership]:
    """Pending requests whose address was found in the ledger and whose stated tenure (if
    any) agrees with it: the ones a worker may approve together."""
    rows = (Membership.objects.filter(community=community, status=Membership.Status.PENDING,
                                      household__isnull=False)
            .select_related("user", "household__building", "household__unit")
            .order_by("created_at"))
    # household__isnull=False above: every row has its household.
    return [m for m in rows
            if not m.claimed_tenure or (m.household is not None
                                        and m.claimed_tenure == m.household.tenure)]
