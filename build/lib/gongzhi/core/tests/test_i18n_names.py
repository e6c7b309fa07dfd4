from __future__ import annotations

import pytest

from gongzhi.core.i18n import localized_name


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("共谋·需求调研 Needs survey", "共谋·需求调研", "Needs survey"),
    ("社区花园共建 Community garden co-building", "社区花园共建", "Community garden co-building"),
    ("发起 Initiation", "发起", "Initiation"),
    ("锅炉房花园", "锅炉房花园", "锅炉房花园"),          # Chinese only: unchanged
    ("Summer clean-up", "Summer clean-up", "Summer clean-up"),  # English only: unchanged
    ("2026年 PB round", "2026年", "PB round"),
])
def test_localized_name(text, zh, en):
    assert localized_name(text, "zh-hans") == zh
    assert localized_name(text, "en") == en
