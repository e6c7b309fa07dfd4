"""Sessions that bring their signed-in person along: the session row and the user row in
ONE query (``select_related``), where Django reads them in two on every signed-in page.

``SESSION_ENGINE = "gongzhi.accounts.sessions.db"`` (or ``...sessions.cached_db`` with a
shared cache: then a session found in the cache costs no query, and the user is read
apart as in Django). The session table (``accounts_usersession``) has a ``user`` column,
set whenever the session is saved from the ``_auth_user_id`` it holds; loading the
session joins the user. ``AuthenticationMiddleware`` below lets Django's own
``auth.get_user`` run unchanged -- backend, ``is_active`` and the session-hash check
(a password change signs other sessions out) -- only the backend's ``get_user(id)``
takes the user the session brought instead of querying, when the ids agree.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextvars import ContextVar
from typing import Any

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthMiddleware
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from gongzhi.core.compiled import CompiledQuery

# the session of the request whose user is being read, set only around auth.get_user
_session: ContextVar[Any] = ContextVar("gz_auth_session", default=None)


def _session_with_user(key: str, now: dt.datetime):
    from gongzhi.accounts.models import UserSession

    return UserSession.objects.select_related("user").filter(
        session_key=key, expire_date__gt=now)


# read on every signed-in request: its SQL is built once (core/compiled.py)
SESSION_WITH_USER = CompiledQuery(_session_with_user, key=str, now=dt.datetime)


class UserSessionMixin:
    """For a database-backed SessionStore: the user column written, the user joined."""

    session_key: str | None
    _session_key: str | None

    @classmethod
    def get_model_class(cls):
        from gongzhi.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)  # type: ignore[misc]
        raw = data.get(SESSION_KEY)
        obj.user_id = int(raw) if raw is not None and str(raw).isdigit() else None
        return obj

    def _get_session_from_db(self):
        try:
            found = (SESSION_WITH_USER.first(key=self.session_key, now=timezone.now())
                     if isinstance(self.session_key, str) else None)
        except SuspiciousOperation as e:
            logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
            logger.warning(str(e))
            found = None
        if found is None:
            self._session_key = None
            return None
        self._gz_user = found.user
        return found


def preloaded_user(user_id: Any):
    """The user the request's session row brought, if it is ``user_id`` (else None)."""
    session = _session.get()
    user = getattr(session, "_gz_user", None) if session is not None else None
    if user is not None and str(user.pk) == str(user_id):
        return user
    return None


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        token = _session.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _session.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthMiddleware):
    """Django's, with ``request.user`` read through ``_get_user`` (see the module)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))
