from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from gongzhi.core.audit import audit_record
from gongzhi.core.models import AppendOnlyError, AuditEntry


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_in_python():
    entry = audit_record(actor=None, action="test.thing", after={"a": 1})
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db
def test_the_database_refuses_updates_to_audit_entries():
    entry = audit_record(actor=None, action="test.thing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing"


@pytest.mark.django_db
def test_the_database_refuses_deletes_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE possible for the test runner's flush")
    entry = audit_record(actor=None, action="test.thing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
