"""Database helpers for migrations: append-only tables enforced by triggers.

Used by every log that must not be rewritten (audit log, ballot log, report timeline,
points ledgers). Trigger names are ``<table>_append_only`` (PostgreSQL) and
``<table>_no_update`` (SQLite).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION gongzhi_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def append_only_trigger(table: str, *, block_delete: bool = True) -> migrations.RunPython:
    """A migration operation that refuses UPDATE (and DELETE) on ``table``.

    PostgreSQL refuses UPDATE and, with ``block_delete``, DELETE; TRUNCATE (the test
    runner's way of emptying tables) is not affected. SQLite refuses UPDATE only, because
    its test runner empties tables with DELETE.
    """
    events = "UPDATE OR DELETE" if block_delete else "UPDATE"
    pg_up = (_PG_FUNCTION + f"CREATE TRIGGER {table}_append_only BEFORE {events} ON {table} "
             "FOR EACH ROW EXECUTE FUNCTION gongzhi_append_only();")
    pg_down = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
    sqlite_up = (f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
                 f"SELECT RAISE(ABORT, 'append-only table {table}'); END;")
    sqlite_down = f"DROP TRIGGER IF EXISTS {table}_no_update;"

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        # params=None: the SQL contains '%', which psycopg would read as a placeholder.
        if vendor == "postgresql":
            schema_editor.execute(pg_up, params=None)
        elif vendor == "sqlite":
            schema_editor.execute(sqlite_up, params=None)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(pg_down, params=None)
        elif vendor == "sqlite":
            schema_editor.execute(sqlite_down, params=None)

    return migrations.RunPython(forwards, backwards)



def prepared_cursor(connection: Any) -> Any:
    """A cursor for the few statements run on every request of a hot path (the vote, the
    API-token lookup): on PostgreSQL each statement is prepared once per connection, so
    later runs skip parsing and planning (``gongzhi.core.backends.postgresql``). Elsewhere
    the ordinary cursor (SQLite keeps its own statement cache)."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()


def bulk_insert(model: Any, fields: list[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``fields``' Python values) into ``model``'s table.

    PostgreSQL: ONE prepared statement, ``INSERT … SELECT … FROM unnest(arrays)``, each
    column sent as one binary array — no per-value quoting, no SQL compiled per batch. That
    was most of the sequencer's time per vote (``bench/vote_profile.py``): Django's
    ``bulk_create`` builds the statement and quotes every value on the client. Defaults,
    ``pre_save`` and signals are not applied: give every column. JSON fields take any
    JSON-serialisable value (sent as text, cast to ``jsonb``). Elsewhere: ``bulk_create``.
    """
    if not rows:
        return
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        names = [field.attname for field in columns]  # "ballot_id" for "ballot": ids given
        model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows],
                                  batch_size=1000)
        return
    import json

    from django.db.models import JSONField

    qn = connection.ops.quote_name
    arrays, selects, params = [], [], []
    for i, field in enumerate(columns):
        values = [row[i] for row in rows]
        if isinstance(field, JSONField):
            arrays.append("%b::text[]")
            selects.append(f"c{i}::jsonb")
            values = [json.dumps(v, cls=field.encoder) for v in values]
        else:
            arrays.append(f"%b::{field.db_type(connection).split('(')[0]}[]")
            selects.append(f"c{i}")
        params.append(values)
    aliases = ", ".join(f"c{i}" for i in range(len(columns)))
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in columns)}) "
           f"SELECT {', '.join(selects)} FROM unnest({', '.join(arrays)}) AS t({aliases})")
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
