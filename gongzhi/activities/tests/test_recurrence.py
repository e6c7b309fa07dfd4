"""The pure recurrence engine: rules from choices and back, expansion in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongzhi.activities import recurrence as r

SH = ZoneInfo("Asia/Shanghai")


def test_weekdays_rule_is_built_from_choices_and_read_back():
    rule = r.Rule(freq="WEEKLY", weekdays=("FR", "MO", "TU", "WE", "TH"))
    text = r.build_rule(rule)
    assert text == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    back = r.parse_rule(text)
    assert back.freq == "WEEKLY" and back.weekdays == ("MO", "TU", "WE", "TH", "FR")


def test_first_saturday_of_the_month():
    text = r.build_rule(r.Rule(freq="MONTHLY", monthly_mode="weekday", weekdays=("SA",),
                               setpos=1, count=3))
    assert text == "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1;COUNT=3"
    starts = r.occurrences(first_start=dt.datetime(2026, 1, 3, 9, tzinfo=SH), rule=text,
                           tz="Asia/Shanghai", window_start=dt.datetime(2026, 1, 1, tzinfo=SH),
                           window_end=dt.datetime(2027, 1, 1, tzinfo=SH))
    assert [s.date() for s in starts] == [dt.date(2026, 1, 3), dt.date(2026, 2, 7),
                                          dt.date(2026, 3, 7)]
    assert r.parse_rule("FREQ=MONTHLY;BYDAY=1SA").setpos == 1


def test_weekday_expansion_keeps_the_wall_clock_and_leaves_out_exdates():
    first = dt.datetime(2026, 9, 28, 16, 30, tzinfo=SH)  # a Monday
    starts = r.occurrences(first_start=first, rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                           tz="Asia/Shanghai", window_start=first,
                           window_end=first + dt.timedelta(days=14),
                           exdates=[dt.date(2026, 10, 1)])
    assert all(s.hour == 16 and s.minute == 30 and s.weekday() < 5 for s in starts)
    assert dt.date(2026, 10, 1) not in [s.date() for s in starts]
    assert len(starts) == 9
    assert starts[0] == first


def test_until_is_inclusive_of_the_last_day():
    text = r.build_rule(r.Rule(freq="DAILY", until=dt.date(2026, 5, 3)))
    first = dt.datetime(2026, 5, 1, 19, tzinfo=SH)
    assert r.last_occurrence(first_start=first, rule=text, tz="Asia/Shanghai") == \
        dt.datetime(2026, 5, 3, 19, tzinfo=SH)


@pytest.mark.parametrize("rule,field", [
    (r.Rule(freq="WEEKLY"), "weekdays"),
    (r.Rule(freq="YEARLY"), "freq"),
    (r.Rule(freq="DAILY", count=0), "count"),
    (r.Rule(freq="DAILY", interval=40), "interval"),
    (r.Rule(freq="DAILY", count=3, until=dt.date(2026, 1, 1)), "count"),
    (r.Rule(freq="MONTHLY", monthly_mode="weekday", weekdays=("SA",), setpos=7), "setpos"),
])
def test_bad_choices_name_the_field(rule, field):
    with pytest.raises(r.RuleError) as exc:
        r.build_rule(rule)
    assert exc.value.field == field


def test_one_off_is_its_start_only():
    first = dt.datetime(2026, 9, 25, 18, tzinfo=SH)
    assert r.occurrences(first_start=first, rule="", tz="Asia/Shanghai",
                         window_start=first - dt.timedelta(days=1),
                         window_end=first + dt.timedelta(days=1)) == [first]
