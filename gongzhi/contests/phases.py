"""The phase actions of contests: sending entries and voting on them.

A contest linked to a project (``Contest.project``) takes entries only while the project's
current phase opens ``contests.enter`` to the person, and its vote page takes votes only
while it opens ``contests.vote`` (``contests/rules.py``); the shipped contest template
(``projects/template_data.py``) opens them instead of the proposal form. The project page
shows the project's contests (one block, under ``contests.enter``).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, register

ENTER = "contests.enter"
VOTE = "contests.vote"


def _contests_block(request, project, phase) -> dict | None:
    from gongzhi.contests import selectors

    user = request.user
    contests = list(selectors.contests_visible(project.community, user)
                    .filter(project=project).order_by("submission_opens"))
    can_manage = user.has_perm("contests.create", project.community)
    if not contests and not can_manage:
        return None
    return {"contests": contests,
            "can_enter": {c.pk for c in contests if user.has_perm("contests.enter", c)},
            "can_vote": {c.pk for c in contests if user.has_perm("contests.vote", c)},
            "create_url": reverse("contests:create", args=[project.community.slug])
            if can_manage else ""}


register(PhaseAction(
    code=ENTER, label=_("Contest entries"), order=25, anchor="h-contest",
    help_text=_("Residents send entries (a picture or a name) to the project's contest."),
    invitation=_("Send an entry to the contest"),
    block=_contests_block, block_template="contests/project_block.html"))

register(PhaseAction(
    code=VOTE, label=_("Contest vote"), order=26, anchor="h-contest",
    help_text=_("Residents vote on the contest's entries in the gallery."),
    invitation=_("Vote on the contest entries")))
