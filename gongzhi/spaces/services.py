"""Every write to spaces: registry, history, photos, maintenance duties, imports.

Functions are `<noun>_<verb>` with keyword-only arguments; each runs in one transaction,
checks the permission (when an `actor` is given) and writes the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.geo.geojson import (
    Boundary,
    GeometryError,
    ValidatedGeometry,
    validate_feature_collection,
    validate_geometry,
)
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message
from gongzhi.places.models import Community
from gongzhi.spaces.models import (
    CareLog,
    LifeCircle,
    MaintenanceDuty,
    Space,
    SpaceEvent,
    SpaceKind,
    SpacePhoto,
    SpaceState,
)

# Fields a worker edits on the form / API; geometry is handled separately.
EDITABLE_FIELDS = ("kind", "name", "description", "state", "is_public", "opening_hours", "rules",
                   "capacity", "life_circle")
AUDIT_FIELDS = (*EDITABLE_FIELDS, "geometry", "area_m2", "length_m")
# Geometries may poke a little past the drawn boundary (a lamp on the boundary road).
BOUNDARY_TOLERANCE_M = 5.0


def _check(actor, perm: str, obj) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied


def community_boundary(community: Community) -> Boundary | None:
    """The community's boundary, prepared once per community object."""
    if not community.boundary:
        return None
    cached = community.__dict__.get("_gz_boundary")
    if cached is None:
        cached = Boundary(community.boundary, BOUNDARY_TOLERANCE_M)
        community.__dict__["_gz_boundary"] = cached
    return cached


def geometry_error_message(err: GeometryError) -> str:
    return str(err)


def geometry_clean(*, community: Community, geometry: Any) -> ValidatedGeometry:
    """Validate a geometry for `community`; ValidationError on the `geometry` field."""
    try:
        return validate_geometry(geometry, boundary=community_boundary(community))
    except GeometryError as err:
        raise ValidationError(
            {"geometry": ValidationError(str(err), code=err.code)}
        ) from err


def _apply_geometry(space: Space, checked: ValidatedGeometry) -> None:
    space.geometry = checked.geometry
    space.geom_type = checked.geom_type
    space.lon, space.lat = checked.centroid
    space.min_lon, space.min_lat, space.max_lon, space.max_lat = checked.bbox
    space.area_m2 = checked.area_m2
    space.length_m = checked.length_m


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown space fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "kind" in data and data["kind"] not in SpaceKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    if "state" in data and data["state"] not in SpaceState.values:
        errors["state"] = _("Choose a state from the list.")
    if "life_circle" in data and (data["life_circle"] or "") not in LifeCircle.values:
        errors["life_circle"] = _("Choose a life-circle tier from the list.")
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = _("Give the space a name.")
    if errors:
        raise ValidationError(errors)
    if "life_circle" in data:
        data["life_circle"] = data["life_circle"] or ""
    return data


@transaction.atomic
def space_create(*, actor, community: Community, geometry: Any, kind: str, name: str,
                 happened_on: dt.date | None = None, osm_id: str = "",
                 **fields: Any) -> Space:
    _check(actor, "spaces.manage_spaces", community)
    data = _clean_fields({"kind": kind, "name": name, **fields})
    checked = geometry_clean(community=community, geometry=geometry)
    space = Space(community=community, osm_id=osm_id,
                  created_by=actor if getattr(actor, "is_authenticated", False) else None,
                  **data)
    _apply_geometry(space, checked)
    space.full_clean()
    space.save()
    SpaceEvent.objects.create(
        space=space, community=community, kind=SpaceEvent.Kind.CREATED, to_state=space.state,
        happened_on=happened_on or timezone.localdate(), actor=space.created_by,
    )
    audit_record(actor=actor, action="spaces.space_create", community=community, target=space,
                 after=snapshot(space, list(AUDIT_FIELDS)))
    return space


@transaction.atomic
def space_update(*, actor, space: Space, geometry: Any = None, state_note: str = "",
                 **fields: Any) -> Space:
    """Change fields (and geometry if given). A state change is added to the history."""
    _check(actor, "spaces.manage_spaces", space)
    data = _clean_fields(dict(fields))
    space = Space.objects.select_for_update().select_related("community").get(pk=space.pk)
    before = snapshot(space, list(AUDIT_FIELDS))
    old_state = space.state
    for key, value in data.items():
        setattr(space, key, value)
    if geometry is not None:
        _apply_geometry(space, geometry_clean(community=space.community, geometry=geometry))
    space.full_clean()
    space.save()
    if space.state != old_state:
        SpaceEvent.objects.create(
            space=space, community=space.community, kind=SpaceEvent.Kind.STATE,
            from_state=old_state, to_state=space.state, happened_on=timezone.localdate(),
            description=state_note, actor=_person(actor),
        )
    audit_record(actor=actor, action="spaces.space_update", community=space.community,
                 target=space, before=before, after=snapshot(space, list(AUDIT_FIELDS)))
    return space


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


