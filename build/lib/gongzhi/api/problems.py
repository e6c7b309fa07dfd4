from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse


def problem(request: HttpRequest, status: int, title: str, *, detail: str = "",
            **extra: Any) -> HttpResponse:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {"type": "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/problem+json")
