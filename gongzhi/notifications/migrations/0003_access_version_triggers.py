"""Unread notifications bump their recipient's ``access_version``
(``accounts.access_triggers``): the header's unread count is read with the access
query (apps.py), so a notification sent, read or deleted must show on the next page."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_delivery_digest_and_sms_log"),
        ("accounts", "0005_user_access_version"),
    ]

    operations = [
        t.source_operation("notifications_notification", "user_id",
                           relevant="{r}.read_at IS NULL"),
    ]
