"""Notifications: a fan-out to a whole community, or "mark all read", bumps each person once.

On PostgreSQL the access-version triggers of this app's tables become statement-level
(``accounts.access_triggers.statement_sql``: each person a statement touches is bumped
once, user rows locked in id order); SQLite keeps its row-level triggers."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_access_version_triggers"),
    ]

    operations = [
        t.statement_operation("notifications_notification", "user_id",
                              relevant="{r}.read_at IS NULL"),
    ]
