"""The PostgreSQL backend skips the health check of a kept connection only while it is
fresh, and recovers from a lost connection either way (PostgreSQL only)."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import DatabaseError, connection

from gongzhi.core.backends.postgresql import base as backend

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kept(monkeypatch, settings):
    """The default connection as ``gongzhi serve`` keeps it: health checks on, no maximum
    age, a fresh window of 5 s, and a clock the test can move."""
    settings.DB_HEALTH_CHECK_FRESH = 5.0
    connection.close()
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)  # kept for good
    monkeypatch.setattr(connection, "close_at", None)
    now = [time.monotonic()]
    monkeypatch.setattr(backend.time, "monotonic", lambda: now[0])
    checks: list[bool] = []
    real = connection.is_usable

    def counted() -> bool:
        usable = real()
        checks.append(usable)
        return usable

    monkeypatch.setattr(connection, "is_usable", counted)
    yield now, checks
    connection.close()


def _request_ends() -> None:
    connection.close_if_unusable_or_obsolete()  # what request_finished runs


def _terminate_backend() -> None:
    """Kill the connection's server process from another connection, as a database
    restart would (the pid is read from psycopg, not through a Django cursor, so the
    request state of the connection is untouched)."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                         user=db["USER"], dbname=db["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)


def _select_one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_only_a_connection_fresh_from_a_good_request_skips_the_check(kept):
    now, checks = kept
    _request_ends()
    now[0] += 4.9
    assert _select_one() == 1
    assert checks == []  # no SELECT 1 round trip before the request's first query

    _request_ends()
    now[0] += 5.1  # idle past the window: checked as Django checks it
    assert _select_one() == 1
    assert checks == [True]

    checks.clear()
    _request_ends()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    fresh_until = connection._gz_fresh_until
    now[0] += 1
    _request_ends()  # errors occurred: Django's own check runs, the window is not renewed
    assert checks == [True]
    assert connection._gz_fresh_until == fresh_until


def test_a_lost_connection_is_replaced_inside_the_window_or_after_it(kept):
    now, checks = kept
    _request_ends()
    _terminate_backend()
    now[0] += 6  # idle past the window: the check finds it dead and reconnects
    assert _select_one() == 1
    assert checks == [False]

    _request_ends()
    _terminate_backend()
    now[0] += 1  # inside the window
    with pytest.raises(DatabaseError):
        _select_one()  # the one request that pays for the skipped check
    _request_ends()  # Django finds the connection unusable and closes it
    assert connection.connection is None
    assert _select_one() == 1
