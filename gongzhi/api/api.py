"""The public REST API, /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Every router lives in its app's ``api.py``; this module only assembles them and turns
errors into RFC 9457 problem documents (400 for bad input, 429 with ``Retry-After`` when
a rate limit is reached, never 500).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gongzhi.api.auth import SessionOrToken
from gongzhi.api.docs import OfflineSwagger
from gongzhi.api.problems import problem
from gongzhi.core.ratelimit import RateLimited

api = NinjaAPI(
    title="Gongzhi API",
    version="1",
    description="Participatory governance of neighbourhood space. Session or token auth "
    "(Authorization: Bearer gz_...).",
    auth=SessionOrToken(),
    urls_namespace="api",
    docs_url="/docs",
    docs=OfflineSwagger(),
)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload")]
        errors.append({"field": ".".join(loc), "message": err.get("msg", ""),
                       "type": err.get("type", "")})
    return problem(request, 400, _("The request is not valid."),
                   detail=_("Some fields are missing or have the wrong type."), errors=errors)


@api.exception_handler(ValidationError)
def on_django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [{"field": field, "message": str(m)}
                  for field, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": "", "message": str(m)} for m in exc.messages]
    return problem(request, 400, _("The request is not valid."), errors=errors)


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = problem(request, 429, _("Too many requests."), detail=str(exc.message),
                       retry_after=exc.retry_after)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, _("Not found."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, _("Sign in or send a valid token."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from gongzhi.api.routers import ROUTERS

    for prefix, router in ROUTERS():
        api.add_router(prefix, router)


_register_routers()
