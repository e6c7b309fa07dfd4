"""Rate limits for the writes the public can make, counted in the cache.

With ``REDIS_URL`` set the cache is Redis, so a limit holds across every app process and
node; without it the cache is each process's memory (one-node deployments). A limit is a
fixed window per *scope* (``comment``, ``report``…) and per caller — the signed-in person
and the network address, counted apart — of ``RATE_LIMITS[scope]`` = (per person, per
address, window seconds). The window's number is part of the key, so a counter is never
carried into the next window, and each hit is one atomic ``INCRBY`` (Redis: both of a
hit's counters in one round trip, a script) or a locked increment (local memory).

``hit()`` raises :class:`RateLimited`, a ``ValidationError``: a view shows it on its form
like any service error (the input is kept), and :class:`RateLimitMiddleware` answers that
page with HTTP 429 and ``Retry-After``; the API turns it into a 429 problem document.

The older limits stay where they are: sign-in attempts (``LoginLock``), sign-in codes per
number and address and reports per person per hour/day are counted in the database.
"""

from __future__ import annotations

import contextvars
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.core.request_info import client_ip

# The request being served (set by RateLimitMiddleware), so services need not take one.
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "gz_rl_request", default=None)


class RateLimited(ValidationError):
    """Too many writes of one kind; ``retry_after`` in seconds until the window ends."""

    def __init__(self, message: str, retry_after: int, scope: str = ""):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after
        self.scope = scope


@dataclass(frozen=True)
class Limit:
    per_user: int | None
    per_ip: int | None
    window: int


def limit_for(scope: str) -> Limit | None:
    spec = settings.RATE_LIMITS.get(scope)
    if spec is None:
        return None
    per_user, per_ip, window = spec
    return Limit(per_user, per_ip, max(1, int(window)))


def _count(key: str, timeout: int) -> int:
    """Add one to ``key`` and return the new count (atomic on Redis and local memory)."""
    # add() is SET NX with the expiry; incr() is INCR. The window's number is in the key,
    # so even a key that lost its expiry would never be read in a later window.
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout)
        return 1


def _redis_client():
    """The Redis client behind Django's cache, or None when the cache is not Redis."""
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)  # type: ignore[attr-defined]


# Each key in turn: add n, renew the expiry (the window's number is in the key, so renewing
# it never carries a count into the next window), stop at the first key over its limit.
_COUNT_LUA = """
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCRBY', key, ARGV[1])
  redis.call('EXPIRE', key, ARGV[2])
  out[i] = count
  if count > tonumber(ARGV[2 + i]) then break end
end
return out
"""
_COUNT_SHA = hashlib.sha1(_COUNT_LUA.encode()).hexdigest()  # noqa: S324 - Redis's script id


def _count_all(checks: list[tuple[str, int]], timeout: int, n: int) -> list[int]:
    """Count ``n`` hits on each (key, allowed) in turn, stopping after the first that is
    over: the counts so far. On Redis, one round trip (a script), not two per key."""
    client = _redis_client()
    if client is None:
        counts = []
        for key, allowed in checks:
            count = 0
            for _i in range(n):
                count = _count(key, timeout)
            counts.append(count)
            if count > allowed:
                break
        return counts
    from redis.exceptions import NoScriptError

    backend = caches["default"]
    keys = [backend.make_and_validate_key(key) for key, _allowed in checks]
    args = [n, timeout] + [allowed for _key, allowed in checks]
    try:
        counts = client.evalsha(_COUNT_SHA, len(keys), *keys, *args)
    except NoScriptError:  # the first call on this Redis (or after SCRIPT FLUSH)
        counts = client.eval(_COUNT_LUA, len(keys), *keys, *args)
    return [int(c) for c in counts]


def _who(user, request: HttpRequest | None) -> tuple[str | None, str | None]:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    user_key = str(user.pk) if user is not None and getattr(user, "pk", None) else None
    ip = client_ip(request) if request is not None else None
    return user_key, ip


def hit(scope: str, *, user=None, request: HttpRequest | None = None, n: int = 1) -> None:
    """Count ``n`` writes of ``scope`` for the person and the address; raise when over.

    ``user`` defaults to the request's user and ``request`` to the request being served.
    Outside a request (management commands, the task worker, the demo) nothing is counted:
    those are not writes of the public.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit = limit_for(scope)
    if limit is None:
        return
    request = request if request is not None else _request.get()
    if request is None:
        return
    user_key, ip = _who(user, request)
    now = time.time()
    window_no = int(now // limit.window)
    retry_after = max(1, math.ceil((window_no + 1) * limit.window - now))
    prefix = f"{settings.RATE_LIMIT_KEY_PREFIX}:{scope}:{window_no}"
    checks = [(kind, f"{prefix}:{kind}:{who}", allowed)
              for kind, who, allowed in (("u", user_key, limit.per_user),
                                         ("ip", ip, limit.per_ip))
              if who is not None and allowed is not None]
    if not checks:
        return
    counts = _count_all([(key, allowed) for _kind, key, allowed in checks],
                        limit.window + 5, n)
    for (kind, _key, allowed), count in zip(checks, counts, strict=False):
        if count > allowed:
            raise _limited(scope, retry_after, per_address=kind == "ip")


def _limited(scope: str, retry_after: int, *, per_address: bool) -> RateLimited:
    if retry_after >= 120:
        wait = ngettext("%(n)s minute", "%(n)s minutes", retry_after // 60) % {
            "n": retry_after // 60}
    else:
        wait = ngettext("%(n)s second", "%(n)s seconds", retry_after) % {"n": retry_after}
    if per_address:
        message = _("Too many of these were sent from your network just now. Please try "
                    "again in %(wait)s.") % {"wait": wait}
    else:
        message = _("You have sent this too often just now. Please try again in "
                    "%(wait)s.") % {"wait": wait}
    limited = RateLimited(message, retry_after, scope)
    request = _request.get()
    if request is not None:
        request._gz_rate_limited = limited  # type: ignore[attr-defined]
    return limited


class RateLimitMiddleware:
    """Makes the request visible to ``hit()`` and answers rate-limited pages with 429.

    A view that caught :class:`RateLimited` and showed it on its form (status 200 or 400)
    (or 429) is sent as 429 with ``Retry-After``; one that redirected is left alone. An uncaught
    one renders ``429.html``. The API sets its own status (gongzhi/api/api.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        limited: RateLimited | None = getattr(request, "_gz_rate_limited", None)
        if limited is not None and response.status_code in (200, 400, 429):
            response.status_code = 429
            response.reason_phrase = "Too Many Requests"
            response["Retry-After"] = str(limited.retry_after)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception
                          ) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response = render(request, "429.html", {"message": exception.message}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