NAME_MAX = 120  # Space.name's max_length


@transaction.atomic
def space_rename_by_decision(*, actor, space: Space, name: str, decided_by: str) -> Space:
    """Give a space the name the community chose (a naming contest's winner): the caller
    has checked its own permission (the contest's), so none is asked here. The old name is
    kept in the space's history; the same name again changes nothing."""
    name = (name or "").strip()
    if not name or "\x00" in name or len(name) > NAME_MAX:
        raise ValidationError({"name": _("This name cannot be given to a space.")})
    space = Space.objects.select_for_update().get(pk=space.pk)
    old = space.name
    if old == name:
        return space
    space.name = name
    space.save(update_fields=["name", "updated_at"])
    SpaceEvent.objects.create(
        space=space, community_id=space.community_id, kind=SpaceEvent.Kind.NOTE,
        from_state=space.state, to_state=space.state, happened_on=timezone.localdate(),
        title=_("Renamed “%(old)s” to “%(new)s”") % {"old": old, "new": name},
        description=decided_by[:2000], actor=_person(actor))
    audit_record(actor=actor, action="spaces.space_rename", community=space.community,
                 target=space, before={"name": old}, after={"name": name},
                 reason=decided_by[:500])
    return space


@transaction.atomic
def space_event_record(*, actor, space: Space, kind: str, happened_on: dt.date,
                       title: str = "", description: str = "", to_state: str = "",
                       project_id: int | None = None, before_photos: list | None = None,
                       after_photos: list | None = None) -> SpaceEvent:
    """Add a renovation or note (optionally moving the state) with before/after photos."""
    _check(actor, "spaces.manage_spaces", space)
    if kind not in (SpaceEvent.Kind.RENOVATION, SpaceEvent.Kind.NOTE, SpaceEvent.Kind.STATE):
        raise ValidationError({"kind": _("Choose a kind of history entry.")})
    if to_state and to_state not in SpaceState.values:
        raise ValidationError({"to_state": _("Choose a state from the list.")})
    if kind == SpaceEvent.Kind.STATE and not to_state:
        raise ValidationError({"to_state": _("Say which state the space is in now.")})
    space = Space.objects.select_for_update().get(pk=space.pk)
    from_state = space.state
    event = SpaceEvent.objects.create(
        space=space, community_id=space.community_id, kind=kind, from_state=from_state,
        to_state=to_state, happened_on=happened_on, title=title, description=description,
        project_id=project_id, actor=_person(actor),
    )
    if to_state and to_state != from_state:
        space.state = to_state
        space.save(update_fields=["state", "updated_at"])
    for role, uploads in ((SpacePhoto.Role.BEFORE, before_photos or []),
                          (SpacePhoto.Role.AFTER, after_photos or [])):
        for upload in uploads:
            _photo_save(actor=actor, space=space, upload=upload, role=role, event=event)
    audit_record(actor=actor, action="spaces.space_event_record",
                 community=space.community_id and space.community, target=space,
                 after={"kind": kind, "from_state": from_state, "to_state": to_state,
                        "title": title, "happened_on": happened_on})
    return event


def _photo_save(*, actor, space: Space, upload, role: str, event=None, caption: str = "",
                keep_location: bool = False) -> SpacePhoto:
    clean = image_prepare(upload, keep_location=keep_location)
    photo = SpacePhoto(space=space, event=event, role=role, caption=caption,
                       uploaded_by=_person(actor))
    photo.image.save(clean.name, clean, save=False)
    photo.save()
    return photo


@transaction.atomic
def space_photo_add(*, actor, space: Space, upload, caption: str = "",
                    role: str = SpacePhoto.Role.GENERAL,
                    keep_location: bool = False) -> SpacePhoto:
    _check(actor, "spaces.manage_spaces", space)
    if role not in SpacePhoto.Role.values:
        raise ValidationError({"role": _("Choose a photo role.")})
    photo = _photo_save(actor=actor, space=space, upload=upload, role=role, caption=caption,
                        keep_location=keep_location)
    audit_record(actor=actor, action="spaces.space_photo_add", community=space.community,
                 target=space, after={"photo": photo.pk, "role": role})
    return photo


