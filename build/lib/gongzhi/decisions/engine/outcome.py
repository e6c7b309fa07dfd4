"""The result type shared by all PB rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .pabulib import Number


def json_number(value: Number | float) -> int | float:
    """Numbers for JSON: ints when integral, otherwise floats."""
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


@dataclass
class Outcome:
    """Selected projects in selection order, with a JSON-serialisable explanation.

    ``details`` is rule-specific (see :mod:`.explain`); ``notes`` are sentences meant for
    people (e.g. "rule 'unknown' in META: computed with greedy").
    """

    rule: str
    selected: list[str]
    cost: Number
    budget: Number
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "selected": list(self.selected),
            "cost": json_number(self.cost),
            "budget": json_number(self.budget),
        }
