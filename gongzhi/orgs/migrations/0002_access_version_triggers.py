"""Organisation members and organisations bump their people's ``access_version``
(``accounts.access_triggers``): the access query reads a person's memberships of
organisations that are not deleted, with the organisation's community."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0001_initial"),
        ("accounts", "0005_user_access_version"),
    ]

    operations = [
        t.source_operation("orgs_orgmember", "user_id", ("organisation_id", "is_contact")),
        t.operation(t.ORG_SQL),
    ]
