"""Every write in the projects app: one transaction, a permission check, an audit entry
for what others rely on, notifications after commit.

Other apps call ``result_create`` (meetings: a decision becomes a tracked result).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.uploads import strip_location
from gongzhi.projects import phases
from gongzhi.projects.models import (
    AbuseReport,
    Action,
    Amendment,
    Comment,
    Donation,
    Milestone,
    Phase,
    Project,
    ProjectPhoto,
    ProjectTemplate,
    Proposal,
    ProposalImage,
    ProposalVersion,
    Result,
    ResultUpdate,
    Stakeholder,
    Support,
    Task,
    TaskSignup,
    TeamMember,
)

User = get_user_model()

PROJECT_FIELDS = [
    "title",
    "summary",
    "description",
    "goals",
    "budget",
    "status",
    "kind",
    "report_threshold",
]
PROPOSAL_TEXT_FIELDS = ["title", "description", "cost_estimate"]
RESULT_FIELDS = [
    "title",
    "status",
    "progress",
    "planned_cost",
    "spent_cost",
    "responsible_org",
    "starts_on",
    "due_on",
    "completed_on",
]
MAX_IMAGES = 6


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _notify_after_commit(
    users: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    community=None,
    exclude=None,
) -> None:
    """Fan out notifications once the transaction has committed (never for a rollback)."""
    recipients = [u for u in users if u is not None and (exclude is None or u.pk != exclude.pk)]
    if not recipients:
        return

    def send() -> None:
        from gongzhi.notifications.services import notification_send

        notification_send(
            users=recipients, kind=kind, title=title, body=body, url=url, community=community
        )

    transaction.on_commit(send)


def proposal_url(proposal: Proposal) -> str:
    return reverse(
        "projects:proposal", args=[proposal.community.slug, proposal.project_id, proposal.pk]
    )


def result_url(result: Result) -> str:
    return reverse("projects:result", args=[result.community.slug, result.pk])


# --- projects and phases -----------------------------------------------------------------


def phases_from_template(template: ProjectTemplate | None, starts_on: dt.date) -> list[dict]:
    specs = (
        template.phases
        if template is not None
        else [
            {
                "key": "participation",
                "name": _("Participation"),
                "days": 30,
                "actions": {
                    "propose": ["verified"],
                    "comment": ["member"],
                    "support": ["verified"],
                },
            },
        ]
    )
    out = []
    day = starts_on
    for spec in specs:
        days = max(1, int(spec.get("days", 14)))
        out.append(
            {
                "key": spec.get("key", "phase"),
                "name": spec.get("name", ""),
                "description": spec.get("description", ""),
                "stage": spec.get("stage", ""),
                "actions": _clean_actions(spec.get("actions", {})),
                "starts_on": day,
                "ends_on": day + dt.timedelta(days=days - 1),
            }
        )
        day = day + dt.timedelta(days=days)
    return out


def _clean_actions(actions: dict) -> dict:
    from gongzhi.projects.models import Audience

    known_actions = set(Action.values)
    known_audiences = set(Audience.values)
    clean: dict[str, list[str]] = {}
    for action, audiences in (actions or {}).items():
        if action not in known_actions:
            raise ValidationError(_("Unknown phase action: %(a)s") % {"a": action})
        bad = [a for a in audiences if a not in known_audiences]
        if bad:
            raise ValidationError(_("Unknown audience: %(a)s") % {"a": ", ".join(bad)})
        clean[action] = list(audiences)
    return clean


@transaction.atomic
def project_create(
    *,
    actor,
    community,
    title: str,
    template: ProjectTemplate | None = None,
    summary: str = "",
    description: str = "",
    goals: str = "",
    budget: Decimal | None = None,
    spaces: Sequence = (),
    starts_on: dt.date | None = None,
    kind: str | None = None,
    status: str = Project.Status.ACTIVE,
) -> Project:
    """Create a project; with a template, its phases with default durations and actions."""
    _require(actor, "projects.create_project", community)
    project = Project(
        community=community,
        template=template,
        title=title,
        summary=summary,
        description=description,
        goals=goals,
        budget=budget,
        status=status,
        kind=kind or (template.kind if template else "other"),
        created_by=actor,
    )
    project.full_clean(exclude=["community", "template", "created_by"])
    project.save()
    wrong = [s for s in spaces if s.community_id != community.pk]
    if wrong:
        raise ValidationError({"spaces": _("A space belongs to another community.")})
    if spaces:
        project.spaces.set(spaces)
    start = starts_on or phases.today()
    Phase.objects.bulk_create(
        [
            Phase(project=project, order=i, **spec)
            for i, spec in enumerate(phases_from_template(template, start), start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="project.create",
        community=community,
        target=project,
        after={**snapshot(project, PROJECT_FIELDS), "template": template.key if template else None},
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, spaces: Sequence | None = None, **fields) -> Project:
    _require(actor, "projects.manage_project", project)
    before = snapshot(project, PROJECT_FIELDS)
    for name in PROJECT_FIELDS:
        if name in fields:
            setattr(project, name, fields[name])
    project.full_clean(exclude=["community", "template", "created_by"])
    project.save()
    if spaces is not None:
        if any(s.community_id != project.community_id for s in spaces):
            raise ValidationError({"spaces": _("A space belongs to another community.")})
        project.spaces.set(spaces)
    audit_record(
        actor=actor,
        action="project.update",
        community=project.community,
        target=project,
        before=before,
        after=snapshot(project, PROJECT_FIELDS),
    )
    return project


@transaction.atomic
def stakeholder_add(*, actor, project: Project, organisation, role: str) -> Stakeholder:
    _require(actor, "projects.manage_project", project)
    if organisation.community_id != project.community_id:
        raise ValidationError({"organisation": _("This organisation is in another community.")})
    stakeholder, _created = Stakeholder.objects.get_or_create(
        project=project, organisation=organisation, role=role
    )
    audit_record(
        actor=actor,
        action="project.stakeholder_add",
        community=project.community,
        target=project,
        after={"organisation": organisation.pk, "role": role},
    )
    return stakeholder


@transaction.atomic
def team_member_add(*, actor, project: Project, user, role: str) -> TeamMember:
    _require(actor, "projects.manage_project", project)
    member, _created = TeamMember.objects.get_or_create(project=project, user=user, role=role)
    user.__dict__.pop("_gz_project_team", None)
    audit_record(
        actor=actor,
        action="project.team_add",
        community=project.community,
        target=project,
        after={"user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def phase_advance(*, actor, project: Project, reason: str = "") -> Phase | None:
    """Close the current phase now and open the next one (explicit, audit-logged)."""
    _require(actor, "projects.manage_project", project)
    phases.forget_phases(project)
    all_phases = list(project.phases.select_for_update().order_by("order"))
    current = phases.current_phase(project)
    now = timezone.now()
    today = phases.today()
    if current is None:
        upcoming = [p for p in all_phases if p.closed_at is None and p.starts_on > today]
        nxt = upcoming[0] if upcoming else None
    else:
        current.closed_at = now
        current.save(update_fields=["closed_at"])
        later = [p for p in all_phases if p.order > current.order]
        nxt = later[0] if later else None
    if nxt is not None:
        nxt.started_at = now
        nxt.closed_at = None
        if nxt.ends_on < today:
            nxt.ends_on = today
        nxt.save(update_fields=["started_at", "closed_at", "ends_on"])
    audit_record(
        actor=actor,
        action="project.phase_advance",
        community=project.community,
        target=project,
        reason=reason,
        before={"phase": current.key if current else None},
        after={"phase": nxt.key if nxt else None},
    )
    phases.forget_phases(project)
    return nxt


@transaction.atomic
def phase_update(*, actor, phase: Phase, name: str, starts_on: dt.date, ends_on: dt.date,
                 actions: dict[str, list[str]], reason: str = "") -> Phase:
    """Change a phase's name, dates and open actions (audit-logged)."""
    _require(actor, "projects.manage_project", phase.project)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    fields = ["name", "starts_on", "ends_on", "actions"]
    before = snapshot(phase, fields)
    phase.name, phase.starts_on, phase.ends_on = name.strip(), starts_on, ends_on
    phase.actions = _clean_actions({a: list(w) for a, w in actions.items() if w})
    phase.full_clean(exclude=["project"])
    phase.save(update_fields=fields)
    audit_record(actor=actor, action="project.phase_update", community=phase.project.community,
                 target=phase.project, before=before, after=snapshot(phase, fields),
                 reason=reason)
    phases.forget_phases(phase.project)
    return phase


