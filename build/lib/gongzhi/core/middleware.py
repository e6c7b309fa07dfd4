"""Request-scoped context: the user's language, the current community, the client IP."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from gongzhi.core.request_info import client_ip, reset_current_ip, set_current_ip

COMMUNITY_SESSION_KEY = "gz_community"


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie, so it follows them across
    devices; anonymous visitors keep the cookie / browser choice from LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current_ip(client_ip(request))
        try:
            user = getattr(request, "user", None)
            lang = getattr(user, "language", "") if user and user.is_authenticated else ""
            if lang and lang in dict(settings.LANGUAGES):
                translation.activate(lang)
                request.LANGUAGE_CODE = lang
            return self.get_response(request)
        finally:
            reset_current_ip(token)


class CurrentCommunityMiddleware:
    """Makes ``request.community`` lazily available: the one chosen in the switcher."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.community_id = request.session.get(COMMUNITY_SESSION_KEY)
        return self.get_response(request)
