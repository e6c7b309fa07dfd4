"""The resident's talent profile in the personal-data export; deleted with the account."""

from __future__ import annotations

from gongzhi.core.export import on_delete, register
from gongzhi.talent.models import TalentProfile


def _iso(value):
    return value.isoformat() if value else None


@register("talent")
def talent(user) -> list[dict]:
    return [{"community": p.community.name,
             "skills": [s.skill for s in p.skills.all()], "other_skills": p.other_skills,
             "description": p.description,
             "availability": {"weekdays": p.weekdays, "evenings": p.evenings,
                              "weekends": p.weekends},
             "consents": [{"notice_version": c.notice_version, "given_at": _iso(c.given_at),
                           "revoked_at": _iso(c.revoked_at)} for c in p.consents.all()],
             "invitations": [{"task": i.task.title, "status": i.status,
                              "invited_at": _iso(i.created_at),
                              "answered_at": _iso(i.responded_at)}
                             for i in p.invitations.select_related("task")]}
            for p in TalentProfile.objects.filter(user=user)
            .select_related("community").prefetch_related("skills", "consents")]


@on_delete("talent")
def forget(user) -> None:
    """The profile, its skills, consents and invitations are deleted outright: nothing
    else depends on them (a task sign-up made by accepting stays with the task, as
    projects keeps it)."""
    profiles = TalentProfile.objects.filter(user=user)
    profiles.update(searchable=False, consent=None)  # out of the pool first (CHECK)
    profiles.delete()