@transaction.atomic
def phase_close(*, actor, phase: Phase, reason: str = "") -> Phase:
    """Close a phase early without opening the next one."""
    _require(actor, "projects.manage_project", phase.project)
    phase.closed_at = timezone.now()
    phase.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="project.phase_close",
        community=phase.project.community,
        target=phase.project,
        reason=reason,
        after={"phase": phase.key},
    )
    phases.forget_phases(phase.project)
    return phase


# --- proposals ----------------------------------------------------------------------------


def _check_location(project: Project, space, lat, lon) -> None:
    if space is not None and space.community_id != project.community_id:
        raise ValidationError({"space": _("This space is in another community.")})
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("Give both latitude and longitude, or neither.")})


@transaction.atomic
def proposal_create(
    *,
    actor,
    project: Project,
    title: str,
    description: str,
    kind: str = Proposal.Kind.PROPOSAL,
    space=None,
    lat: float | None = None,
    lon: float | None = None,
    location_text: str = "",
    cost_estimate: Decimal | None = None,
    images: Sequence = (),
    keep_location: bool = False,
) -> Proposal:
    _require(actor, "projects.propose", project)
    _check_location(project, space, lat, lon)
    if len(images) > MAX_IMAGES:
        raise ValidationError({"images": _("At most %(n)s pictures.") % {"n": MAX_IMAGES}})
    cleaned = []
    errors = []
    for upload in images:
        try:
            cleaned.append(strip_location(upload, keep_location=keep_location))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"images": errors})
    proposal = Proposal(
        project=project,
        community=project.community,
        kind=kind,
        author=actor,
        phase=phases.current_phase(project),
        title=title.strip(),
        description=description.strip(),
        space=space,
        lat=lat,
        lon=lon,
        location_text=location_text,
        cost_estimate=cost_estimate,
    )
    proposal.full_clean(
        exclude=["project", "community", "author", "phase", "space", "merged_into", "answered_by"]
    )
    proposal.save()
    for upload in cleaned:
        ProposalImage.objects.create(proposal=proposal, image=upload)
    audit_record(
        actor=actor,
        action="proposal.create",
        community=project.community,
        target=proposal,
        after=snapshot(proposal, ["kind", "title", "project"]),
    )
    return proposal


