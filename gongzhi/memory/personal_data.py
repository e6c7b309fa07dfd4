"""The resident's memories in the personal-data export, and what account deletion does.

Deletion keeps a contributor's memories only under the licence they chose: CC BY and
community-only items stay, attributed to "匿名居民"; all-rights-reserved items are removed
with their files. Tags of the person are removed; their takedown requests lose the name and
the free text. Oral histories a deleted worker recorded stay (the narrator's consent was
recorded), without the recorder's name.
"""

from __future__ import annotations

from gongzhi.core.audit import audit_record
from gongzhi.core.export import on_delete, register
from gongzhi.memory.models import (
    ANONYMOUS_NAME,
    Licence,
    MemoryItem,
    PersonTag,
    TakedownRequest,
)


def _iso(value):
    return value.isoformat() if value else None


@register("memory")
def memory(user) -> dict:
    items = (MemoryItem.objects.filter(contributor=user) | MemoryItem.objects.filter(
        recorded_by=user)).select_related("community").prefetch_related("media")
    return {
        "items": [{"id": i.pk, "community": i.community.name, "kind": i.kind,
                   "title": i.title, "story_html": i.body_html, "transcript": i.transcript,
                   "era": i.era_text, "years": [i.year_from, i.year_to],
                   "place": i.place_text, "licence": i.licence, "status": i.status,
                   "recorded_for": i.narrator_name if i.recorded_by_id == user.pk else "",
                   "files": [m.file.name for m in i.media.all()],
                   "created_at": _iso(i.created_at), "published_at": _iso(i.published_at)}
                  for i in items.distinct()],
        "tags": [{"item": t.item.title, "state": t.state, "asked_at": _iso(t.created_at),
                  "answered_at": _iso(t.responded_at)}
                 for t in PersonTag.objects.filter(person=user).select_related("item")],
        "takedown_requests": [{"item": r.item.title, "reason": r.reason,
                               "details": r.details, "state": r.state,
                               "decision": r.decision_note, "at": _iso(r.created_at)}
                              for r in TakedownRequest.objects.filter(requested_by=user)
                              .select_related("item")],
    }


@on_delete("memory")
def delete_memory(user) -> None:
    from gongzhi.memory.services import index_item

    for item in MemoryItem.objects.filter(contributor=user).select_related("community"):
        if item.licence == Licence.ALL_RIGHTS:
            audit_record(actor=None, action="memory.item_delete_with_account",
                         community=item.community, target=item)
            for m in item.media.all():
                m.file.delete(save=False)
                if m.thumbnail:
                    m.thumbnail.delete(save=False)
            item.delete()
            continue
        item.contributor = None
        item.contributor_name = ANONYMOUS_NAME
        item.save(update_fields=["contributor", "contributor_name", "updated_at"])
        index_item(item)
    MemoryItem.objects.filter(recorded_by=user).update(recorded_by=None)
    affected = list(PersonTag.objects.filter(person=user).values_list("item_id", flat=True))
    PersonTag.objects.filter(person=user).delete()
    for item in MemoryItem.objects.filter(pk__in=affected):
        index_item(item)
    TakedownRequest.objects.filter(requested_by=user).update(requested_by=None, details="")
