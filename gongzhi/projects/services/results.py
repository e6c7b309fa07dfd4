"""Accountability (实施结果公告): tracked results, milestones, updates, overdue flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message, Text
from gongzhi.projects import phases
from gongzhi.projects.models import (
    Milestone,
    Project,
    Proposal,
    Result,
    ResultUpdate,
)
from gongzhi.projects.services._common import (
    RESULT_FIELDS,
    User,
    _notify_after_commit,
    _require,
    result_url,
)

# --- accountability ------------------------------------------------------------------------


def result_create(
    *,
    actor,
    community,
    title: str,
    project: Project | None = None,
    proposal: Proposal | None = None,
    source: str = Result.Source.WORKER,
    description: str = "",
    planned_cost: Decimal | None = None,
    responsible_org=None,
    starts_on: dt.date | None = None,
    due_on: dt.date | None = None,
    milestones: Sequence[dict] = (),
    check_permission: bool = True,
    notify: bool = True,
) -> Result:
    """Create a tracked result (实施结果公告).

    Called for accepted proposals and by the meetings app for meeting decisions
    (``source=Result.Source.MEETING``; pass ``check_permission=False`` if the calling
    service already checked that ``actor`` may record the decision).
    ``milestones``: dicts with ``title`` and optional ``due_on``, ``progress``,
    ``planned_cost``.
    """
    with transaction.atomic():
        if project is not None and project.community_id != community.pk:
            raise ValidationError(_("The project is in another community."))
        if check_permission:
            _require(actor, "projects.manage_result", project or community)
        if responsible_org is not None and responsible_org.community_id != community.pk:
            raise ValidationError(
                {"responsible_org": _("This organisation is in another community.")}
            )
        result = Result(
            community=community,
            project=project,
            proposal=proposal,
            source=source,
            title=title[:200],
            description=description,
            planned_cost=planned_cost,
            responsible_org=responsible_org,
            starts_on=starts_on,
            due_on=due_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        result.full_clean(
            exclude=["community", "project", "proposal", "responsible_org", "created_by"]
        )
        result.save()
        for spec in milestones:
            m = Milestone(
                result=result,
                title=spec["title"],
                due_on=spec.get("due_on"),
                progress=spec.get("progress", 0),
                planned_cost=spec.get("planned_cost"),
            )
            m.full_clean(exclude=["result"])
            m.save()
        audit_record(
            actor=actor,
            action="result.create",
            community=community,
            target=result,
            after=snapshot(result, RESULT_FIELDS + ["source", "proposal", "project"]),
        )
        if notify and proposal is not None:
            _notify_result(result, Message(gettext_noop("Work is planned: “%(t)s”"),
                                           {"t": result.title}))
    return result


def result_link_decision(*, actor, result: Result, meeting_title: str, text: str) -> Result:
    """A meeting decided about something that already has a tracked result (usually an
    accepted proposal): keep ONE result and record the decision on it — never a second,
    contradicting result for the same thing. (The caller announces the decision with
    :func:`result_announce_decision` once the decision points at the result.)"""
    with transaction.atomic():
        audit_record(actor=actor, action="result.decision_linked", community=result.community,
                     target=result, after={"meeting": meeting_title, "decision": text[:500]})
    return result


def result_announce_decision(*, result: Result, meeting_title: str, text: str) -> None:
    """Tell a result's followers (supporters, meeting attendees) what a meeting decided,
    after commit — as an official answer is told to the proposal's supporters."""
    _notify_result(result, Message(gettext_noop("Decided at “%(m)s”: “%(t)s”"),
                                   {"m": meeting_title, "t": result.title}), body=text)


def result_followers(result: Result) -> list:
    """Who hears about a result: the proposal's author and supporters, and the people who
    attended the meeting that decided it (a meeting decision has no supporters)."""
    users: list = []
    if result.proposal is not None:
        author = result.proposal.author
        users = list(User.objects.filter(proposal_supports__proposal=result.proposal))
        if author:
            users = [author, *users]
    attendees = User.objects.filter(meeting_attendances__meeting__decisions__result=result)
    seen = {u.pk for u in users}
    users += [u for u in attendees.distinct() if u.pk not in seen]
    return users


def _notify_result(result: Result, title: Text, body: Text = "") -> None:
    _notify_after_commit(
        result_followers(result),
        kind="result.update",
        title=title,
        body=body,
        url=result_url(result),
        community=result.community,
    )


@transaction.atomic
def milestone_add(
    *,
    actor,
    result: Result,
    title: str,
    due_on: dt.date | None = None,
    progress: int = 0,
    planned_cost: Decimal | None = None,
) -> Milestone:
    _require(actor, "projects.update_result", result)
    m = Milestone(
        result=result, title=title, due_on=due_on, progress=progress, planned_cost=planned_cost
    )
    m.full_clean(exclude=["result"])
    m.save()
    audit_record(
        actor=actor,
        action="result.milestone_add",
        community=result.community,
        target=result,
        after={"milestone": title, "due_on": due_on},
    )
    return m


