"""``core.db.bulk_insert``: the rows read back as given, on PostgreSQL (one prepared
statement of arrays) and SQLite (``bulk_create``)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.core.db import bulk_insert
from gongzhi.decisions import services
from gongzhi.decisions.models import BallotContent, LogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(personas):
    return services.ballot_create(
        actor=personas.admin, community=personas.community, title="花园", method="approval",
        options=[{"key": "a", "label": "A"}, {"key": "b", "label": "B"}])


def test_rows_read_back_as_given_in_one_statement(ballot):
    ids = [uuid.uuid4() for _ in range(3)]
    contents = [{"approve": ["p1", "种花"]}, {"approve": []}, {"scores": {"a": 3, "b": -1}}]
    rows = [(ids[i], ballot.pk, f"r{i}" * 8, contents[i], "online", Decimal(f"{i}.50"),
             Decimal("600.00")) for i in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        bulk_insert(BallotContent, ["id", "ballot", "receipt_hash", "content", "channel",
                                    "total_cost", "budget_limit"], rows)
    if connection.vendor == "postgresql":
        assert len(ctx.captured_queries) == 1
        assert "unnest" in ctx.captured_queries[0]["sql"]
    back = {c.pk: c for c in BallotContent.objects.filter(ballot=ballot)}
    assert set(back) == set(ids)
    for i, pk in enumerate(ids):
        assert back[pk].content == contents[i]
        assert back[pk].total_cost == Decimal(f"{i}.50")
        assert back[pk].receipt_hash == f"r{i}" * 8


def test_constraints_still_hold_and_nothing_is_half_written(ballot):
    rows = [(ballot.pk, 1, "open", {"a": 1}, "2026-12-01T00:00", "0" * 64, "1" * 64),
            (ballot.pk, 1, "vote", {"b": 2}, "2026-12-01T00:00", "1" * 64, "2" * 64)]
    before = LogEntry.objects.filter(ballot=ballot).count()
    with pytest.raises(IntegrityError), transaction.atomic():  # the same seq twice
        bulk_insert(LogEntry, ["ballot", "seq", "action", "payload", "at", "prev_hash",
                               "hash"], rows)
    assert LogEntry.objects.filter(ballot=ballot).count() == before


def test_no_rows_is_no_statement():
    with CaptureQueriesContext(connection) as ctx:
        bulk_insert(LogEntry, ["ballot", "seq"], [])
    assert ctx.captured_queries == []
