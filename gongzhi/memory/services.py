"""Every write to the memory archive: permission-checked, one transaction, audited.

Contributions are pre-moderated by default (setting ``MEMORY_PREMODERATION``): a resident's
item waits in the moderation queue until a worker approves it or rejects it with a reason;
a worker's own items (and oral histories they record) are published at once, audited the
same way. People are tagged only with their consent: a tag is pending until the tagged
person accepts, and they (or the contributor, or a worker) can remove it any time.
Notifications go out after commit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record
from gongzhi.core.uploads import image_prepare, media_prepare, random_name, validate_image
from gongzhi.memory import richtext, textsearch
from gongzhi.memory.era import parse_era
from gongzhi.memory.models import (
    Collection,
    CollectionItem,
    Kind,
    Licence,
    MediaKind,
    MemoryItem,
    MemoryMedia,
    PersonTag,
    SearchTerm,
    Status,
    TakedownRequest,
)
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send

MAX_FILES = 12
THUMB_SIDE = 480
TITLE_MAX, BODY_MAX, TRANSCRIPT_MAX = 120, 20000, 50000


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def item_url(item: MemoryItem) -> str:
    return reverse("memory:item", args=[item.community.slug, item.pk])


def _text(value: str, *, field: str, max_len: int, required: bool = False) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: _("The text contains a character that cannot be "
                                        "stored (a null byte).")})
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_len:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_len}})
    return value


# --- search index -------------------------------------------------------------------------

def index_item(item: MemoryItem) -> None:
    """(Re)write the item's search terms: title ×3; people, place and era ×2; text ×1."""
    people = [t.person.public_name for t in item.tags.select_related("person")
              if t.state == PersonTag.State.ACCEPTED]
    names = " ".join([item.shown_author, item.narrator_name, *people])
    fields = [(item.title, 3.0), (names, 2.0), (item.place_name, 2.0), (item.era_text, 2.0),
              (item.body_text, 1.0), (item.transcript, 1.0),
              (" ".join(m.caption for m in item.media.all()), 1.0)]
    weights = textsearch.weighted_terms(fields)
    SearchTerm.objects.filter(item=item).delete()
    SearchTerm.objects.bulk_create([SearchTerm(item=item, community_id=item.community_id,
                                               term=t, weight=w) for t, w in weights.items()],
                                   batch_size=500)


# --- files --------------------------------------------------------------------------------

@dataclass
class Upload:
    file: UploadedFile
    caption: str = ""


def _thumbnail(prepared: UploadedFile) -> tuple[InMemoryUploadedFile, int, int]:
    from PIL import Image

    prepared.seek(0)
    with Image.open(prepared) as img:
        width, height = img.size
        thumb = img.convert("RGB")
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        thumb.save(out, format="WEBP", quality=80)
    prepared.seek(0)
    size = out.tell()
    out.seek(0)
    return (InMemoryUploadedFile(out, "thumbnail", random_name("WEBP"), "image/webp", size,
                                 None), width, height)


def _is_image(upload: UploadedFile) -> bool:
    try:
        validate_image(upload)
    except ValidationError:
        return False
    return True


def _prepare(upload: UploadedFile, *, keep_location: bool) -> dict:
    """Check one upload: a picture is re-encoded (EXIF stripped) with a WebP thumbnail;
    audio, video and PDF are sniffed and size-checked (core.uploads)."""
    if _is_image(upload):
        prepared = image_prepare(upload, keep_location=keep_location)
        thumb, width, height = _thumbnail(prepared)
        return {"file": prepared, "kind": MediaKind.IMAGE, "thumbnail": thumb,
                "content_type": prepared.content_type, "width": width, "height": height,
                "size": prepared.size}
    prepared, kind, content_type = media_prepare(upload)
    return {"file": prepared, "kind": kind, "content_type": content_type,
            "size": prepared.size or 0}


REQUIRED_MEDIA: dict[str, set[str]] = {Kind.PHOTO: {MediaKind.IMAGE}, Kind.AUDIO: {MediaKind.AUDIO},
                  Kind.VIDEO: {MediaKind.VIDEO}, Kind.DOCUMENT: {MediaKind.PDF, MediaKind.IMAGE}}


