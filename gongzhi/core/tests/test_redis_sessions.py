"""Cache and sessions with REDIS_URL set, against a real Redis.

Sessions use ``gongzhi.accounts.sessions.cached_db`` (Django's ``cached_db`` on the table
that carries the user): read from Redis (no session query on a signed-in page), written
through to the database, so a Redis restart or eviction signs nobody out. Two app instances
are two threads here, each with its own Redis connection and database connection, as two
app nodes behind a load balancer have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.testing.factories import PASSWORD, UserFactory

SESSION_TABLE = "accounts_usersession"


def test_redis_url_switches_cache_and_sessions():
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/7", "GONGZHI_TESTING": "1"}
    code = ("import django, json; from django.conf import settings; django.setup();"
            "print(json.dumps([settings.CACHES['default'], settings.SESSION_ENGINE]))")
    out = subprocess.run([sys.executable, "-c", code], env={
        **env, "DJANGO_SETTINGS_MODULE": "gongzhi.settings"}, capture_output=True, text=True,
        check=True).stdout
    cache, engine = json.loads(out.strip().splitlines()[-1])
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/7"
    assert engine == "gongzhi.accounts.sessions.cached_db"


def _on_another_node(fn):
    """Run ``fn`` in a thread: its own cache (Redis) client and database connection."""
    result: dict = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:  # pragma: no cover - re-raised below
            result["error"] = exc
        finally:
            caches["default"].close()
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.django_db(transaction=True)
def test_a_session_made_on_one_node_is_read_from_redis_on_another(settings, redis_cache):
    settings.SESSION_ENGINE = "gongzhi.accounts.sessions.cached_db"
    user = UserFactory(display_name="跨节点居民")

    def sign_in() -> str:
        client = Client()
        r = client.post("/accounts/login/password/", {"login": user.phone,
                                                      "password": PASSWORD})
        assert r.status_code == 302, r.content
        return client.cookies["sessionid"].value

    session_key = _on_another_node(sign_in)
    stored = [k for k in redis_cache.stored_keys() if session_key in k]
    assert len(stored) == 1                       # the session is in Redis…
    from gongzhi.accounts.models import UserSession
    assert UserSession.objects.filter(session_key=session_key).exists()  # …and in the database

    def open_profile() -> tuple[int, str, list[str]]:
        client = Client()
        client.cookies["sessionid"] = session_key
        with CaptureQueriesContext(connection) as ctx:
            r = client.get("/accounts/me/")
        return r.status_code, r.content.decode(), [q["sql"] for q in ctx.captured_queries]

    status, page, queries = _on_another_node(open_profile)
    assert status == 200 and "跨节点居民" in page
    assert not [q for q in queries if SESSION_TABLE in q]   # read from Redis only

    # Redis restarted or evicted the key: the person stays signed in (read from the database)
    redis_cache.client.delete(*stored)
    status, page, queries = _on_another_node(open_profile)
    assert status == 200 and "跨节点居民" in page
    assert [q for q in queries if SESSION_TABLE in q]
    assert [k for k in redis_cache.stored_keys() if session_key in k]  # and it is cached again


@pytest.mark.django_db(transaction=True)
def test_signing_out_on_one_node_signs_out_everywhere(settings, redis_cache):
    settings.SESSION_ENGINE = "gongzhi.accounts.sessions.cached_db"
    user = UserFactory()
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value

    def sign_out() -> int:
        other = Client()
        other.cookies["sessionid"] = key
        return other.post("/accounts/logout/").status_code

    assert _on_another_node(sign_out) in (200, 302)
    assert client.get("/accounts/me/").status_code == 302     # back to the sign-in page
    assert not [k for k in redis_cache.stored_keys() if key in k]
