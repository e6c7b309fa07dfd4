"""Redemptions: one bump per person and statement.

On PostgreSQL the access-version triggers of this app's tables become statement-level
(``accounts.access_triggers.statement_sql``: each person a statement touches is bumped
once, user rows locked in id order); SQLite keeps its row-level triggers."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("points", "0002_access_version_triggers"),
    ]

    operations = [
        t.statement_operation("points_redemption", "user_id", ("id", "community_id"),
                              relevant="{r}.status = 'requested'"),
    ]
