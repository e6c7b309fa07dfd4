"""The reports section of a resident's personal-data export."""

from __future__ import annotations

from gongzhi.core.export import register
from gongzhi.reports.models import MeToo, Report


@register("reports")
def collect(user) -> dict:
    reports = Report.objects.filter(reporter=user).select_related("community").order_by("pk")
    return {
        "reports": [{
            "id": r.pk, "community": r.community.slug, "category": r.category,
            "description": r.description, "location_text": r.location_text,
            "lat": r.lat, "lon": r.lon, "anonymous": r.anonymous, "status": r.status,
            "created_at": r.created_at.isoformat(),
            "photos": [p.image.name for p in r.photos.all()],
        } for r in reports],
        "me_too": [{"report": m.report_id, "created_at": m.created_at.isoformat()}
                   for m in MeToo.objects.filter(user=user).order_by("pk")],
    }
