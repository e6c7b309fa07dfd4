"""The phase action of decisions: voting on a project's ballots (``decisions.vote``).

A ballot linked to a project (``Ballot.project``) accepts online votes only while the
project's current phase opens ``decisions.vote`` to an audience the voter belongs to — on top
of the ballot's own rules (open, voter on the frozen list). See ``decisions/rules.py`` and
docs/projects.md ("Phase actions").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, phase_allows, register

CODE = "decisions.vote"


def _ballots_block(request, project, phase) -> dict | None:
    from gongzhi.decisions.models import BallotState
    from gongzhi.decisions.selectors import project_ballots

    ballots = project_ballots(project)
    if not ballots:
        return None
    may_vote = phase_allows(request.user, project, CODE, phase=phase)
    return {"ballots": ballots, "may_vote": may_vote, "open_state": BallotState.OPEN,
            "closed_state": BallotState.CLOSED}


def require_phase_for_vote(user, ballot) -> None:
    """Refuse a vote on a project's ballot outside the phase that opens voting."""
    if ballot.project_id is not None and not phase_allows(user, ballot.project, CODE):
        raise PermissionDenied(gettext(
            "Voting on this ballot is not open in the project's current phase."))


register(PhaseAction(
    code=CODE, label=_("Vote"), order=50, anchor="h-ballots",
    help_text=_("Eligible residents vote on the project's ballots while this phase is open."),
    invitation=_("Vote on the project's ballot"),
    block=_ballots_block, block_template="decisions/project_block.html"))
