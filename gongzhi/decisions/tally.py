"""Checking ballot contents and counting them, through the engine. Pure Python.

``config`` is the ballot's frozen configuration (what the "open" log entry records, see
:func:`gongzhi.decisions.selectors.ballot_config`); a content is the JSON a voter sent:

========== ==========================================================================
method     content
========== ==========================================================================
plurality  ``{"choice": key}``
approval   ``{"approve": [key, ...]}`` (at most ``max_choices``)
score      ``{"scores": {key: int, ...}}`` (``min_score`` … ``max_score``)
borda,     ``{"ranking": [key, ...]}`` best first; may leave options out
schulze,
irv
majority   ``{"choice": "yes" | "no" | "abstain"}``
art278     ``{"choice": "agree" | "disagree" | "abstain"}``
pb         approval: ``{"approve": [...]}``; cumulative: ``{"points": {key: int}}`` (sum
           ≤ ``points_total``); ordinal: ``{"ranking": [...]}``; choose-1:
           ``{"choice": key}``. The projects named may cost at most the budget.
========== ==========================================================================

Every count is done by :mod:`gongzhi.decisions.engine`; this module only reshapes data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from gongzhi.decisions.engine import art278, ranked, single
from gongzhi.decisions.engine.explain import explain
from gongzhi.decisions.engine.outcome import json_number
from gongzhi.decisions.engine.profile import PBProfile
from gongzhi.decisions.engine.rules import compute

YES_NO = ("yes", "no", "abstain")
AGREE = ("agree", "disagree", "abstain")


class ContentError(ValueError):
    """A ballot content that may not be counted; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def _fraction(text: Any) -> Fraction:
    return Fraction(str(text))


def _keys(config: Mapping[str, Any]) -> list[str]:
    return [o["key"] for o in config["options"]]


def _cost_of(config: Mapping[str, Any]) -> dict[str, Fraction]:
    return {o["key"]: _fraction(o.get("cost", 0)) for o in config["options"]}


def _known(config, key: Any) -> str:
    if not isinstance(key, str):
        raise ContentError("wrong_type", "an option must be given by its key (text)")
    if key not in _keys(config):
        raise ContentError("unknown_option", f"unknown option {key!r}")
    return key


def _key_list(config, value: Any, field: str) -> list[str]:
    if not isinstance(value, list):
        raise ContentError("wrong_type", f"'{field}' must be a list of option keys")
    keys = [_known(config, k) for k in value]
    if len(set(keys)) != len(keys):
        raise ContentError("duplicate", f"'{field}' names an option twice")
    return keys


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise ContentError("wrong_type", f"{what} must be a whole number")
    return value


def validate(config: Mapping[str, Any], raw: Any) -> tuple[dict[str, Any], Fraction]:
    """Normalise a content; return it with the total cost of the projects it names."""
    if not isinstance(raw, Mapping):
        raise ContentError("wrong_type", "the ballot must be a JSON object")
    method = config["method"]
    method_kind = config["pb_vote_type"] if method == "pb" else method
    reader = _CONTENT_READERS.get(method_kind)
    if reader is None:  # pragma: no cover - config is validated when the ballot is created
        raise ContentError("wrong_type", f"unknown method {method!r}")
    content, named = reader(config, raw)
    total = Fraction(0)
    if method == "pb":
        costs = _cost_of(config)
        total = sum((costs[k] for k in named), Fraction(0))
        if total > _fraction(config["budget"]):
            raise ContentError("over_budget", "the projects chosen cost more than the budget")
    return content, total


# Each reader checks one kind of ballot and returns (content, the option keys it names).
_Read = tuple[dict[str, Any], list[str]]


def _read_choice(config: Mapping[str, Any], raw: Mapping[str, Any]) -> _Read:
    key = _known(config, raw.get("choice"))
    return {"choice": key}, [key]


def _read_approval(config: Mapping[str, Any], raw: Mapping[str, Any]) -> _Read:
    named = _key_list(config, raw.get("approve", []), "approve")
    max_choices = config.get("max_choices")
    if max_choices and len(named) > max_choices:
        raise ContentError("too_many", f"at most {max_choices} choices")
    return {"approve": sorted(named, key=_keys(config).index)}, named


