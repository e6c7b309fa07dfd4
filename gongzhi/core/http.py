"""Small helpers views share: fetch-or-404 with a permission check, community lookup, the
request's CSRF token."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.middleware.csrf import get_token
from django_htmx.middleware import HtmxDetails

from gongzhi.accounts.models import User
from gongzhi.core.compiled import CompiledQuery
from gongzhi.places.models import Community


class AuthedRequest(HttpRequest):
    """The request of a view behind ``@login_required``: ``user`` is a signed-in ``User``.

    Annotating such a view's ``request`` with this type tells the type checker what the
    decorator guarantees (the pattern django-stubs documents); it changes nothing at run time.
    """

    user: User
    htmx: HtmxDetails  # django_htmx's middleware sets it on every request


def require_perm(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def acting_user(request: HttpRequest) -> User:
    """The signed-in person behind a request that a permission check has already let through.

    For views open to everyone that act only for some (e.g. a POST after ``require_perm``):
    an anonymous visitor is refused here rather than reaching a service.
    """
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


# read on every community page: its SQL is built once (core/compiled.py)
_ACTIVE_COMMUNITY = CompiledQuery(
    lambda slug: Community.objects.select_related("subdistrict").filter(slug=slug,
                                                                        is_active=True),
    slug=str)


def community_or_404(slug: str) -> Community:
    found = _ACTIVE_COMMUNITY.first(slug=slug)
    if found is None:
        raise Http404("No community matches the given query.")
    return found


# Bounds for paging parameters: far beyond any real list, far below what databases overflow
# on (an offset of 10**20 made SQL fail with a 500).
MAX_OFFSET = 1_000_000
MAX_PAGE = 100_000


def csrf_token(request: HttpRequest) -> str:
    """The request's CSRF token for its forms, masked once per request and secret.

    Django masks the secret anew on every ``get_token`` call (about 0.1 ms each); the
    templates' ``{% csrf_token %}`` (through ``core.context_processors``) and the forms
    drawn in Python share this one. A secret rotated during the request (signing in) is
    masked anew."""
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_gz_csrf", None)
    if kept is None or kept[0] != secret:
        token = get_token(request)
        kept = (request.META.get("CSRF_COOKIE"), token)
        request._gz_csrf = kept  # type: ignore[attr-defined]
    return kept[1]
