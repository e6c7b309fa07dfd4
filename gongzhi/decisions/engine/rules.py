"""Rule names, and computing the outcome a Pabulib file asks for.

Canonical names follow Pabulib's META ``rule`` values; aliases are accepted
case-insensitively (see :data:`ALIASES` and docs/decisions-engine.md):

=============================  ==============================================================
``greedy``                     greedy by score, skipping projects that do not fit
``greedy-no-skip``             greedy by score, stopping at the first project that does not fit
``greedy-threshold``           ``greedy`` restricted to score >= META min_project_score_threshold
``greedy-cost``                greedy by score per unit of cost, skipping
``equalshares``                MES, cost utilities, no completion
``equalshares/add1``           MES, cost utilities, add1 completion
``equalshares-comparison``     MES, then the comparison step against greedy
``equalshares/add1-comparison`` MES + add1, then the comparison step
``equalshares-cardinality``    MES with cardinality utilities (also ``.../add1``)
``phragmen``                   sequential Phragmén (stop at the first project that does not fit)
=============================  ==============================================================

``unknown`` (and Pabulib's ``greedy-exclusive`` / ``greedy-custom``, whose extra conditions
are only described in prose) are computed with ``greedy`` and say so in the notes.

META ``leftover_budget`` (Amsterdam: "Fund additional projects that fit within leftover
budget ordered by score") is honoured by filling the budget left by the main rule with a
greedy pass by score.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from .greedy import greedy
from .mes import equal_shares, equal_shares_add1
from .outcome import Outcome
from .pabulib import PBElection, parse_number
from .phragmen import sequential_phragmen
from .profile import PBProfile
from .tiebreak import DEFAULT_TIE_BREAK, TieBreak

RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "greedy-cost",
    "equalshares",
    "equalshares/add1",
    "equalshares-comparison",
    "equalshares/add1-comparison",
    "equalshares-cardinality",
    "equalshares-cardinality/add1",
    "phragmen",
)

ALIASES = {
    "greedy-skip": "greedy",
    "utilitarian": "greedy",
    "greedy-av": "greedy",
    "greedy-score": "greedy",
    "greedy-noskip": "greedy-no-skip",
    "greedy-stop": "greedy-no-skip",
    "greedy-ratio": "greedy-cost",
    "greedy/cost": "greedy-cost",
    "greedy-per-cost": "greedy-cost",
    "mes": "equalshares",
    "equal-shares": "equalshares",
    "mes/add1": "equalshares/add1",
    "equalshares-add1": "equalshares/add1",
    "equalshares/comparison": "equalshares-comparison",
    "equalshares/add1/comparison": "equalshares/add1-comparison",
    "equalshares-add1-comparison": "equalshares/add1-comparison",
    "equalshares/cardinality": "equalshares-cardinality",
    "equalshares/cardinality/add1": "equalshares-cardinality/add1",
    "equalshares-cardinality-add1": "equalshares-cardinality/add1",
    "phragmén": "phragmen",
    "seq-phragmen": "phragmen",
    "sequential-phragmen": "phragmen",
}

FALLBACK_TO_GREEDY = ("unknown", "greedy-exclusive", "greedy-custom")


class UnknownRuleError(ValueError):
    """Raised for rule names we do not implement; the message lists the known ones."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"unknown rule {name!r}; known rules: {', '.join(RULES)} "
            f"(aliases: {', '.join(sorted(ALIASES))}; "
            f"{', '.join(FALLBACK_TO_GREEDY)} fall back to greedy)"
        )


@dataclass(frozen=True)
class ResolvedRule:
    name: str
    note: str | None = None


def resolve_rule(name: str | None) -> ResolvedRule:
    """Canonical rule for ``name``; ``None``/empty behaves like ``unknown``."""
    key = (name or "unknown").strip().lower()
    key = ALIASES.get(key, key)
    if key in RULES:
        return ResolvedRule(key)
    if key in FALLBACK_TO_GREEDY:
        return ResolvedRule(
            "greedy",
            f"rule {name or 'unknown'!r} cannot be computed exactly from the file; "
            "falling back to greedy (by score, skipping projects that do not fit)",
        )
    raise UnknownRuleError(name or "")


