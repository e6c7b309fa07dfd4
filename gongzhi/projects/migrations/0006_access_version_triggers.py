"""Project-team rows and one's own hidden proposals bump the person's ``access_version``
(``accounts.access_triggers``; they are read with the access query, see apps.py)."""

from django.db import migrations

from gongzhi.accounts import access_triggers as t


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0005_proposal_search_trigram"),
        ("accounts", "0005_user_access_version"),
    ]

    operations = [
        t.source_operation("projects_teammember", "user_id", ("project_id", "role")),
        # only the author's proposals that others do not see are read (OWN_HIDDEN_SQL):
        # a visible proposal's support count or text changing bumps nobody
        t.source_operation("projects_proposal", "author_id", ("id", "project_id"),
                           relevant="{r}.visibility NOT IN ('visible', 'withdrawn')"),
    ]
