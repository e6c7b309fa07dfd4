"""Reads for the talent pool, scoped to one community; the pool holds consenting people only."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from gongzhi.talent.models import TalentInvitation, TalentProfile, TalentSkill


def my_profile(user, community) -> TalentProfile | None:
    if not user.is_authenticated:
        return None
    return (TalentProfile.objects.filter(community=community, user=user)
            .select_related("consent").prefetch_related("skills").first())


def pool(community, *, skill: str = "", building: str = "", text: str = "",
         available: str = "") -> QuerySet[TalentProfile]:
    """Profiles in the pool (consent holds), filtered; the person and building attached."""
    from gongzhi.accounts.models import Membership

    qs = (TalentProfile.objects.filter(community=community, searchable=True,
                                       consent__revoked_at__isnull=True,
                                       user__deleted_at__isnull=True)
          .select_related("user", "consent")
          .prefetch_related(Prefetch("skills", queryset=TalentSkill.objects.order_by("skill")),
                            Prefetch("user__memberships", to_attr="here",
                                     queryset=Membership.objects.filter(community=community)
                                     .select_related("household__building"))))
    if skill:
        qs = qs.filter(skills__skill=skill)
    if building:
        qs = qs.filter(Q(user__memberships__community=community)
                       & (Q(user__memberships__household__building__number=building)
                          | Q(user__memberships__claimed_building=building)))
    if text:
        qs = qs.filter(Q(other_skills__icontains=text) | Q(description__icontains=text)
                       | Q(user__display_name__icontains=text))
    if available in ("weekdays", "evenings", "weekends"):
        qs = qs.filter(**{available: True})
    return qs.distinct().order_by("-updated_at", "-id")


def building_of(profile: TalentProfile) -> str:
    for m in getattr(profile.user, "here", []):
        if m.household_id:
            return m.household.building.number
        if m.claimed_building:
            return m.claimed_building
    return ""


def buildings(community) -> list[str]:
    from gongzhi.places.models import Building

    return list(Building.objects.filter(community=community).order_by("number")
                .values_list("number", flat=True)[:500])


def open_tasks(community):
    from gongzhi.projects.models import Task

    return (Task.objects.filter(community=community, state=Task.State.OPEN)
            .select_related("project").order_by("starts_at", "id")[:200])


def my_invitations(profile: TalentProfile | None) -> list[TalentInvitation]:
    if profile is None:
        return []
    return list(profile.invitations.select_related("task__project", "invited_by")
                .order_by("-created_at")[:50])


def invitations_sent(community) -> QuerySet[TalentInvitation]:
    return (TalentInvitation.objects.filter(community=community)
            .select_related("profile__user", "task__project").order_by("-created_at", "-id"))


def pool_count(community) -> int:
    return pool(community).count()
