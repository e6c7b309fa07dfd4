"""A person's feed preferences are read with the access query (apps.py): any change of
them bumps the person's ``access_version`` (``accounts.access_triggers``)."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0001_announcements_receipts_feed"),
        ("accounts", "0005_user_access_version"),
    ]

    operations = [
        t.source_operation("news_feedpreference", "user_id",
                           ("community_id", "source", "choice")),
    ]
