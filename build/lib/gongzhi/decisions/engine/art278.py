"""Owners' decisions under Article 278 of the PRC Civil Code (民法典第二百七十八条, 2021).

Matters decided jointly by owners (业主共同决定事项) are the nine items of the article:

1. 制定和修改业主大会议事规则 (rules of procedure of the owners' assembly)
2. 制定和修改管理规约 (management statute)
3. 选举业主委员会或者更换业主委员会成员 (elect or replace the owners' committee)
4. 选聘和解聘物业服务企业或者其他管理人 (hire or dismiss the property manager)
5. 使用建筑物及其附属设施的维修资金 (use the maintenance fund)
6. 筹集建筑物及其附属设施的维修资金 (raise the maintenance fund)
7. 改建、重建建筑物及其附属设施 (rebuild or reconstruct buildings and facilities)
8. 改变共有部分的用途或者利用共有部分从事经营活动 (change the use of common parts or use
   them commercially)
9. 有关共有和共同管理权利的其他重大事项 (other major matters of common ownership)

Quorum (参与表决): owners holding **at least** two thirds of the exclusive area **and** at
least two thirds of the owners by headcount take part. Items 6-8 ("special") pass with at
least three quarters of the *participating* area and of the *participating* owners
agreeing; every other item needs **more than** half of both. "以上" includes the boundary,
"过半数" does not, so exactly 1/2 fails an ordinary matter and exactly 3/4 passes a special
one. Note that item 5 (using the fund) is an ordinary matter under the Civil Code, unlike
under the former Property Law.

Counting follows the Supreme People's Court interpretation on building ownership
(法释〔2009〕7号, arts. 8-9): area is the registered area of the exclusive units; owners are
counted per unit, except that one buyer of several units counts once and the developer's
unsold (or undelivered) units count as one owner. Callers express both with ``owner_key``:
units sharing a key are one owner. All arithmetic is exact (:class:`fractions.Fraction`,
floats are read through their shortest decimal form), so boundaries are never blurred by
rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

SPECIAL_ITEMS = frozenset({6, 7, 8})
QUORUM = Fraction(2, 3)
SPECIAL_MAJORITY = Fraction(3, 4)
ORDINARY_MAJORITY = Fraction(1, 2)


class Choice(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class Unit:
    """An exclusive unit (专有部分): id, registered area, and who owns it."""

    unit_id: str
    area: Fraction | Decimal | int | float | str
    owner_key: str


def exact(value: Fraction | Decimal | int | float | str) -> Fraction:
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        return Fraction(str(value))
    return Fraction(value)


@dataclass
class Art278Result:
    item: int | None
    special: bool
    total_area: Fraction
    total_owners: int
    participating_area: Fraction
    participating_owners: int
    agree_area: Fraction
    agree_owners: int
    participation_area_ratio: Fraction
    participation_owner_ratio: Fraction
    agree_area_ratio: Fraction
    agree_owner_ratio: Fraction
    quorum_area_met: bool
    quorum_owners_met: bool
    agree_area_met: bool
    agree_owners_met: bool
    quorum_threshold: Fraction
    approval_threshold: Fraction
    approval_inclusive: bool

    @property
    def quorum(self) -> bool:
        return self.quorum_area_met and self.quorum_owners_met

    @property
    def approved(self) -> bool:
        return self.agree_area_met and self.agree_owners_met

    @property
    def passed(self) -> bool:
        return self.quorum and self.approved

    def percentages(self) -> dict[str, float]:
        return {
            "participation_area": float(self.participation_area_ratio * 100),
            "participation_owners": float(self.participation_owner_ratio * 100),
            "agree_area": float(self.agree_area_ratio * 100),
            "agree_owners": float(self.agree_owner_ratio * 100),
        }

    def explanation(self) -> dict[str, Any]:
        """Structure for the UI: four progress bars, each with its threshold and verdict."""
        cmp = "≥" if self.approval_inclusive else ">"
        kind = "special (items 6-8)" if self.special else "ordinary"

        def bar(
            key: str, label: str, ratio: Fraction, num, den, threshold: Fraction, op: str, met: bool
        ) -> dict[str, Any]:
            return {
                "key": key,
                "label": label,
                "value": f"{num}/{den}",
                "ratio": [ratio.numerator, ratio.denominator],
                "percent": float(ratio * 100),
                "threshold": [threshold.numerator, threshold.denominator],
                "threshold_percent": float(threshold * 100),
                "comparison": op,
                "met": met,
            }

        return {
            "item": self.item,
            "matter": kind,
            "quorum": self.quorum,
            "approved": self.approved,
            "passed": self.passed,
            "steps": [
                bar(
                    "participation_area",
                    "participating exclusive area / total area",
                    self.participation_area_ratio,
                    self.participating_area,
                    self.total_area,
                    self.quorum_threshold,
                    "≥",
                    self.quorum_area_met,
                ),
                bar(
                    "participation_owners",
                    "participating owners / all owners",
                    self.participation_owner_ratio,
                    self.participating_owners,
                    self.total_owners,
                    self.quorum_threshold,
                    "≥",
                    self.quorum_owners_met,
                ),
                bar(
                    "agree_area",
                    "agreeing area / participating area",
                    self.agree_area_ratio,
                    self.agree_area,
                    self.participating_area,
                    self.approval_threshold,
                    cmp,
                    self.agree_area_met,
                ),
                bar(
                    "agree_owners",
                    "agreeing owners / participating owners",
                    self.agree_owner_ratio,
                    self.agree_owners,
                    self.participating_owners,
                    self.approval_threshold,
                    cmp,
                    self.agree_owners_met,
                ),
            ],
        }


def _ratio(num: Fraction | int, den: Fraction | int) -> Fraction:
    return Fraction(num) / Fraction(den) if den else Fraction(0)


def decide(
    units: Iterable[Unit],
    choices: Mapping[str, Choice | str],
    *,
    item: int | None = None,
    special: bool | None = None,
) -> Art278Result:
    """Decide a matter.

    ``choices`` maps the owner key of every participating owner to agree / disagree /
    abstain (an abstention takes part but does not agree). Give the article ``item``
    (1-9) or ``special`` explicitly.
    """
    if special is None:
        if item is None:
            raise ValueError("give the Art. 278 item (1-9) or special=True/False")
        if not 1 <= item <= 9:
            raise ValueError(f"Art. 278 has items 1-9, not {item}")
        special = item in SPECIAL_ITEMS
    area_of: dict[str, Fraction] = {}
    seen_units: set[str] = set()
    for unit in units:
        if unit.unit_id in seen_units:
            raise ValueError(f"unit {unit.unit_id!r} is listed twice")
        seen_units.add(unit.unit_id)
        area = exact(unit.area)
        if area < 0:
            raise ValueError(f"unit {unit.unit_id!r} has a negative area")
        area_of[unit.owner_key] = area_of.get(unit.owner_key, Fraction(0)) + area
    if not area_of:
        raise ValueError("no units")
    parsed = {}
    for key, choice in choices.items():
        if key not in area_of:
            raise ValueError(f"owner {key!r} owns no unit")
        parsed[key] = Choice(choice)
    total_area = sum(area_of.values(), Fraction(0))
    total_owners = len(area_of)
    part_area = sum((area_of[k] for k in parsed), Fraction(0))
    part_owners = len(parsed)
    agreeing = [k for k, c in parsed.items() if c is Choice.AGREE]
    agree_area = sum((area_of[k] for k in agreeing), Fraction(0))
    agree_owners = len(agreeing)

    threshold = SPECIAL_MAJORITY if special else ORDINARY_MAJORITY
    inclusive = bool(special)

    def reaches(num, den, limit: Fraction, incl: bool) -> bool:
        # integer cross-multiplication: num/den (>=|>) p/q  <=>  num*q (>=|>) p*den
        if den == 0:
            return False
        left = Fraction(num) * limit.denominator
        right = limit.numerator * Fraction(den)
        return left >= right if incl else left > right

    return Art278Result(
        item=item,
        special=bool(special),
        total_area=total_area,
        total_owners=total_owners,
        participating_area=part_area,
        participating_owners=part_owners,
        agree_area=agree_area,
        agree_owners=agree_owners,
        participation_area_ratio=_ratio(part_area, total_area),
        participation_owner_ratio=_ratio(part_owners, total_owners),
        agree_area_ratio=_ratio(agree_area, part_area),
        agree_owner_ratio=_ratio(agree_owners, part_owners),
        quorum_area_met=reaches(part_area, total_area, QUORUM, True),
        quorum_owners_met=reaches(part_owners, total_owners, QUORUM, True),
        agree_area_met=reaches(agree_area, part_area, threshold, inclusive),
        agree_owners_met=reaches(agree_owners, part_owners, threshold, inclusive),
        quorum_threshold=QUORUM,
        approval_threshold=threshold,
        approval_inclusive=inclusive,
    )
