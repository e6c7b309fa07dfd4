"""Hand-checked numbers for the equity and KPI engine."""

from __future__ import annotations

import pytest

from gongzhi.analytics.engine.equity import duncan, funnel, gini, repeat_share, representation
from gongzhi.analytics.engine.kpi import distribution, per_thousand, quantile, share

RES = {"owner": 60, "public_rental": 30, "private_rental": 10}
PART = {"owner": 45, "public_rental": 5}


def test_representation_ratios_by_hand():
    s = {g.group: g for g in representation(RES, PART)}
    # owners: 45/50 = 0.9 of participants, 0.6 of residents → 1.5
    assert s["owner"].ratio == pytest.approx(1.5)
    # public rental: 5/50 = 0.1 vs 0.3 → 1/3
    assert s["public_rental"].ratio == pytest.approx(1 / 3)
    assert s["private_rental"].participants == 0 and s["private_rental"].ratio == 0.0
    assert representation({"a": 0}, {"a": 3})[0].ratio is None


def test_duncan_by_hand():
    # ½ (|0.9 − 0.6| + |0.1 − 0.3| + |0 − 0.1|) = ½ (0.3 + 0.2 + 0.1) = 0.3
    assert duncan(RES, PART) == pytest.approx(0.3)
    assert duncan(RES, RES) == pytest.approx(0.0)
    assert duncan(RES, {}) is None


def test_gini_by_hand():
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    # [0, 0, 0, 4]: Σ|xi − xj| over ordered pairs = 2·3·4 = 24; 2 n² x̄ = 2·16·1 = 32
    assert gini([0, 0, 0, 4]) == pytest.approx(24 / 32)
    # [1, 2, 3]: Σ|xi − xj| = 2(1 + 2 + 1) = 8; 2·9·2 = 36
    assert gini([3, 1, 2]) == pytest.approx(8 / 36)
    assert gini([]) is None and gini([0, 0]) is None
    with pytest.raises(ValueError):
        gini([-1, 2])


def test_funnel_and_repeat():
    f = funnel([("members", 200), ("commented", 50), ("voted", 80)])
    assert [s.share_of_first for s in f] == [1.0, 0.25, 0.4]
    assert repeat_share({"a": 1, "b": 2, "c": 3, "d": 1}) == 0.5
    assert repeat_share({}) is None


def test_distribution_and_quantiles_by_hand():
    assert quantile([1, 2, 3, 4], 0.5) == 2.5
    assert quantile([10, 20, 30, 40, 50], 0.9) == pytest.approx(46.0)
    d = distribution([2, 30, 50, 80], target=48)
    assert d.n == 4 and d.within_target == 0.5 and d.median == 40.0
    assert distribution([], target=48).within_target is None
    assert share(3, 4) == 0.75 and share(1, 0) is None
    assert per_thousand(12.5, 2500) == 5.0
