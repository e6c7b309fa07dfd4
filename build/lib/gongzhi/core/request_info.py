"""The client IP of the request being served, for audit entries and rate limits.

Held in a context variable set by middleware, so services need not take a request.
"""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.http import HttpRequest

_current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("gz_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address; X-Forwarded-For is trusted only behind known proxies."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR") or None


def set_current_ip(ip: str | None) -> contextvars.Token:
    return _current_ip.set(ip)


def reset_current_ip(token: contextvars.Token) -> None:
    _current_ip.reset(token)


def current_ip() -> str | None:
    return _current_ip.get()
