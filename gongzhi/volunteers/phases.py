"""The phase action of the volunteer corps: signing up for a project's shifts.

An opportunity linked to a project takes sign-ups only while the project's current phase
opens ``volunteers.signup`` to the person (``volunteers/rules.py``). The project page shows
the project's upcoming shifts.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, phase_allows, register

CODE = "volunteers.signup"


def _shifts_block(request, project, phase) -> dict | None:
    from gongzhi.volunteers import selectors

    shifts = list(selectors.upcoming_shifts(project.community, project=project, limit=20))
    if not shifts:
        return None
    return {"shifts": selectors.attach_mine(request.user, shifts),
            "open_to_you": phase_allows(request.user, project, CODE, phase=phase)}


register(PhaseAction(
    code=CODE, label=_("Volunteer shifts"), order=70, anchor="h-shifts",
    help_text=_("Residents sign up for the volunteer shifts of the project."),
    invitation=_("Sign up for a volunteer shift"),
    block=_shifts_block, block_template="volunteers/project_block.html"))
