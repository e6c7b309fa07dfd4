"""Eras as residents type them become ranges of years (memory/era.py)."""

from __future__ import annotations

import pytest

from gongzhi.memory.era import decade_of, parse_era


@pytest.mark.parametrize("text, lo, hi, precision", [
    ("1985", 1985, 1985, "year"),
    ("1985年", 1985, 1985, "year"),
    ("一九八五年", 1985, 1985, "year"),
    ("１９８５年", 1985, 1985, "year"),
    ("1985年5月", 1985, 1985, "year"),
    ("2013年前后", 2011, 2015, "approx"),
    ("约1985年", 1983, 1987, "approx"),
    ("1985年左右", 1983, 1987, "approx"),
    ("1980年代", 1980, 1989, "decade"),
    ("80年代", 1980, 1989, "decade"),
    ("八十年代", 1980, 1989, "decade"),
    ("上世纪80年代", 1980, 1989, "decade"),
    ("上世纪五十年代", 1950, 1959, "decade"),
    ("1980s", 1980, 1989, "decade"),
    ("八十年代初", 1980, 1983, "decade"),
    ("90年代中期", 1993, 1996, "decade"),
    ("八十年代末", 1987, 1989, "decade"),
    ("五六十年代", 1950, 1969, "decade"),
    ("50、60年代", 1950, 1969, "decade"),
    ("10年代", 2010, 2019, "decade"),
    ("1958—1962年", 1958, 1962, "range"),
    ("1958年至1962年", 1958, 1962, "range"),
    ("1958到1962", 1958, 1962, "range"),
    ("1958-62", 1958, 1962, "range"),
    ("2013年以后", 2013, 2026, "range"),
    ("2013年以前", 2003, 2013, "range"),
    ("文革时期", 1966, 1976, "named"),
    ("改革开放初期", 1978, 1985, "named"),
])
def test_common_chinese_forms_parse(text, lo, hi, precision):
    era = parse_era(text, today_year=2026)
    assert era is not None, text
    assert (era.year_from, era.year_to, era.precision) == (lo, hi, precision)


@pytest.mark.parametrize("text", ["", "   ", "去年", "很久以前", "2030年", "1700年", "abc"])
def test_what_is_not_a_time_is_refused(text):
    assert parse_era(text, today_year=2026) is None


def test_the_future_end_of_a_range_is_cut_at_this_year():
    assert parse_era("2020年代", today_year=2026).year_to == 2026


def test_items_are_placed_in_the_decade_of_their_middle():
    assert decade_of(2011, 2015) == 2010
    assert decade_of(1950, 1969) == 1950
    assert decade_of(1987, 1989) == 1980
