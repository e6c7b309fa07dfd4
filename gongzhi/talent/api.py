"""Talent pool API, mounted at /api/v1/talent/: my profile; search for workers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.talent import selectors, services
from gongzhi.talent.models import TalentInvitation

router = Router(tags=["talent"])


class ProfileIn(Schema):
    skills: list[str] = Field(default_factory=list, max_length=12)
    other_skills: str = Field("", max_length=200)
    description: str = Field("", max_length=1000)
    weekdays: bool = False
    evenings: bool = False
    weekends: bool = False
    consent: bool = False


class ProfileOut(Schema):
    community: str
    skills: list[str]
    other_skills: str
    description: str
    weekdays: bool
    evenings: bool
    weekends: bool
    in_pool: bool
    consent_version: str | None


class TalentOut(Schema):
    id: int
    name: str
    skills: list[str]
    other_skills: str
    description: str
    building: str
    weekdays: bool
    evenings: bool
    weekends: bool
    phone: str | None


class InvitationOut(Schema):
    id: int
    task_id: int
    task: str
    status: str


def _profile(p) -> dict:
    return {"community": p.community.slug, "skills": [s.skill for s in p.skills.all()],
            "other_skills": p.other_skills, "description": p.description,
            "weekdays": p.weekdays, "evenings": p.evenings, "weekends": p.weekends,
            "in_pool": p.consent_holds,
            "consent_version": p.consent.notice_version if p.consent_holds else None}


@router.get("/me", response=ProfileOut, summary="My talent profile")
def my_profile(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    p = selectors.my_profile(user, c)
    if p is None:
        raise Http404
    return _profile(p)


@router.put("/me", response=ProfileOut, summary="Offer my skills (consent puts me in the pool)")
def save_profile(request: HttpRequest, community: str, payload: ProfileIn):
    user = require_user(request)
    c = community_or_404(community)
    p = services.profile_save(actor=user, community=c, **payload.dict())
    return _profile(selectors.my_profile(user, c) or p)


@router.post("/me/revoke", response=ProfileOut, summary="Withdraw my consent to be contacted")
def revoke(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    p = selectors.my_profile(user, c)
    if p is None:
        raise Http404
    services.consent_revoke(actor=user, profile=p)
    return _profile(selectors.my_profile(user, c))


@router.get("/pool", response=list[TalentOut], summary="Search the talent pool (workers)")
@paginate(LimitOffsetPagination)
def pool(request: HttpRequest, community: str, skill: str = "", building: str = "",
         q: str = ""):
    user = require_user(request)
    c = community_or_404(community)
    if not user.has_perm("talent.search", c):
        raise PermissionDenied
    rows = []
    for p in selectors.pool(c, skill=skill[:20], building=building[:30], text=q[:50]):
        rows.append({"id": p.pk, "name": p.user.public_name,
                     "skills": [s.skill for s in p.skills.all()],
                     "other_skills": p.other_skills, "description": p.description,
                     "building": selectors.building_of(p), "weekdays": p.weekdays,
                     "evenings": p.evenings, "weekends": p.weekends,
                     "phone": p.user.phone if user.has_perm("talent.view_contact", p)
                     else None})
    return rows


@router.post("/invitations/{int:pk}/accept", response=InvitationOut,
             summary="Accept an invitation (signs me up to the task)")
def accept(request: HttpRequest, pk: int):
    return _answer(request, pk, True)


@router.post("/invitations/{int:pk}/decline", response=InvitationOut,
             summary="Decline an invitation")
def decline(request: HttpRequest, pk: int):
    return _answer(request, pk, False)


def _answer(request, pk: int, accept: bool) -> dict:
    user = require_user(request)
    inv = TalentInvitation.objects.select_related("task").filter(pk=pk,
                                                                 profile__user=user).first()
    if inv is None:
        raise Http404
    inv = services.invitation_respond(actor=user, invitation=inv, accept=accept)
    return {"id": inv.pk, "task_id": inv.task_id, "task": inv.task.title, "status": inv.status}
