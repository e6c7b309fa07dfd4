"""Make the report timeline append-only in the database: UPDATE is refused.

DELETE stays possible so a community (or a report, in the admin) can still be removed by
cascade; the public record is protected against rewriting, not against removal by an
operator.
"""

from django.db import migrations

from gongzhi.core.db import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_problem_reports"), ("core", "0002_audit_append_only")]
    operations = [append_only_trigger("reports_reportevent", block_delete=False)]