def _save_version(proposal: Proposal, *, changed_by, amendment: Amendment | None = None) -> None:
    ProposalVersion.objects.create(
        proposal=proposal,
        version=proposal.version,
        title=proposal.title,
        description=proposal.description,
        cost_estimate=proposal.cost_estimate,
        changed_by=changed_by,
        amendment=amendment,
    )


@transaction.atomic
def proposal_edit(
    *, actor, proposal: Proposal, title: str, description: str, cost_estimate: Decimal | None = None
) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=proposal.pk)
    )
    _require(actor, "projects.edit_proposal", proposal)
    before = snapshot(proposal, PROPOSAL_TEXT_FIELDS)
    _save_version(proposal, changed_by=actor)
    proposal.title, proposal.description = title.strip(), description.strip()
    proposal.cost_estimate = cost_estimate
    proposal.version += 1
    proposal.full_clean(
        exclude=["project", "community", "author", "phase", "space", "merged_into", "answered_by"]
    )
    proposal.save()
    audit_record(
        actor=actor,
        action="proposal.edit",
        community=proposal.community,
        target=proposal,
        before=before,
        after=snapshot(proposal, PROPOSAL_TEXT_FIELDS),
    )
    return proposal


def _lock_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("project__community")
        .get(pk=proposal.pk)
    )


def support_add(*, actor, proposal: Proposal) -> Support:
    """Support a proposal: one per person (DB constraint); supporting twice is a no-op."""
    with transaction.atomic():
        locked = _lock_proposal(proposal)
        _require(actor, "projects.support", locked)
        try:
            with transaction.atomic():
                support = Support.objects.create(proposal=locked, user=actor)
        except IntegrityError:
            return Support.objects.get(proposal=locked, user=actor)
        Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
    proposal.refresh_from_db(fields=["support_count"])
    return support


def support_remove(*, actor, proposal: Proposal) -> bool:
    """Retract a support; only while the phase that allows supporting is open."""
    with transaction.atomic():
        locked = _lock_proposal(proposal)
        _require(actor, "projects.support", locked)
        deleted, _rows = Support.objects.filter(proposal=locked, user=actor).delete()
        if deleted:
            Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
    proposal.refresh_from_db(fields=["support_count"])
    return bool(deleted)