def compute(
    source: PBElection | PBProfile,
    rule: str | None = None,
    *,
    tie_break: TieBreak | str | None = None,
    honour_leftover: bool = True,
    threshold: Fraction | int | None = None,
) -> Outcome:
    """Compute an outcome; ``rule=None`` uses the rule named in META."""
    profile = source if isinstance(source, PBProfile) else PBProfile.from_election(source)
    meta = profile.meta
    requested = rule if rule is not None else meta.get("rule")
    resolved = resolve_rule(requested)
    tb = TieBreak.parse(tie_break) if tie_break is not None else DEFAULT_TIE_BREAK
    name = resolved.name
    notes = [resolved.note] if resolved.note else []
    if name == "greedy-threshold" and threshold is None:
        raw = meta.get("min_project_score_threshold", "").strip()
        if raw:
            threshold = parse_number(raw)
        else:
            threshold = 0
            notes.append(
                "greedy-threshold without META min_project_score_threshold: no threshold applied"
            )

    outcome = _dispatch(profile, name, tb, threshold)
    leftover = meta.get("leftover_budget", "")
    if honour_leftover and _leftover_by_score(leftover) and name != "greedy":
        before = len(outcome.selected)
        filled = greedy(
            profile, tie_break=tb, initial=[profile.index[p] for p in outcome.selected], rule=name
        )
        if len(filled.selected) > before:
            notes.append(
                "leftover budget spent on further projects by score (META leftover_budget)"
            )
        outcome.selected, outcome.cost = filled.selected, filled.cost
        outcome.details["leftover_completion"] = filled.details["rows"]
    outcome.notes.extend(notes)
    return outcome


def _leftover_by_score(text: str) -> bool:
    low = text.lower()
    return bool(low) and "fund" in low and ("score" in low or "vote" in low)


def _dispatch(profile: PBProfile, name: str, tb: TieBreak, threshold) -> Outcome:
    if name == "greedy":
        return greedy(profile, tie_break=tb, rule=name)
    if name == "greedy-no-skip":
        return greedy(profile, variant="no-skip", tie_break=tb, rule=name)
    if name == "greedy-threshold":
        return greedy(profile, threshold=threshold, tie_break=tb, rule=name)
    if name == "greedy-cost":
        return greedy(profile, by="ratio", tie_break=tb, rule=name)
    if name == "phragmen":
        return sequential_phragmen(profile, tie_break=tb, rule=name)
    utility: Literal["cost", "cardinality"] = "cardinality" if "cardinality" in name else "cost"
    if "/add1" in name:
        outcome = equal_shares_add1(profile, utility=utility, tie_break=tb, rule=name)
    else:
        outcome = equal_shares(profile, utility=utility, tie_break=tb, rule=name)
    if name.endswith("comparison"):
        comparison_step(profile, outcome, tb)
    return outcome


def voter_satisfaction(profile: PBProfile, selected: list[str]) -> np.ndarray:
    """Per voter type: number (or points) of selected projects she supports."""
    sat = np.zeros(len(profile.type_mult), dtype=np.int64)
    for pid in selected:
        p = profile.index[pid]
        np.add.at(sat, profile.supporters(p), profile.weights(p))
    return sat


def comparison_step(profile: PBProfile, outcome: Outcome, tb: TieBreak) -> dict[str, Any]:
    """equalshares.net's comparison step: keep MES unless more voters prefer greedy.

    A voter prefers the outcome in which more of the projects she supports are funded
    (points for cumulative ballots). Greedy here is by votes, skipping.
    """
    other = greedy(profile, tie_break=tb)
    mes_sat = voter_satisfaction(profile, outcome.selected)
    gr_sat = voter_satisfaction(profile, other.selected)
    mult = profile.type_mult
    prefers_mes = int(mult[mes_sat > gr_sat].sum())
    prefers_greedy = int(mult[gr_sat > mes_sat].sum())
    info = {
        "prefers_mes": prefers_mes,
        "prefers_greedy": prefers_greedy,
        "greedy_selected": other.selected,
        "kept": "mes",
    }
    if prefers_greedy > prefers_mes:
        outcome.selected, outcome.cost = other.selected, other.cost
        info["kept"] = "greedy"
        outcome.notes.append(
            f"comparison step: {prefers_greedy} voters prefer the greedy outcome and "
            f"{prefers_mes} the MES outcome, so the greedy outcome is used"
        )
    outcome.details["comparison"] = info
    return info