@transaction.atomic
def space_photo_remove(*, actor, photo: SpacePhoto, reason: str = "") -> None:
    """Remove a photo (a wrong upload, a face that should not be shown). The audit entry
    keeps who removed which photo and why; the file goes once the transaction commits."""
    _check(actor, "spaces.manage_spaces", photo.space)
    space, name = photo.space, photo.image.name
    audit_record(actor=actor, action="spaces.space_photo_remove", community=space.community,
                 target=space, before={"photo": photo.pk, "role": photo.role,
                                       "caption": photo.caption}, reason=reason)
    storage = photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


@transaction.atomic
def duty_set_active(*, actor, duty: MaintenanceDuty, active: bool, reason: str = "",
                    next_due: dt.date | None = None) -> MaintenanceDuty:
    """Pause a duty (the space is closed for winter) or resume it from ``next_due``."""
    duty = MaintenanceDuty.objects.select_for_update().get(pk=duty.pk)
    _check(actor, "spaces.manage_spaces", duty.space)
    before = snapshot(duty, ["is_active", "next_due"])
    duty.is_active = active
    if active and next_due is not None:
        duty.next_due = next_due
        duty.overdue_notified_at = None
    duty.save(update_fields=["is_active", "next_due", "overdue_notified_at", "updated_at"])
    audit_record(actor=actor, action="spaces.duty_resume" if active else "spaces.duty_pause",
                 community=duty.community, target=duty, before=before,
                 after=snapshot(duty, ["is_active", "next_due"]), reason=reason)
    return duty


# ---------------------------------------------------------------------- maintenance


@transaction.atomic
def duty_create(*, actor, space: Space, task: str, interval_days: int, next_due: dt.date,
                organisation=None, responsible_name: str = "") -> MaintenanceDuty:
    _check(actor, "spaces.manage_spaces", space)
    if organisation is not None and organisation.community_id != space.community_id:
        raise ValidationError({"organisation": _("Choose an organisation of this community.")})
    if organisation is None and not responsible_name.strip():
        raise ValidationError({"responsible_name": _("Say who looks after this space.")})
    if not interval_days or interval_days < 1:
        raise ValidationError({"interval_days": _("Enter a number of days, at least 1.")})
    duty = MaintenanceDuty.objects.create(
        space=space, community_id=space.community_id, organisation=organisation,
        responsible_name=responsible_name.strip(), task=task, interval_days=interval_days,
        next_due=next_due,
    )
    audit_record(actor=actor, action="spaces.duty_create", community=space.community,
                 target=duty, after=snapshot(duty, ["space", "organisation", "responsible_name",
                                                    "task", "interval_days", "next_due"]))
    return duty


@transaction.atomic
def care_log_add(*, actor, duty: MaintenanceDuty, done_on: dt.date, note: str = "",
                 photo=None) -> CareLog:
    """Record care done; the duty's next due date moves to `done_on + interval`."""
    _check(actor, "spaces.log_care", duty)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    duty = MaintenanceDuty.objects.select_for_update().get(pk=duty.pk)
    log = CareLog(duty=duty, space_id=duty.space_id, done_on=done_on, note=note,
                  done_by=_person(actor))
    if photo is not None:
        clean = image_prepare(photo)
        log.photo.save(clean.name, clean, save=False)
    log.save()
    new_due = done_on + dt.timedelta(days=duty.interval_days)
    if new_due > duty.next_due:
        duty.next_due = new_due
        duty.overdue_notified_at = None
        duty.save(update_fields=["next_due", "overdue_notified_at", "updated_at"])
    audit_record(actor=actor, action="spaces.care_log_add", community=duty.community,
                 target=duty, after={"done_on": done_on, "next_due": duty.next_due})
    return log


