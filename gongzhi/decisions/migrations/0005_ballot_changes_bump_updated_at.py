"""Any change of a ballot or of its options bumps the ballot's ``updated_at``.

Votes check their content against a per-process cached copy of an open ballot and its
options (``selectors.ballot_for_vote``); the vote's own statement records nothing unless
the ballot row's ``updated_at`` is still the cached one. ``Model.save`` sets it
(``auto_now``); these triggers make every other write do the same, whatever wrote it: an
insert, update or delete of an option (the admin's inline, a shell, a data migration), and
an UPDATE of the ballot row that left ``updated_at`` as it was (``QuerySet.update``).
"""

from django.db import migrations

_PG_UP = """
CREATE OR REPLACE FUNCTION gongzhi_option_touches_ballot() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE decisions_ballot SET updated_at = clock_timestamp() WHERE id = OLD.ballot_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.ballot_id <> OLD.ballot_id) THEN
        UPDATE decisions_ballot SET updated_at = clock_timestamp() WHERE id = NEW.ballot_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_option_touches_ballot AFTER INSERT OR UPDATE OR DELETE
    ON decisions_option FOR EACH ROW EXECUTE FUNCTION gongzhi_option_touches_ballot();
CREATE OR REPLACE FUNCTION gongzhi_ballot_touch() RETURNS trigger AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_ballot_touch BEFORE UPDATE ON decisions_ballot
    FOR EACH ROW EXECUTE FUNCTION gongzhi_ballot_touch();
"""
_PG_DOWN = """
DROP TRIGGER IF EXISTS decisions_option_touches_ballot ON decisions_option;
DROP FUNCTION IF EXISTS gongzhi_option_touches_ballot();
DROP TRIGGER IF EXISTS decisions_ballot_touch ON decisions_ballot;
DROP FUNCTION IF EXISTS gongzhi_ballot_touch();
"""
# SQLite's clock has milliseconds: two writes in one millisecond would leave the same
# version, so the new one is at least a millisecond after the old.
_NOW = ("strftime('%Y-%m-%d %H:%M:%f', max(julianday('now'), "
        "julianday(updated_at) + 0.0000000116))")
_SQLITE_UP = [
    f"CREATE TRIGGER decisions_option_touches_ballot_insert AFTER INSERT ON decisions_option "
    f"BEGIN UPDATE decisions_ballot SET updated_at = {_NOW} WHERE id = NEW.ballot_id; END;",
    f"CREATE TRIGGER decisions_option_touches_ballot_update AFTER UPDATE ON decisions_option "
    f"BEGIN UPDATE decisions_ballot SET updated_at = {_NOW} "
    f"WHERE id IN (OLD.ballot_id, NEW.ballot_id); END;",
    f"CREATE TRIGGER decisions_option_touches_ballot_delete AFTER DELETE ON decisions_option "
    f"BEGIN UPDATE decisions_ballot SET updated_at = {_NOW} WHERE id = OLD.ballot_id; END;",
    # (SQLite runs no trigger recursively unless asked: this UPDATE does not fire it again)
    f"CREATE TRIGGER decisions_ballot_touch AFTER UPDATE ON decisions_ballot "
    f"WHEN NEW.updated_at IS OLD.updated_at "
    f"BEGIN UPDATE decisions_ballot SET updated_at = {_NOW} WHERE id = NEW.id; END;",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS decisions_option_touches_ballot_insert;",
    "DROP TRIGGER IF EXISTS decisions_option_touches_ballot_update;",
    "DROP TRIGGER IF EXISTS decisions_option_touches_ballot_delete;",
    "DROP TRIGGER IF EXISTS decisions_ballot_touch;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_PG_UP, params=None)
    elif vendor == "sqlite":
        for sql in _SQLITE_UP:
            schema_editor.execute(sql, params=None)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_PG_DOWN, params=None)
    elif vendor == "sqlite":
        for sql in _SQLITE_DOWN:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0004_option_image'),
    ]

    operations = [migrations.RunPython(up, down)]
