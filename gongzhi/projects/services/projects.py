"""Projects, their stakeholders, team and phases; evaluations (共评)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record, snapshot
from gongzhi.projects import phase_actions, phases
from gongzhi.projects.models import (
    Phase,
    Project,
    ProjectTemplate,
    Stakeholder,
    TeamMember,
)
from gongzhi.projects.services._common import (
    PROJECT_FIELDS,
    _require,
)

# --- projects and phases -----------------------------------------------------------------


def phases_from_template(template: ProjectTemplate | None, starts_on: dt.date) -> list[dict]:
    specs = (
        template.phases
        if template is not None
        else [
            {
                "key": "participation",
                "name": _("Participation"),
                "days": 30,
                "actions": {
                    "projects.propose": ["verified"],
                    "projects.comment": ["member"],
                    "projects.support": ["verified"],
                },
            },
        ]
    )
    out = []
    day = starts_on
    for spec in specs:
        days = max(1, int(spec.get("days", 14)))
        out.append(
            {
                "key": spec.get("key", "phase"),
                "name": spec.get("name", ""),
                "description": spec.get("description", ""),
                "stage": spec.get("stage", ""),
                "actions": _clean_actions(spec.get("actions", {})),
                "starts_on": day,
                "ends_on": day + dt.timedelta(days=days - 1),
            }
        )
        day = day + dt.timedelta(days=days)
    return out


def _clean_actions(actions: dict) -> dict:
    """Codes validated against the phase-action registry (old enum values mapped)."""
    return phase_actions.clean_actions(actions)


@transaction.atomic
def project_create(
    *,
    actor,
    community,
    title: str,
    template: ProjectTemplate | None = None,
    summary: str = "",
    description: str = "",
    goals: str = "",
    budget: Decimal | None = None,
    spaces: Sequence = (),
    starts_on: dt.date | None = None,
    kind: str | None = None,
    status: str = Project.Status.ACTIVE,
) -> Project:
    """Create a project; with a template, its phases with default durations and actions."""
    _require(actor, "projects.create_project", community)
    project = Project(
        community=community,
        template=template,
        title=title,
        summary=summary,
        description=description,
        goals=goals,
        budget=budget,
        status=status,
        kind=kind or (template.kind if template else "other"),
        created_by=actor,
    )
    project.full_clean(exclude=["community", "template", "created_by"])
    project.save()
    wrong = [s for s in spaces if s.community_id != community.pk]
    if wrong:
        raise ValidationError({"spaces": _("A space belongs to another community.")})
    if spaces:
        project.spaces.set(spaces)
    start = starts_on or phases.today()
    Phase.objects.bulk_create(
        [
            Phase(project=project, order=i, **spec)
            for i, spec in enumerate(phases_from_template(template, start), start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="project.create",
        community=community,
        target=project,
        after={**snapshot(project, PROJECT_FIELDS), "template": template.key if template else None},
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, spaces: Sequence | None = None, **fields) -> Project:
    _require(actor, "projects.manage_project", project)
    before = snapshot(project, PROJECT_FIELDS)
    for name in PROJECT_FIELDS:
        if name in fields:
            setattr(project, name, fields[name])
    project.full_clean(exclude=["community", "template", "created_by"])
    project.save()
    if spaces is not None:
        if any(s.community_id != project.community_id for s in spaces):
            raise ValidationError({"spaces": _("A space belongs to another community.")})
        project.spaces.set(spaces)
    audit_record(
        actor=actor,
        action="project.update",
        community=project.community,
        target=project,
        before=before,
        after=snapshot(project, PROJECT_FIELDS),
    )
    return project


@transaction.atomic
def stakeholder_add(*, actor, project: Project, organisation, role: str) -> Stakeholder:
    _require(actor, "projects.manage_project", project)
    if organisation.community_id != project.community_id:
        raise ValidationError({"organisation": _("This organisation is in another community.")})
    stakeholder, _created = Stakeholder.objects.get_or_create(
        project=project, organisation=organisation, role=role
    )
    audit_record(
        actor=actor,
        action="project.stakeholder_add",
        community=project.community,
        target=project,
        after={"organisation": organisation.pk, "role": role},
    )
    return stakeholder


@transaction.atomic
def team_member_add(*, actor, project: Project, user, role: str) -> TeamMember:
    _require(actor, "projects.manage_project", project)
    member, _created = TeamMember.objects.get_or_create(project=project, user=user, role=role)
    from gongzhi.accounts.access import forget_roles

    forget_roles(user)  # the team rows come with the access rows
    audit_record(
        actor=actor,
        action="project.team_add",
        community=project.community,
        target=project,
        after={"user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def phase_advance(*, actor, project: Project, reason: str = "") -> Phase | None:
    """Close the current phase now and open the next one (explicit, audit-logged)."""
    _require(actor, "projects.manage_project", project)
    phases.forget_phases(project)
    all_phases = list(project.phases.select_for_update().order_by("order"))
    current = phases.current_phase(project)
    now = timezone.now()
    today = phases.today()
    if current is None:
        upcoming = [p for p in all_phases if p.closed_at is None and p.starts_on > today]
        nxt = upcoming[0] if upcoming else None
    else:
        current.closed_at = now
        current.save(update_fields=["closed_at"])
        later = [p for p in all_phases if p.order > current.order]
        nxt = later[0] if later else None
    if nxt is not None:
        nxt.started_at = now
        nxt.closed_at = None
        if nxt.ends_on < today:
            nxt.ends_on = today
        nxt.save(update_fields=["started_at", "closed_at", "ends_on"])
    audit_record(
        actor=actor,
        action="project.phase_advance",
        community=project.community,
        target=project,
        reason=reason,
        before={"phase": current.key if current else None},
        after={"phase": nxt.key if nxt else None},
    )
    phases.forget_phases(project)
    return nxt


@transaction.atomic
def phase_update(*, actor, phase: Phase, name: str, starts_on: dt.date, ends_on: dt.date,
                 actions: dict[str, list[str]], reason: str = "") -> Phase:
    """Change a phase's name, dates and open actions (audit-logged)."""
    _require(actor, "projects.manage_project", phase.project)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    fields = ["name", "starts_on", "ends_on", "actions"]
    before = snapshot(phase, fields)
    phase.name, phase.starts_on, phase.ends_on = name.strip(), starts_on, ends_on
    phase.actions = _clean_actions({a: list(w) for a, w in actions.items() if w})
    phase.full_clean(exclude=["project"])
    phase.save(update_fields=fields)
    audit_record(actor=actor, action="project.phase_update", community=phase.project.community,
                 target=phase.project, before=before, after=snapshot(phase, fields),
                 reason=reason)
    phases.forget_phases(phase.project)
    return phase


@transaction.atomic
def phase_close(*, actor, phase: Phase, reason: str = "") -> Phase:
    """Close a phase early without opening the next one."""
    _require(actor, "projects.manage_project", phase.project)
    phase.closed_at = timezone.now()
    phase.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="project.phase_close",
        community=phase.project.community,
        target=phase.project,
        reason=reason,
        after={"phase": phase.key},
    )
    phases.forget_phases(phase.project)
    return phase



@transaction.atomic
def evaluation_submit(*, actor, project: Project, score: int, comment: str = ""):
    """Evaluate the project (共评) while the evaluation phase is open; once per person,
    a second submission replaces the first."""
    from gongzhi.projects.models import Evaluation

    _require(actor, "projects.evaluate", project)
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Choose a score from 1 to 5.")})
    evaluation, _created = Evaluation.objects.update_or_create(
        project=project, user=actor, defaults={"score": int(score), "comment": comment.strip()})
    return evaluation

