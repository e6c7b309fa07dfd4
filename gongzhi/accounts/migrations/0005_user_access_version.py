"""``User.access_version`` and the triggers that keep it: a fresh number on every new
user and every change of the column (``accounts.access_triggers.USER_SQL``), and a
bump whenever a person's role assignments, memberships or area roles change. The other
apps' tables read by the access query get theirs in their own migrations."""

from django.db import migrations, models

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_user_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="access_version",
            field=models.BigIntegerField(db_default=0, default=0, editable=False,
                                         verbose_name="access version"),
        ),
        t.operation(t.USER_SQL),
        t.source_operation("accounts_roleassignment", "user_id", ("community_id", "role")),
        t.source_operation("accounts_membership", "user_id", ("community_id", "status")),
        t.source_operation("accounts_arearole", "user_id", ("region_id", "role")),
    ]
