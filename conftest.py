"""Test-wide setup: test settings before Django loads, shared fixtures in gongzhi/testing."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("GONGZHI_TESTING", "1")

# Property tests check behaviour, not speed: no per-example deadline (a loaded CI machine
# is no clock; speed is measured in bench/).
hypothesis_settings.register_profile("gongzhi", deadline=None)
hypothesis_settings.load_profile("gongzhi")

pytest_plugins = ["gongzhi.testing.fixtures", "gongzhi.testing.browser", "gongzhi.testing.redis"]


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip on SQLite with a reason; in CI on PG they must run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