def duties_flag_overdue(*, today: dt.date | None = None) -> int:
    """Notify each community's workers once about duties that became overdue.

    Claims each duty with a conditional UPDATE (overdue_notified_at IS NULL), so two
    nodes running the job at once never notify twice. Returns the number flagged.
    """
    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.notifications.services import notification_send
    from gongzhi.spaces.selectors import duties_overdue

    now = timezone.now()
    flagged = 0
    by_community: dict[int, list[MaintenanceDuty]] = {}
    for duty in duties_overdue(today=today).filter(overdue_notified_at__isnull=True):
        with transaction.atomic():
            claimed = MaintenanceDuty.objects.filter(
                pk=duty.pk, overdue_notified_at__isnull=True).update(overdue_notified_at=now)
        if claimed:
            flagged += 1
            by_community.setdefault(duty.community_id, []).append(duty)
    for community_id, duties in by_community.items():
        community = Community.objects.get(pk=community_id)
        worker_ids = RoleAssignment.objects.filter(
            community_id=community_id, role__in=[Role.WORKER, Role.ADMIN]
        ).values_list("user_id", flat=True)
        users = User.objects.filter(pk__in=worker_ids)
        names = "、".join(d.space.name for d in duties[:5])
        with transaction.atomic():
            notification_send(
                users=users, kind="spaces.duty_overdue", community=community,
                title=Message(gettext_noop("%(n)s maintenance duties are overdue"),
                              {"n": len(duties)}),
                body=names,
                url=reverse("spaces:duties_overdue", args=[community.slug]),
            )
    return flagged


# -------------------------------------------------------------------- GeoJSON import


@dataclass
class ImportRow:
    index: int  # 1-based
    name: str
    kind: str
    ok: bool
    message: str = ""
    code: str = ""
    area_m2: float | None = None
    length_m: float | None = None


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    created: int = 0
    dry_run: bool = True
    error: str = ""

    @property
    def ok_count(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def refused_count(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def spaces_import_geojson(*, actor, community: Community, data: str | bytes | dict,
                          dry_run: bool = True) -> ImportReport:
    """Import a FeatureCollection of spaces (properties: name, kind, state, ...).

    Each feature is checked on its own; refused features are listed with the reason and
    the others are imported (unless `dry_run`). Never raises for bad input.
    """
    _check(actor, "spaces.import_spaces", community)
    report = ImportReport(dry_run=dry_run)
    try:
        result = validate_feature_collection(data, boundary=community_boundary(community))
    except GeometryError as err:
        report.error = str(err)
        return report
    except (ValueError, TypeError):
        report.error = _("The file is not valid JSON.")
        return report
    bad = {e.index: e for e in result.errors}
    good = iter(result.features)
    total = len(result.features) + len(result.errors)
    pending: list[tuple[ImportRow, Any]] = []
    for index in range(total):
        if index in bad:
            refused = bad[index].error
            report.rows.append(ImportRow(index + 1, "", "", False, str(refused), refused.code))
            continue
        feature = next(good)
        props = feature.properties
        name = str(props.get("name") or "").strip()
        kind = str(props.get("kind") or "other")
        state = str(props.get("state") or SpaceState.OPEN)
        row = ImportRow(index + 1, name, kind, True, area_m2=feature.geometry.area_m2,
                        length_m=feature.geometry.length_m)
        if not name:
            row.ok, row.code, row.message = False, "name", _("The feature has no name.")
        elif kind not in SpaceKind.values:
            row.ok, row.code = False, "kind"
            row.message = _("Unknown kind “%(kind)s”.") % {"kind": kind}
        elif state not in SpaceState.values:
            row.ok, row.code = False, "state"
            row.message = _("Unknown state “%(state)s”.") % {"state": state}
        report.rows.append(row)
        if row.ok:
            pending.append((row, feature))
    if dry_run:
        return report
    with transaction.atomic():
        for row, feature in pending:
            props = feature.properties
            extra = {k: props[k] for k in ("description", "opening_hours", "rules", "capacity",
                                           "life_circle", "is_public") if props.get(k) is not None}
            try:
                space_create(actor=None, community=community, geometry=feature.geometry.geometry,
                             kind=row.kind, name=row.name,
                             state=str(props.get("state") or SpaceState.OPEN), **extra)
            except ValidationError as exc:
                row.ok, row.code = False, "invalid"
                row.message = "; ".join(exc.messages)
                continue
            report.created += 1
        audit_record(actor=actor, action="spaces.import_geojson", community=community,
                     after={"created": report.created, "refused": report.refused_count})
    return report


def spaces_export_geojson(*, actor, community: Community) -> dict[str, Any]:
    """All spaces of a community as a FeatureCollection with every editable property."""
    _check(actor, "spaces.export_spaces", community)
    features = []
    for space in Space.objects.filter(community=community).order_by("id"):
        props = {f: getattr(space, f) for f in EDITABLE_FIELDS}
        props.update(area_m2=space.area_m2, length_m=space.length_m, osm_id=space.osm_id)
        features.append({"type": "Feature", "id": space.pk, "geometry": space.geometry,
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}
