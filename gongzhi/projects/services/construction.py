"""Co-construction (共建): tasks with sign-up, material donations, photos."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message
from gongzhi.projects.models import (
    Donation,
    Project,
    ProjectPhoto,
    Task,
    TaskSignup,
)
from gongzhi.projects.services._common import (
    _notify_after_commit,
    _require,
)

# --- co-construction -----------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor,
    project: Project,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    description: str = "",
    space=None,
    location_text: str = "",
    skills: str = "",
) -> Task:
    _require(actor, "projects.manage_project", project)
    if space is not None and space.community_id != project.community_id:
        raise ValidationError({"space": _("This space is in another community.")})
    task = Task(
        project=project,
        community=project.community,
        title=title,
        description=description,
        space=space,
        location_text=location_text,
        starts_at=starts_at,
        ends_at=ends_at,
        skills=skills,
        capacity=capacity,
    )
    task.full_clean(exclude=["project", "community", "space"])
    if ends_at < starts_at:
        raise ValidationError({"ends_at": _("The end is before the start.")})
    task.save()
    audit_record(
        actor=actor,
        action="task.create",
        community=project.community,
        target=task,
        after=snapshot(task, ["title", "capacity", "starts_at"]),
    )
    return task


def task_signup(*, actor, task: Task) -> TaskSignup:
    """Sign up for a task; capacity holds under concurrency (the task row is locked)."""
    with transaction.atomic():
        locked = (
            Task.objects.select_for_update(of=("self",))
            .select_related("project__community")
            .get(pk=task.pk)
        )
        _require(actor, "projects.sign_up", locked)
        if locked.state != Task.State.OPEN:
            raise ValidationError(_("This task is not open for sign-up."))
        existing = TaskSignup.objects.filter(task=locked, user=actor).first()
        if existing is not None:
            return existing
        if TaskSignup.objects.filter(task=locked).count() >= locked.capacity:
            raise ValidationError(_("This task is full."), code="full")
        return TaskSignup.objects.create(task=locked, user=actor)


@transaction.atomic
def task_signup_cancel(*, actor, task: Task) -> bool:
    deleted, _rows = TaskSignup.objects.filter(task=task, user=actor).delete()
    return bool(deleted)


@transaction.atomic
def donation_create(
    *,
    actor,
    project: Project,
    item: str,
    quantity: Decimal,
    unit: str = "",
    note: str = "",
    donor_name: str = "",
) -> Donation:
    """Pledge material (变废为宝). Members pledge for themselves; staff record others'."""
    is_staff = actor.has_perm("projects.manage_project", project)
    if not (is_staff or actor.has_perm("projects.donate", project)):
        raise PermissionDenied
    donation = Donation(
        project=project,
        community=project.community,
        donor=None if (is_staff and donor_name) else actor,
        donor_name=donor_name if is_staff else "",
        item=item,
        quantity=quantity,
        unit=unit,
        note=note,
    )
    donation.full_clean(exclude=["project", "community", "donor"])
    donation.save()
    audit_record(
        actor=actor,
        action="donation.create",
        community=project.community,
        target=donation,
        after=snapshot(donation, ["item", "quantity", "condition"]),
    )
    return donation


_NEXT_CONDITION: dict[str, set[str]] = {
    Donation.Condition.PLEDGED: {Donation.Condition.RECEIVED, Donation.Condition.DECLINED},
    Donation.Condition.RECEIVED: {Donation.Condition.USED},
}


@transaction.atomic
def donation_advance(*, actor, donation: Donation, condition: str, used_for: str = "") -> Donation:
    """pledged → received → used (or pledged → declined)."""
    donation = (
        Donation.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=donation.pk)
    )
    _require(actor, "projects.manage_project", donation.project)
    if condition not in _NEXT_CONDITION.get(donation.condition, set()):
        raise ValidationError(
            {
                "condition": _("A donation cannot go from %(a)s to %(b)s.")
                % {"a": donation.get_condition_display(), "b": condition}
            }
        )
    before = {"condition": donation.condition}
    donation.condition = condition
    now = timezone.now()
    if condition == Donation.Condition.RECEIVED:
        donation.received_at = now
    if condition == Donation.Condition.USED:
        donation.used_at, donation.used_for = now, used_for
    donation.save()
    audit_record(
        actor=actor,
        action="donation.advance",
        community=donation.community,
        target=donation,
        before=before,
        after={"condition": condition},
    )
    if donation.donor_id and condition in (Donation.Condition.RECEIVED, Donation.Condition.USED):
        _notify_after_commit(
            [donation.donor],
            kind="donation.update",
            title=Message(gettext_noop("Your donation “%(i)s”: %(c)s"),
                          {"i": donation.item, "c": Donation.Condition(donation.condition).label}),
            body=used_for,
            community=donation.community,
        )
    return donation


@transaction.atomic
def project_photo_add(
    *, actor, project: Project, kind: str, image, caption: str = "", keep_location: bool = False
) -> ProjectPhoto:
    _require(actor, "projects.manage_project", project)
    cleaned = image_prepare(image, keep_location=keep_location)
    photo = ProjectPhoto(project=project, kind=kind, caption=caption, uploaded_by=actor)
    photo.image = cleaned
    photo.full_clean(exclude=["project", "uploaded_by", "image"])
    photo.save()
    return photo


