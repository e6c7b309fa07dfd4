"""Every write to problem reports: create, move through the workflow, me-too, moderate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.accounts.access import community_roles
from gongzhi.accounts.models import Role
from gongzhi.core import ratelimit
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community
from gongzhi.reports.models import (
    Category,
    EventKind,
    MeToo,
    PhotoKind,
    Report,
    ReportEvent,
    ReportPhoto,
    ResponseTargets,
    Status,
)
from gongzhi.reports.workflow import TRANSITIONS

MAX_PHOTOS = 4
# Rate limits, counted in the database so they hold across processes and nodes.
PER_HOUR = getattr(settings, "REPORTS_PER_USER_PER_HOUR", 5)
PER_DAY = getattr(settings, "REPORTS_PER_USER_PER_DAY", 20)
# A pin must fall inside the community's boundary box grown by this margin.
BOUNDARY_MARGIN_DEG = 0.005


def targets_for(community: Community) -> ResponseTargets:
    """The community's response targets (defaults until the admin saves their own)."""
    targets = ResponseTargets.objects.filter(community=community).first()
    return targets or ResponseTargets(community=community)


def _rate_limits() -> tuple[int, int]:
    return (getattr(settings, "REPORTS_PER_USER_PER_HOUR", PER_HOUR),
            getattr(settings, "REPORTS_PER_USER_PER_DAY", PER_DAY))


def _check_rate(actor, now: dt.datetime) -> None:
    per_hour, per_day = _rate_limits()
    recent = Report.objects.filter(reporter=actor, created_at__gte=now - dt.timedelta(days=1))
    day_count = recent.count()
    if day_count >= per_day:
        raise ValidationError(
            _("You have sent %(n)s reports today, the daily limit. Please try again tomorrow, "
              "or call the residents' committee if it is urgent.") % {"n": day_count},
            code="rate_limited")
    hour_count = recent.filter(created_at__gte=now - dt.timedelta(hours=1)).count()
    if hour_count >= per_hour:
        raise ValidationError(
            _("You have sent %(n)s reports in the last hour. Please wait a little before "
              "sending another.") % {"n": hour_count}, code="rate_limited")


def _check_location(community: Community, lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"lat": _("This is not a position on the map.")})
    boundary = community.boundary
    if boundary:
        from gongzhi.core.geo.measure import bbox

        try:
            min_lon, min_lat, max_lon, max_lat = bbox(boundary)
        except Exception:  # a malformed boundary must not block reporting
            return
        m = BOUNDARY_MARGIN_DEG
        if not (min_lon - m <= lon <= max_lon + m and min_lat - m <= lat <= max_lat + m):
            raise ValidationError({"lat": _("The pin is outside %(community)s. Move it to "
                                            "where the problem is.")
                                   % {"community": community.name}})


