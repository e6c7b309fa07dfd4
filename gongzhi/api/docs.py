"""The interactive API documentation at /api/v1/docs, served entirely from our own static
files (Swagger UI vendored under static/vendor/swagger-ui; no CDN, works offline and
inside mainland China). No inline script: the page's data goes through ``json_script``
and data attributes and ``api/swagger-init.js`` starts Swagger UI (CSP ``script-src
'self'``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase, _csrf_needed


class OfflineSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {
            "api": api, "swagger_settings": config, "add_csrf": _csrf_needed(api)})
