"""The numeric view of a PB election that every rule works on.

Voters with identical ballots are merged into *voter types* with a multiplicity: every rule
here treats such voters identically (MES gives them equal budgets, Phragmén equal loads),
so merging is exact and turns e.g. Wrocław 2017 (62,529 voters, at most 2 approvals each)
into about 1,300 types. Types are sorted canonically, which also makes every outcome
independent of the order of voters in the file.

Ballot weights are integers (cumulative points scaled by a common denominator if they
are fractional), so scores and comparisons on them are exact.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .pabulib import Number, PBElection, parse_number


def as_number(value: Fraction | int) -> Number:
    value = Fraction(value)
    return int(value) if value.denominator == 1 else value


@dataclass
class PBProfile:
    """Projects, budget and merged ballots; see the module docstring."""

    project_ids: list[str]
    costs: list[Number]
    budget: Number
    n_voters: int
    type_ballots: list[tuple[tuple[int, int], ...]]
    type_mult: np.ndarray
    names: list[str] = field(default_factory=list)
    vote_type: str = "approval"
    weight_scale: Fraction = Fraction(1)
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_projects = len(self.project_ids)
        if not self.names:
            self.names = [""] * n_projects
        mult = np.asarray(self.type_mult, dtype=np.int64)
        self.type_mult = mult
        lengths = np.fromiter(
            (len(b) for b in self.type_ballots), dtype=np.int64, count=len(self.type_ballots)
        )
        flat = [x for b in self.type_ballots for x in b]
        proj = np.fromiter((p for p, _ in flat), dtype=np.int64, count=len(flat))
        wts = np.fromiter((w for _, w in flat), dtype=np.int64, count=len(flat))
        typ = np.repeat(np.arange(len(self.type_ballots), dtype=np.int64), lengths)
        order = np.argsort(proj, kind="stable")
        self.sup_types = typ[order]
        self.sup_weights = wts[order]
        counts = np.bincount(proj, minlength=n_projects)
        self.indptr = np.zeros(n_projects + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum(counts)
        supporter_mult = mult[self.sup_types]
        self.votes = np.zeros(n_projects, dtype=np.int64)
        np.add.at(self.votes, proj[order], supporter_mult)
        scores = np.zeros(n_projects, dtype=np.int64)
        np.add.at(scores, proj[order], supporter_mult * self.sup_weights)
        self.score_units = [int(x) for x in scores]
        self.index = {pid: i for i, pid in enumerate(self.project_ids)}

    # ------------------------------------------------------------------ accessors
    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    def supporters(self, p: int) -> np.ndarray:
        return self.sup_types[self.indptr[p] : self.indptr[p + 1]]

    def weights(self, p: int) -> np.ndarray:
        return self.sup_weights[self.indptr[p] : self.indptr[p + 1]]

    def score(self, p: int) -> Number:
        """Total points (approvals for approval ballots), in ballot units."""
        return as_number(self.score_units[p] * self.weight_scale)

    def total_cost(self, selection: Sequence[int]) -> Number:
        return as_number(sum((Fraction(self.costs[p]) for p in selection), Fraction(0)))

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_election(cls, election: PBElection, ordinal_points: str = "max_length") -> PBProfile:
        """Build from a parsed file.

        Ordinal ballots become Borda-like points: position ``i`` (0-based) of a ballot gets
        ``K - i`` with ``K = max_length`` from META (``ordinal_points="max_length"``, what
        Pabulib's scores for e.g. Kraków use) or ``K`` = the ballot's own length
        (``"length"``); if a ballot is longer than max_length its length is used.
        """
        ids = list(election.projects)
        index = {pid: i for i, pid in enumerate(ids)}
        vote_type = election.vote_type
        max_length = election.meta.get("max_length", "").strip()
        k_meta = int(parse_number(max_length)) if max_length else 0
        costs = [election.projects[p].cost for p in ids]
        names = [election.projects[p].name for p in ids]
        meta = dict(election.meta)
        if vote_type in ("approval", "choose-1") or (
            vote_type in ("cumulative", "scoring")
            and all(v.points is None for v in election.voters)
        ):
            # fast path: unit weights, merge identical approval sets directly
            counts = Counter(tuple(sorted(index[p] for p in v.vote)) for v in election.voters)
            types = sorted(counts)
            return cls(
                project_ids=ids,
                costs=costs,
                budget=election.budget,
                n_voters=len(election.voters),
                type_ballots=[tuple((p, 1) for p in t) for t in types],
                type_mult=np.array([counts[t] for t in types], dtype=np.int64),
                names=names,
                vote_type=vote_type,
                meta=meta,
            )
        raw: list[tuple[tuple[int, Fraction], ...]] = []
        for voter in election.voters:
            if vote_type == "ordinal":
                k = len(voter.vote)
                if ordinal_points == "max_length":
                    k = max(k, k_meta)
                items = [(index[p], Fraction(k - i)) for i, p in enumerate(voter.vote)]
            elif voter.points is not None:
                items = [
                    (index[p], Fraction(x)) for p, x in zip(voter.vote, voter.points, strict=True)
                ]
            else:
                items = [(index[p], Fraction(1)) for p in voter.vote]
            raw.append(tuple(sorted((p, w) for p, w in items if w > 0)))
        return cls.from_weighted_ballots(ballots=raw, costs=costs, budget=election.budget,
                                         project_ids=ids, names=names, vote_type=vote_type,
                                         meta=meta)

    @classmethod
    def from_weighted_ballots(
        cls,
        costs: Sequence[Number],
        budget: Number,
        ballots: Sequence[Sequence[tuple[int, Number]] | Mapping[int, Number]],
        project_ids: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
        vote_type: str = "cumulative",
        meta: dict[str, str] | None = None,
    ) -> PBProfile:
        """Ballots as ``[(project_index, weight), ...]`` or ``{project_index: weight}``."""
        norm: list[tuple[tuple[int, Fraction], ...]] = []
        for ballot in ballots:
            items = ballot.items() if isinstance(ballot, Mapping) else ballot
            merged: dict[int, Fraction] = {}
            for p, w in items:
                merged[int(p)] = merged.get(int(p), Fraction(0)) + Fraction(w)
            norm.append(tuple(sorted((p, w) for p, w in merged.items() if w > 0)))
        denominators = {w.denominator for b in norm for _, w in b}
        lcm = math.lcm(*denominators) if denominators else 1
        counts = Counter(tuple((p, int(w * lcm)) for p, w in ballot) for ballot in norm)
        types = sorted(counts)
        ids = list(project_ids) if project_ids is not None else [str(i) for i in range(len(costs))]
        return cls(
            project_ids=ids,
            costs=[as_number(Fraction(c)) for c in costs],
            budget=as_number(Fraction(budget)),
            n_voters=len(norm),
            type_ballots=types,
            type_mult=np.array([counts[t] for t in types], dtype=np.int64),
            names=list(names) if names is not None else [],
            vote_type=vote_type,
            weight_scale=Fraction(1, lcm),
            meta=dict(meta or {}),
        )

    @classmethod
    def from_approval_ballots(
        cls,
        costs: Sequence[Number],
        budget: Number,
        ballots: Sequence[Sequence[int]],
        project_ids: Sequence[str] | None = None,
        meta: dict[str, str] | None = None,
    ) -> PBProfile:
        return cls.from_weighted_ballots(
            costs,
            budget,
            [[(p, 1) for p in set(b)] for b in ballots],
            project_ids,
            vote_type="approval",
            meta=meta,
        )
