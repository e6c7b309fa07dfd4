"""Django's PostgreSQL backend, with prepared statements for hot paths and the health
check of kept connections skipped while a connection is known to be fresh.

**Prepared statements** (``prepared_cursor``, used through ``gongzhi.core.db``): Django's
cursors bind parameters on the client (``server_side_binding`` off), which can never be
prepared, so PostgreSQL parses and plans every statement again. The vote's statement spent
a third of PostgreSQL's time there (``bench/vote_profile.py --perf``). A prepared cursor
binds on the server and prepares each statement once per connection; it goes through
Django's wrappers as usual (query counts, ``execute_wrapper``, error translation).
Prepared statements live on the connection (kept under ``gongzhi serve``); a
transaction-mode pooler in front of PostgreSQL must support protocol-level prepared
statements (PgBouncer 1.21 and later, ``max_prepared_statements``).

**Health checks**:
With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a kept connection. Under load that is a round trip per request — on
the vote path, a third of its statements. Here a connection that finished a request
without a database error less than ``HEALTH_CHECK_FRESH`` seconds ago (setting
``DB_HEALTH_CHECK_FRESH``, default 5) is taken as it is; one idle for longer is checked as
Django checks it. The cost: if PostgreSQL restarts inside those seconds, the first request
on each such connection fails once (as a request running during the restart would), and
Django closes the connection so the next request reconnects
(``gongzhi/core/tests/test_pg_backend.py``).
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base, operations


class PreparingCursor(psycopg.Cursor):
    """A server-binding cursor that prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str:
        # A statement run by its prepared name leaves no query text on the cursor: compose
        # it on the client, for query logs and tests' captured queries.
        if isinstance(cursor, PreparingCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                return sql
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _gz_fresh_until = 0.0

    def prepared_cursor(self) -> Any:
        """A cursor whose statements are prepared once per connection (see the module)."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        raw = self.connection
        if raw.prepare_threshold is None:
            # Django turns psycopg's preparing off (None); a threshold no statement reaches
            # lets ``prepare=True`` work here while nothing else is prepared automatically
            # (Django's client-binding cursors are never prepared anyway).
            raw.prepare_threshold = 2**31 - 1
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(raw))  # type: ignore[attr-defined]

    def close_if_health_check_failed(self) -> None:
        if (self.connection is not None
                and self.health_check_enabled  # type: ignore[attr-defined]
                and not self.health_check_done  # type: ignore[has-type]
                and time.monotonic() < self._gz_fresh_until):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        fine = self.connection is not None and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if fine and self.connection is not None:
            fresh = float(getattr(settings, "DB_HEALTH_CHECK_FRESH", 5.0))
            self._gz_fresh_until = time.monotonic() + fresh

    def close(self) -> None:
        self._gz_fresh_until = 0.0
        super().close()
