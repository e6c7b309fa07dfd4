"""``/favicon.ico``: browsers ask for it on every page whatever the HTML says."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = Path(__file__).resolve().parents[1] / "static" / "favicon.ico"


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ICON.read_bytes(), content_type="image/x-icon")