@transaction.atomic
def proposal_merge(*, actor, source: Proposal, target: Proposal, reason: str = "") -> Proposal:
    """Merge a duplicate into ``target``: supports carried over, nobody counted twice.

    Both rows are locked (in id order, to avoid deadlocks) so a support arriving during
    the merge waits and then sees the source as merged; the unique constraint
    (proposal, user) is what guarantees no one counts twice.
    """
    if source.pk == target.pk:
        raise ValidationError(_("A proposal cannot be merged into itself."))
    locked = {
        p.pk: p
        for p in Proposal.objects.select_for_update(of=("self",))
        .select_related("project__community")
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    _require(actor, "projects.merge_proposals", target)
    if source.project_id != target.project_id:
        raise ValidationError(_("Only proposals of the same project can be merged."))
    if source.answer == Proposal.Answer.MERGED or target.answer == Proposal.Answer.MERGED:
        raise ValidationError(_("This proposal has already been merged."))
    moved = list(Support.objects.filter(proposal=source).values_list("user_id", "created_at"))
    Support.objects.bulk_create(
        [
            Support(proposal=target, user_id=uid, created_at=at, carried_from=source)
            for uid, at in moved
        ],
        ignore_conflicts=True,
    )
    Support.objects.filter(proposal=source).delete()
    Proposal.objects.filter(pk=target.pk).update(
        support_count=Support.objects.filter(proposal=target).count()
    )
    Proposal.objects.filter(pk=source.pk).update(
        support_count=0,
        answer=Proposal.Answer.MERGED,
        merged_into=target,
        answer_text=reason or _("Merged into “%(t)s”.") % {"t": target.title},
        answered_at=timezone.now(),
        answered_by=actor,
    )
    audit_record(
        actor=actor,
        action="proposal.merge",
        community=target.community,
        target=source,
        reason=reason,
        after={"merged_into": target.pk, "supports_moved": len(moved)},
    )
    source.refresh_from_db()
    target.refresh_from_db()
    supporters = User.objects.filter(proposal_supports__proposal=target)
    _notify_after_commit(
        [source.author, *supporters],
        kind="proposal.merged",
        title=_("“%(s)s” was merged into “%(t)s”") % {"s": source.title, "t": target.title},
        url=proposal_url(target),
        community=target.community,
        exclude=actor,
    )
    return target


@transaction.atomic
def proposal_answer(
    *,
    actor,
    proposal: Proposal,
    answer: str,
    text: str = "",
    responsible_org=None,
    due_on: dt.date | None = None,
) -> Proposal:
    """The official answer. Accepting creates the tracked Result; rejecting needs a reason.

    The author and every supporter are told (after commit).
    """
    proposal = _lock_proposal(proposal)
    _require(actor, "projects.answer_proposal", proposal)
    allowed = {Proposal.Answer.EVALUATING, Proposal.Answer.ACCEPTED, Proposal.Answer.REJECTED}
    if answer not in allowed:
        raise ValidationError({"answer": _("Choose accepted, rejected or under evaluation.")})
    if proposal.answer == Proposal.Answer.MERGED:
        raise ValidationError(_("This proposal has been merged; answer the one it joined."))
    text = text.strip()
    if answer == Proposal.Answer.REJECTED and not text:
        raise ValidationError({"text": _("Give the reason for rejecting this proposal.")})
    before = snapshot(proposal, ["answer", "answer_text"])
    proposal.answer, proposal.answer_text = answer, text
    proposal.answered_at, proposal.answered_by = timezone.now(), actor
    proposal.save(
        update_fields=["answer", "answer_text", "answered_at", "answered_by", "updated_at"]
    )
    if answer == Proposal.Answer.ACCEPTED and not proposal.results.exists():
        result_create(
            actor=actor,
            community=proposal.community,
            project=proposal.project,
            proposal=proposal,
            source=Result.Source.PROPOSAL,
            title=proposal.title,
            description=proposal.description,
            planned_cost=proposal.cost_estimate,
            responsible_org=responsible_org,
            due_on=due_on,
            notify=False,
        )
    audit_record(
        actor=actor,
        action="proposal.answer",
        community=proposal.community,
        target=proposal,
        before=before,
        after=snapshot(proposal, ["answer", "answer_text"]),
    )
    supporters = User.objects.filter(proposal_supports__proposal=proposal)
    _notify_after_commit(
        [proposal.author, *supporters],
        kind="proposal.answered",
        title=_("Official answer to “%(t)s”: %(a)s")
        % {"t": proposal.title, "a": proposal.get_answer_display()},
        body=text,
        url=proposal_url(proposal),
        community=proposal.community,
    )
    return proposal


# --- comments, moderation ------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    actor,
    project: Project,
    body: str,
    proposal: Proposal | None = None,
    parent: Comment | None = None,
) -> Comment:
    _require(actor, "projects.comment", proposal or project)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if proposal is not None and proposal.project_id != project.pk:
        raise ValidationError(_("This proposal belongs to another project."))
    if parent is not None and (
        parent.project_id != project.pk or parent.proposal_id != (proposal.pk if proposal else None)
    ):
        raise ValidationError(_("You can only reply within the same discussion."))
    comment = Comment.objects.create(
        community=project.community,
        project=project,
        proposal=proposal,
        parent=parent,
        author=actor,
        body=body,
    )
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(comment_count=F("comment_count") + 1)
        _notify_after_commit(
            [proposal.author],
            kind="proposal.comment",
            title=_("New comment on “%(t)s”") % {"t": proposal.title},
            body=body[:200],
            url=proposal_url(proposal),
            community=project.community,
            exclude=actor,
        )
    return comment


