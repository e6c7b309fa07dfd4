"""Make the report timeline append-only in the database: UPDATE is refused.

DELETE stays possible so a community (or a report, in the admin) can still be removed by
cascade; the public record is protected against rewriting, not against removal by an
operator. Reuses core's ``gongzhi_append_only()`` function on PostgreSQL.
"""

from django.db import migrations

PG_UP = """
CREATE TRIGGER reports_reportevent_append_only
    BEFORE UPDATE ON reports_reportevent
    FOR EACH ROW EXECUTE FUNCTION gongzhi_append_only();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS reports_reportevent_append_only ON reports_reportevent;"
SQLITE_UP = """
CREATE TRIGGER reports_reportevent_no_update BEFORE UPDATE ON reports_reportevent
BEGIN
    SELECT RAISE(ABORT, 'append-only table reports_reportevent');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS reports_reportevent_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_problem_reports"), ("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
