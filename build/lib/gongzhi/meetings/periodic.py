"""Overdue action items are flagged to the responsible organisation and the workers."""

from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("meetings.flag_overdue_action_items", minutes=60)
def flag_overdue_action_items() -> int:
    from gongzhi.meetings.services import action_items_flag_overdue

    return action_items_flag_overdue()