def _threshold(project: Project) -> int:
    return project.report_threshold


@transaction.atomic
def abuse_report_create(*, actor, target: Proposal | Comment, reason: str) -> AbuseReport:
    """Report abusive content. After N distinct reports it is hidden pending review."""
    _require(actor, "projects.report_abuse", target)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what is wrong.")})
    model = type(target)
    locked = (
        model.objects.select_for_update(of=("self",)).select_related("project").get(pk=target.pk)
    )
    kwargs = {"proposal": locked} if isinstance(locked, Proposal) else {"comment": locked}
    try:
        with transaction.atomic():
            report = AbuseReport.objects.create(
                community=locked.community, reporter=actor, reason=reason[:300], **kwargs
            )
    except IntegrityError:
        raise ValidationError(_("You have already reported this."))
    locked.report_count += 1
    fields = ["report_count"]
    if (
        locked.report_count >= _threshold(locked.project)
        and locked.visibility == model.Visibility.VISIBLE
    ):
        locked.visibility = model.Visibility.PENDING
        fields.append("visibility")
        audit_record(
            actor=None,
            action="content.auto_hide",
            community=locked.community,
            target=locked,
            after={"reports": locked.report_count},
        )
    locked.save(update_fields=fields)
    target.report_count, target.visibility = locked.report_count, locked.visibility
    return report


@transaction.atomic
def content_moderate(
    *, actor, target: Proposal | Comment, decision: str, reason: str
) -> Proposal | Comment:
    """A moderator hides or restores content; the reason is required and audit-logged."""
    _require(actor, "projects.moderate", target)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for this moderation decision.")})
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if decision == "hide":
        visibility = model.Visibility.HIDDEN
    elif decision == "restore":
        visibility = model.Visibility.VISIBLE
    else:
        raise ValidationError({"decision": _("Choose hide or restore.")})
    before = {"visibility": locked.visibility, "reports": locked.report_count}
    locked.visibility, locked.report_count = visibility, 0
    locked.save(update_fields=["visibility", "report_count"])
    reports = (
        AbuseReport.objects.filter(proposal=locked)
        if isinstance(locked, Proposal)
        else AbuseReport.objects.filter(comment=locked)
    )
    reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
    audit_record(
        actor=actor,
        action=f"content.{decision}",
        community=locked.community,
        target=locked,
        before=before,
        after={"visibility": visibility},
        reason=reason,
    )
    if locked.author_id and decision == "hide":
        _notify_after_commit(
            [locked.author],
            kind="content.hidden",
            title=_("A moderator hid your contribution"),
            body=reason,
            community=locked.community,
        )
    return locked


# --- amendments ----------------------------------------------------------------------------


@transaction.atomic
def amendment_create(
    *,
    actor,
    proposal: Proposal,
    title: str,
    description: str,
    cost_estimate: Decimal | None = None,
    reason: str = "",
) -> Amendment:
    _require(actor, "projects.amend_proposal", proposal)
    amendment = Amendment(
        proposal=proposal,
        author=actor,
        title=title.strip(),
        description=description.strip(),
        cost_estimate=cost_estimate,
        reason=reason.strip(),
        based_on_version=proposal.version,
    )
    amendment.full_clean(exclude=["proposal", "author"])
    amendment.save()
    audit_record(
        actor=actor,
        action="amendment.create",
        community=proposal.community,
        target=proposal,
        after={"amendment": amendment.pk},
    )
    _notify_after_commit(
        [proposal.author],
        kind="amendment.new",
        title=_("Someone suggests a change to “%(t)s”") % {"t": proposal.title},
        body=amendment.reason,
        url=proposal_url(proposal),
        community=proposal.community,
    )
    return amendment


