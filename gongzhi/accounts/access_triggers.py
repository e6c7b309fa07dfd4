"""Triggers that bump a person's ``accounts_user.access_version`` whenever a row the
access query reads for them changes (see ``accounts.access``), whatever wrote it: a
service, the admin, ``QuerySet.update``, a data migration or raw SQL in a shell.

The access rows of a person are kept between requests under (user id, access_version);
the version comes with the session's user row on every request. That is correct only
if every change of those rows changes the version in the same transaction -- these
triggers do it in the database, so no code path can forget.

Two rules make a version name exactly one state of a person's rows:

- a source row's trigger only *changes* the version (``access_version + 1``); the
  user table's own trigger then replaces any change of the column by a value never
  handed out before: on PostgreSQL ``nextval`` of ``accounts_user_access_version_seq``
  (sequences are not transactional: a rolled-back bump's number is never reused), on
  SQLite ``random()`` (64 bits: a repeat is as likely as guessing a session key). A
  stale ``User.save()`` writing back an old number is a change too, so it ends in a
  fresh number instead of an old one;
- a new user row gets a fresh number as well, so a user id reused after a rollback (or
  in the test database) never meets an old process's cache entry.

Migrations call ``source_operation`` for each table (each app for its own tables, after
``accounts 0005`` which adds the column); ``gongzhi/accounts/tests/test_access_version.py``
fails if a table the access query reads (``access.access_sources()``) has no trigger.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations

SEQUENCE = "accounts_user_access_version_seq"
BUMP = "UPDATE accounts_user SET access_version = access_version + 1 WHERE id"


def trigger_name(table: str) -> str:
    """The name (or, on SQLite, the prefix of the names) of ``table``'s trigger."""
    return f"gz_access_{table}"


def _changed(user: str, columns: Sequence[str], relevant: str, distinct: str,
             o: str = "OLD", n: str = "NEW") -> str:
    old, new = relevant.format(r=o), relevant.format(r=n)
    parts = [f"{o}.{user} {distinct} {n}.{user}", f"({old}) {distinct} ({new})"]
    if columns:
        cols = " OR ".join(f"{o}.{c} {distinct} {n}.{c}" for c in columns)
        parts.append(f"(({old}) AND ({cols}))")
    return " OR ".join(parts)


def source_sql(table: str, user: str, columns: Sequence[str] = (),
               relevant: str = "1 = 1") -> dict[str, list[str]]:
    """The SQL (up and down, per vendor) of the triggers on one source table.

    ``user`` is the column naming the person whose rows they are, ``columns`` the other
    columns the access query reads, ``relevant`` a condition on a row (``{r}`` stands
    for OLD or NEW) for the rows it reads at all (unread notifications, hidden
    proposals). An insert or delete of a relevant row bumps its person; an update
    bumps the old and the new person if the person, the relevance or (for a relevant
    row) one of ``columns`` changed -- a proposal's support count moving does not.
    """
    name = trigger_name(table)
    new, old = relevant.format(r="NEW"), relevant.format(r="OLD")
    pg_changed = _changed(user, columns, relevant, "IS DISTINCT FROM")
    pg_up = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF {new} THEN {BUMP} = NEW.{user}; END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF {old} THEN {BUMP} = OLD.{user}; END IF;
    ELSIF {pg_changed} THEN
        {BUMP} IN (OLD.{user}, NEW.{user});
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION gz_access_truncated();
"""
    pg_down = f"""
