"""Seed the project templates Gongzhi ships with (editable afterwards in the admin)."""

from django.db import migrations

# A frozen copy lives in gongzhi/projects/template_data.py; later changes to that file
# do not rewrite communities' edited templates (update_or_create is keyed on `key` only
# when the template does not exist yet).


def seed(apps, schema_editor):
    from gongzhi.projects.template_data import DEFAULT_TEMPLATES

    ProjectTemplate = apps.get_model("projects", "ProjectTemplate")
    for data in DEFAULT_TEMPLATES:
        ProjectTemplate.objects.get_or_create(
            key=data["key"],
            defaults={k: data[k] for k in ("name", "description", "kind", "phases", "order")},
        )


def unseed(apps, schema_editor):
    from gongzhi.projects.template_data import DEFAULT_TEMPLATES

    ProjectTemplate = apps.get_model("projects", "ProjectTemplate")
    ProjectTemplate.objects.filter(key__in=[d["key"] for d in DEFAULT_TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_projects_proposals_results")]
    operations = [migrations.RunPython(seed, unseed)]
