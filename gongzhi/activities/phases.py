"""The phase action of activities: registering for a project's activities.

An activity linked to a project (e.g. the garden's 共建日, a co-building day) takes
registrations only while the project's current phase opens ``activities.register`` to the
person (``activities/rules.py``). The project page shows the project's coming dates.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, phase_allows, register

CODE = "activities.register"


def _dates_block(request, project, phase) -> dict | None:
    from gongzhi.activities import selectors
    from gongzhi.activities.models import Occurrence

    occs = list(Occurrence.objects.filter(activity__project=project,
                                          ends_at__gte=timezone.now())
                .select_related("activity__space").order_by("starts_at")[:12])
    if not occs:
        return None
    return {"occurrences": selectors.attach_mine(request.user, occs),
            "open_to_you": phase_allows(request.user, project, CODE, phase=phase)}


register(PhaseAction(
    code=CODE, label=_("Activities"), order=75, anchor="h-activities",
    help_text=_("Residents register for the project's activities, e.g. a co-building day."),
    invitation=_("Register for an activity of the project"),
    block=_dates_block, block_template="activities/project_block.html"))
