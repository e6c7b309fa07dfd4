"""Keep recurring activities materialised eight weeks ahead; send reminders."""

from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("activities.extend_occurrences", minutes=60)
def extend_occurrences() -> int:
    from gongzhi.activities.services import occurrences_extend_all

    return occurrences_extend_all()


@periodic("activities.reminders", minutes=5)
def reminders() -> int:
    from gongzhi.activities.services import reminders_send

    return reminders_send()