@transaction.atomic
def amendment_decide(*, actor, amendment: Amendment, accept: bool, note: str = "") -> Amendment:
    """The proposal's author accepts (the proposal changes, history kept) or rejects."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    proposal = _lock_proposal(amendment.proposal)
    amendment.proposal = proposal
    _require(actor, "projects.decide_amendment", amendment)
    if amendment.state != Amendment.State.PENDING:
        raise ValidationError(_("This amendment has already been decided."))
    if accept:
        _save_version(proposal, changed_by=actor, amendment=amendment)
        proposal.title, proposal.description = amendment.title, amendment.description
        proposal.cost_estimate = amendment.cost_estimate
        proposal.version += 1
        proposal.save(
            update_fields=["title", "description", "cost_estimate", "version", "updated_at"]
        )
    amendment.state = Amendment.State.ACCEPTED if accept else Amendment.State.REJECTED
    amendment.decided_at, amendment.decision_note = timezone.now(), note.strip()
    amendment.save(update_fields=["state", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action="amendment.accept" if accept else "amendment.reject",
        community=proposal.community,
        target=proposal,
        reason=note,
        after={"amendment": amendment.pk, "version": proposal.version},
    )
    _notify_after_commit(
        [amendment.author],
        kind="amendment.decided",
        title=(
            _("Your change to “%(t)s” was accepted")
            if accept
            else _("Your change to “%(t)s” was not taken up")
        )
        % {"t": proposal.title},
        body=note,
        url=proposal_url(proposal),
        community=proposal.community,
    )
    return amendment


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


_NEXT_CONDITION = {
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
            title=_("Your donation “%(i)s”: %(c)s")
            % {"i": donation.item, "c": donation.get_condition_display()},
            body=used_for,
            community=donation.community,
        )
    return donation


@transaction.atomic
def project_photo_add(
    *, actor, project: Project, kind: str, image, caption: str = "", keep_location: bool = False
) -> ProjectPhoto:
    _require(actor, "projects.manage_project", project)
    cleaned = strip_location(image, keep_location=keep_location)
    photo = ProjectPhoto(project=project, kind=kind, caption=caption, uploaded_by=actor)
    photo.image = cleaned
    photo.full_clean(exclude=["project", "uploaded_by", "image"])
    photo.save()
    return photo


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
            _notify_result(result, _("Work is planned: “%(t)s”") % {"t": result.title})
    return result


def result_followers(result: Result) -> list:
    """Who hears about a result: the proposal's author and supporters."""
    if result.proposal_id is None:
        return []
    users = list(User.objects.filter(proposal_supports__proposal_id=result.proposal_id))
    author = result.proposal.author
    return [author, *users] if author else users


def _notify_result(result: Result, title: str, body: str = "") -> None:
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
    if progress is not None:
        if not 0 <= int(progress) <= 100:
            raise ValidationError({"progress": _("Progress is between 0 and 100.")})
        result.progress = int(progress)
    if spent_cost is not None:
        if spent_cost < 0:
            raise ValidationError({"spent_cost": _("The amount cannot be negative.")})
        result.spent_cost = spent_cost
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
        update.photo = strip_location(photo, keep_location=keep_location)
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
        _("“%(t)s” is now %(p)s%% done") % {"t": result.title, "p": result.progress},
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
                title=_("Overdue: “%(t)s” was due on %(d)s")
                % {"t": result.title, "d": result.due_on.isoformat()},
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
                title=_("Overdue milestone “%(m)s” of “%(t)s”")
                % {"m": m.title, "t": m.result.title},
                url=result_url(m.result),
                community=m.result.community,
            )
            flagged += 1
    return flagged


@transaction.atomic
def evaluation_submit(*, actor, project: Project, score: int, comment: str = ""):
    """Evaluate the project (共评) while the evaluation phase is open; once per person,
    a second submission replaces the first."""
    from gongzhi.projects.models import Evaluation

    _require(actor, "projects.evaluate", project)
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Choose a score from 1 to 5.")})
    evaluation, _created = Evaluation.objects.update_or_create(
        project=project, user=actor, defaults={"score": int(score), "comment": comment.strip()})
    return evaluation
