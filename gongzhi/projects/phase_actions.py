"""The phase-action registry: what each participation app can open in a project phase.

Projects own phases; every participation app declares, in its own ``phases.py``, the
actions a phase can open (``decisions.vote``, ``meetings.attend``, ``volunteers.signup``…),
the rule that guards them beyond the phase and the block the project page shows for them.
The registry imports every installed app's ``phases`` module once, when the projects app is
ready (``ProjectsConfig.ready``), so a new app plugs in without editing ``projects``.

A phase stores its open actions as ``{code: [audience, …]}`` (``Phase.actions``); codes are
validated against this registry when a phase is saved. ``phase_allows(user, project, code)``
is the one question every app asks: is the action open in the project's current phase for an
audience the user belongs to, and does the action's own permission (if any) allow it?

This module imports no other participation app. See docs/projects.md ("Phase actions").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from gongzhi.projects.models import Phase, Project

BlockContext = dict[str, Any]
BlockFn = Callable[[HttpRequest, "Project", "Phase | None"], "BlockContext | None"]


@dataclass(frozen=True)
class PhaseAction:
    """One thing a phase can open to an audience.

    ``code``            namespaced ``"<app_label>.<verb>"``
    ``label``           what workers see in the phase editor and residents in "open now"
    ``help_text``       one plain sentence for the phase editor
    ``invitation``      what a participant is invited to do when it is open to them
                        (defaults to ``label``)
    ``perm``            a django-rules permission checked as ``has_perm(perm, project)`` on
                        top of the phase/audience check (never one that itself asks
                        ``phase_allows`` for this code)
    ``block``           ``(request, project, current_phase) -> context | None``: what the
                        project page shows for this action; called for every action that
                        any phase of the project opens (so results stay visible after the
                        phase), returns None when there is nothing to show
    ``block_template``  the template rendered with that context (as ``block``)
    ``anchor``          the id of the block's heading, linked from "what you can do now"
    ``order``           position on the project page and in the phase editor
    """

    code: str
    label: StrOrPromise
    help_text: StrOrPromise = ""
    invitation: StrOrPromise | None = None
    perm: str | None = None
    block: BlockFn | None = None
    block_template: str | None = None
    anchor: str = ""
    order: int = 100

    @property
    def app_label(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def invite(self) -> StrOrPromise:
        return self.invitation or self.label


_registry: dict[str, PhaseAction] = {}
_discovered = False


def register(action: PhaseAction) -> PhaseAction:
    """Add ``action`` (idempotent for the same object; a different one with the same code
    is a programming error)."""
    app, sep, verb = action.code.partition(".")
    if not (app and sep and verb) or "." in verb:
        raise ValueError(f"phase action codes look like 'app.verb', not {action.code!r}")
    if (action.block is None) != (action.block_template is None):
        raise ValueError(f"{action.code}: block and block_template go together")
    existing = _registry.get(action.code)
    if existing is not None and existing != action:
        raise ValueError(f"phase action {action.code!r} is already registered")
    _registry[action.code] = action
    return action


def unregister(code: str) -> None:
    """Remove an action (tests that register a throw-away action)."""
    _registry.pop(code, None)


def autodiscover() -> None:
    """Import every installed app's ``phases`` module (once)."""
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("phases")
    _discovered = True


def registered() -> list[PhaseAction]:
    """All actions, in order (``order``, then code)."""
    autodiscover()
    return sorted(_registry.values(), key=lambda a: (a.order, a.code))


def get(code: str) -> PhaseAction:
    """The action for ``code``; ``KeyError`` for unknown codes."""
    autodiscover()
    return _registry[code]


def is_known(code: str) -> bool:
    autodiscover()
    return code in _registry


def choices() -> list[tuple[str, str]]:
    """``(code, label)`` pairs for the phase editor."""
    return [(a.code, str(a.label)) for a in registered()]


def label(code: str) -> str:
    """The label of ``code``; an unknown code (an uninstalled app) shows as itself."""
    return str(_registry[code].label) if is_known(code) else code


def _real_user(user):
    from django.utils.functional import empty

    wrapped = user.__dict__.get("_wrapped", None)
    return wrapped if wrapped is not None and wrapped is not empty else user


