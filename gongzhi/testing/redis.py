"""A real Redis for the tests of the cache, sessions and rate limits.

``GONGZHI_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/7``) names it; a test that needs
it is skipped with a reason when nothing answers there. Every test gets its own key prefix
and deletes only its own keys afterwards, so a shared Redis is safe to use.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

REDIS_URL = os.environ.get("GONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@dataclass
class RedisForTest:
    url: str
    prefix: str
    client: Any  # redis.Redis

    def stored_keys(self) -> list[str]:
        return sorted(k.decode() for k in self.client.scan_iter(match=f"*{self.prefix}*"))


def redis_or_skip():
    try:
        import redis
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.skip("the redis package is not installed (pip install -e '.[test]')")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); set GONGZHI_TEST_REDIS_URL")
    return client


@pytest.fixture
def redis_cache(settings) -> Iterator[RedisForTest]:
    """Django's cache on the real Redis, under a prefix of this test only."""
    client = redis_or_skip()
    prefix = f"gztest-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    settings.RATE_LIMIT_KEY_PREFIX = f"{prefix}:rl"
    try:
        yield RedisForTest(REDIS_URL, prefix, client)
    finally:
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
