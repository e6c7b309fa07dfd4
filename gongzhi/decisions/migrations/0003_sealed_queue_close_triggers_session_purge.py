"""Sealed pending entries; closed ballots frozen in the database; receipts out of sessions.

* ``PendingEntry``: what a vote writes next to its voter record (sealed, see seal.py).
* Triggers: once a ballot is closed its contents can no longer be inserted or changed
  (PostgreSQL: nor deleted -- SQLite's test runner empties tables with DELETE, as for the
  append-only logs in ``gongzhi/core/db.py``), no pending entry can be added, and the
  ballot's state, result and closing time cannot change.
* Sessions: the HTML vote form used to keep ``gz-ballot-receipt-<id>`` (the receipt code)
  in the session, next to ``_auth_user_id``; session rows decode without SECRET_KEY, so a
  database or backup reader could link a user to a ballot. Those keys are removed from
  every stored session (a session that cannot be decoded but contains such a key is
  deleted: the user signs in again).
"""

import base64
import json
import zlib

import django.db.models.deletion
from django.db import migrations, models

_PG_UP = """
CREATE OR REPLACE FUNCTION gongzhi_ballot_rows_frozen() RETURNS trigger AS $$
DECLARE
    bid bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN bid := NEW.ballot_id; ELSE bid := OLD.ballot_id; END IF;
    IF EXISTS (SELECT 1 FROM decisions_ballot WHERE id = bid AND state = 'closed')
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM decisions_ballot
                                        WHERE id = NEW.ballot_id AND state = 'closed')) THEN
        RAISE EXCEPTION 'ballot % is closed: table % is frozen', bid, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_ballotcontent_frozen BEFORE INSERT OR UPDATE OR DELETE
    ON decisions_ballotcontent FOR EACH ROW EXECUTE FUNCTION gongzhi_ballot_rows_frozen();
CREATE TRIGGER decisions_pendingentry_frozen BEFORE INSERT
    ON decisions_pendingentry FOR EACH ROW EXECUTE FUNCTION gongzhi_ballot_rows_frozen();
CREATE OR REPLACE FUNCTION gongzhi_ballot_closed_final() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'closed' AND (NEW.state IS DISTINCT FROM OLD.state
                                 OR NEW.result IS DISTINCT FROM OLD.result
                                 OR NEW.closed_at IS DISTINCT FROM OLD.closed_at) THEN
        RAISE EXCEPTION 'ballot % is closed: its state and result are final', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_ballot_closed_final BEFORE UPDATE ON decisions_ballot
    FOR EACH ROW EXECUTE FUNCTION gongzhi_ballot_closed_final();
"""
_PG_DOWN = """
DROP TRIGGER IF EXISTS decisions_ballotcontent_frozen ON decisions_ballotcontent;
DROP TRIGGER IF EXISTS decisions_pendingentry_frozen ON decisions_pendingentry;
DROP TRIGGER IF EXISTS decisions_ballot_closed_final ON decisions_ballot;
"""
_CLOSED = "(SELECT state FROM decisions_ballot WHERE id = {ref}.ballot_id) = 'closed'"
_SQLITE_UP = [
    f"CREATE TRIGGER decisions_ballotcontent_frozen_insert BEFORE INSERT ON "
    f"decisions_ballotcontent WHEN {_CLOSED.format(ref='NEW')} BEGIN "
    f"SELECT RAISE(ABORT, 'ballot is closed: decisions_ballotcontent is frozen'); END;",
    f"CREATE TRIGGER decisions_ballotcontent_frozen_update BEFORE UPDATE ON "
    f"decisions_ballotcontent WHEN {_CLOSED.format(ref='OLD')} OR "
    f"{_CLOSED.format(ref='NEW')} BEGIN "
    f"SELECT RAISE(ABORT, 'ballot is closed: decisions_ballotcontent is frozen'); END;",
    f"CREATE TRIGGER decisions_pendingentry_frozen_insert BEFORE INSERT ON "
    f"decisions_pendingentry WHEN {_CLOSED.format(ref='NEW')} BEGIN "
    f"SELECT RAISE(ABORT, 'ballot is closed: decisions_pendingentry is frozen'); END;",
    "CREATE TRIGGER decisions_ballot_closed_final BEFORE UPDATE ON decisions_ballot "
    "WHEN OLD.state = 'closed' AND (NEW.state IS NOT OLD.state OR NEW.result IS NOT "
    "OLD.result OR NEW.closed_at IS NOT OLD.closed_at) BEGIN "
    "SELECT RAISE(ABORT, 'ballot is closed: its state and result are final'); END;",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS decisions_ballotcontent_frozen_insert;",
    "DROP TRIGGER IF EXISTS decisions_ballotcontent_frozen_update;",
    "DROP TRIGGER IF EXISTS decisions_pendingentry_frozen_insert;",
    "DROP TRIGGER IF EXISTS decisions_ballot_closed_final;",
]


def freeze_closed(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_PG_UP, params=None)
    elif vendor == "sqlite":
        for sql in _SQLITE_UP:
            schema_editor.execute(sql, params=None)


def unfreeze_closed(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_PG_DOWN, params=None)
    elif vendor == "sqlite":
        for sql in _SQLITE_DOWN:
            schema_editor.execute(sql, params=None)


RECEIPT_KEY = "gz-ballot-receipt-"


def _payload_without_key(data: str) -> dict | None:
    """Read a signed session payload without the key (as an attacker could)."""
    payload = data.split(":", 1)[0]
    compressed = payload.startswith(".")
    if compressed:
        payload = payload[1:]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if compressed:
            raw = zlib.decompress(raw)
        return json.loads(raw)
    except (ValueError, zlib.error):
        return None


def purge_receipts_from_sessions(apps, schema_editor):
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.all().iterator():
        text = session.session_data
        if RECEIPT_KEY not in json.dumps(_payload_without_key(text)) and RECEIPT_KEY not in text:
            continue
        data = store.decode(text)
        if not data:  # signed with another key: cannot be rewritten, so it goes
            session.delete()
            continue
        kept = {k: v for k, v in data.items() if not k.startswith(RECEIPT_KEY)}
        Session.objects.filter(pk=session.pk).update(session_data=store.encode(kept))


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0002_ballot_project_meeting'),
        ('sessions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='PendingEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sealed', models.BinaryField()),
                ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='decisions.ballot')),
            ],
            options={
                'verbose_name': 'pending ballot entry',
                'verbose_name_plural': 'pending ballot entries',
            },
        ),
        migrations.RunPython(freeze_closed, unfreeze_closed),
        migrations.RunPython(purge_receipts_from_sessions, migrations.RunPython.noop),
    ]
