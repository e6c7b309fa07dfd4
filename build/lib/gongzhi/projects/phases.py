"""Which phase a project is in, derived from dates (and explicit opens/closes by a worker).

``today()`` is the single clock every phase check reads, so tests freeze a phase by
patching it (see ``gongzhi/projects/tests/helpers.py: freeze_phase``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gongzhi.projects.models import Phase, Project


def today() -> dt.date:
    return timezone.localdate()


def project_phases(project: Project) -> list[Phase]:
    """The phases in order, read once per project instance (prefetch-aware)."""
    cached = project.__dict__.get("_gz_phases")
    if cached is None:
        cached = sorted(project.phases.all(), key=lambda p: p.order)
        project.__dict__["_gz_phases"] = cached
    return cached


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
    if project.status != Project.Status.ACTIVE:
        return False
    phase = current_phase(project)
    return phase is not None and action in (phase.actions or {})
