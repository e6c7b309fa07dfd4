"""Request-scoped context: the user's language, the current community, the client IP."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

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


_View = TypeVar("_View", bound=Callable[..., Any])


# --- input refused before any view --------------------------------------------------------

# NUL and the other C0 controls except tab, line feed and carriage return; lone UTF-16
# surrogates (JSON can carry them as \ud800 escapes; no database can store them); and the
# two non-characters U+FFFE and U+FFFF.
_STRICT_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Form fields keep pasted text (a vertical tab from a word processor is harmless); only the
# characters no database can store are refused there.
_FORM_INVALID = re.compile("[\x00\ud800-\udfff]")


def _bad_in_query(request: HttpRequest) -> str | None:
    for key, values in request.GET.lists():
        if _STRICT_INVALID.search(key):
            return key[:40]
        for value in values:
            if _STRICT_INVALID.search(value):
                return key
    return None


def _bad_in_form(request: HttpRequest) -> str | None:
    for key, values in request.POST.lists():
        if _FORM_INVALID.search(key):
            return key[:40]
        for value in values:
            if _FORM_INVALID.search(value):
                return key
    return None


def _bad_in_json(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) with an invalid character."""
    if isinstance(value, str):
        return path or "body" if _STRICT_INVALID.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _STRICT_INVALID.search(str(key)):
                return path or "body"
            found = _bad_in_json(item, where)
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _bad_in_json(item, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def _bad_in_cookies(request: HttpRequest) -> str | None:
    for key, value in request.COOKIES.items():
        if _STRICT_INVALID.search(key) or _STRICT_INVALID.search(value):
            return "cookie"
    return None


def _plain_text_is_clean(body: bytes) -> bool:
    try:
        return _STRICT_INVALID.search(body.decode("utf-8")) is None
    except UnicodeDecodeError:
        return False


def find_invalid_input(request: HttpRequest) -> str | None:
    """Where the request carries a character we refuse: a parameter name, ``body`` or
    ``cookie``; None when it is clean. Bodies that are not JSON or a form are left to the
    view (uploads are checked by ``gongzhi.core.uploads``)."""
    if _STRICT_INVALID.search(request.path):
        return "path"
    found = _bad_in_query(request) or _bad_in_cookies(request)
    if found or request.method in ("GET", "HEAD", "OPTIONS"):
        return found
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _bad_in_form(request)
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body or b"null"
        if b"\\" not in body and _plain_text_is_clean(body):
            # No backslash: no escapes, so every character of every decoded string is in
            # the text as it is — a clean text is a clean document, without parsing it.
            return None
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None  # the API answers malformed JSON with its own problem document
        return _bad_in_json(data)
    return None


FORM_REPORTS_BAD_INPUT = "gz_form_reports_bad_input"


def form_reports_bad_input(view: _View) -> _View:
    """Mark an HTML view that reads every posted value through Django forms: a NUL typed
    into one of its fields then reaches the form, which answers with the page, what was
    typed and the error beside the field, instead of a bare 400 page. Mark a view only
    when nothing of ``request.POST`` is stored without a form field (a CharField refuses
    NUL by itself; choice and number fields refuse what is not a choice or a number).
    Apply it below ``@login_required`` (wrappers copy the mark)."""
    setattr(view, FORM_REPORTS_BAD_INPUT, True)
    return view


def _bad_outside_form_body(request: HttpRequest) -> bool:
    return bool(_STRICT_INVALID.search(request.path) or _bad_in_query(request)
                or _bad_in_cookies(request))


def _form_may_report(request: HttpRequest) -> bool:
    """The bad character is in the fields of an HTML form post, nowhere else."""
    return (request.method == "POST" and not request.path.startswith("/api/")
            and (request.content_type or "") in ("application/x-www-form-urlencoded",
                                                 "multipart/form-data")
            and not _bad_outside_form_body(request))


class InputValidationMiddleware:
    """Refuses null bytes and other characters no database can store, in the query string,
    cookies, form fields and JSON bodies, with a 400 before any view runs: an RFC 9457
    problem document under /api/, a page in the visitor's language elsewhere.

    The one exception: the fields of an HTML form posted to a view marked with
    :func:`form_reports_bad_input` go on to that view's form, which shows the error with the
    input kept (checked in ``process_view``, once the view is known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = find_invalid_input(request)
        if where is None:
            return self.get_response(request)
        if _form_may_report(request):
            request.META["gongzhi.bad_form_field"] = where
            return self.get_response(request)
        return bad_input_response(request, where)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        where = request.META.get("gongzhi.bad_form_field")
        if where is None or getattr(view_func, FORM_REPORTS_BAD_INPUT, False):
            return None
        return bad_input_response(request, where)


def bad_input_response(request: HttpRequest, where: str) -> HttpResponse:
    from django.shortcuts import render

    language = translation.get_language_from_request(request)
    with translation.override(language):
        message = _("“%(field)s” contains a character that cannot be accepted, such as a "
                    "null character. Remove it and try again.") % {"field": where}
        if request.path.startswith("/api/"):
            from gongzhi.api.problems import problem

            return problem(request, 400, _("The request is not valid."), detail=message,
                           errors=[{"field": where, "message": message,
                                    "type": "invalid_character"}])
        return render(request, "400.html", {"message": message}, status=400)


# --- security headers ----------------------------------------------------------------------

def _host_source(url: str) -> str | None:
    """``https://t{s}.tianditu.gov.cn/vec_w/...`` → ``https://*.tianditu.gov.cn`` (a CSP
    host source; a templated label becomes the leftmost wildcard). None for our own origin."""
    url = (url or "").strip()
    if "://" not in url:
        return None  # relative: served from our own origin
    scheme, rest = url.split("://", 1)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not host or scheme not in ("http", "https"):
        return None
    labels = host.split(".")
    if "{" in labels[0]:
        labels = ["*"] + labels[1:]
    if any("{" in label for label in labels):
        return None
    return f"{scheme}://{'.'.join(labels)}"


def basemap_hosts() -> list[str]:
    """Hosts the configured basemap loads tiles (and styles) from, plus CSP_EXTRA_HOSTS."""
    hosts: list[str] = list(getattr(settings, "CSP_EXTRA_HOSTS", []))
    try:
        from gongzhi.maps.config import basemap_config

        config = basemap_config()
    except Exception:  # noqa: BLE001 - a broken map setting must not take every page down
        config = {}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            source = _host_source(value)
            if source and source not in hosts:
                hosts.append(source)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (dict, list)) or str(key).lower().endswith("url"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(config)
    walk(getattr(settings, "MAP_TILE_URL", ""))
    return hosts


@functools.lru_cache(maxsize=1)
def content_security_policy() -> str:
    """The policy, built once per process: it depends on settings only (a local basemap
    is served by this site); ``setting_changed`` (tests' overrides) clears it."""
    hosts = " ".join(basemap_hosts())
    extra = f" {hosts}" if hosts else ""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {settings.CSP_STYLE_SRC}",
        f"img-src 'self' data: blob:{extra}",
        f"connect-src 'self'{extra}",
        "font-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


@receiver(setting_changed)
def _policy_settings_changed(**kwargs: Any) -> None:
    content_security_policy.cache_clear()


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy on every response (see docs/security.md), unless
    the view set its own (uploaded files get a sandboxing one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy()
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", "same-origin")
        return response
