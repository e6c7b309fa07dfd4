"""Make the audit log append-only in the database itself (see gongzhi/core/db.py)."""

from django.db import migrations

from gongzhi.core.db import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [append_only_trigger("core_auditentry")]
