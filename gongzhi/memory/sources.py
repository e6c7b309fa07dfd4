"""Photos that other apps offer to the archive: a worker takes them in with one tap.

Two sources today, each read only through the offering app's own selector (so its consent
rules hold): ``contests.selectors.entries_for_archive`` (approved entries of announced
contests published under CC BY or for community use) and
``activities.selectors.photos_for_archive`` (activity photos whose people agreed). An item
taken in keeps the source's licence (CC BY stays CC BY; everything else becomes
"community only"), its attribution, and a ``source_key`` that a unique constraint holds, so
the same photo never enters twice; it is published at once because a worker chose it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.memory.models import Kind, Licence, MemoryItem


@dataclass(frozen=True)
class Candidate:
    key: str               # "contests.entry:12", "activities.photo:7"
    source_label: str      # e.g. "北焦记忆 photo contest"
    title: str
    body: str
    image: Any             # a FieldFile of the offering app
    alt: str
    licence: str           # a memory Licence value
    by_line: str
    contributor: Any       # a user or None
    taken_at: datetime
    year: int


def _contest_candidates(community) -> list[Candidate]:
    if not apps.is_installed("gongzhi.contests"):
        return []
    from gongzhi.contests import selectors as contests

    out = []
    for e in contests.community_entries_for_archive(community):
        out.append(Candidate(
            key=f"contests.entry:{e.pk}",
            source_label=_("Contest: %(title)s") % {"title": e.contest.title},
            title=e.title[:120], body=e.statement, image=e.image,
            alt=e.alt_text or e.title, by_line=str(e.by_line),
            licence=Licence.CC_BY if e.licence == "cc-by" else Licence.COMMUNITY,
            contributor=None if e.anonymised else e.entrant, taken_at=e.created_at,
            year=e.created_at.year))
    return out


def _activity_candidates(community) -> list[Candidate]:
    if not apps.is_installed("gongzhi.activities"):
        return []
    from gongzhi.activities import selectors as activities

    out = []
    for p in activities.community_photos_for_archive(community):
        activity = p.activity
        when = p.occurrence.starts_at if p.occurrence is not None else p.created_at
        out.append(Candidate(
            key=f"activities.photo:{p.pk}",
            source_label=_("Activity: %(title)s") % {"title": activity.title},
            title=(p.caption or activity.title)[:120], body=p.caption, image=p.image,
            alt=p.caption or activity.title,
            by_line=getattr(p.uploaded_by, "public_name", "") or _("a resident"),
            licence=Licence.COMMUNITY, contributor=p.uploaded_by, taken_at=when,
            year=when.year))
    return out


def candidates(community) -> list[Candidate]:
    """What other apps offer and the archive has not taken in yet, newest first."""
    taken = set(MemoryItem.objects.filter(community=community).exclude(source_key="")
                .values_list("source_key", flat=True))
    found = [c for c in _contest_candidates(community) + _activity_candidates(community)
             if c.key not in taken]
    return sorted(found, key=lambda c: c.taken_at, reverse=True)


def take_in(*, actor, community, key: str) -> MemoryItem:
    """Take the offered photo ``key`` into the archive (workers; audited by item_create)."""
    from gongzhi.memory import services

    offered = {c.key: c for c in candidates(community)}
    c = offered.get(key)
    if c is None:
        raise ValidationError(_("This photo is no longer offered to the archive (taken in "
                                "already, or its people withdrew their consent)."))
    with c.image.open("rb") as fh:
        data = fh.read()
    upload = SimpleUploadedFile(os.path.basename(c.image.name), data)
    try:
        with transaction.atomic():
            item = services.item_create(
                actor=actor, community=community, kind=Kind.PHOTO, title=c.title,
                body=c.body, year_from=c.year, year_to=c.year, era_text=str(c.year),
                licence=c.licence, files=[services.Upload(file=upload, caption=c.alt[:200])])
            MemoryItem.objects.filter(pk=item.pk).update(
                source_key=c.key, contributor=c.contributor, contributor_name=c.by_line[:60])
            item.refresh_from_db()
            services.index_item(item)
    except IntegrityError:  # taken in by someone else a moment ago
        raise ValidationError(_("This photo is already in the archive."))
    return item
