from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from gongzhi.core import ratelimit


class SessionOrToken(HttpBearer):
    """Bearer token if sent; otherwise the session (with CSRF on unsafe methods).

    Anonymous callers get through as ``AnonymousUser`` so public reads work; endpoints
    that need a person check ``request.user.is_authenticated`` (see ``require_user``).
    """

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if header.lower().startswith("bearer "):
            caller = super().__call__(request)
            if caller is not None and unsafe:
                ratelimit.hit("api_write", user=caller.user, request=request)
            return caller
        user = request.user
        if user.is_authenticated and unsafe and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed.")
        if unsafe:
            ratelimit.hit("api_write", user=user, request=request)
        return _Caller(user)

    def authenticate(self, request: HttpRequest, token: str):
        from gongzhi.accounts.services import api_token_user

        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        return _Caller(user)


class _Caller:
    """Always truthy, so ninja lets anonymous callers reach public endpoints."""

    def __init__(self, user):
        self.user = user

    def __bool__(self) -> bool:
        return True


def require_user(request: HttpRequest):
    if not request.user.is_authenticated:
        raise HttpError(401, "Sign in or send a valid token.")
    return request.user
