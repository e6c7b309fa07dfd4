from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_tests_run_on_the_database_ci_asked_for():
    """Guards against a PostgreSQL run that silently falls back to SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
