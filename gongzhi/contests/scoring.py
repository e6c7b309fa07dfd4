"""Combine the public vote with the jury's scores (pure: no Django inside).

For each entry:

* ``public`` = votes for it ÷ ballots cast (approval: the share of voters who ticked it;
  single choice: its share of the votes), 0 when nobody voted;
* ``jury`` = (mean jury score − 1) ÷ 9, so 1…10 maps onto 0…1 (``None`` when no juror
  scored it, counted as 0 in the combination);
* ``combined`` = (1 − w) · public + w · jury, with ``w`` the contest's jury weight.

Ranked by combined score, then votes, then jury mean, then the earlier entry (smaller
key order as given), so a tie is broken the same way every time and the order is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Row:
    key: str
    votes: int
    public: float
    jury_mean: float | None
    jury: float | None
    combined: float
    rank: int


def combine(keys: Sequence[str], votes: Mapping[str, int], ballots: int,
            jury_means: Mapping[str, float | None], weight: float) -> list[Row]:
    if not 0 <= weight <= 1:
        raise ValueError("weight must be between 0 and 1")
    w = Fraction(weight).limit_denominator(1000)
    scored = []
    for position, key in enumerate(keys):
        n = int(votes.get(key, 0) or 0)
        public = Fraction(n, ballots) if ballots else Fraction(0)
        mean = jury_means.get(key)
        jury = (Fraction(mean).limit_denominator(10000) - 1) / 9 if mean is not None else None
        combined = (1 - w) * public + w * (jury or 0)
        scored.append((combined, n, mean if mean is not None else -1, -position, key, public,
                       jury, mean))
    scored.sort(reverse=True)
    rows = []
    for rank, (combined, n, _m, _p, key, public, jury, mean) in enumerate(scored, start=1):
        rows.append(Row(key=key, votes=n, public=round(float(public), 4),
                        jury_mean=None if mean is None else round(float(mean), 2),
                        jury=None if jury is None else round(float(jury), 4),
                        combined=round(float(combined), 4), rank=rank))
    return rows


def as_json(rows: Sequence[Row]) -> list[dict]:
    return [asdict(r) for r in rows]
