"""Read replicas: safe reads of a page go to a streaming replica, everything else to the primary.

Turned on by ``DATABASE_REPLICA_URLS`` (one or more ``postgres://`` URLs, comma-separated;
see docs/operations.md "Past one machine"). The rule is *primary unless proven safe*:

- every write goes to the primary (``default``), and so does every read by default — in
  management commands, background tasks, tests and any code outside a request;
- ``ReplicaRoutingMiddleware`` lets the reads of a ``GET``/``HEAD`` request go to a replica,
  unless the same browser wrote something in the last ``DATABASE_REPLICA_STICKY_SECONDS``
  (a cookie set after each unsafe request, so a resident sees their own report at once
  despite replication lag);
- inside a transaction on the primary (``transaction.atomic``, ``select_for_update``) reads
  stay on the primary, so read-modify-write code cannot read a stale row;
- sessions are always read from the primary (a sign-in must not look lost to a lagging
  replica);
- migrations run on the primary only; the replicas follow through streaming replication.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

_use_replica: ContextVar[bool] = ContextVar("gz_use_replica", default=False)

STICKY_COOKIE = "gz_primary_until"
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_tasks_database", "django_tasks_db"})
PRIMARY_ONLY_MODELS = frozenset({"accounts.usersession"})


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    """Database router: see the module's docstring for the rules."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        replicas = replica_aliases()
        if not replicas or not _use_replica.get():
            return "default"
        if (model._meta.app_label in PRIMARY_ONLY_APPS
                or getattr(model._meta, "label_lower", "") in PRIMARY_ONLY_MODELS):
            return "default"
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return random.choice(replicas)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None,
                      **hints: Any) -> bool:
        return db == "default"


class ReplicaRoutingMiddleware:
    """Lets a safe request's reads go to a replica; pins a browser to the primary after it wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe = request.method in ("GET", "HEAD", "OPTIONS")
        sticky = _sticky_until(request) > time.time()
        token = _use_replica.set(bool(replica_aliases()) and safe and not sticky)
        try:
            response = self.get_response(request)
        finally:
            _use_replica.reset(token)
        if not safe and replica_aliases():
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(STICKY_COOKIE, str(int(time.time() + seconds)), max_age=seconds,
                                httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return response


def _sticky_until(request: HttpRequest) -> float:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, "0"))
    except ValueError:
        return 0.0
