"""Ideas and proposals: supports, merges, official answers, comments, moderation, amendments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core import ratelimit
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message
from gongzhi.projects import phases
from gongzhi.projects.models import (
    AbuseReport,
    Amendment,
    Comment,
    Project,
    Proposal,
    ProposalImage,
    ProposalVersion,
    Result,
    Support,
)
from gongzhi.projects.services._common import (
    MAX_IMAGES,
    PROPOSAL_TEXT_FIELDS,
    User,
    _notify_after_commit,
    _require,
    proposal_url,
)
from gongzhi.projects.services.results import result_create

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
    ratelimit.hit("proposal", user=actor)
    _check_location(project, space, lat, lon)
    if len(images) > MAX_IMAGES:
        raise ValidationError({"images": _("At most %(n)s pictures.") % {"n": MAX_IMAGES}})
    cleaned = []
    errors = []
    for upload in images:
        try:
            cleaned.append(image_prepare(upload, keep_location=keep_location))
        except ratelimit.RateLimited:
            raise
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
        title=Message(gettext_noop("“%(s)s” was merged into “%(t)s”"),
                      {"s": source.title, "t": target.title}),
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
        title=Message(gettext_noop("Official answer to “%(t)s”: %(a)s"),
                      {"t": proposal.title, "a": Proposal.Answer(proposal.answer).label}),
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
    ratelimit.hit("comment", user=actor)
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
            title=Message(gettext_noop("New comment on “%(t)s”"), {"t": proposal.title}),
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
    ratelimit.hit("abuse_report", user=actor)
    model = type(target)
    locked = (
        model.objects.select_for_update(of=("self",)).select_related("project").get(pk=target.pk)
    )
    kwargs: dict[str, Proposal | Comment] = (
        {"proposal": locked} if isinstance(locked, Proposal) else {"comment": locked})
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
            title=Message(gettext_noop("A moderator hid your contribution")),
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
        title=Message(gettext_noop("Someone suggests a change to “%(t)s”"), {"t": proposal.title}),
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
        title=Message(
            gettext_noop("Your change to “%(t)s” was accepted")
            if accept
            else gettext_noop("Your change to “%(t)s” was not taken up"),
            {"t": proposal.title},
        ),
        body=note,
        url=proposal_url(proposal),
        community=proposal.community,
    )
    return amendment