def _check_kind(kind: str, body: str, transcript: str, prepared: list[dict]) -> None:
    kinds = {p["kind"] for p in prepared}
    needed = REQUIRED_MEDIA.get(kind)
    if kind == Kind.STORY and not body and not transcript:
        raise ValidationError({"body": _("Tell the story: the text is empty.")})
    if needed and not kinds & needed:
        messages: dict[str, str] = {Kind.PHOTO: _("Add at least one photo."),
                    Kind.AUDIO: _("Add the audio recording."),
                    Kind.VIDEO: _("Add the video."),
                    Kind.DOCUMENT: _("Add the scan (PDF or picture).")}
        raise ValidationError({"files": messages[kind]})
    if kind != Kind.VIDEO and MediaKind.VIDEO in kinds:
        raise ValidationError({"files": _("A video goes in a memory of the kind “video”.")})


# --- items --------------------------------------------------------------------------------

def _place(community, *, space, building, lat, lon) -> None:
    for name, obj in (("space", space), ("building", building)):
        if obj is not None and obj.community_id != community.pk:
            raise ValidationError({name: _("This belongs to another community.")})
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("Give both latitude and longitude, or neither.")})
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"lat": _("This point is not on the map.")})


def _era(era_text: str, year_from: int | None, year_to: int | None):
    """(text, from, to, precision): explicit years win; else the text is parsed."""
    if year_from is not None or year_to is not None:
        lo = year_from if year_from is not None else year_to
        hi = year_to if year_to is not None else year_from
        assert lo is not None and hi is not None
        if lo > hi:
            lo, hi = hi, lo
        if lo < 1800 or hi > timezone.localdate().year:
            raise ValidationError({"year_from": _("Give years between 1800 and this year.")})
        return era_text, lo, hi, "year" if lo == hi else "range"
    if not era_text:
        return "", None, None, ""
    era = parse_era(era_text)
    if era is None:
        raise ValidationError({"era_text": _(
            "We could not read “%(text)s” as a time. Write it like 1985年, 1980年代, "
            "2013年前后 or 1958—1962年, or leave it empty.") % {"text": era_text}})
    return era_text, era.year_from, era.year_to, era.precision


def item_create(*, actor, community, kind: str, title: str, body: str = "",
                transcript: str = "", era_text: str = "", year_from: int | None = None,
                year_to: int | None = None, space=None, building=None,
                lat: float | None = None, lon: float | None = None, place_text: str = "",
                licence: str = Licence.COMMUNITY, files: list[Upload] | None = None,
                keep_location: bool = False, project=None, on_behalf: bool = False,
                narrator_name: str = "", narrator_consent: bool = False,
                narrator_consent_note: str = "", narrator=None,
                tag_people: list | None = None) -> MemoryItem:
    """Add a memory. ``on_behalf``: a worker or volunteer records it for a resident (the
    narrator, who may have no account), with the narrator's consent recorded."""
    _require(actor, "memory.contribute" if not on_behalf else "memory.record_on_behalf",
             community)
    if project is not None:
        if project.community_id != community.pk:
            raise ValidationError({"project": _("This belongs to another community.")})
        _require(actor, "memory.contribute_to_project", project)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what kind of memory this is.")})
    if licence not in Licence.values:
        raise ValidationError({"licence": _("Choose who may see it.")})
    title = _text(title, field="title", max_len=TITLE_MAX, required=True)
    body_html = richtext.story_html(_text(body, field="body", max_len=BODY_MAX))
    transcript = _text(transcript, field="transcript", max_len=TRANSCRIPT_MAX)
    era_text = _text(era_text, field="era_text", max_len=40)
    place_text = _text(place_text, field="place_text", max_len=120)
    era_text, y_from, y_to, precision = _era(era_text, year_from, year_to)
    _place(community, space=space, building=building, lat=lat, lon=lon)
    if on_behalf:
        narrator_name = _text(narrator_name, field="narrator_name", max_len=60,
                              required=True)
        narrator_consent_note = _text(narrator_consent_note, field="narrator_consent_note",
                                      max_len=200)
        if not narrator_consent:
            raise ValidationError({"narrator_consent": _(
                "Record that the narrator agreed to share their story.")})
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)s files.") % {"n": MAX_FILES}})
    prepared = [{**_prepare(f.file, keep_location=keep_location),
                 "caption": _text(f.caption, field="files", max_len=200)} for f in files]
    _check_kind(kind, body_html, transcript, prepared)
    staff = actor.has_perm("memory.moderate", community)
    premoderate = getattr(settings, "MEMORY_PREMODERATION", True)
    now = timezone.now()
    with transaction.atomic():
        item = MemoryItem.objects.create(
            community=community, kind=kind, title=title, body_html=body_html,
            body_text=richtext.plain_text(body_html), transcript=transcript,
            era_text=era_text, year_from=y_from, year_to=y_to, era_precision=precision,
            space=space, building=building, lat=lat, lon=lon, place_text=place_text,
            contributor=(narrator if on_behalf else actor),
            recorded_by=actor if on_behalf else None,
            narrator_name=narrator_name if on_behalf else "",
            narrator_consent_at=now if on_behalf else None,
            narrator_consent_note=narrator_consent_note if on_behalf else "",
            licence=licence, project=project,
            status=Status.APPROVED if (staff or not premoderate) else Status.PENDING,
            published_at=now if (staff or not premoderate) else None,
            moderated_by=actor if staff else None, moderated_at=now if staff else None)
        for order, p in enumerate(prepared):
            MemoryMedia.objects.create(item=item, order=order, **p)
        audit_record(actor=actor, action="memory.item_create", community=community,
                     target=item, after={"kind": kind, "licence": licence,
                                         "status": item.status, "on_behalf": on_behalf,
                                         "narrator_consent": on_behalf, "files": len(prepared),
                                         "project": getattr(project, "pk", None)})
        for person in tag_people or []:
            tag_add(actor=actor, item=item, person=person)
        index_item(item)
    return item


