"""Phase actions become registry codes: the old enum values map to namespaced codes.

``propose`` → ``projects.propose`` … ``vote`` → ``decisions.vote``, ``attend`` →
``meetings.attend`` (see gongzhi/projects/phase_actions.py). Donations become a phase action
too (``projects.donate``): it opens wherever sign-ups for co-building open in garden
projects and templates, and in any project that already has donations. Meetings and
ballots of a project now follow its phase, so the phase on the day of each existing
meeting of a project opens ``meetings.attend`` (to members and organisation members), and
the phase on the day each open ballot of a project opened opens ``decisions.vote`` (to
verified residents): nothing that was possible or visible before disappears.
"""

from django.db import migrations, models

# Frozen copy (migrations do not import code that may change).
FORWARD = {
    "propose": "projects.propose",
    "comment": "projects.comment",
    "support": "projects.support",
    "signup": "projects.signup",
    "evaluate": "projects.evaluate",
    "vote": "decisions.vote",
    "attend": "meetings.attend",
}
BACKWARD = {v: k for k, v in FORWARD.items()}


def _forward(actions: dict, *, with_donate: bool) -> dict:
    out = {FORWARD.get(code, code): list(who) for code, who in (actions or {}).items()}
    if with_donate and out.get("projects.signup") and "projects.donate" not in out:
        out["projects.donate"] = list(out["projects.signup"])
    return out


def _backward(actions: dict) -> dict:
    return {BACKWARD[code]: list(who) for code, who in (actions or {}).items()
            if code in BACKWARD}


def forwards(apps, schema_editor):
    ProjectTemplate = apps.get_model("projects", "ProjectTemplate")
    Phase = apps.get_model("projects", "Phase")
    Donation = apps.get_model("projects", "Donation")
    for template in ProjectTemplate.objects.all():
        garden = template.kind == "garden"
        template.phases = [dict(spec, actions=_forward(spec.get("actions", {}),
                                                       with_donate=garden))
                           for spec in template.phases or []]
        template.save(update_fields=["phases"])
    with_donations = set(Donation.objects.values_list("project_id", flat=True))
    for phase in Phase.objects.select_related("project"):
        donate = phase.project.kind == "garden" or phase.project_id in with_donations
        phase.actions = _forward(phase.actions, with_donate=donate)
        phase.save(update_fields=["actions"])
    _open_for_existing(apps, "meetings", "Meeting", ("starts_at",), "meetings.attend",
                       ["member", "org_member"])
    _open_for_existing(apps, "decisions", "Ballot", ("opens_at", "created_at"),
                       "decisions.vote", ["verified"])


def _open_for_existing(apps, app_label, model, when_fields, code, audiences):
    from django.utils import timezone

    try:
        Model = apps.get_model(app_label, model)
    except LookupError:  # the app is not installed
        return
    Phase = apps.get_model("projects", "Phase")
    rows = Model.objects.filter(project__isnull=False).values_list("project_id", *when_fields)
    for project_id, *times in rows:
        when = next((t for t in times if t is not None), None)
        if when is None:
            continue
        day = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
        for phase in Phase.objects.filter(project_id=project_id, starts_on__lte=day,
                                          ends_on__gte=day):
            if not (phase.actions or {}).get(code):
                phase.actions = {**(phase.actions or {}), code: list(audiences)}
                phase.save(update_fields=["actions"])


def backwards(apps, schema_editor):
    ProjectTemplate = apps.get_model("projects", "ProjectTemplate")
    Phase = apps.get_model("projects", "Phase")
    for template in ProjectTemplate.objects.all():
        template.phases = [dict(spec, actions=_backward(spec.get("actions", {})))
                           for spec in template.phases or []]
        template.save(update_fields=["phases"])
    for phase in Phase.objects.all():
        phase.actions = _backward(phase.actions)
        phase.save(update_fields=["actions"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_project_evaluations"),
        ("meetings", "0001_meetings_attendance_decisions"),
        ("decisions", "0002_ballot_project_meeting"),
    ]
    operations = [
        migrations.AlterField(
            model_name="phase",
            name="actions",
            field=models.JSONField(blank=True, default=dict,
                                   help_text='{"projects.propose": ["verified"], …}',
                                   verbose_name="open actions"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
