"""Organisation members: one bump per person and statement (the organisation trigger stays per row: it bumps all members of one organisation in one statement already).

On PostgreSQL the access-version triggers of this app's tables become statement-level
(``accounts.access_triggers.statement_sql``: each person a statement touches is bumped
once, user rows locked in id order); SQLite keeps its row-level triggers."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0002_access_version_triggers"),
    ]

    operations = [
        t.statement_operation("orgs_orgmember", "user_id", ("organisation_id", "is_contact")),
    ]