def _prepare_photos(photos: Sequence[UploadedFile], keep_location: bool,
                    field: str = "photos") -> list[UploadedFile]:
    photos = [p for p in photos if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({field: _("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}})
    prepared = []
    errors = []
    for upload in photos:
        try:
            prepared.append(image_prepare(upload, keep_location=keep_location))
        except ratelimit.RateLimited:
            raise
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return prepared


def _save_photos(report: Report, photos: list[UploadedFile], *, kind: str, actor,
                 keep_location: bool) -> None:
    for upload in photos:
        photo = ReportPhoto(report=report, kind=kind, uploaded_by=actor,
                            location_kept=keep_location)
        photo.image.save(upload.name or "photo.jpg", upload, save=False)
        photo.save()


def _report_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.community.slug, report.pk])


def _followers(report: Report, exclude=None) -> list:
    """The reporter and everyone who said "me too" (notified of every public step)."""
    from gongzhi.accounts.models import User

    ids = set(MeToo.objects.filter(report=report).values_list("user_id", flat=True))
    if report.reporter_id:
        ids.add(report.reporter_id)
    if exclude is not None and getattr(exclude, "pk", None):
        ids.discard(exclude.pk)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def report_create(*, actor, community: Community, category: str, description: str,
                  lat: float, lon: float, location_text: str = "", anonymous: bool = False,
                  photos: Sequence[UploadedFile] = (), keep_location: bool = False,
                  space=None, now: dt.datetime | None = None) -> Report:
    """A resident's new report, with up to four photos (GPS stripped unless kept)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm("reports.create",
                                                                           community):
        raise PermissionDenied
    now = now or timezone.now()
    description = (description or "").strip()
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    if len(description) < 3:
        errors["description"] = _("Describe the problem in a few words (at least 3 "
                                  "characters).")
    if errors:
        raise ValidationError(errors)
    _check_location(community, float(lat), float(lon))
    if space is not None and space.community_id != community.pk:
        raise ValidationError({"space": _("This space belongs to another community.")})
    if not actor.has_perm("reports.accept", community):
        _check_rate(actor, now)  # workers filing for callers are not limited
        ratelimit.hit("report", user=actor)
    prepared = _prepare_photos(photos, keep_location)
    targets = targets_for(community)
    verified = Role.VERIFIED_RESIDENT in community_roles(actor, community)
    with transaction.atomic():
        report = Report(
            community=community, reporter=actor, anonymous=bool(anonymous),
            reporter_verified=verified, category=category, description=description,
            location_text=(location_text or "").strip(), lat=float(lat), lon=float(lon),
            space=space, status=Status.SUBMITTED, created_at=now, status_changed_at=now,
            due_at=now + dt.timedelta(hours=targets.accept_hours),
        )
        report.full_clean(exclude=["community", "reporter", "space", "organisation",
                                   "hidden_by"])
        report.save()
        _save_photos(report, prepared, kind=PhotoKind.REPORT, actor=actor,
                     keep_location=keep_location)
        ReportEvent.objects.create(report=report, kind=EventKind.SUBMITTED, actor=actor,
                                   to_status=Status.SUBMITTED, created_at=now)
        audit_record(actor=actor, action="report.create", community=community, target=report,
                     after=snapshot(report, ["category", "lat", "lon", "anonymous"]))
        transaction.on_commit(lambda: _notify_staff_of_new(report, actor))
    return report


def _notify_staff_of_new(report: Report, actor) -> None:
    """The community's workers hear of every new report (their clock starts now)."""
    from gongzhi.accounts.models import Role, User

    staff = User.objects.filter(role_assignments__community=report.community,
                                role_assignments__role__in=[Role.WORKER, Role.ADMIN],
                                is_active=True).distinct()
    actor_pk = getattr(actor, "pk", None)  # the worker who filed it for a resident
    if actor_pk is not None:
        staff = staff.exclude(pk=actor_pk)
    notification_send(users=staff, kind="reports.new", community=report.community,
                      title=Message(gettext_noop("New report #%(id)s: %(category)s"),
                                    {"id": report.pk,
                                     "category": Category(report.category).label}),
                      body=report.description[:200], url=_report_url(report))


def _notify_step(report: Report, event: ReportEvent, actor) -> None:
    users = _followers(report, exclude=actor)
    if not users:
        return
    title = Message(gettext_noop("Report #%(id)s: %(step)s"),
                    {"id": report.pk, "step": EventKind(event.kind).label})
    notification_send(users=users, kind=f"reports.{event.kind}", title=title,
                      body=event.note[:500], url=_report_url(report),
                      community=report.community)


def report_transition(*, actor, report: Report, action: str, organisation: Organisation | None
                      = None, note: str = "", photos: Sequence[UploadedFile] = (),
                      keep_location: bool = False, now: dt.datetime | None = None) -> Report:
    """Move ``report`` by ``action`` (see workflow.TRANSITIONS); refuse anything else.

    The row is locked first and the status re-read, so two workers pressing "accept" at the
    same moment do not both succeed: the second sees "accepted" and is refused.
    ``actor=None`` is the system (only for actions without a permission, e.g. auto_close).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError({"action": _("Unknown action.")}, code="unknown_action")
    # The system acts only where no permission is needed, a person only where one is.
    if (transition.perm is None) != (actor is None) or (
            actor is not None and not actor.is_authenticated):
        raise PermissionDenied
    now = now or timezone.now()
    note = (note or "").strip()
    prepared: list[UploadedFile] = []
    if action == "resolve":
        prepared = _prepare_photos(photos, keep_location)
    with transaction.atomic():
        locked = (Report.objects.select_for_update().select_related("community")
                  .get(pk=report.pk))
        if actor is not None and not actor.has_perm(transition.perm, locked):
            raise PermissionDenied
        if locked.status not in transition.sources:
            raise ValidationError(
                _("A report that is “%(status)s” cannot be moved by “%(action)s”.")
                % {"status": locked.get_status_display(), "action": transition.label},
                code="illegal_transition")
        before = snapshot(locked, ["status", "organisation"])
        targets = targets_for(locked.community)
        update = ["status", "status_changed_at", "due_at"]
        step = _ACTION_STEPS.get(action)
        if step is not None:
            update += step(locked, organisation, note, now)
        old_status = locked.status
        update += _move(locked, transition, action, now, targets)
        locked.save(update_fields=update)
        if prepared:
            _save_photos(locked, prepared, kind=PhotoKind.RESOLUTION, actor=actor,
                         keep_location=keep_location)
        event = ReportEvent.objects.create(
            report=locked, kind=transition.event, actor=actor, from_status=old_status,
            to_status=locked.status, organisation=locked.organisation
            if action in ("accept", "assign") else None, note=note, created_at=now)
        audit_record(actor=actor, action=f"report.{action}", community=locked.community,
                     target=locked, before=before,
                     after=snapshot(locked, ["status", "organisation"]), reason=note)
        _notify_step(locked, event, actor)
    return locked


def _set_organisation(report: Report, organisation: Organisation | None, note: str,
                      now: dt.datetime) -> list[str]:
    """accept: who will fix it, an organisation of this community."""
    report.organisation = _fixer(report, organisation)
    return ["organisation"]


def _reassign(report: Report, organisation: Organisation | None, note: str,
              now: dt.datetime) -> list[str]:
    if _fixer(report, organisation).pk == report.organisation_id:
        raise ValidationError({"organisation": _("It is already assigned there.")})
    return _set_organisation(report, organisation, note, now)


def _fixer(report: Report, organisation: Organisation | None) -> Organisation:
    if organisation is None:
        raise ValidationError({"organisation": _("Choose who will fix it.")})
    if organisation.community_id != report.community_id or organisation.deleted_at:
        raise ValidationError({"organisation": _("Choose an organisation of this "
                                                 "community.")})
    return organisation


def _set_refusal(report: Report, organisation: Organisation | None, note: str,
                 now: dt.datetime) -> list[str]:
    if not note:
        raise ValidationError({"note": _("Say why it is refused; the reporter and "
                                         "the public will see this.")})
    report.refusal_reason = note
    return ["refusal_reason"]


def _set_resolution(report: Report, organisation: Organisation | None, note: str,
                    now: dt.datetime) -> list[str]:
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    report.resolution_note = note
    report.resolved_at = now
    return ["resolution_note", "resolved_at"]


def _require_reopen_reason(report: Report, organisation: Organisation | None, note: str,
                           now: dt.datetime) -> list[str]:
    if not note:
        raise ValidationError({"note": _("Say what is still wrong.")})
    return []


# What each action needs and sets besides the status (the fields it changed).
_ACTION_STEPS: dict[str, Callable[[Report, Organisation | None, str, dt.datetime],
                                  list[str]]] = {
    "accept": _set_organisation, "assign": _reassign, "refuse": _set_refusal,
    "resolve": _set_resolution, "reopen": _require_reopen_reason,
}


def _move(report: Report, transition, action: str, now: dt.datetime, targets) -> list[str]:
    """The new status and its clocks: accepted, due (the community's target), closed."""
    update: list[str] = []
    if transition.target:
        report.status = transition.target
        report.status_changed_at = now
    if action == "accept":
        report.accepted_at = report.accepted_at or now
        update.append("accepted_at")
    if report.status in (Status.ACCEPTED, Status.REOPENED) and action != "assign":
        report.due_at = now + dt.timedelta(days=targets.resolve_days)
    elif report.status in (Status.RESOLVED, Status.CLOSED, Status.REFUSED):
        report.due_at = None
    if report.status == Status.CLOSED:
        report.closed_at = now
        update.append("closed_at")
    return update


def report_accept(*, actor, report: Report, organisation: Organisation, note: str = ""
                  ) -> Report:
    return report_transition(actor=actor, report=report, action="accept",
                             organisation=organisation, note=note)


def report_refuse(*, actor, report: Report, reason: str) -> Report:
    return report_transition(actor=actor, report=report, action="refuse", note=reason)


def report_resolve(*, actor, report: Report, note: str, photos: Sequence[UploadedFile] = (),
                   keep_location: bool = False) -> Report:
    return report_transition(actor=actor, report=report, action="resolve", note=note,
                             photos=photos, keep_location=keep_location)


def report_me_too(*, actor, report: Report) -> tuple[MeToo, bool]:
    """Add "me too"; idempotent (a second press, or a race, returns the existing one)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm("reports.me_too",
                                                                           report):
        raise PermissionDenied
    if report.hidden_at is not None:
        raise PermissionDenied
    if report.reporter_id == actor.pk:
        raise ValidationError(_("You reported this yourself; you will be told of every "
                                "step anyway."), code="own_report")
    if not report.is_open:
        raise ValidationError(_("This report is no longer open. If the problem is back, "
                                "report it again."), code="not_open")
    existing = MeToo.objects.filter(report=report, user=actor).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            me_too = MeToo.objects.create(report=report, user=actor)
    except IntegrityError:
        return MeToo.objects.get(report=report, user=actor), False
    return me_too, True


def report_hide(*, actor, report: Report, reason: str) -> Report:
    """Moderation: hide from public lists and the map (workers still see it)."""
    if not actor.has_perm("reports.moderate", report):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for hiding this report.")})
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.hidden_at is not None:
            return locked
        locked.hidden_at = timezone.now()
        locked.hidden_reason = reason
        locked.hidden_by = actor
        locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        ReportEvent.objects.create(report=locked, kind=EventKind.HIDDEN, actor=actor,
                                   from_status=locked.status, to_status=locked.status,
                                   note=reason, is_public=False)
        audit_record(actor=actor, action="report.hide", community=locked.community,
                     target=locked, reason=reason)
    return locked


def report_unhide(*, actor, report: Report, reason: str = "") -> Report:
    if not actor.has_perm("reports.moderate", report):
        raise PermissionDenied
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.hidden_at is None:
            return locked
        locked.hidden_at = None
        locked.hidden_reason = ""
        locked.hidden_by = None
        locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        ReportEvent.objects.create(report=locked, kind=EventKind.UNHIDDEN, actor=actor,
                                   from_status=locked.status, to_status=locked.status,
                                   note=reason, is_public=False)
        audit_record(actor=actor, action="report.unhide", community=locked.community,
                     target=locked, reason=reason)
    return locked


def response_targets_update(*, actor, community: Community, accept_hours: int,
                            resolve_days: int, confirm_days: int) -> ResponseTargets:
    if not actor.has_perm("reports.manage_targets", community):
        raise PermissionDenied
    targets = targets_for(community)
    fields = ["accept_hours", "resolve_days", "confirm_days"]
    before = snapshot(targets, fields) if targets.pk else None
    targets.accept_hours = accept_hours
    targets.resolve_days = resolve_days
    targets.confirm_days = confirm_days
    targets.full_clean(exclude=["community"])
    targets.save()
    audit_record(actor=actor, action="report.targets", community=community, target=targets,
                 before=before, after=snapshot(targets, fields))
    return targets


def reports_auto_close(*, now: dt.datetime | None = None) -> int:
    """Close resolved reports the reporter has not answered within the community's
    ``confirm_days`` (7 by default). Safe to run on several nodes: each report is moved
    under a row lock and a report already closed is skipped."""
    now = now or timezone.now()
    custom = dict(ResponseTargets.objects.values_list("community_id", "confirm_days"))
    default_days = ResponseTargets._meta.get_field("confirm_days").default
    candidates = Report.objects.filter(
        status=Status.RESOLVED,
        resolved_at__lte=now - dt.timedelta(days=min([default_days, *custom.values()])),
    ).values_list("pk", "community_id", "resolved_at")
    closed = 0
    for pk, community_id, resolved_at in candidates:
        days = custom.get(community_id, default_days)
        if resolved_at > now - dt.timedelta(days=days):
            continue
        try:
            report_transition(actor=None, report=Report(pk=pk), action="auto_close",
                              note=_("No answer from the reporter within %(n)s days.")
                              % {"n": days}, now=now)
        except ValidationError:  # someone confirmed or reopened it meanwhile
            continue
        closed += 1
    return closed
