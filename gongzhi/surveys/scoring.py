"""Scale scores and psychometrics of a survey's responses, through the engine.

Items of a subscale are the numeric questions with that ``subscale``; select_one items
score by their choice value (which must be numeric). Reverse items are scored
``min + max − x`` with the item's own range (its choice values). A respondent's subscale
score is the mean of their answered items when they answered at least half of them
(person-mean rule, rounded up), else missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gongzhi.surveys.engine.change import PairedChange, paired_change
from gongzhi.surveys.engine.items import reverse, scale_scores
from gongzhi.surveys.engine.reliability import Reliability, reliability
from gongzhi.surveys.formdef import FormDef, Question


def _value(q: Question, answers: dict[str, Any]) -> float:
    v = answers.get(q.name)
    if v is None or v in ("", []):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def item_matrix(form: FormDef, items: list[Question], rows: list[dict[str, Any]]
                ) -> np.ndarray:
    x = np.array([[_value(q, a) for q in items] for a in rows], dtype=float).reshape(
        len(rows), len(items))
    for j, q in enumerate(items):
        if q.reverse:
            rng = form.scale_range(q)
            if rng is None:
                col = x[:, j][~np.isnan(x[:, j])]
                if col.size == 0:
                    continue
                rng = (float(col.min()), float(col.max()))
            x = reverse(x, [j], low=rng[0], high=rng[1])
    return x


def min_answered(k: int) -> int:
    return max(1, math.ceil(k / 2))


@dataclass
class SubscaleResult:
    name: str
    label: str
    items: list[str]
    n_scored: int
    mean: float | None
    sd: float | None
    reliability: Reliability | None
    error: str = ""


@dataclass
class SurveyScores:
    subscales: list[SubscaleResult] = field(default_factory=list)


def survey_scores(form: FormDef, rows: list[dict[str, Any]]) -> SurveyScores:
    out = SurveyScores()
    for name, items in form.scored().items():
        x = item_matrix(form, items, rows)
        scores = scale_scores(x, min_answered=min_answered(len(items)))
        ok = scores[~np.isnan(scores)]
        rel, err = None, ""
        if len(items) >= 2:
            try:
                rel = reliability(x, [q.name for q in items], missing="pairwise")
            except ValueError as exc:
                err = str(exc)
        out.subscales.append(SubscaleResult(
            name=name, label=form.subscale_label(name), items=[q.name for q in items],
            n_scored=int(ok.size),
            mean=float(ok.mean()) if ok.size else None,
            sd=float(ok.std(ddof=1)) if ok.size > 1 else None, reliability=rel, error=err))
    return out


def person_scores(form: FormDef, rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Subscale → each row's score (nan when too few items answered)."""
    return {name: scale_scores(item_matrix(form, items, rows),
                               min_answered=min_answered(len(items)))
            for name, items in form.scored().items()}


@dataclass
class WaveComparison:
    subscale: str
    change: PairedChange | None
    error: str = ""
    label: str = ""


def compare_waves(form: FormDef, before: list[tuple[str, dict]], after: list[tuple[str, dict]]
                  ) -> list[WaveComparison]:
    """Pair (key, answers) rows of two waves by respondent key and compare each subscale."""
    b = {k: a for k, a in before if k}
    pairs = [(b[k], a) for k, a in after if k and k in b]
    out = []
    sb = person_scores(form, [p[0] for p in pairs])
    sa = person_scores(form, [p[1] for p in pairs])
    for name in form.scored():
        try:
            out.append(WaveComparison(name, paired_change(sb[name], sa[name]),
                                      label=form.subscale_label(name)))
        except ValueError as exc:
            out.append(WaveComparison(name, None, str(exc), label=form.subscale_label(name)))
    return out
