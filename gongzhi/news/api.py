"""News API, mounted at /api/v1/news/: announcements, read confirmations, the feed."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.news import selectors, services
from gongzhi.news.models import Announcement

router = Router(tags=["news"])


class AnnouncementOut(Schema):
    id: int
    community: str
    organisation: str
    organisation_id: int
    title: str
    body: str
    important: bool
    pinned: bool
    audience: str
    building_ids: list[int]
    unit_ids: list[int]
    published_at: dt.datetime | None
    expires_at: dt.datetime | None
    read_by_me: bool | None


class AnnouncementIn(Schema):
    organisation_id: int
    title: str = Field(max_length=120)
    body: str = Field(max_length=5000)
    audience: str = Field("community", max_length=10)
    building_ids: list[int] = Field(default_factory=list, max_length=500)
    unit_ids: list[int] = Field(default_factory=list, max_length=2000)
    important: bool = False
    pinned: bool = False
    expires_at: dt.datetime | None = None
    publish: bool = True


class ReceiptOut(Schema):
    announcement_id: int
    read_at: dt.datetime


class GroupOut(Schema):
    label: str
    total: int
    read: int


class ReceiptReportOut(Schema):
    total: int
    read: int
    groups: list[GroupOut]


class FeedEventOut(Schema):
    source: str
    kind: str
    title: str
    url: str
    at: dt.datetime
    summary: str


def _out(a: Announcement, read: set[int] | None) -> dict:
    return {"id": a.pk, "community": a.community.slug, "organisation": a.organisation.name,
            "organisation_id": a.organisation_id, "title": a.title, "body": a.body,
            "important": a.important, "pinned": a.pinned, "audience": a.audience,
            "building_ids": [b.pk for b in a.buildings.all()],
            "unit_ids": [u.pk for u in a.units.all()], "published_at": a.published_at,
            "expires_at": a.expires_at,
            "read_by_me": (a.pk in read) if read is not None and a.important else None}


def _get(request: HttpRequest, pk: int) -> Announcement:
    a = Announcement.objects.select_related("community", "organisation").filter(
        pk=pk, community__is_active=True).first()
    if a is None or not request.user.has_perm("news.view", a):
        raise Http404
    return a


@router.get("/announcements", response=list[AnnouncementOut],
            summary="Current announcements for me (pinned first)")
@paginate(LimitOffsetPagination)
def list_announcements(request: HttpRequest, community: str):
    c = community_or_404(community)
    items = list(selectors.visible(c, request.user)[:500])
    read = selectors.read_ids(request.user, items) if request.user.is_authenticated else None
    return [_out(a, read) for a in items]


@router.post("/announcements", response={201: AnnouncementOut},
             summary="Write (and publish) an announcement")
def create(request: HttpRequest, community: str, payload: AnnouncementIn):
    from gongzhi.orgs.models import Organisation
    from gongzhi.places.models import Building, Unit

    user = require_user(request)
    c = community_or_404(community)
    org = Organisation.objects.alive().filter(pk=payload.organisation_id, community=c).first()
    a = services.announcement_create(
        actor=user, community=c, organisation=org, title=payload.title, body=payload.body,
        audience=payload.audience,
        buildings=Building.objects.filter(community=c, pk__in=payload.building_ids),
        units=Unit.objects.filter(building__community=c, pk__in=payload.unit_ids)
        .select_related("building"),
        important=payload.important, pinned=payload.pinned, expires_at=payload.expires_at,
        publish=payload.publish)
    return 201, _out(a, set())


@router.post("/announcements/{int:pk}/read", response=ReceiptOut,
             summary="Confirm I have read an important notice (已读)")
def confirm(request: HttpRequest, pk: int):
    user = require_user(request)
    receipt = services.read_confirm(actor=user, announcement=_get(request, pk))
    return {"announcement_id": pk, "read_at": receipt.read_at}


@router.get("/announcements/{int:pk}/receipts", response=ReceiptReportOut,
            summary="Read confirmations per building (staff and the author organisation)")
def receipts(request: HttpRequest, pk: int):
    user = require_user(request)
    a = _get(request, pk)
    if not user.has_perm("news.view_receipts", a):
        raise Http404
    report = selectors.receipt_report(a)
    return {"total": report["total"], "read": report["read"],
            "groups": [{"label": g["label"], "total": g["total"], "read": g["read"]}
                       for g in report["groups"]]}


@router.get("/feed", response=list[FeedEventOut],
            summary="What is happening in a community (my follow / mute choices applied)")
def feed(request: HttpRequest, community: str, following: bool = False, limit: int = 30):
    c = community_or_404(community)
    limit = max(1, min(limit, 100))
    return [{"source": e.source, "kind": e.kind, "title": e.title, "url": e.url, "at": e.at,
             "summary": e.summary}
            for e in selectors.feed_for(c, request.user, following_only=following,
                                        limit=limit)]