def open_codes(project: Project, *, phase: Phase | None = None) -> list[str]:
    """The registered codes the project's current (or given) phase opens, in order."""
    from gongzhi.projects import phases
    from gongzhi.projects.models import Project

    if project.status != Project.Status.ACTIVE:
        return []
    phase = phase if phase is not None else phases.current_phase(project)
    if phase is None:
        return []
    opened = phase.actions or {}
    return [a.code for a in registered() if opened.get(a.code)]


def used_codes(project: Project) -> list[str]:
    """The registered codes any phase of the project opens (the project page's sections)."""
    from gongzhi.projects import phases

    used: set[str] = set()
    for p in phases.project_phases(project):
        used.update(code for code, who in (p.actions or {}).items() if who)
    return [a.code for a in registered() if a.code in used]


def phase_allows(user, project: Project | None, code: str, *,
                 phase: Phase | None = None) -> bool:
    """``code`` is open in the project's current (or given) phase for an audience ``user``
    belongs to, and the action's own ``perm`` (if any) allows it.

    Reads nothing new when the phases are prefetched and the user's roles were read this
    request (``community_roles``, team and organisation caches on the user object).
    """
    if project is None or user is None or not user.is_authenticated:
        return False
    from gongzhi.projects import phases
    from gongzhi.projects.models import Project

    if project.status != Project.Status.ACTIVE:
        return False
    try:
        action = get(code)
    except KeyError:
        return False
    phase = phase if phase is not None else phases.current_phase(project)
    if phase is None:
        return False
    wanted = set(phase.audiences(code))
    if not wanted:
        return False
    from gongzhi.projects.rules import user_audiences

    user = _real_user(user)
    if not wanted & user_audiences(user, project, wanted):
        return False
    return action.perm is None or user.has_perm(action.perm, project)


def phase_is_open_for(project: Project | None, code: str, *, phase: Phase | None = None
                      ) -> bool:
    """``code`` is open in the current (or given) phase for someone (no audience check):
    for staff steps that follow the phase, such as editing a proposal while proposals are
    open, or telling a resident that voting is open to verified residents."""
    if project is None:
        return False
    return code in open_codes(project, phase=phase)


def open_to_user(user, project: Project, *, phase: Phase | None = None) -> list[PhaseAction]:
    """The actions open to ``user`` now, in order."""
    return [get(code) for code in open_codes(project, phase=phase)
            if phase_allows(user, project, code, phase=phase)]


@dataclass
class Block:
    action: PhaseAction
    template: str
    context: BlockContext


def blocks(request: HttpRequest, project: Project, phase: Phase | None) -> list[Block]:
    """The project page's sections: one per action the project uses that has a block with
    something to show, in order."""
    out: list[Block] = []
    for code in used_codes(project):
        action = get(code)
        if action.block is None or action.block_template is None:
            continue
        context = action.block(request, project, phase)
        if context is not None:
            out.append(Block(action, action.block_template, context))
    return out


def clean_actions(actions: dict | None) -> dict[str, list[str]]:
    """Validate ``{code: [audience, …]}`` against the registry and the audiences; drop
    actions open to nobody. Raises ``ValidationError`` in the user's language."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from gongzhi.projects.models import Audience

    if actions is None:
        return {}
    if not isinstance(actions, dict):
        raise ValidationError(_("Open actions must map an action to its audiences."))
    known_audiences = set(Audience.values)
    clean: dict[str, list[str]] = {}
    for code, audiences in actions.items():
        code = LEGACY_CODES.get(code, code)
        if not is_known(code):
            raise ValidationError(_("Unknown phase action: %(a)s") % {"a": code})
        if isinstance(audiences, str) or not isinstance(audiences, list | tuple):
            raise ValidationError(_("Audiences of %(a)s must be a list.") % {"a": code})
        bad = [str(a) for a in audiences if a not in known_audiences]
        if bad:
            raise ValidationError(_("Unknown audience: %(a)s") % {"a": ", ".join(bad)})
        if audiences:
            clean[code] = list(dict.fromkeys(audiences))
    return clean


# The closed enum this registry replaced (``projects.Action`` until migration 0004), so
# stored templates, API clients and the data migration map old values to codes.
LEGACY_CODES: dict[str, str] = {
    "propose": "projects.propose",
    "comment": "projects.comment",
    "support": "projects.support",
    "signup": "projects.signup",
    "evaluate": "projects.evaluate",
    "vote": "decisions.vote",
    "attend": "meetings.attend",
}
