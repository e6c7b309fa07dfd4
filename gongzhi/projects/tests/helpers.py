"""Test helpers: freeze a project in a phase (the adhocracy4 pattern), build projects."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from gongzhi.projects import phases as phases_mod
from gongzhi.projects.models import Phase, Project


@contextlib.contextmanager
def freeze_phase(phase: Phase) -> Iterator[Phase]:
    """Run the block on a day inside ``phase`` (its first day)."""
    with freeze_day(phase.starts_on):
        phases_mod.forget_phases(phase.project)
        yield phase
    phases_mod.forget_phases(phase.project)


@contextlib.contextmanager
def freeze_day(day: dt.date) -> Iterator[dt.date]:
    with mock.patch.object(phases_mod, "today", return_value=day):
        yield day


@contextlib.contextmanager
def freeze_after(project: Project) -> Iterator[dt.date]:
    """A day after the project's last phase ended (nothing open)."""
    last = max(p.ends_on for p in project.phases.all())
    with freeze_day(last + dt.timedelta(days=1)) as day:
        phases_mod.forget_phases(project)
        yield day
    phases_mod.forget_phases(project)


def fresh(user):
    """Drop per-request permission caches from a user object."""
    for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_project_team",
                "_gz_project_orgs"):
        user.__dict__.pop(key, None)
    return user
