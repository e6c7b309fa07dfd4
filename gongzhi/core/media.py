"""Serving uploaded files on one-node deployments (``SERVE_MEDIA``), never as a page.

Uploads are re-encoded pictures with names and extensions we chose (``core.uploads``), but
files stored before that, or put in ``MEDIA_ROOT`` by hand, must not run in our origin
either: every answer carries ``X-Content-Type-Options: nosniff`` and a sandboxing
Content-Security-Policy, and anything that is not a raster image, audio or video is sent as
a download (``Content-Disposition: attachment``, ``application/octet-stream``). The nginx
configuration in docs/operations.md does the same.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.static import serve

# Shown in the page; everything else (HTML, SVG, PDF, text, unknown) is downloaded.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"}
MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def media_headers(response: HttpResponseBase) -> HttpResponseBase:
    content_type = (response.get("Content-Type") or "").split(";")[0].strip().lower()
    inline = content_type in INLINE_TYPES or content_type.split("/")[0] in ("audio", "video")
    if not inline:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


def media_serve(request: HttpRequest, path: str) -> HttpResponseBase:
    return media_headers(serve(request, path, document_root=str(settings.MEDIA_ROOT)))