def _read_scores(config: Mapping[str, Any], raw: Mapping[str, Any]) -> _Read:
    scores = raw.get("scores")
    if not isinstance(scores, Mapping):
        raise ContentError("wrong_type", "'scores' must map option keys to numbers")
    clean = {}
    for key, value in scores.items():
        number = _int(value, "a score")
        if not config["min_score"] <= number <= config["max_score"]:
            raise ContentError("out_of_range", f"score {number} is outside "
                               f"{config['min_score']}-{config['max_score']}")
        clean[_known(config, key)] = number
    return {"scores": clean}, []


def _read_ranking(config: Mapping[str, Any], raw: Mapping[str, Any]) -> _Read:
    named = _key_list(config, raw.get("ranking"), "ranking")
    if not named:
        raise ContentError("empty", "rank at least one option")
    max_choices = config.get("max_choices")
    if max_choices and len(named) > max_choices:
        raise ContentError("too_many", f"rank at most {max_choices} options")
    return {"ranking": named}, named


def _read_points(config: Mapping[str, Any], raw: Mapping[str, Any]) -> _Read:
    points = raw.get("points")
    if not isinstance(points, Mapping):
        raise ContentError("wrong_type", "'points' must map project keys to numbers")
    clean = {}
    for key, value in points.items():
        number = _int(value, "points")
        if number < 0:
            raise ContentError("out_of_range", "points cannot be negative")
        if number:
            clean[_known(config, key)] = number
    if sum(clean.values()) > config["points_total"]:
        raise ContentError("too_many", f"at most {config['points_total']} points in all")
    return {"points": clean}, list(clean)


def _read_yes_no(allowed: Sequence[str]) -> Callable[[Mapping[str, Any], Mapping[str, Any]],
                                                     _Read]:
    def read(config: Mapping[str, Any], raw: Mapping[str, Any]) -> _Read:
        choice = raw.get("choice")
        if choice not in allowed:
            raise ContentError("unknown_option", f"choose one of {', '.join(allowed)}")
        return {"choice": choice}, []
    return read


_CONTENT_READERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], _Read]] = {
    "plurality": _read_choice, "choose-1": _read_choice,
    "approval": _read_approval,
    "score": _read_scores,
    "borda": _read_ranking, "schulze": _read_ranking, "irv": _read_ranking,
    "ordinal": _read_ranking,
    "cumulative": _read_points,
    "majority": _read_yes_no(YES_NO), "art278": _read_yes_no(AGREE),
}


# --------------------------------------------------------------------------- counting


def _rows(config, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"key": o["key"], "label": o["label"], "value": json_number(values.get(o["key"], 0))}
            for o in config["options"]]