def _notify_contributor(item: MemoryItem, kind: str, title: Message, body: Message) -> None:
    people = [u for u in (item.contributor, item.recorded_by) if u is not None]
    if not people:
        return
    transaction.on_commit(lambda: notification_send(
        users=people, kind=kind, title=title, body=body, url=item_url(item),
        community=item.community))


@transaction.atomic
def item_moderate(*, actor, item: MemoryItem, approve: bool, reason: str = "") -> MemoryItem:
    """A worker publishes a waiting item, or refuses it with a reason the contributor sees."""
    _require(actor, "memory.moderate", item)
    locked = MemoryItem.objects.select_for_update().get(pk=item.pk)
    reason = _text(reason, field="reason", max_len=300, required=not approve)
    if locked.status not in (Status.PENDING, Status.REJECTED) and not approve:
        raise ValidationError(_("Only items waiting for review can be refused."))
    if locked.status == Status.TAKEN_DOWN:
        raise ValidationError(_("This item was taken down."))
    before = {"status": locked.status}
    now = timezone.now()
    locked.status = Status.APPROVED if approve else Status.REJECTED
    locked.moderated_by, locked.moderated_at, locked.moderation_reason = actor, now, reason
    if approve and locked.published_at is None:
        locked.published_at = now
    locked.save(update_fields=["status", "moderated_by", "moderated_at",
                               "moderation_reason", "published_at", "updated_at"])
    audit_record(actor=actor, action="memory.approve" if approve else "memory.reject",
                 community=locked.community, target=locked, before=before,
                 after={"status": locked.status}, reason=reason)
    if approve:
        _notify_contributor(locked, "memory.approved",
                            Message(gettext_noop("Your memory is published: %(title)s"),
                                    {"title": locked.title}),
                            Message(gettext_noop("Thank you for sharing it with the "
                                                 "community.")))
    else:
        _notify_contributor(locked, "memory.rejected",
                            Message(gettext_noop("Your memory was not published: %(title)s"),
                                    {"title": locked.title}),
                            Message(gettext_noop("Reason: %(reason)s"), {"reason": reason}))
    return locked


