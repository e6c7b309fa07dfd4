"""Periodic jobs of projects (run by ``gongzhi tick``)."""

from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("projects.flag_overdue", minutes=60)
def flag_overdue() -> str:
    """Tell responsible organisations and workers about overdue results and milestones."""
    from gongzhi.projects.services import results_flag_overdue

    return f"flagged {results_flag_overdue()}"
