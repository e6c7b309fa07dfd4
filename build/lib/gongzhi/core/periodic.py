"""Periodic jobs (auto-closing reports, overdue flags, digests).

Apps declare jobs in a ``periodic.py`` module with ``@periodic("name", minutes=N)``.
``gongzhi tick`` runs every job that is due; run it from cron or a systemd timer every
minute on ONE node, or on several: a job claims its slot with a conditional UPDATE on
``PeriodicRun``, so two nodes never run the same job twice in one period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    fn: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}


def periodic(name: str, *, minutes: int) -> Callable[[Callable], Callable]:
    def decorator(fn: Callable) -> Callable:
        _jobs[name] = PeriodicJob(name=name, every=dt.timedelta(minutes=minutes), fn=fn)
        return fn

    return decorator


def periodic_jobs() -> dict[str, PeriodicJob]:
    autodiscover_modules("periodic")
    return dict(_jobs)
