"""Who holds which role where. Every permission check in Gongzhi goes through here.

Roles for a (user, community) pair are read in one query and cached on the user object
for the rest of the request, so a page that checks ten permissions costs one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gongzhi.accounts.models import AreaRole, Membership, Role, RoleAssignment
from gongzhi.places.models import Community, Region

SUBDISTRICT_ADMIN = "subdistrict_admin"
PENDING_RESIDENT = "pending_resident"


def community_of(obj: Any) -> Community | None:
    """The community an object belongs to (the object itself if it is one)."""
    if obj is None:
        return None
    if isinstance(obj, Community):
        return obj
    community = getattr(obj, "community", None)
    if isinstance(community, Community):
        return community
    return None


def _unwrap(user):
    """The real User behind request.user's lazy wrapper, so views (which hold the wrapper)
    and has_perm (which gets the real object) share one cache."""
    from django.utils.functional import LazyObject, empty

    if isinstance(user, LazyObject):
        wrapped = user.__dict__.get("_wrapped")
        if wrapped is not None and wrapped is not empty:
            return wrapped
    return user


def _area_regions(user) -> frozenset[int]:
    cached = getattr(user, "_gz_area_regions", None)
    if cached is None:
        cached = frozenset(AreaRole.objects.filter(user=user).values_list("region_id", flat=True))
        user._gz_area_regions = cached
    return cached


def _region_chain(community: Community) -> set[int]:
    ids: set[int] = set()
    region: Region | None = community.subdistrict
    while region is not None:
        ids.add(region.pk)
        region = region.parent
    return ids


def community_roles(user, community: Community | None) -> frozenset[str]:
    """The set of role codes ``user`` holds in ``community`` (empty for anonymous)."""
    if community is None or user is None or not user.is_authenticated:
        return frozenset()
    user = _unwrap(user)
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_gz_roles", {})
    if community.pk in cache:
        return cache[community.pk]
    roles: set[str] = set(
        RoleAssignment.objects.filter(user=user, community=community).values_list("role",
                                                                                  flat=True)
    )
    status = (
        Membership.objects.filter(user=user, community=community)
        .values_list("status", flat=True)
        .first()
    )
    if status == Membership.Status.VERIFIED:
        roles.update({Role.RESIDENT, Role.VERIFIED_RESIDENT})
    elif status == Membership.Status.PENDING:
        roles.update({Role.RESIDENT, PENDING_RESIDENT})
    area = _area_regions(user)
    if area and area & _region_chain(community):
        roles.add(SUBDISTRICT_ADMIN)
    result = frozenset(str(r) for r in roles)
    cache[community.pk] = result
    return result


def forget_roles(user) -> None:
    """Drop cached roles after a change made in the same request."""
    user = _unwrap(user)
    user.__dict__.pop("_gz_roles", None)
    user.__dict__.pop("_gz_area_regions", None)


def managed_communities(user) -> QuerySet[Community]:
    """Communities where ``user`` may act as staff: worker, admin, or area admin above them."""
    if not user.is_authenticated:
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    regions = list(AreaRole.objects.filter(user=user).values_list("region_id", flat=True))
    q = Q(role_assignments__user=user, role_assignments__role__in=[Role.WORKER, Role.ADMIN])
    if regions:
        q |= (Q(subdistrict_id__in=regions) | Q(subdistrict__parent_id__in=regions)
              | Q(subdistrict__parent__parent_id__in=regions))
    return Community.objects.filter(q).distinct()


def member_communities(user) -> QuerySet[Community]:
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        Q(memberships__user=user) | Q(role_assignments__user=user)
    ).distinct()


def roles_by_community(user, communities: list[Community]) -> dict[int, frozenset[str]]:
    """``community_roles`` for many communities in three queries (and cached like it)."""
    user = _unwrap(user)
    if not user.is_authenticated or not communities:
        return {c.pk: frozenset() for c in communities}
    ids = [c.pk for c in communities]
    roles: dict[int, set[str]] = {pk: set() for pk in ids}
    for community_id, role in RoleAssignment.objects.filter(
            user=user, community_id__in=ids).values_list("community_id", "role"):
        roles[community_id].add(role)
    for community_id, status in Membership.objects.filter(
            user=user, community_id__in=ids).values_list("community_id", "status"):
        if status == Membership.Status.VERIFIED:
            roles[community_id].update({Role.RESIDENT, Role.VERIFIED_RESIDENT})
        elif status == Membership.Status.PENDING:
            roles[community_id].update({Role.RESIDENT, PENDING_RESIDENT})
    regions = _area_regions(user)
    if regions:
        covered = Community.objects.filter(pk__in=ids).filter(
            Q(subdistrict_id__in=regions) | Q(subdistrict__parent_id__in=regions)
            | Q(subdistrict__parent__parent_id__in=regions)).values_list("pk", flat=True)
        for community_id in covered:
            roles[community_id].add(SUBDISTRICT_ADMIN)
    result = {pk: frozenset(str(r) for r in found) for pk, found in roles.items()}
    user.__dict__.setdefault("_gz_roles", {}).update(result)
    return result
