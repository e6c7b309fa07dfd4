"""Which phase a project is in, derived from dates (and explicit opens/closes by a worker),
and the phase actions of the projects app itself (the registry discovers this module as it
discovers every app's ``phases.py``).

``today()`` is the single clock every phase check reads, so tests freeze a phase by
patching it (see ``gongzhi/projects/tests/helpers.py: freeze_phase``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.compiled import set_prefetched
from gongzhi.projects import phase_actions
from gongzhi.projects.models import Phase, Project
from gongzhi.projects.phase_actions import PhaseAction, register


def today() -> dt.date:
    return timezone.localdate()


def project_phases(project: Project) -> list[Phase]:
    """The phases in order, read once per project instance (prefetch-aware)."""
    cached = project.__dict__.get("_gz_phases")
    if cached is None:
        cached = sorted(project.phases.all(), key=lambda p: p.order)
        project.__dict__["_gz_phases"] = cached
    return cached


def set_phases(project: Project, rows: list[Phase]) -> None:
    """Give ``project`` its phases read elsewhere (in order), as a prefetch would."""
    rows = sorted(rows, key=lambda p: p.order)
    project.__dict__["_gz_phases"] = rows
    set_prefetched(project, "phases", rows)


def forget_phases(project: Project) -> None:
    project.__dict__.pop("_gz_phases", None)
    project.__dict__.pop("_gz_current", None)
    if hasattr(project, "_prefetched_objects_cache"):
        project._prefetched_objects_cache.pop("phases", None)


def current_phase(project: Project, on: dt.date | None = None) -> Phase | None:
    """The open phase (the latest in order if several overlap), or None."""
    key = "_gz_current"
    if on is None and key in project.__dict__:
        return project.__dict__[key]
    day = on or today()
    open_phases = [p for p in project_phases(project) if p.is_open(day)]
    phase = open_phases[-1] if open_phases else None
    if on is None:
        project.__dict__[key] = phase
    return phase


@dataclass
class TimelineEntry:
    phase: Phase
    state: str  # "done" | "current" | "upcoming"


def timeline(project: Project) -> list[TimelineEntry]:
    day = today()
    current = current_phase(project)
    entries = []
    for phase in project_phases(project):
        if current is not None and phase.pk == current.pk:
            state = "current"
        elif phase.closed_at is not None or phase.ends_on < day or (
            current is not None and phase.order < current.order
        ):
            state = "done"
        else:
            state = "upcoming"
        entries.append(TimelineEntry(phase, state))
    return entries


def phase_allows_action(project: Project, action: str) -> bool:
    """The current phase opens ``action`` (a registry code) to someone."""
    return phase_actions.phase_is_open_for(project, action)


# --- the phase actions of projects itself (the registry: projects/phase_actions.py) --------
#
# Blocks are the project page's sections for these actions; each returns None when there is
# nothing to show (so a contest without co-building shows no task list).

def _proposals_block(request, project: Project, phase: Phase | None) -> dict:
    from gongzhi.projects import selectors

    user = request.user
    return {"proposals": selectors.top_proposals(project, user),
            "can_propose": user.has_perm("projects.propose", project)}


def _tasks_block(request, project: Project, phase: Phase | None) -> dict | None:
    from gongzhi.projects import forms, selectors

    user = request.user
    can_manage = user.has_perm("projects.manage_project", project)
    tasks = selectors.tasks_for(project, user)
    if not tasks and not can_manage:
        return None
    return {"tasks": tasks, "can_sign_up": user.has_perm("projects.sign_up", project),
            "task_form": forms.TaskForm() if can_manage else None}


def _donations_block(request, project: Project, phase: Phase | None) -> dict | None:
    from gongzhi.projects import forms

    user = request.user
    donations = list(project.donations.select_related("donor")[:50])
    can_donate = user.has_perm("projects.donate", project)
    if not donations and not can_donate:
        return None
    return {"donations": donations, "can_donate": can_donate,
            "donation_form": forms.DonationForm() if can_donate else None}


def _evaluation_block(request, project: Project, phase: Phase | None) -> dict | None:
    from gongzhi.projects import forms, selectors

    summary = selectors.evaluation_summary(project)
    can_evaluate = request.user.has_perm("projects.evaluate", project)
    if not summary["n"] and not can_evaluate and not phase_actions.phase_is_open_for(
            project, "projects.evaluate"):
        return None
    return {"evaluation_summary": summary, "can_evaluate": can_evaluate,
            "evaluation_form": forms.EvaluationForm() if can_evaluate else None}


register(PhaseAction(
    code="projects.propose", label=_("Propose"), order=10, anchor="h-proposals",
    help_text=_("Residents make proposals or pin ideas on the map."),
    invitation=_("Make a proposal or pin an idea"),
    block=_proposals_block, block_template="projects/blocks/proposals.html"))
register(PhaseAction(
    code="projects.comment", label=_("Comment"), order=20, anchor="h-proposals",
    help_text=_("People comment on the project and its proposals."),
    invitation=_("Comment on proposals")))
register(PhaseAction(
    code="projects.support", label=_("Support"), order=30, anchor="h-proposals",
    help_text=_("People support the proposals they like (one support each)."),
    invitation=_("Support the proposals you like")))
register(PhaseAction(
    code="projects.signup", label=_("Sign up for co-building tasks"), order=60,
    anchor="h-tasks",
    help_text=_("People sign up for the project's co-building tasks (共建)."),
    invitation=_("Sign up for a co-building task"),
    block=_tasks_block, block_template="projects/blocks/tasks.html"))
register(PhaseAction(
    code="projects.donate", label=_("Pledge materials"), order=65, anchor="h-donations",
    help_text=_("People pledge materials for the project (变废为宝)."),
    invitation=_("Pledge materials"),
    block=_donations_block, block_template="projects/blocks/donations.html"))
register(PhaseAction(
    code="projects.evaluate", label=_("Evaluate"), order=80, anchor="h-eval",
    help_text=_("Participants give the project a score and a comment (共评)."),
    invitation=_("Evaluate the project"),
    block=_evaluation_block, block_template="projects/blocks/evaluation.html"))
