"""The shipped contest project template opens the contest's own actions (entering with
a picture or a name, voting in the gallery) instead of the proposal form and the generic
ballot. Only a template still as shipped is changed; an edited one is left alone."""

from django.db import migrations

OLD = {"submissions": {"projects.propose": ["member"], "projects.comment": ["member"]},
       "exhibition": {"projects.comment": ["member"], "projects.support": ["member"]},
       "vote": {"decisions.vote": ["verified"]}}
NEW = {"submissions": {"contests.enter": ["member"], "projects.comment": ["member"]},
       "exhibition": {"projects.comment": ["member"]},
       "vote": {"contests.vote": ["verified"]}}


def _swap(apps, frm, to):
    Template = apps.get_model("projects", "ProjectTemplate")
    for t in Template.objects.filter(key="contest"):
        phases = list(t.phases or [])
        current = {p.get("key"): p.get("actions") for p in phases}
        if any(current.get(k) != v for k, v in frm.items()):
            continue
        for p in phases:
            if p.get("key") in to:
                p["actions"] = dict(to[p["key"]])
        t.phases = phases
        t.save(update_fields=["phases"])


def forwards(apps, schema_editor):
    _swap(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _swap(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_contests_entries_jury"),
        ("projects", "0004_phase_action_codes"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
