"""The resident's volunteer data in the personal-data export (PIPL)."""

from __future__ import annotations

from gongzhi.core.export import on_delete, register
from gongzhi.volunteers.models import ShiftSignup, TeamMembership


def _iso(value):
    return value.isoformat() if value else None


@register("volunteers")
def volunteers(user) -> dict:
    return {
        "teams": [{"team": m.team.name, "corps": m.team.corps.name,
                   "community": m.team.community.name, "joined_at": _iso(m.joined_at)}
                  for m in TeamMembership.objects.filter(user=user)
                  .select_related("team__corps", "team__community")],
        "shifts": [{"opportunity": s.shift.opportunity.title,
                    "community": s.shift.community.name,
                    "starts_at": _iso(s.shift.starts_at), "status": s.status,
                    "checked_in_at": _iso(s.checked_in_at),
                    "checked_out_at": _iso(s.checked_out_at),
                    "hours": str(s.hours) if s.hours is not None else None,
                    "confirmed_at": _iso(s.confirmed_at),
                    "age_confirmed_at": _iso(s.age_confirmed_at)}
                   for s in ShiftSignup.objects.filter(user=user)
                   .select_related("shift__opportunity", "shift__community")],
    }


@on_delete("volunteers")
def delete_volunteers(user) -> None:
    """Future sign-ups are cancelled (their places go to the waiting list); past service
    stays in the teams' records, attached to the anonymised account; team memberships go."""
    from django.utils import timezone

    from gongzhi.volunteers import services

    for signup in (ShiftSignup.objects.filter(user=user, shift__starts_at__gt=timezone.now(),
                                              checked_in_at__isnull=True)
                   .exclude(status=ShiftSignup.Status.CANCELLED).select_related("shift")):
        services.shift_signup_cancel(actor=user, shift=signup.shift)
    TeamMembership.objects.filter(user=user).delete()
