"""The phase action of surveys: answering a project's survey (``surveys.respond``).

A 需求调查 (needs survey) or 共评 (evaluation) phase opens ``surveys.respond``; a survey
linked to a project (``Survey.project``) then accepts answers only while the project's
current phase opens it to an audience the respondent belongs to — on top of the survey's own
rules (open, member of the community, or anyone with the link for an anonymous survey). See
``surveys/rules.py`` and docs/projects.md ("Phase actions").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, phase_allows, register

CODE = "surveys.respond"


def phase_opens(user, survey) -> bool:
    """True for a survey outside any project; for a project's survey, whether the current
    phase opens answering to this person (anyone, for an anonymous link survey, while the
    phase opens it at all)."""
    if survey is None or survey.project_id is None:
        return True
    project = survey.project
    if survey.anonymous and not getattr(user, "is_authenticated", False):
        from gongzhi.projects import phases
        from gongzhi.projects.models import Project

        phase = phases.current_phase(project)
        return (project.status == Project.Status.ACTIVE and phase is not None
                and bool(phase.audiences(CODE)))
    return phase_allows(user, project, CODE)


def _surveys_block(request, project, phase) -> dict | None:
    from gongzhi.surveys.models import Survey

    surveys = list(Survey.objects.filter(project=project)
                   .exclude(status=Survey.Status.DRAFT).order_by("-opened_at", "-id"))
    if not surveys:
        return None
    may_respond = phase_allows(request.user, project, CODE, phase=phase)
    return {"surveys": surveys, "may_respond": may_respond,
            "open_status": Survey.Status.OPEN}


register(PhaseAction(
    code=CODE, label=_("Answer a survey"), order=45, anchor="h-surveys",
    help_text=_("Residents answer the project's surveys (a needs survey before planning, "
                "an evaluation after building) while this phase is open."),
    invitation=_("Answer the project's survey"),
    block=_surveys_block, block_template="surveys/project_block.html"))
