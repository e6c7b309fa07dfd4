"""Phase actions of deliberation for the projects' phase-action registry.

``deliberation.vote`` and ``deliberation.propose_statement`` are open in a project phase when
the phase lists them; a conversation that belongs to a project then needs both the phase
(``rules._phase_allows``) and the conversation's own rules. ``perm`` stays None: our own
rules already call ``phase_allows`` and a perm here would check it twice (and recurse).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, register


def project_block(request, project, phase) -> dict | None:
    """The project page lists the project's open conversations."""
    from gongzhi.deliberation.models import Conversation

    conversations = list(Conversation.objects.filter(
        project=project, state=Conversation.State.OPEN).order_by("-created_at")[:5])
    if not conversations:
        return None
    return {"conversations": conversations, "community": project.community}


register(PhaseAction(
    code="deliberation.vote", label=_("Agree or disagree with statements"),
    help_text=_("Residents vote agree, disagree or pass on the statements of the "
                "project's conversations; the opinion map shows the groups and what "
                "they all agree on."),
    invitation=_("Say what you think of the statements"), anchor="delib-block-h",
    block=project_block, block_template="deliberation/_phase_block.html", order=60))
register(PhaseAction(
    code="deliberation.propose_statement", label=_("Write statements"),
    help_text=_("Residents add short statements to the project's conversations."),
    order=61))