@transaction.atomic
def item_take_down(*, actor, item: MemoryItem, reason: str) -> MemoryItem:
    """A worker takes an item offline (reason required, audited, contributor told)."""
    _require(actor, "memory.take_down", item)
    reason = _text(reason, field="reason", max_len=300, required=True)
    locked = MemoryItem.objects.select_for_update().get(pk=item.pk)
    if locked.status == Status.TAKEN_DOWN:
        return locked
    before = {"status": locked.status}
    locked.status = Status.TAKEN_DOWN
    locked.moderated_by, locked.moderated_at = actor, timezone.now()
    locked.moderation_reason = reason
    locked.save(update_fields=["status", "moderated_by", "moderated_at",
                               "moderation_reason", "updated_at"])
    audit_record(actor=actor, action="memory.take_down", community=locked.community,
                 target=locked, before=before, after={"status": locked.status},
                 reason=reason)
    _notify_contributor(locked, "memory.taken_down",
                        Message(gettext_noop("Your memory was taken down: %(title)s"),
                                {"title": locked.title}),
                        Message(gettext_noop("Reason: %(reason)s"), {"reason": reason}))
    return locked


# --- tags (consent) -----------------------------------------------------------------------

def tag_add(*, actor, item: MemoryItem, person) -> PersonTag:
    """Ask ``person`` to agree to be tagged in ``item`` (pending until they accept)."""
    _require(actor, "memory.tag", item)
    from gongzhi.accounts.rules import is_member

    if not is_member(person, item.community) or getattr(person, "deleted_at", None):
        raise ValidationError({"person": _("Only members of the community can be tagged.")})
    with transaction.atomic():
        tag, created = PersonTag.objects.get_or_create(
            item=item, person=person, defaults={"tagged_by": actor})
        if not created:
            return tag
        if person == actor:  # tagging oneself is one's own consent
            tag.state, tag.responded_at = PersonTag.State.ACCEPTED, timezone.now()
            tag.save(update_fields=["state", "responded_at"])
        audit_record(actor=actor, action="memory.tag_add", community=item.community,
                     target=item, after={"person": person.pk, "state": tag.state})
        if tag.state == PersonTag.State.PENDING:
            url = reverse("memory:me", args=[item.community.slug])
            transaction.on_commit(lambda: notification_send(
                users=[person], kind="memory.tag_request", important=False,
                title=Message(gettext_noop("Were you in this memory? %(title)s"),
                              {"title": item.title}),
                body=Message(gettext_noop("%(name)s would like to name you in a memory of "
                                          "the community. You are shown only if you agree."),
                             {"name": actor.public_name}),
                url=url, community=item.community))
    return tag


@transaction.atomic
def tag_respond(*, actor, tag: PersonTag, accept: bool) -> PersonTag:
    _require(actor, "memory.respond_tag", tag)
    locked = PersonTag.objects.select_for_update().select_related("item").get(pk=tag.pk)
    locked.state = PersonTag.State.ACCEPTED if accept else PersonTag.State.DECLINED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["state", "responded_at"])
    audit_record(actor=actor, action="memory.tag_accept" if accept else "memory.tag_decline",
                 community=locked.item.community, target=locked.item,
                 after={"person": locked.person_id})
    index_item(locked.item)
    return locked


@transaction.atomic
def tag_remove(*, actor, tag: PersonTag) -> None:
    """Untag: the tagged person, the contributor or a worker, at any time."""
    _require(actor, "memory.untag", tag)
    item = tag.item
    audit_record(actor=actor, action="memory.tag_remove", community=item.community,
                 target=item, after={"person": tag.person_id})
    tag.delete()
    index_item(item)


# --- takedown requests --------------------------------------------------------------------

@transaction.atomic
def takedown_request(*, actor, item: MemoryItem, reason: str, details: str) -> TakedownRequest:
    """Anyone affected asks for an item to be taken down; the workers are told."""
    _require(actor, "memory.request_takedown", item)
    if reason not in TakedownRequest.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    details = _text(details, field="details", max_len=2000, required=True)
    existing = TakedownRequest.objects.filter(item=item, requested_by=actor,
                                              state=TakedownRequest.State.OPEN).first()
    if existing is not None:
        return existing
    req = TakedownRequest.objects.create(item=item, requested_by=actor, reason=reason,
                                         details=details)
    audit_record(actor=actor, action="memory.takedown_request", community=item.community,
                 target=item, after={"reason": reason, "request": req.pk})
    from gongzhi.accounts.models import RoleAssignment, User

    worker_ids = RoleAssignment.objects.filter(community=item.community,
                                               role__in=["worker", "admin"]).values("user_id")
    url = reverse("memory:moderation", args=[item.community.slug])
    transaction.on_commit(lambda: notification_send(
        users=User.objects.filter(pk__in=worker_ids), kind="memory.takedown_request",
        important=True,
        title=Message(gettext_noop("Takedown requested: %(title)s"), {"title": item.title}),
        body=Message(gettext_noop("Someone affected asks for this memory to be taken down. "
                                  "Please decide in the moderation queue.")),
        url=url, community=item.community))
    return req


