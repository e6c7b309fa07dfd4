"""A person's waiting redemptions are read with the access query (apps.py): any change
of them bumps the person's ``access_version`` (``accounts.access_triggers``)."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("points", "0001_ledger_rewards"),
        ("accounts", "0005_user_access_version"),
    ]

    operations = [
        t.source_operation("points_redemption", "user_id", ("id", "community_id"),
                           relevant="{r}.status = 'requested'"),
    ]