def count(config: Mapping[str, Any], ballots: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Count ``ballots`` (``{"content": ..., "voter": token-or-None}``) with the engine.

    Returns JSON: ``method``, ``ballots``, ``winners`` (keys), ``rows`` (one per option:
    key, label, value — for charts and their table alternative) and ``engine`` (the
    engine's own explanation).
    """
    ballots = list(ballots)
    contents = [b["content"] for b in ballots]
    method = config["method"]
    keys = _keys(config)
    out: dict[str, Any] = {"method": method, "ballots": len(ballots)}
    if method == "plurality":
        t = single.plurality(keys, [c["choice"] for c in contents])
        out.update(winners=t.winners, rows=_rows(config, t.scores), engine=t.to_json())
    elif method == "approval":
        t = single.approval(keys, [c["approve"] for c in contents])
        out.update(winners=t.winners, rows=_rows(config, t.scores), engine=t.to_json())
    elif method == "score":
        t = single.score_voting(keys, [c["scores"] for c in contents],
                                min_score=config["min_score"], max_score=config["max_score"])
        out.update(winners=t.winners, rows=_rows(config, t.scores), engine=t.to_json())
    elif method == "borda":
        t = single.borda(keys, [c["ranking"] for c in contents])
        out.update(winners=t.winners, rows=_rows(config, t.scores), engine=t.to_json())
    elif method == "schulze":
        r = ranked.schulze(keys, [c["ranking"] for c in contents])
        wins = {a: sum(1 for b in keys if b != a and r.strongest_paths[a][b]
                       > r.strongest_paths[b][a]) for a in keys}
        out.update(winners=r.winners if contents else [], rows=_rows(config, wins),
                   value_label="pairwise wins", engine=r.to_json())
    elif method == "irv":
        irv = ranked.instant_runoff(keys, [c["ranking"] for c in contents])
        first = irv.rounds[0].counts if irv.rounds else {}
        out.update(winners=[irv.winner] if irv.winner and contents else [],
                   rows=_rows(config, first), value_label="first preferences",
                   engine=irv.to_json())
    elif method == "majority":
        counts = {k: sum(1 for c in contents if c["choice"] == k) for k in YES_NO}
        eligible = max(int(config["eligible_count"]), counts["yes"] + counts["no"]
                       + counts["abstain"], 1)
        m = single.majority_with_quorum(
            counts["yes"], counts["no"], counts["abstain"], eligible,
            turnout_threshold=_fraction(config["quorum"]),
            approval_threshold=_fraction(config["approval_threshold"]),
            strict=config["strict_majority"])
        out.update(winners=["yes"] if m.passed else [], passed=m.passed,
                   rows=[{"key": k, "label": k, "value": counts[k]} for k in YES_NO],
                   engine=m.to_json())
    elif method == "art278":
        out.update(_count_art278(config, ballots))
    elif method == "pb":
        out.update(_count_pb(config, contents))
    else:  # pragma: no cover
        raise ValueError(f"unknown method {method!r}")
    return out


def _count_art278(config, ballots: list[Mapping[str, Any]]) -> dict[str, Any]:
    units = [art278.Unit(e["token"], _fraction(e["weight"]), e["token"])
             for e in config["eligible"]]
    choices = {b["voter"]: b["content"]["choice"] for b in ballots}
    result = art278.decide(units, choices, item=config["art278_item"])
    counts = {k: sum(1 for c in choices.values() if c == k) for k in AGREE}
    return {
        "winners": ["agree"] if result.passed else [],
        "passed": result.passed,
        "rows": [{"key": k, "label": k, "value": counts[k]} for k in AGREE],
        "progress": result.explanation(),
        "engine": {"percentages": result.percentages(), "special": result.special},
    }


def pb_profile(config, contents: list[Mapping[str, Any]]) -> PBProfile:
    keys = _keys(config)
    index = {k: i for i, k in enumerate(keys)}
    vote_type = config["pb_vote_type"]
    ballots: list[list[tuple[int, int]]] = []
    k_rank = config.get("max_choices") or len(keys)
    for c in contents:
        if vote_type == "approval":
            ballots.append([(index[k], 1) for k in c["approve"]])
        elif vote_type == "choose-1":
            ballots.append([(index[c["choice"]], 1)])
        elif vote_type == "cumulative":
            ballots.append([(index[k], v) for k, v in c["points"].items()])
        else:  # ordinal: Borda-like points from ranks, as the engine does for Pabulib files
            ballots.append([(index[k], max(k_rank, len(c["ranking"])) - i)
                            for i, k in enumerate(c["ranking"])])
    return PBProfile.from_weighted_ballots(
        costs=[_fraction(o.get("cost", 0)) for o in config["options"]],
        budget=_fraction(config["budget"]), ballots=ballots, project_ids=keys,
        names=[o["label"] for o in config["options"]],
        vote_type="approval" if vote_type == "choose-1" else vote_type)


def _count_pb(config, contents: list[Mapping[str, Any]]) -> dict[str, Any]:
    profile = pb_profile(config, contents)
    outcome = compute(profile, config["pb_rule"], tie_break=config["tie_break"],
                      honour_leftover=False)
    rows = []
    for p, key in enumerate(profile.project_ids):
        rows.append({"key": key, "label": profile.names[p],
                     "value": json_number(profile.score(p)), "votes": int(profile.votes[p]),
                     "cost": json_number(profile.costs[p]),
                     "selected": key in outcome.selected})
    return {"winners": list(outcome.selected), "rows": rows, "engine": explain(outcome)}
