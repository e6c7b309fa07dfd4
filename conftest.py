"""Test-wide setup: test settings before Django loads, shared fixtures in gongzhi/testing."""

import os

import pytest

os.environ.setdefault("GONGZHI_TESTING", "1")

pytest_plugins = ["gongzhi.testing.fixtures", "gongzhi.testing.browser"]


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip on SQLite with a reason; in CI on PG they must run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
