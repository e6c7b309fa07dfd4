"""Deterministic, documented tie-breaking.

A tie (equal score in greedy, equal price per unit of utility in MES, equal load in
Phragmén) is broken by a chain of project properties. The default chain is the one
equalshares.net recommends and the Pabulib checker uses to verify MES results: **lower
cost first, then more votes (supporters)**. Where both are equal we fall back to the
order of the ``PROJECTS`` section (the file order), so results are reproducible; a city
that wants a lottery can pass an explicit order drawn by lot (key ``"explicit"``).

Because every key is a static property of a project, the chain is a total order computed
once per profile: breaking a tie is taking the candidate with the smallest priority.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .profile import PBProfile

TIE_BREAK_KEYS = (
    "min_cost",
    "max_cost",
    "max_votes",
    "min_votes",
    "max_score",
    "project_order",
    "reverse_order",
    "lexico",
    "explicit",
)


def natural_key(text: str) -> tuple:
    """Sort ``"p2"`` before ``"p10"`` (Pabulib ids are often numbers stored as text)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


@dataclass(frozen=True)
class TieBreak:
    """A chain of keys from :data:`TIE_BREAK_KEYS`; ``explicit`` uses ``order`` (ids)."""

    keys: tuple[str, ...] = ("min_cost", "max_votes", "project_order")
    order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [k for k in self.keys if k not in TIE_BREAK_KEYS]
        if unknown:
            raise ValueError(
                f"unknown tie-break key(s) {unknown}; known: {', '.join(TIE_BREAK_KEYS)}"
            )

    @classmethod
    def parse(cls, spec: str | Sequence[str] | TieBreak | None) -> TieBreak:
        """Accept ``"min_cost,max_votes"``, a sequence of keys, or a TieBreak."""
        if spec is None:
            return DEFAULT_TIE_BREAK
        if isinstance(spec, TieBreak):
            return spec
        keys = [k.strip() for k in spec.split(",")] if isinstance(spec, str) else list(spec)
        return cls(tuple(k for k in keys if k))

    def priority(self, profile: PBProfile) -> np.ndarray:
        """``priority[p]``: rank of project ``p`` in the tie-break order (0 = preferred)."""
        explicit = {pid: i for i, pid in enumerate(self.order)}

        def key(p: int) -> tuple:
            parts: list = []
            for k in self.keys:
                if k == "min_cost":
                    parts.append(Fraction(profile.costs[p]))
                elif k == "max_cost":
                    parts.append(-Fraction(profile.costs[p]))
                elif k == "max_votes":
                    parts.append(-int(profile.votes[p]))
                elif k == "min_votes":
                    parts.append(int(profile.votes[p]))
                elif k == "max_score":
                    parts.append(-profile.score_units[p])
                elif k == "project_order":
                    parts.append(p)
                elif k == "reverse_order":
                    parts.append(-p)
                elif k == "lexico":
                    parts.append(natural_key(profile.project_ids[p]))
                elif k == "explicit":
                    parts.append(explicit.get(profile.project_ids[p], len(explicit)))
            parts.append(p)  # total order even if the chain is incomplete
            return tuple(parts)

        order = sorted(range(profile.n_projects), key=key)
        rank = np.empty(profile.n_projects, dtype=np.int64)
        rank[order] = np.arange(profile.n_projects)
        return rank

    def describe(self) -> str:
        words = {
            "min_cost": "lower cost",
            "max_cost": "higher cost",
            "max_votes": "more votes",
            "min_votes": "fewer votes",
            "max_score": "higher score",
            "project_order": "earlier in the file",
            "reverse_order": "later in the file",
            "lexico": "smaller project id",
            "explicit": "the explicit order",
        }
        return ", then ".join(words[k] for k in self.keys)


DEFAULT_TIE_BREAK = TieBreak()