@transaction.atomic
def takedown_decide(*, actor, request: TakedownRequest, uphold: bool,
                    note: str) -> TakedownRequest:
    """A worker upholds a request (the item goes offline) or keeps the item, saying why;
    the person who asked and the contributor are told."""
    _require(actor, "memory.take_down", request.item)
    note = _text(note, field="note", max_len=300, required=True)
    locked = TakedownRequest.objects.select_for_update().select_related("item").get(
        pk=request.pk)
    if locked.state != TakedownRequest.State.OPEN:
        raise ValidationError(_("This request was already decided."))
    locked.state = (TakedownRequest.State.UPHELD if uphold
                    else TakedownRequest.State.DECLINED)
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note",
                               "updated_at"])
    audit_record(actor=actor, action="memory.takedown_decide",
                 community=locked.item.community, target=locked.item,
                 after={"request": locked.pk, "state": locked.state}, reason=note)
    if uphold:
        item_take_down(actor=actor, item=locked.item, reason=note)
    if locked.requested_by is not None:
        item = locked.item
        who = locked.requested_by
        transaction.on_commit(lambda: notification_send(
            users=[who], kind="memory.takedown_decided",
            title=Message(gettext_noop("Your takedown request was decided: %(title)s"),
                          {"title": item.title}),
            body=Message(gettext_noop("Decision: %(note)s"), {"note": note}),
            url=reverse("memory:museum", args=[item.community.slug]),
            community=item.community))
    return locked


# --- collections --------------------------------------------------------------------------

@transaction.atomic
def collection_create(*, actor, community, title: str, description: str = "",
                      kind: str = Collection.Kind.COLLECTION, project=None,
                      is_featured: bool = False, order: int = 0) -> Collection:
    _require(actor, "memory.manage_collections", community)
    title = _text(title, field="title", max_len=80, required=True)
    description = _text(description, field="description", max_len=4000)
    if kind not in Collection.Kind.values:
        raise ValidationError({"kind": _("Choose collection or exhibition.")})
    if project is not None and project.community_id != community.pk:
        raise ValidationError({"project": _("This belongs to another community.")})
    if Collection.objects.filter(community=community, title=title).exists():
        raise ValidationError({"title": _("There is already a collection with this title.")})
    col = Collection.objects.create(community=community, title=title,
                                    description=description, kind=kind, project=project,
                                    is_featured=is_featured, order=order, created_by=actor)
    audit_record(actor=actor, action="memory.collection_create", community=community,
                 target=col, after={"title": title, "project": getattr(project, "pk", None)})
    return col


@transaction.atomic
def collection_add(*, actor, collection: Collection, item: MemoryItem,
                   order: int | None = None) -> CollectionItem:
    _require(actor, "memory.manage_collections", collection.community)
    if item.community_id != collection.community_id:
        raise ValidationError(_("This belongs to another community."))
    if order is None:
        order = collection.entries.count()
    entry, created = CollectionItem.objects.get_or_create(collection=collection, item=item,
                                                          defaults={"order": order})
    if created:
        audit_record(actor=actor, action="memory.collection_add",
                     community=collection.community, target=collection,
                     after={"item": item.pk})
    return entry


@transaction.atomic
def collection_remove(*, actor, collection: Collection, item: MemoryItem) -> None:
    _require(actor, "memory.manage_collections", collection.community)
    deleted, _n = CollectionItem.objects.filter(collection=collection, item=item).delete()
    if deleted:
        audit_record(actor=actor, action="memory.collection_remove",
                     community=collection.community, target=collection,
                     after={"item": item.pk})
