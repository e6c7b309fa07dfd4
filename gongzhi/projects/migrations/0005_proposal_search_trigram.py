"""PostgreSQL: trigram indexes so proposal search (ILIKE '%…%') uses an index, not a scan.

Chinese has no spaces between words, so a substring match is the right search for a
proposal list; pg_trgm's GIN index serves ``icontains`` for patterns of three or more
characters (PostgreSQL counts characters, so "锅炉房" already qualifies). On SQLite, and where
the database user may not create the extension, nothing is done and search still works
(by a scan); ``docs/operations.md`` says how an administrator enables it.
"""

from django.db import migrations, transaction
from django.db.utils import DatabaseError

INDEXES = {
    "proposal_title_trgm": "title",
    "proposal_description_trgm": "description",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return  # no right to create extensions: search falls back to a scan
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON projects_proposal "
            f"USING gin ({column} gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_phase_action_codes")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
