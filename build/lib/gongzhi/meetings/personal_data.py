from __future__ import annotations

from gongzhi.core.export import register
from gongzhi.meetings.models import Attendance, Registration


@register("meetings")
def meetings(user) -> dict:
    return {
        "registrations": [
            {"meeting": r.meeting.title, "community": r.meeting.community.name,
             "status": r.status, "age_band": r.age_band,
             "registered_at": r.queued_at.isoformat(),
             "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None}
            for r in Registration.objects.filter(user=user)
            .select_related("meeting__community")
        ],
        "attendance": [
            {"meeting": a.meeting.title, "community": a.meeting.community.name,
             "checked_in_at": a.checked_in_at.isoformat(), "method": a.method,
             "age_band": a.age_band, "tenure": a.tenure, "moved_in_year": a.moved_in_year}
            for a in Attendance.objects.filter(user=user).select_related("meeting__community")
        ],
    }
