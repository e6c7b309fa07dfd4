"""Participation equity: who takes part, against who lives here.

- Representation ratio of group g: (participants in g / all participants) ÷ (residents in g
  / all residents). 1 = proportional; below 1 = under-represented. Undefined (None) for a
  group with no residents.
- Duncan's dissimilarity index D = ½ Σ_g |p_g − r_g| with p, r the participant and
  resident shares: the share of participants who would have to belong to another group for
  participation to mirror the community (0 = mirror, 1 = complete separation).
- Gini of participation across buildings: the Gini coefficient of the participation rates
  (participants per household) of the buildings, G = Σ_i Σ_j |x_i − x_j| / (2 n² x̄),
  0 = every building takes part equally.
- Funnel: counts of distinct people at each step and the share of the first step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GroupShare:
    group: str
    residents: int
    participants: int
    resident_share: float
    participant_share: float
    ratio: float | None


def representation(residents: Mapping[str, int], participants: Mapping[str, int]
                   ) -> list[GroupShare]:
    """Shares and representation ratios per group (groups of either mapping)."""
    groups = list(dict.fromkeys([*residents, *participants]))
    rt = sum(residents.values())
    pt = sum(participants.values())
    out = []
    for g in groups:
        r = residents.get(g, 0)
        p = participants.get(g, 0)
        rs = r / rt if rt else 0.0
        ps = p / pt if pt else 0.0
        out.append(GroupShare(g, r, p, rs, ps, (ps / rs) if rs > 0 and pt else None))
    return out


def duncan(residents: Mapping[str, int], participants: Mapping[str, int]) -> float | None:
    """Duncan's dissimilarity index between participants and residents (None if either is
    empty)."""
    if not sum(residents.values()) or not sum(participants.values()):
        return None
    return 0.5 * sum(abs(s.participant_share - s.resident_share)
                     for s in representation(residents, participants))


def gini(values: Sequence[float]) -> float | None:
    """Gini coefficient of non-negative values (None for none or all zero)."""
    xs = [float(v) for v in values]
    if not xs:
        return None
    if any(v < 0 for v in xs):
        raise ValueError("the Gini coefficient needs non-negative values")
    n = len(xs)
    mean = sum(xs) / n
    if mean == 0:
        return None
    xs.sort()
    # Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i) for sorted x, i = 1..n
    s = sum((2 * i - n - 1) * x for i, x in enumerate(xs, start=1))
    return s / (n * n * mean)


@dataclass(frozen=True)
class FunnelStep:
    step: str
    people: int
    share_of_first: float | None


def funnel(steps: Sequence[tuple[str, int]]) -> list[FunnelStep]:
    first = steps[0][1] if steps else 0
    return [FunnelStep(name, n, (n / first) if first else None) for name, n in steps]


def repeat_share(actions_per_person: Mapping[Any, int], at_least: int = 2) -> float | None:
    """Share of participants with at least ``at_least`` distinct kinds of action."""
    if not actions_per_person:
        return None
    return sum(1 for v in actions_per_person.values() if v >= at_least) / len(
        actions_per_person)
