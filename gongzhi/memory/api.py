"""Memory archive API, mounted at /api/v1/memory/: items, search, collections, moderation."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.memory import selectors, services
from gongzhi.memory.models import Kind, Licence, MemoryItem, TakedownRequest

router = Router(tags=["memory"])


class MediaOut(Schema):
    kind: str
    url: str
    thumbnail: str | None
    content_type: str
    caption: str


class ItemOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    status: str
    licence: str
    era_text: str
    year_from: int | None
    year_to: int | None
    place: str
    lat: float | None
    lon: float | None
    author: str
    narrator: str
    published_at: dt.datetime | None
    url: str


class ItemDetailOut(ItemOut):
    body_html: str = Field(description="Sanitised HTML (nh3): p, br, strong, em, lists, "
                                       "blockquote, h3/h4, http(s) links")
    transcript: str
    people: list[str]
    media: list[MediaOut]


class ItemIn(Schema):
    community: str
    kind: str = Field(Kind.STORY, description="story | photo | audio | video | document "
                                              "(files are uploaded on the web form)")
    title: str = Field(..., min_length=1, max_length=120)
    body: str = Field("", max_length=20000)
    era_text: str = Field("", max_length=40, description="As typed: 1985年, 八十年代, 2013年前后")
    place_text: str = Field("", max_length=120)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    licence: str = Field(Licence.COMMUNITY, description="cc_by | community | all_rights")


class ModerateIn(Schema):
    approve: bool
    reason: str = Field("", max_length=300)


class TakedownIn(Schema):
    reason: str = Field(..., description="privacy | copyright | wrong | hurtful | other")
    details: str = Field(..., min_length=1, max_length=2000)


class TakedownOut(Schema):
    id: int
    item_id: int
    state: str


class CollectionOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    project_id: int | None
    items: int
    featured: bool


def _out(item: MemoryItem) -> dict:
    point = item.point
    return {"id": item.pk, "community": item.community.slug, "kind": item.kind,
            "title": item.title, "status": item.status, "licence": item.licence,
            "era_text": item.era_text, "year_from": item.year_from, "year_to": item.year_to,
            "place": item.place_name, "lat": point[0] if point else None,
            "lon": point[1] if point else None, "author": item.shown_author,
            "narrator": item.narrator_name, "published_at": item.published_at,
            "url": services.item_url(item)}


def _detail(item: MemoryItem) -> dict:
    return {**_out(item), "body_html": item.body_html, "transcript": item.transcript,
            "people": [t.person.public_name
                       for t in getattr(item, "all_tags", []) if t.state == "accepted"],
            "media": [{"kind": m.kind, "url": m.file.url,
                       "thumbnail": m.thumbnail.url if m.thumbnail else None,
                       "content_type": m.content_type, "caption": m.caption}
                      for m in item.media.all()]}


def _item(request, pk: int) -> MemoryItem:
    item = MemoryItem.objects.select_related("community").filter(
        pk=pk, community__is_active=True).first()
    if item is None:
        raise Http404
    try:
        return selectors.item_page(request.user, item.community, pk)
    except MemoryItem.DoesNotExist:
        raise Http404 from None


@router.get("/items", response=list[ItemOut], summary="Published memories of a community")
@paginate(LimitOffsetPagination)
def list_items(request: HttpRequest, community: str, kind: str = ""):
    c = community_or_404(community)
    qs = selectors.published_items(request.user, c).order_by("-published_at", "-id")
    if kind:
        qs = qs.filter(kind=kind)
    return [_out(i) for i in qs]


@router.get("/search", response=list[ItemOut],
            summary="Chinese full-text search, best match first (at most 50)")
def search(request: HttpRequest, community: str, q: str = Query(..., max_length=100)):
    c = community_or_404(community)
    return [_out(i) for i in selectors.search(request.user, c, q).items]


@router.get("/items/{int:pk}", response=ItemDetailOut, summary="One memory")
def get_item(request: HttpRequest, pk: int):
    return _detail(_item(request, pk))


@router.post("/items", response={201: ItemOut},
             summary="Share a memory (text; pre-moderated unless you are a worker)")
def create_item(request: HttpRequest, payload: ItemIn):
    user = require_user(request)
    c = community_or_404(payload.community)
    item = services.item_create(actor=user, community=c, kind=payload.kind,
                                title=payload.title, body=payload.body,
                                era_text=payload.era_text, place_text=payload.place_text,
                                lat=payload.lat, lon=payload.lon, licence=payload.licence)
    return 201, _out(item)


@router.get("/timeline", summary="Published memories by decade (approximate ones at the "
                                 "middle of their range)")
def timeline(request: HttpRequest, community: str):
    c = community_or_404(community)
    decades, undated = selectors.timeline(request.user, c)
    return {"decades": [{"decade": d.start, "items": [_out(i) for i in d.items]}
                        for d in decades],
            "undated": [_out(i) for i in undated]}


@router.get("/items.geojson", url_name="memory_geojson",
            summary="Published memories with a place (map layer)")
def items_geojson(request: HttpRequest, community: str):
    c = community_or_404(community)
    body = json.dumps(selectors.items_geojson(request.user, c), ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


@router.get("/collections", response=list[CollectionOut], summary="Collections and exhibitions")
def list_collections(request: HttpRequest, community: str):
    c = community_or_404(community)
    return [{"id": col.pk, "kind": col.kind, "title": col.title,
             "description": col.description, "project_id": col.project_id,
             "items": getattr(col, "n_items", 0), "featured": col.is_featured}
            for col in selectors.collections(request.user, c)]


@router.get("/collections/{int:pk}", summary="A collection with its memories")
def get_collection(request: HttpRequest, pk: int, community: str):
    c = community_or_404(community)
    try:
        col, items, photos = selectors.collection_page(request.user, c, pk)
    except Exception:  # noqa: BLE001 - DoesNotExist
        raise Http404 from None
    return {"id": col.pk, "title": col.title, "description": col.description,
            "items": [_out(i) for i in items],
            "project_photos": [{"kind": p.kind, "url": p.image.url, "caption": p.caption}
                               for p in photos]}


@router.get("/moderation", response=list[ItemOut], summary="Memories waiting for review "
                                                          "(workers)")
def moderation_queue(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    if not user.has_perm("memory.moderate", c):
        raise PermissionDenied
    pending, _takedowns = selectors.moderation_queue(c)
    return [_out(i) for i in pending]


@router.post("/items/{int:pk}/moderate", response=ItemOut,
             summary="Publish, or refuse with a reason (workers)")
def moderate(request: HttpRequest, pk: int, payload: ModerateIn):
    user = require_user(request)
    item = services.item_moderate(actor=user, item=_item(request, pk),
                                  approve=payload.approve, reason=payload.reason)
    return _out(item)


@router.post("/items/{int:pk}/takedown", response={201: TakedownOut},
             summary="Ask for a memory to be taken down (anyone affected)")
def takedown(request: HttpRequest, pk: int, payload: TakedownIn):
    user = require_user(request)
    req: TakedownRequest = services.takedown_request(actor=user, item=_item(request, pk),
                                                     reason=payload.reason,
                                                     details=payload.details)
    return 201, {"id": req.pk, "item_id": pk, "state": req.state}