DROP TRIGGER IF EXISTS {name} ON {table};
DROP TRIGGER IF EXISTS {name}_truncate ON {table};
DROP FUNCTION IF EXISTS {name}();
"""
    sqlite_changed = _changed(user, columns, relevant, "IS NOT")
    sqlite_up = [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN {new} "
        f"BEGIN {BUMP} = NEW.{user}; END;",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN {old} "
        f"BEGIN {BUMP} = OLD.{user}; END;",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {sqlite_changed} "
        f"BEGIN {BUMP} IN (OLD.{user}, NEW.{user}); END;",
    ]
    sqlite_down = [f"DROP TRIGGER IF EXISTS {name}_{event};"
                   for event in ("insert", "delete", "update")]
    return {"pg_up": [pg_up], "pg_down": [pg_down], "sqlite_up": sqlite_up,
            "sqlite_down": sqlite_down}


def operation(sql: dict[str, list[str]]) -> migrations.RunPython:
    """A migration operation running ``sql`` (``source_sql``'s shape) for the vendor."""

    def run(schema_editor, key: str) -> None:
        vendor = schema_editor.connection.vendor
        prefix = {"postgresql": "pg", "sqlite": "sqlite"}.get(vendor)
        if prefix is None:
            return
        for statement in sql[f"{prefix}_{key}"]:
            # params=None: the SQL may hold '%', which psycopg would read as a placeholder
            schema_editor.execute(statement, params=None)

    def forwards(apps, schema_editor):
        run(schema_editor, "up")

    def backwards(apps, schema_editor):
        run(schema_editor, "down")

    return migrations.RunPython(forwards, backwards, elidable=False)


def source_operation(table: str, user: str, columns: Sequence[str] = (),
                     relevant: str = "1 = 1") -> migrations.RunPython:
    """``operation(source_sql(...))``: the triggers of one source table."""
    return operation(source_sql(table, user, columns, relevant))


# The user table itself: any change of access_version (a source's bump, a stale save, an
# UPDATE by hand) and every new row end in a number never handed out before. A TRUNCATE
# of a source table (PostgreSQL fires no row triggers for it) bumps everybody.
USER_SQL = {
    "pg_up": [f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION gz_access_fresh() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.access_version IS DISTINCT FROM OLD.access_version THEN
        NEW.access_version := nextval('{SEQUENCE}');
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER gz_access_fresh BEFORE INSERT OR UPDATE ON accounts_user
    FOR EACH ROW EXECUTE FUNCTION gz_access_fresh();
CREATE OR REPLACE FUNCTION gz_access_truncated() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_user SET access_version = access_version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""],
    "pg_down": [f"""
DROP TRIGGER IF EXISTS gz_access_fresh ON accounts_user;
DROP FUNCTION IF EXISTS gz_access_fresh();
DROP FUNCTION IF EXISTS gz_access_truncated();
DROP SEQUENCE IF EXISTS {SEQUENCE};
"""],
    # (SQLite runs no trigger recursively unless asked: the inner UPDATE does not fire
    # gz_access_fresh_update again)
    "sqlite_up": [
        "CREATE TRIGGER gz_access_fresh_insert AFTER INSERT ON accounts_user "
        "BEGIN UPDATE accounts_user SET access_version = random() WHERE id = NEW.id; END;",
        "CREATE TRIGGER gz_access_fresh_update AFTER UPDATE OF access_version ON "
        "accounts_user WHEN NEW.access_version IS NOT OLD.access_version "
        "BEGIN UPDATE accounts_user SET access_version = random() WHERE id = NEW.id; END;",
    ],
    "sqlite_down": ["DROP TRIGGER IF EXISTS gz_access_fresh_insert;",
                    "DROP TRIGGER IF EXISTS gz_access_fresh_update;"],
}


def _org_sql() -> dict[str, list[str]]:
    """An organisation deleted (soft or hard), undeleted or moved: all its members."""
    members = "SELECT user_id FROM orgs_orgmember WHERE organisation_id"
    name = trigger_name("orgs_organisation")
    return {
        "pg_up": [f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (OLD.deleted_at IS NULL) IS DISTINCT FROM (NEW.deleted_at IS NULL)
            OR OLD.community_id IS DISTINCT FROM NEW.community_id
            OR OLD.id IS DISTINCT FROM NEW.id THEN
        {BUMP} IN ({members} = OLD.id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name} AFTER UPDATE OR DELETE ON orgs_organisation
    FOR EACH ROW EXECUTE FUNCTION {name}();
CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON orgs_organisation
    FOR EACH STATEMENT EXECUTE FUNCTION gz_access_truncated();
"""],
        "pg_down": [f"""
DROP TRIGGER IF EXISTS {name} ON orgs_organisation;
DROP TRIGGER IF EXISTS {name}_truncate ON orgs_organisation;
DROP FUNCTION IF EXISTS {name}();
"""],
        "sqlite_up": [
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON orgs_organisation WHEN "
            f"(OLD.deleted_at IS NULL) IS NOT (NEW.deleted_at IS NULL) "
            f"OR OLD.community_id IS NOT NEW.community_id OR OLD.id IS NOT NEW.id "
            f"BEGIN {BUMP} IN ({members} = OLD.id); END;",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON orgs_organisation "
            f"BEGIN {BUMP} IN ({members} = OLD.id); END;",
        ],
        "sqlite_down": [f"DROP TRIGGER IF EXISTS {name}_update;",
                        f"DROP TRIGGER IF EXISTS {name}_delete;"],
    }


ORG_SQL = _org_sql()


# ---------------------------------------------------------------- statement-level (PG)
#
# The row-level triggers above bump a person once per row: a notification to every
# resident of a community (one INSERT of 3,333 rows) ran 3,333 single-row UPDATEs of
# accounts_user, "mark all read" one per notification. On PostgreSQL the triggers are
# now per statement (access_triggers.statement_operation, migrations after accounts
# 0006): the statement's rows come in transition tables, each person they touch is bumped
# ONCE, and the user rows are locked in id order first, so two fan-outs to overlapping
# people wait for each other instead of deadlocking (each locking in its own row
# order). SQLite keeps the row-level triggers (no transition tables; one writer at a
# time, no deadlock to avoid). What bumps whom is the row-level rule, row by row: the
# old and new rows of an UPDATE are paired by primary key; a row whose key changed
# bumps its old and its new person (more than needed, never less).

BUMP_FUNCTION = "gz_access_bump"
_BUMP_SQL = f"""
CREATE OR REPLACE FUNCTION {BUMP_FUNCTION}(ids bigint[]) RETURNS void AS $$
BEGIN
    IF ids IS NULL THEN
        RETURN;
    END IF;
    -- in id order: a concurrent statement bumping some of the same people waits here
    PERFORM 1 FROM accounts_user WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE accounts_user SET access_version = access_version + 1 WHERE id = ANY(ids);
END;
$$ LANGUAGE plpgsql;
"""


def statement_sql(table: str, user: str, columns: Sequence[str] = (),
                  relevant: str = "1 = 1", pk: str = "id") -> dict[str, list[str]]:
    """``source_sql``'s rule as PostgreSQL statement-level triggers (up replaces the
    row-level trigger, down puts it back); nothing on SQLite."""
    name = trigger_name(table)
    new, old = relevant.format(r="n"), relevant.format(r="o")
    changed = _changed(user, columns, relevant, "IS DISTINCT FROM", "o", "n")
    agg = "array_agg(DISTINCT u::bigint ORDER BY u::bigint)"
    up = f"""
{_BUMP_SQL}
CREATE OR REPLACE FUNCTION {name}_stmt() RETURNS trigger AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT {agg} INTO ids FROM (SELECT n.{user} FROM gz_new n WHERE {new}) t(u)
            WHERE u IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT {agg} INTO ids FROM (SELECT o.{user} FROM gz_old o WHERE {old}) t(u)
            WHERE u IS NOT NULL;
    ELSE
        SELECT {agg} INTO ids FROM (
            SELECT x.u FROM gz_old o JOIN gz_new n ON n.{pk} = o.{pk},
                LATERAL (VALUES (o.{user}), (n.{user})) x(u) WHERE {changed}
            UNION ALL SELECT o.{user} FROM gz_old o
                WHERE NOT EXISTS (SELECT 1 FROM gz_new n WHERE n.{pk} = o.{pk})
            UNION ALL SELECT n.{user} FROM gz_new n
                WHERE NOT EXISTS (SELECT 1 FROM gz_old o WHERE o.{pk} = n.{pk})
        ) t(u) WHERE u IS NOT NULL;
    END IF;
    PERFORM {BUMP_FUNCTION}(ids);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS {name}();
DROP TRIGGER IF EXISTS {name}_insert ON {table};
DROP TRIGGER IF EXISTS {name}_update ON {table};
DROP TRIGGER IF EXISTS {name}_delete ON {table};
CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS gz_new
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_stmt();
CREATE TRIGGER {name}_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS gz_old NEW TABLE AS gz_new
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_stmt();
CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS gz_old
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_stmt();
"""
    rows = source_sql(table, user, columns, relevant)
    down = f"""
DROP TRIGGER IF EXISTS {name}_insert ON {table};
DROP TRIGGER IF EXISTS {name}_update ON {table};
DROP TRIGGER IF EXISTS {name}_delete ON {table};
DROP FUNCTION IF EXISTS {name}_stmt();
DROP TRIGGER IF EXISTS {name}_truncate ON {table};
"""
    return {"pg_up": [up], "pg_down": [down, *rows["pg_up"]], "sqlite_up": [],
            "sqlite_down": []}


def statement_operation(table: str, user: str, columns: Sequence[str] = (),
                        relevant: str = "1 = 1") -> migrations.RunPython:
    """``operation(statement_sql(...))``: one source table's triggers made per statement
    on PostgreSQL (the same arguments as its ``source_operation``)."""
    return operation(statement_sql(table, user, columns, relevant))
