"""API for the foundation: current user, communities, buildings, households, organisations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.accounts.access import roles_by_community
from gongzhi.accounts.models import Membership
from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.core.selectors import public_communities, switcher_communities
from gongzhi.orgs.selectors import organisations_of
from gongzhi.places.selectors import buildings_of, ledger_households

router = Router(tags=["core"])


class MembershipOut(Schema):
    community: str
    community_name: str
    status: str
    roles: list[str]


class MeOut(Schema):
    id: int
    display_name: str
    phone_masked: str
    language: str
    memberships: list[MembershipOut]


class CommunityOut(Schema):
    id: int
    slug: str
    name: str
    subdistrict: str
    center_lat: float | None
    center_lon: float | None


class BuildingOut(Schema):
    id: int
    number: str
    name: str
    floors: int | None
    lat: float | None
    lon: float | None
    household_count: int


class HouseholdOut(Schema):
    id: int
    building: str
    unit: str
    room: str
    floor_area_m2: float | None
    tenure: str
    is_shop: bool


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    contact_name: str
    contact_phone: str


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest):
    user = require_user(request)
    communities = switcher_communities(user)
    roles = roles_by_community(user, communities)
    statuses = dict(Membership.objects.filter(user=user).values_list("community_id", "status"))
    memberships = [
        {"community": c.slug, "community_name": c.name, "status": statuses.get(c.pk, ""),
         "roles": sorted(roles[c.pk])}
        for c in communities
    ]
    return {"id": user.pk, "display_name": user.public_name, "phone_masked": user.masked_phone,
            "language": user.language, "memberships": memberships}


@router.get("/communities", response=list[CommunityOut], summary="Public list of communities")
@paginate(LimitOffsetPagination)
def communities(request: HttpRequest):
    return [
        {"id": c.pk, "slug": c.slug, "name": c.name, "subdistrict": c.subdistrict.name,
         "center_lat": c.center_lat, "center_lon": c.center_lon}
        for c in public_communities().order_by("name")
    ]


@router.get("/communities/{slug}/buildings", response=list[BuildingOut])
@paginate(LimitOffsetPagination)
def buildings(request: HttpRequest, slug: str):
    community = community_or_404(slug)
    return list(buildings_of(community))


@router.get("/communities/{slug}/households", response=list[HouseholdOut],
            summary="The household ledger (community staff only)")
@paginate(LimitOffsetPagination)
def households(request: HttpRequest, slug: str, q: str = ""):
    user = require_user(request)
    community = community_or_404(slug)
    if not user.has_perm("places.view_ledger", community):
        raise PermissionDenied
    return [
        {"id": h.pk, "building": h.building.number, "unit": h.unit.number if h.unit else "",
         "room": h.room, "floor_area_m2": float(h.floor_area_m2) if h.floor_area_m2 else None,
         "tenure": h.tenure, "is_shop": h.is_shop}
        for h in ledger_households(user=user, community=community, query=q)
    ]


@router.get("/communities/{slug}/organisations", response=list[OrganisationOut])
def organisations(request: HttpRequest, slug: str):
    community = community_or_404(slug)
    show_contacts = request.user.has_perm("orgs.view_contacts", community)
    return [
        {"id": o.pk, "kind": o.kind, "name": o.name, "description": o.description,
         "contact_name": o.contact_name if show_contacts else "",
         "contact_phone": o.contact_phone if show_contacts else ""}
        for o in organisations_of(community)
    ]
