"""The phase action of meetings: registering for and attending a project's meetings.

A meeting linked to a project (``Meeting.project``) takes registrations and check-ins only
while the project's current phase opens ``meetings.attend`` to an audience the person
belongs to — on top of the meeting's own rules (its audience, invited organisations). See
``meetings/rules.py`` and docs/projects.md ("Phase actions").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, register

CODE = "meetings.attend"


def _meetings_block(request, project, phase) -> dict | None:
    from gongzhi.meetings.selectors import meetings_visible_to

    meetings = list(meetings_visible_to(request.user, project.community)
                    .filter(project=project).select_related("space")
                    .order_by("starts_at", "id")[:50])
    if not meetings:
        return None
    cutoff = timezone.now() - dt.timedelta(hours=6)
    return {"upcoming": [m for m in meetings if m.starts_at >= cutoff],
            "past": [m for m in meetings if m.starts_at < cutoff][::-1]}


register(PhaseAction(
    code=CODE, label=_("Attend meetings"), order=40, anchor="h-meetings",
    help_text=_("People register for and check in to the project's meetings."),
    invitation=_("Come to the meetings"),
    block=_meetings_block, block_template="meetings/project_block.html"))
