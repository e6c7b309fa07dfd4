"""Roles, memberships and area roles: one bump per person and statement.

On PostgreSQL the access-version triggers of this app's tables become statement-level
(``accounts.access_triggers.statement_sql``: each person a statement touches is bumped
once, user rows locked in id order); SQLite keeps its row-level triggers."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_user_access_version"),
    ]

    operations = [
        t.statement_operation("accounts_roleassignment", "user_id", ("community_id", "role")),
        t.statement_operation("accounts_membership", "user_id", ("community_id", "status")),
        t.statement_operation("accounts_arearole", "user_id", ("region_id", "role")),
    ]