def _apply_figures(result: Result, progress: int | None, spent_cost: Decimal | None) -> None:
    """Progress (0-100) and the money spent (not negative), where given."""
    if progress is not None:
        if not 0 <= int(progress) <= 100:
            raise ValidationError({"progress": _("Progress is between 0 and 100.")})
        result.progress = int(progress)
    if spent_cost is not None:
        if spent_cost < 0:
            raise ValidationError({"spent_cost": _("The amount cannot be negative.")})
        result.spent_cost = spent_cost


def _apply_status(result: Result, status: str | None) -> None:
    """The status given, else the one progress implies; done means 100 % and a date."""
    if status is not None:
        if status not in Result.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        result.status = status
    elif result.progress >= 100:
        result.status = Result.Status.DONE
    elif result.progress > 0 and result.status == Result.Status.PLANNED:
        result.status = Result.Status.IN_PROGRESS
    if result.status == Result.Status.DONE:
        result.progress = 100
        result.completed_on = result.completed_on or phases.today()


@transaction.atomic
def result_update_post(
    *,
    actor,
    result: Result,
    text: str,
    progress: int | None = None,
    spent_cost: Decimal | None = None,
    status: str | None = None,
    milestone: Milestone | None = None,
    photo=None,
    keep_location: bool = False,
) -> ResultUpdate:
    """Post progress on a result's public timeline; followers are told (after commit)."""
    result = (
        Result.objects.select_for_update(of=("self",))
        .select_related("community", "proposal")
        .get(pk=result.pk)
    )
    _require(actor, "projects.update_result", result)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say what happened.")})
    before = snapshot(result, RESULT_FIELDS)
    if milestone is not None:
        if milestone.result_id != result.pk:
            raise ValidationError({"milestone": _("This milestone belongs to another result.")})
        milestone.done_on = milestone.done_on or phases.today()
        milestone.save(update_fields=["done_on"])
        if progress is None:
            progress = max(result.progress, milestone.progress)
    _apply_figures(result, progress, spent_cost)
    _apply_status(result, status)
    result.save()
    update = ResultUpdate(
        result=result,
        milestone=milestone,
        author=actor,
        text=text,
        progress=result.progress,
        spent_cost=result.spent_cost,
        status=result.status,
    )
    if photo is not None:
        update.photo = image_prepare(photo, keep_location=keep_location)
    update.save()
    audit_record(
        actor=actor,
        action="result.update",
        community=result.community,
        target=result,
        before=before,
        after=snapshot(result, RESULT_FIELDS),
    )
    _notify_result(
        result,
        Message(gettext_noop("“%(t)s” is now %(p)s%% done"),
                {"t": result.title, "p": result.progress}),
        body=text,
    )
    return update


def results_flag_overdue(*, today: dt.date | None = None) -> int:
    """Tell the responsible organisation's members and the community's workers about
    overdue results and milestones, once each. Returns the number flagged."""
    from gongzhi.accounts.models import Role, RoleAssignment
    from gongzhi.notifications.services import notification_send
    from gongzhi.orgs.models import OrgMember

    today = today or phases.today()
    open_states = [Result.Status.PLANNED, Result.Status.IN_PROGRESS]
    flagged = 0
    results = list(
        Result.objects.select_related("community").filter(
            status__in=open_states, due_on__lt=today, overdue_notified_at__isnull=True
        )
    )
    milestones = list(
        Milestone.objects.select_related("result__community").filter(
            done_on__isnull=True,
            due_on__lt=today,
            overdue_notified_at__isnull=True,
            result__status__in=open_states,
        )
    )

    def recipients(result: Result) -> list:
        ids = set(
            RoleAssignment.objects.filter(
                community=result.community, role__in=[Role.WORKER]
            ).values_list("user_id", flat=True)
        )
        if result.responsible_org_id:
            ids |= set(
                OrgMember.objects.filter(organisation_id=result.responsible_org_id).values_list(
                    "user_id", flat=True
                )
            )
        return list(User.objects.filter(pk__in=ids, is_active=True))

    now = timezone.now()
    for result in results:
        with transaction.atomic():
            claimed = Result.objects.filter(pk=result.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if not claimed:
                continue
            notification_send(
                users=recipients(result),
                kind="result.overdue",
                title=Message(gettext_noop("Overdue: “%(t)s” was due on %(d)s"),
                              {"t": result.title,
                               "d": result.due_on.isoformat() if result.due_on else "—"}),
                url=result_url(result),
                community=result.community,
            )
            flagged += 1
    for m in milestones:
        with transaction.atomic():
            claimed = Milestone.objects.filter(pk=m.pk, overdue_notified_at__isnull=True).update(
                overdue_notified_at=now
            )
            if not claimed:
                continue
            notification_send(
                users=recipients(m.result),
                kind="result.overdue",
                title=Message(gettext_noop("Overdue milestone “%(m)s” of “%(t)s”"),
                              {"m": m.title, "t": m.result.title}),
                url=result_url(m.result),
                community=m.result.community,
            )
            flagged += 1
    return flagged


