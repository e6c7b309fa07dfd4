"""The plan of a seeded district and the COPY loader it is written with."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone


class SeedError(RuntimeError):
    """The target database cannot be seeded (not PostgreSQL, not empty, ...)."""


@dataclass
class Plan:
    """How many of each thing; ``scale`` multiplies the district's sizes."""

    scale: float
    residents: int = 0
    communities: int = 0
    subdistricts: int = 0
    proposals: int = 0
    supports: int = 0
    ballot_votes: int = 0
    reports: int = 0
    spaces_per_community: int = 30
    meetings_per_community: int = 20
    projects_per_community: int = 4
    workers_per_community: int = 4
    verified_share: float = 0.7

    def __post_init__(self) -> None:
        s = self.scale
        if not 0 < s <= 10:
            raise SeedError("--scale must be above 0 and at most 10")
        self.residents = max(60, round(1_000_000 * s))
        self.communities = max(3, round(300 * s))
        self.subdistricts = max(1, min(self.communities, round(12 * s)))
        self.proposals = max(30, round(100_000 * s))
        self.supports = max(100, round(500_000 * s))
        self.ballot_votes = max(60, round(500_000 * s))
        self.reports = max(60, round(1_000_000 * s))
        if s < 0.05:
            self.spaces_per_community = 10
            self.meetings_per_community = 5


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _const(f: models.Field, now: dt.datetime) -> Any:
    """The value COPY writes for a column the generator does not give."""
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        default = f.default
        if callable(default):
            if default is timezone.now:
                return now
            if default in (dict, list):
                return json.dumps(default())
            raise SeedError(f"{f.model.__name__}.{f.name} has a random default: give it")
        if isinstance(f, models.JSONField):
            return json.dumps(default)
        return default
    if f.null:
        return None
    if isinstance(f, (models.CharField, models.TextField, models.FileField)):
        return ""
    raise SeedError(f"{f.model.__name__}.{f.name} is required: give it")


@dataclass
class Loader:
    """Writes rows of a model with COPY; columns not given get their constant default."""

    cursor: Any
    now: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def copy(self, model: type[models.Model], columns: Sequence[str],
             rows: Iterable[Sequence[Any]]) -> int:
        meta = model._meta
        given = list(columns)
        extra: list[tuple[str, Any]] = []
        for f in meta.concrete_fields:
            if f.attname in given:
                continue
            if f.primary_key and isinstance(f, models.AutoField):
                continue
            extra.append((f.column, _const(f, self.now)))
        by_attname = {f.attname: f.column for f in meta.concrete_fields}
        names = [by_attname[c] for c in given]
        cols = ", ".join(f'"{c}"' for c in names + [c for c, _v in extra])
        tail = tuple(v for _c, v in extra)
        start = time.perf_counter()
        n = 0
        with self.cursor.copy(f'COPY "{meta.db_table}" ({cols}) FROM STDIN') as cp:
            for row in rows:
                cp.write_row(tuple(row) + tail)
                n += 1
        self.counts[meta.label] = self.counts.get(meta.label, 0) + n
        self.seconds[meta.label] = self.seconds.get(meta.label, 0) + time.perf_counter() - start
        return n


@dataclass
class CommunityPlan:
    pk: int
    slug: str
    lat: float
    lon: float
    residents: list[int] = field(default_factory=list)      # user ids
    verified: list[int] = field(default_factory=list)
    workers: list[int] = field(default_factory=list)
    orgs: list[int] = field(default_factory=list)
    spaces: list[int] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)
    propose_phases: list[int] = field(default_factory=list)


