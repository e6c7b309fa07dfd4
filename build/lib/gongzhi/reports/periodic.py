"""Periodic jobs of problem reports (run by ``gongzhi tick``)."""

from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("reports.auto_close", minutes=60)
def auto_close_resolved() -> str:
    """Close resolved reports whose reporter did not confirm or reopen within 7 days."""
    from gongzhi.reports.services import reports_auto_close

    return f"closed {reports_auto_close()}"
