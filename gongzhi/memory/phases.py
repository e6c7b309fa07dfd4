"""The phase action of the memory archive: collecting the compound's history stories.

A project phase can open ``memory.collect`` (征集小区历史故事, as S community did before
building its garden): while it is open to them, residents see a "share a story" block on
the project page and their stories are linked to the project. The block keeps showing the
project's published stories after the phase.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.projects.phase_actions import PhaseAction, phase_allows, register

CODE = "memory.collect"


def _stories_block(request, project, phase) -> dict | None:
    from gongzhi.memory import selectors

    open_to_you = phase_allows(request.user, project, CODE, phase=phase)
    items = list(selectors.published_items(request.user, project.community)
                 .filter(project=project).order_by("year_from", "id")[:10])
    if not items and not open_to_you:
        return None
    return {"items": items, "open_to_you": open_to_you}


register(PhaseAction(
    code=CODE, label=_("Collect history stories"), order=80, anchor="h-memory",
    help_text=_("Residents share stories, photos and recordings of the place for the "
                "community museum."),
    invitation=_("Share a story of this place"),
    block=_stories_block, block_template="memory/project_block.html"))
