"""``core.functions.IsoUtc`` writes, in SQL, the text Python's ``isoformat()`` gives for
the UTC time — on SQLite and on PostgreSQL, with and without a fraction of a second."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from gongzhi.core.functions import IsoUtc
from gongzhi.places.models import Community

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 12, 3, 5, 6, 7, 123456, tzinfo=UTC),
    dt.datetime(2026, 12, 3, 5, 6, 7, tzinfo=UTC),           # no fraction: none written
    dt.datetime(2026, 12, 3, 5, 6, 7, 1, tzinfo=UTC),        # .000001, not cut
    dt.datetime(2026, 12, 3, 5, 6, 7, 500000, tzinfo=UTC),
    dt.datetime(2027, 1, 1, 4, 0, tzinfo=SHANGHAI),          # the day before, in UTC
    dt.datetime(1999, 2, 28, 23, 59, 59, 999999, tzinfo=UTC),
])
def test_the_text_isoformat_writes(personas, value):
    community = personas.community
    Community.objects.filter(pk=community.pk).update(created_at=value)
    text, read = Community.objects.filter(pk=community.pk).values_list(
        IsoUtc("created_at"), F("created_at")).get()
    assert text == read.astimezone(UTC).isoformat() == value.astimezone(UTC).isoformat()
