"""Ranked-ballot methods: Schulze and instant-runoff voting.

A ballot is a sequence of options, best first. For Schulze an entry may also be a group
(set, list or tuple) of equally ranked options, and options a ballot leaves out are ranked
below all the ones it names (tied among themselves). Weights let one ballot stand for
several identical ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Entry = str | Collection[str]


@dataclass
class SchulzeResult:
    options: list[str]
    ranking: list[list[str]]
    winners: list[str]
    pairwise: dict[str, dict[str, int]]
    strongest_paths: dict[str, dict[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "method": "schulze",
            "ranking": self.ranking,
            "winners": self.winners,
            "pairwise": self.pairwise,
            "strongest_paths": self.strongest_paths,
        }


def _levels(ballot: Sequence[Entry], known: set[str]) -> dict[str, int]:
    level: dict[str, int] = {}
    for rank, entry in enumerate(ballot):
        group = [entry] if isinstance(entry, str) else list(entry)
        for option in group:
            if option not in known:
                raise ValueError(f"ballot names unknown option {option!r}")
            if option in level:
                raise ValueError(f"ballot ranks {option!r} twice")
            level[option] = rank
    return level


def schulze(
    options: Sequence[str], ballots: Iterable[Sequence[Entry]], weights: Iterable[int] | None = None
) -> SchulzeResult:
    """Schulze method (winning votes): full ranking, pairwise matrix and strongest paths.

    ``ranking`` is a list of tiers (ties kept together), best first; the Schulze relation
    ``a > b iff p[a][b] > p[b][a]`` is transitive, so tiers are well defined.
    """
    opts = list(options)
    if len(set(opts)) != len(opts):
        raise ValueError("options must be distinct")
    known = set(opts)
    d = {a: dict.fromkeys(opts, 0) for a in opts}
    ballots = list(ballots)
    ws = list(weights) if weights is not None else [1] * len(ballots)
    if len(ws) != len(ballots):
        raise ValueError("one weight per ballot")
    bottom = len(opts) + 1
    for ballot, w in zip(ballots, ws, strict=True):
        level = _levels(ballot, known)
        for a in opts:
            la = level.get(a, bottom)
            for b in opts:
                if a != b and la < level.get(b, bottom):
                    d[a][b] += w
    p = _strongest_paths(opts, d)
    beats = {a: sum(1 for b in opts if b != a and p[a][b] > p[b][a]) for a in opts}
    position = {o: i for i, o in enumerate(opts)}
    ordered = sorted(opts, key=lambda o: (-beats[o], position[o]))
    tiers: list[list[str]] = []
    for option in ordered:
        if tiers and beats[tiers[-1][0]] == beats[option]:
            tiers[-1].append(option)
        else:
            tiers.append([option])
    return SchulzeResult(opts, tiers, list(tiers[0]) if tiers else [], d, p)


def _strongest_paths(opts: list[str], d: dict[str, dict[str, int]]
                     ) -> dict[str, dict[str, int]]:
    """Widest paths over the pairwise defeats (Floyd-Warshall with max-min)."""
    p = {a: {b: (d[a][b] if a != b and d[a][b] > d[b][a] else 0) for b in opts} for a in opts}
    for k in opts:
        for i in opts:
            if i == k:
                continue
            for j in opts:
                if j in (i, k):
                    continue
                p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return p


@dataclass
class IRVRound:
    number: int
    counts: dict[str, int]
    exhausted: int
    eliminated: str | None = None
    tie_break: str | None = None


@dataclass
class IRVResult:
    winner: str | None
    rounds: list[IRVRound] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": "instant-runoff",
            "winner": self.winner,
            "rounds": [
                {
                    "round": r.number,
                    "counts": r.counts,
                    "exhausted": r.exhausted,
                    "eliminated": r.eliminated,
                    "tie_break": r.tie_break,
                }
                for r in self.rounds
            ],
        }


def instant_runoff(
    options: Sequence[str], ballots: Iterable[Sequence[str]], weights: Iterable[int] | None = None
) -> IRVResult:
    """Instant-runoff (alternative vote), with round-by-round counts.

    Each round counts every ballot for its highest-ranked continuing option. An option
    with more than half of the non-exhausted ballots wins. Otherwise the option with the
    fewest votes is eliminated. Ties for elimination are broken *backwards*: the tied
    option with fewer votes in the previous round goes, then the round before, and so on;
    if they were tied in every round, the one listed last in ``options`` is eliminated.
    """
    opts = list(options)
    known = set(opts)
    ballots = [list(b) for b in ballots]
    ws = list(weights) if weights is not None else [1] * len(ballots)
    for ballot in ballots:
        for option in ballot:
            if option not in known:
                raise ValueError(f"ballot names unknown option {option!r}")
        if len(set(ballot)) != len(ballot):
            raise ValueError(f"ballot {ballot} ranks an option twice")
    continuing = list(opts)
    position = {o: i for i, o in enumerate(opts)}
    result = IRVResult(None)
    history: list[dict[str, int]] = []
    while continuing:
        alive = set(continuing)
        counts = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ballot, w in zip(ballots, ws, strict=True):
            top = next((o for o in ballot if o in alive), None)
            if top is None:
                exhausted += w
            else:
                counts[top] += w
        active = sum(counts.values())
        rnd = IRVRound(len(history) + 1, counts, exhausted)
        result.rounds.append(rnd)
        history.append(counts)
        leader = max(continuing, key=lambda o: (counts[o], -position[o]))
        if len(continuing) == 1 or (active and 2 * counts[leader] > active):
            result.winner = leader
            return result
        tied, note = _break_tie(continuing, counts, history)
        loser = max(tied, key=lambda o: position[o])
        rnd.eliminated = loser
        rnd.tie_break = note
        continuing.remove(loser)
    return result


def _break_tie(continuing: list[str], counts: dict[str, int], history: list[dict[str, int]]
               ) -> tuple[list[str], str | None]:
    """The options with the fewest votes, narrowed backwards through earlier rounds, and a
    note of how (None without a tie)."""
    low = min(counts.values())
    tied = [o for o in continuing if counts[o] == low]
    if len(tied) == 1:
        return tied, None
    note = f"tie between {', '.join(tied)} at {low} votes"
    for idx in range(len(history) - 2, -1, -1):
        past = history[idx]
        least = min(past.get(o, 0) for o in tied)
        narrowed = [o for o in tied if past.get(o, 0) == least]
        if len(narrowed) < len(tied):
            tied = narrowed
            note += f"; fewer votes in round {idx + 1}"
        if len(tied) == 1:
            break
    if len(tied) > 1:
        note += "; still tied, the option listed last is eliminated"
    return tied, note
