"""Recurrence rules (RFC 5545 RRULE) for activities: built from plain choices, never typed.

A worker picks a frequency, weekdays, "the first Saturday", an end date or a number of
times; :func:`build_rule` turns those choices into an RRULE string
(``FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR``), :func:`parse_rule` turns a stored string back into
the choices (to fill the form again and to say the rule in words), and
:func:`occurrences` expands a rule from its first start, in the activity's time zone, into
the local start times within a window, leaving out excluded dates (EXDATE).

Pure: python-dateutil and the standard library, no Django. The time zone is an IANA name
(``Asia/Shanghai``); wall-clock times stay the same across any daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
MAX_COUNT = 500
MAX_INTERVAL = 12
# "the first / second / … / last" weekday of the month
POSITIONS = (1, 2, 3, 4, -1)


class RuleError(ValueError):
    """A rule that cannot be built or read; ``field`` names the form field at fault."""

    def __init__(self, field_name: str, code: str):
        super().__init__(f"{field_name}: {code}")
        self.field = field_name
        self.code = code


@dataclass(frozen=True)
class Rule:
    """The plain choices behind an RRULE.

    ``monthly_mode`` is ``"day"`` (the same day of the month as the first date) or
    ``"weekday"`` (the ``setpos``-th ``weekdays[0]`` of the month, e.g. 第一个周六).
    ``until`` is a local date (inclusive); ``count`` the number of times; at most one.
    """

    freq: str
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    monthly_mode: str = "day"
    setpos: int | None = None
    until: dt.date | None = None
    count: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _check(rule: Rule) -> None:
    if rule.freq not in FREQUENCIES:
        raise RuleError("freq", "unknown_frequency")
    if not 1 <= rule.interval <= MAX_INTERVAL:
        raise RuleError("interval", "interval_range")
    if rule.until is not None and rule.count is not None:
        raise RuleError("count", "until_and_count")
    if rule.count is not None and not 1 <= rule.count <= MAX_COUNT:
        raise RuleError("count", "count_range")
    bad = [d for d in rule.weekdays if d not in WEEKDAYS]
    if bad:
        raise RuleError("weekdays", "unknown_weekday")


def build_rule(rule: Rule) -> str:
    """The RRULE value (without ``RRULE:``) for ``rule``; raises :class:`RuleError`."""
    _check(rule)
    parts = [f"FREQ={rule.freq}"]
    if rule.interval != 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.freq == "WEEKLY":
        if not rule.weekdays:
            raise RuleError("weekdays", "weekdays_required")
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in rule.weekdays))
    elif rule.freq == "MONTHLY" and rule.monthly_mode == "weekday":
        if len(rule.weekdays) != 1 or rule.setpos not in POSITIONS:
            raise RuleError("setpos", "monthly_weekday_required")
        parts.append(f"BYDAY={rule.weekdays[0]}")
        parts.append(f"BYSETPOS={rule.setpos}")
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    if rule.until is not None:
        # a local date, inclusive: the rule runs to the end of that day (floating time,
        # since DTSTART is local with TZID)
        parts.append(f"UNTIL={rule.until:%Y%m%d}T235959")
    return ";".join(parts)


def parse_rule(text: str) -> Rule:
    """The choices behind a stored RRULE (one this module built, or a compatible one)."""
    values: dict[str, str] = {}
    for part in (text or "").strip().removeprefix("RRULE:").split(";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise RuleError("rule", "malformed")
        values[key.strip().upper()] = value.strip().upper()
    freq = values.pop("FREQ", "")
    if freq not in FREQUENCIES:
        raise RuleError("freq", "unknown_frequency")
    try:
        interval = int(values.pop("INTERVAL", "1"))
        count = int(values.pop("COUNT")) if "COUNT" in values else None
        setpos = int(values.pop("BYSETPOS")) if "BYSETPOS" in values else None
        until = (dt.datetime.strptime(values.pop("UNTIL")[:8], "%Y%m%d").date()
                 if "UNTIL" in values else None)
    except ValueError:
        raise RuleError("rule", "malformed") from None
    byday = values.pop("BYDAY", "")
    weekdays: list[str] = []
    for item in filter(None, byday.split(",")):
        day = item[-2:]
        prefix = item[:-2]
        if day not in WEEKDAYS:
            raise RuleError("weekdays", "unknown_weekday")
        if prefix:  # "1SA" is the same as BYDAY=SA;BYSETPOS=1
            try:
                setpos = int(prefix)
            except ValueError:
                raise RuleError("weekdays", "unknown_weekday") from None
        weekdays.append(day)
    mode = "weekday" if freq == "MONTHLY" and weekdays else "day"
    return Rule(freq=freq, interval=interval, weekdays=tuple(weekdays), monthly_mode=mode,
                setpos=setpos, until=until, count=count, extra=values)


def occurrences(*, first_start: dt.datetime, rule: str, tz: str, window_start: dt.datetime,
                window_end: dt.datetime, exdates: Iterable[dt.date] = ()) -> list[dt.datetime]:
    """Local (aware, in ``tz``) start times of ``rule`` from ``first_start`` that fall in
    ``[window_start, window_end)``, without the excluded local dates. A blank rule is a
    one-off activity: only ``first_start`` itself (if in the window)."""
    zone = ZoneInfo(tz)
    start_local = first_start.astimezone(zone)
    excluded = set(exdates)
    if not rule:
        candidates = [start_local]
    else:
        naive = start_local.replace(tzinfo=None)
        recur = rrulestr(rule, dtstart=naive, ignoretz=True)
        lo = window_start.astimezone(zone).replace(tzinfo=None)
        hi = window_end.astimezone(zone).replace(tzinfo=None)
        candidates = [d.replace(tzinfo=zone)
                      for d in recur.between(lo - dt.timedelta(seconds=1), hi, inc=False)]
    return [c for c in candidates if window_start <= c < window_end
            and c.date() not in excluded]


def last_occurrence(*, first_start: dt.datetime, rule: str, tz: str) -> dt.datetime | None:
    """The last start of a bounded rule (UNTIL or COUNT), or None when it runs forever."""
    if not rule:
        return first_start
    parsed = parse_rule(rule)
    if parsed.until is None and parsed.count is None:
        return None
    zone = ZoneInfo(tz)
    naive = first_start.astimezone(zone).replace(tzinfo=None)
    items = list(rrulestr(rule, dtstart=naive, ignoretz=True))
    return items[-1].replace(tzinfo=zone) if items else None
