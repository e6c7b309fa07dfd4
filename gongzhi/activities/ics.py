"""iCalendar (RFC 5545) feeds: one VEVENT per occurrence, built with ``icalendar``.

Each occurrence is its own VEVENT — simpler for phone calendars than RRULE with EXDATE and
RECURRENCE-ID overrides, and it carries moves and cancellations exactly:

* ``UID`` is stable: the activity and the start the rule gave (``original_start``), so a
  moved occurrence keeps its UID and calendars update it instead of adding a second one;
* ``SEQUENCE`` goes up when an occurrence is moved or cancelled; a cancelled one stays in
  the feed with ``STATUS:CANCELLED`` so subscribed calendars remove it;
* ``DTSTART``/``DTEND`` carry ``TZID=Asia/Shanghai`` and the feed has its ``VTIMEZONE``;
* text (titles, places, descriptions) is escaped by the library (commas, semicolons,
  backslashes, newlines) and lines are folded at 75 octets.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from gongzhi.activities.models import TIME_ZONE, Occurrence

PRODID = "-//Gongzhi//Community activities//ZH"


def _uid(occ: Occurrence, host: str) -> str:
    stamp = occ.original_start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"activity-{occ.activity_id}-{stamp}@{host}"


def calendar_bytes(occurrences: list[Occurrence], *, name: str, host: str,
                   url_for) -> bytes:
    """The feed for ``occurrences``; ``url_for(occ)`` gives each one's absolute URL."""
    zone = ZoneInfo(TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIME_ZONE)
    for occ in occurrences:
        activity = occ.activity
        event = Event()
        event.add("uid", _uid(occ, host))
        event.add("dtstamp", max(activity.updated_at, occ.cancelled_at or activity.updated_at)
                  .astimezone(dt.UTC))
        event.add("dtstart", occ.starts_at.astimezone(zone))
        event.add("dtend", occ.ends_at.astimezone(zone))
        event.add("summary", activity.title)
        place = activity.place_label
        if place:
            event.add("location", place)
        point = activity.point
        if point is not None:
            event.add("geo", point)
        description = "\n".join(x for x in (occ.note, activity.description) if x)
        if description:
            event.add("description", description)
        event.add("url", url_for(occ))
        event.add("categories", [str(activity.get_category_display())])
        changed = occ.is_moved or occ.is_cancelled
        event.add("sequence", 1 if changed else 0)
        event.add("status", "CANCELLED" if occ.is_cancelled else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
