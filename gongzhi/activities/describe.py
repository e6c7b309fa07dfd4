"""A recurrence rule said in words, in the reader's language (每周一至周五 16:30–17:30)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gongzhi.activities import recurrence

DAY_NAMES = {"MO": gettext_lazy("Monday"), "TU": gettext_lazy("Tuesday"),
             "WE": gettext_lazy("Wednesday"), "TH": gettext_lazy("Thursday"),
             "FR": gettext_lazy("Friday"), "SA": gettext_lazy("Saturday"),
             "SU": gettext_lazy("Sunday")}
POSITION_NAMES = {1: gettext_lazy("first"), 2: gettext_lazy("second"),
                  3: gettext_lazy("third"), 4: gettext_lazy("fourth"),
                  -1: gettext_lazy("last")}
WEEKDAYS_MO_FR = ("MO", "TU", "WE", "TH", "FR")


def _days(days: tuple[str, ...]) -> str:
    names = [str(DAY_NAMES[d]) for d in recurrence.WEEKDAYS if d in days]
    return pgettext("list separator", ", ").join(names)


def _weekly(rule: recurrence.Rule) -> str:
    if rule.weekdays == WEEKDAYS_MO_FR and rule.interval == 1:
        return _("Every Monday to Friday")
    if len(rule.weekdays) == 7 and rule.interval == 1:
        return _("Every day")
    if rule.interval == 1:
        return _("Every week on %(days)s") % {"days": _days(rule.weekdays)}
    return _("Every %(n)s weeks on %(days)s") % {"n": rule.interval,
                                                 "days": _days(rule.weekdays)}


def _monthly(rule: recurrence.Rule, first: dt.datetime) -> str:
    if rule.monthly_mode == "weekday" and rule.weekdays and rule.setpos in POSITION_NAMES:
        text = _("the %(pos)s %(day)s") % {"pos": POSITION_NAMES[rule.setpos],
                                           "day": DAY_NAMES[rule.weekdays[0]]}
    else:
        text = _("day %(day)s") % {"day": first.day}
    if rule.interval == 1:
        return _("Every month on %(when)s") % {"when": text}
    return _("Every %(n)s months on %(when)s") % {"n": rule.interval, "when": text}


def rule_in_words(rrule: str, first_start: dt.datetime, duration: dt.timedelta) -> str:
    """E.g. "每周一至周五 16:30–17:30，至2027年1月15日" / "Every Monday to Friday,
    16:30–17:30, until 15 January 2027"; a one-off: its date and time."""
    start = timezone.localtime(first_start)
    end = start + duration
    hours = _("%(start)s–%(end)s") % {"start": start.strftime("%H:%M"),
                                       "end": end.strftime("%H:%M")}
    if not rrule:
        return _("Once, %(date)s %(hours)s") % {
            "date": formats.date_format(start.date(), "DATE_FORMAT"), "hours": hours}
    try:
        rule = recurrence.parse_rule(rrule)
    except recurrence.RuleError:
        return _("Repeats (rule not readable)")
    if rule.freq == "DAILY":
        head = _("Every day") if rule.interval == 1 else _("Every %(n)s days") % {
            "n": rule.interval}
    elif rule.freq == "WEEKLY":
        head = _weekly(rule)
    else:
        head = _monthly(rule, start)
    text = _("%(rule)s %(hours)s") % {"rule": head, "hours": hours}
    if rule.until is not None:
        text = _("%(rule)s, until %(date)s") % {
            "rule": text, "date": formats.date_format(rule.until, "DATE_FORMAT")}
    elif rule.count is not None:
        text = _("%(rule)s, %(n)s times") % {"rule": text, "n": rule.count}
    return text
