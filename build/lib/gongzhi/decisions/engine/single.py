"""Single-decision methods for ordinary ballots: plurality, approval, score, Borda and a
yes/no majority with quorum.

All functions are pure: they take the options (in the order the ballot shows them) and the
ballots, and return a :class:`Tally` whose ``ranking`` lists options best first. Ties are
never hidden: ``winners`` lists every option tied for first, and ``ranking`` orders tied
options by their position in ``options`` (so results are reproducible); deciding a real
tie is a matter for the meeting's rules, not for the counting code.

Ballots naming an option that is not on the ballot raise ``ValueError``: a count must not
silently drop votes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

Number = int | Fraction


@dataclass
class Tally:
    method: str
    options: list[str]
    scores: dict[str, Number]
    ranking: list[str]
    winners: list[str]
    ballots: int
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "scores": {k: _jsonable(v) for k, v in self.scores.items()},
            "ranking": self.ranking,
            "winners": self.winners,
            "ballots": self.ballots,
            "details": self.details,
        }


def _jsonable(value: Number) -> int | float:
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def _finish(
    method: str,
    options: Sequence[str],
    scores: dict[str, Number],
    ballots: int,
    details: dict[str, Any] | None = None,
) -> Tally:
    position = {o: i for i, o in enumerate(options)}
    ranking = sorted(options, key=lambda o: (-Fraction(scores[o]), position[o]))
    top = scores[ranking[0]] if ranking else 0
    winners = [o for o in ranking if scores[o] == top] if ballots else []
    return Tally(method, list(options), scores, ranking, winners, ballots, details or {})


def _check_options(options: Sequence[str]) -> None:
    if len(set(options)) != len(options):
        raise ValueError("options must be distinct")


def _known(option: str, options: set[str]) -> str:
    if option not in options:
        raise ValueError(f"ballot names unknown option {option!r}")
    return option


def plurality(options: Sequence[str], ballots: Iterable[str | None]) -> Tally:
    """One mark per ballot; ``None`` is a blank ballot (counted, scores nothing)."""
    _check_options(options)
    known = set(options)
    scores: dict[str, Number] = dict.fromkeys(options, 0)
    count = blank = 0
    for ballot in ballots:
        count += 1
        if ballot is None:
            blank += 1
            continue
        scores[_known(ballot, known)] += 1
    return _finish("plurality", options, scores, count, {"blank": blank})


def approval(options: Sequence[str], ballots: Iterable[Collection[str]]) -> Tally:
    """Each ballot approves a set of options; an option scores its number of approvals."""
    _check_options(options)
    known = set(options)
    scores: dict[str, Number] = dict.fromkeys(options, 0)
    count = 0
    for ballot in ballots:
        count += 1
        for option in set(ballot):
            scores[_known(option, known)] += 1
    return _finish("approval", options, scores, count)


def score_voting(
    options: Sequence[str],
    ballots: Iterable[Mapping[str, Number]],
    aggregate: Literal["sum", "average"] = "sum",
    min_score: Number | None = None,
    max_score: Number | None = None,
) -> Tally:
    """Range voting. ``average`` divides by the number of ballots that *scored* the option
    (an unscored option is "no opinion", not zero), and is exact (Fractions)."""
    _check_options(options)
    known = set(options)
    sums: dict[str, Fraction] = {o: Fraction(0) for o in options}
    raters: dict[str, int] = dict.fromkeys(options, 0)
    count = 0
    for ballot in ballots:
        count += 1
        for option, value in ballot.items():
            value = Fraction(value)
            if (min_score is not None and value < min_score) or (
                max_score is not None and value > max_score
            ):
                raise ValueError(f"score {value} for {option!r} is outside the allowed range")
            sums[_known(option, known)] += value
            raters[option] += 1
    if aggregate == "sum":
        scores: dict[str, Number] = {o: _exact(sums[o]) for o in options}
    elif aggregate == "average":
        scores = {o: _exact(sums[o] / raters[o]) if raters[o] else 0 for o in options}
    else:
        raise ValueError("aggregate must be 'sum' or 'average'")
    return _finish(f"score-{aggregate}", options, scores, count, {"raters": raters})


def _exact(value: Fraction) -> Number:
    return int(value) if value.denominator == 1 else value


def borda(
    options: Sequence[str],
    rankings: Iterable[Sequence[str]],
    truncated: Literal["zero", "average"] = "zero",
) -> Tally:
    """Borda count: with ``m`` options, the ``i``-th ranked option (0-based) gets ``m-1-i``.

    Unranked options get 0 (``truncated="zero"``) or share the points of the unused
    positions equally (``"average"``, which keeps every ballot worth the same total).
    """
    _check_options(options)
    known = set(options)
    m = len(options)
    scores: dict[str, Fraction] = {o: Fraction(0) for o in options}
    count = 0
    for ranking in rankings:
        count += 1
        if len(set(ranking)) != len(ranking):
            raise ValueError(f"ranking {list(ranking)} lists an option twice")
        for i, option in enumerate(ranking):
            scores[_known(option, known)] += m - 1 - i
        rest = [o for o in options if o not in set(ranking)]
        if truncated == "average" and rest:
            left = sum(range(m - len(ranking)))
            for option in rest:
                scores[option] += Fraction(left, len(rest))
    return _finish("borda", options, {o: _exact(v) for o, v in scores.items()}, count)


@dataclass
class MajorityResult:
    passed: bool
    quorum_met: bool
    yes: int
    no: int
    abstain: int
    eligible: int
    turnout: Fraction
    yes_share: Fraction
    turnout_threshold: Fraction
    approval_threshold: Fraction
    strict: bool
    explanation: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "quorum_met": self.quorum_met,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "eligible": self.eligible,
            "turnout": float(self.turnout),
            "yes_share": float(self.yes_share),
            "turnout_threshold": float(self.turnout_threshold),
            "approval_threshold": float(self.approval_threshold),
            "strict": self.strict,
            "explanation": self.explanation,
        }


def majority_with_quorum(
    yes: int,
    no: int,
    abstain: int,
    eligible: int,
    turnout_threshold: Fraction | int | str = 0,
    approval_threshold: Fraction | int | str = Fraction(1, 2),
    strict: bool = True,
    abstain_counts_in_base: bool = False,
) -> MajorityResult:
    """A yes/no decision.

    Quorum: ``(yes + no + abstain) / eligible >= turnout_threshold`` (always inclusive).
    Approval: ``yes / base`` compared with ``approval_threshold`` — ``>`` when ``strict``
    ("more than half"), ``>=`` otherwise ("at least two thirds") — where ``base`` is
    ``yes + no``, or ``yes + no + abstain`` with ``abstain_counts_in_base``. All exact.
    """
    if min(yes, no, abstain) < 0 or eligible <= 0:
        raise ValueError("counts must be non-negative and eligible positive")
    if yes + no + abstain > eligible:
        raise ValueError("more votes than eligible voters")
    t_quorum = Fraction(turnout_threshold)
    t_approve = Fraction(approval_threshold)
    voted = yes + no + abstain
    turnout = Fraction(voted, eligible)
    quorum = turnout >= t_quorum
    base = yes + no + (abstain if abstain_counts_in_base else 0)
    share = Fraction(yes, base) if base else Fraction(0)
    approved = base > 0 and (share > t_approve if strict else share >= t_approve)
    cmp = ">" if strict else ">="
    explanation = [
        f"turnout {voted}/{eligible} = {float(turnout):.2%} "
        f"{'meets' if quorum else 'misses'} the quorum of {float(t_quorum):.2%}",
        f"yes {yes}/{base} = {float(share):.2%}, required {cmp} {float(t_approve):.2%}: "
        f"{'met' if approved else 'not met'}",
    ]
    return MajorityResult(
        quorum and approved,
        quorum,
        yes,
        no,
        abstain,
        eligible,
        turnout,
        share,
        t_quorum,
        t_approve,
        strict,
        explanation,
    )
