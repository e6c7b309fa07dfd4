"""Make the audit log append-only in the database itself.

PostgreSQL refuses UPDATE and DELETE on audit rows. SQLite refuses UPDATE; DELETE stays
possible there because the test runner empties tables with DELETE (PostgreSQL uses
TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION gongzhi_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION gongzhi_append_only();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;"

SQLITE_UP = """
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'append-only table core_auditentry');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
