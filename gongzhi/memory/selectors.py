"""Reads for the memory archive, always scoped to what the viewer may see.

``visible_q`` is the rule of ``memory.view`` (rules.py) as a query filter, so a list, the
timeline, the map, search and the API never load an item the viewer may not see.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.urls import reverse

from gongzhi.accounts.rules import is_member, is_worker
from gongzhi.memory import textsearch
from gongzhi.memory.era import parse_era
from gongzhi.memory.models import (
    Collection,
    Licence,
    MediaKind,
    MemoryItem,
    MemoryMedia,
    PersonTag,
    SearchTerm,
    Status,
    TakedownRequest,
)

ITEM_RELATED = ("community", "contributor", "space", "building")


def visible_q(user, community) -> Q:
    """Items of ``community`` that ``user`` may see (the rule of ``memory.view``)."""
    if is_worker(user, community):
        return Q(community=community)
    published = Q(status=Status.APPROVED)
    q = published & Q(licence=Licence.CC_BY)
    if is_member(user, community):
        q |= published & Q(licence=Licence.COMMUNITY)
    if user.is_authenticated:
        tagged = PersonTag.objects.filter(item=OuterRef("pk"), person=user).exclude(
            state=PersonTag.State.DECLINED)
        q |= Q(contributor=user) | Q(recorded_by=user)
        q |= ~Q(status=Status.TAKEN_DOWN) & Q(Exists(tagged))
    return Q(community=community) & q


def _media_prefetch() -> Prefetch:
    return Prefetch("media", queryset=MemoryMedia.objects.order_by("order", "id"))


def visible_items(user, community) -> QuerySet[MemoryItem]:
    return (MemoryItem.objects.filter(visible_q(user, community))
            .select_related(*ITEM_RELATED).prefetch_related(_media_prefetch()))


def published_items(user, community) -> QuerySet[MemoryItem]:
    """What the public archive lists: visible and published."""
    return visible_items(user, community).filter(status=Status.APPROVED)


def recent_items(user, community, *, limit: int = 12) -> list[MemoryItem]:
    return list(published_items(user, community).order_by("-published_at", "-id")[:limit])


def item_page(user, community, pk: int) -> MemoryItem:
    """One item with its files, accepted tags and collections (MemoryItem.DoesNotExist if
    it is not there or not visible)."""
    accepted = PersonTag.objects.select_related("person").order_by("id")
    return (visible_items(user, community)
            .prefetch_related(Prefetch("tags", queryset=accepted, to_attr="all_tags"),
                              Prefetch("collections",
                                       queryset=Collection.objects.order_by("order", "id")))
            .select_related("recorded_by", "project", "moderated_by").get(pk=pk))


def first_image(item: MemoryItem) -> MemoryMedia | None:
    for m in item.media.all():
        if m.kind == MediaKind.IMAGE:
            return m
    return None


# --- search -------------------------------------------------------------------------------

@dataclass
class SearchResult:
    items: list[MemoryItem]
    terms: list[str] = field(default_factory=list)
    era: tuple[int, int] | None = None


def _era_in(query: str) -> tuple[int, int, int] | None:
    """(from, to, weight) of the first word of ``query`` that names a time; its weight is
    the number of terms the word has, so "八十年代" matching by era counts as fully as
    matching by text (and above "七十年代", which shares two of its bigrams)."""
    for part in query.split():
        era = parse_era(part)
        if era is not None:
            return era.year_from, era.year_to, max(1, len(textsearch.query_terms(part)))
    return None


def search(user, community, query: str, *, limit: int = 50) -> SearchResult:
    """Items matching ``query``, best first (same SQL on SQLite and PostgreSQL).

    An item's rank is (number of the query's terms it contains, Σ weight × idf); a year or
    era in the query ("1985", "八十年代") also matches items whose range overlaps it, as one
    more matched term. Four queries whatever the archive's size."""
    query = (query or "").replace("\x00", "")[:100]
    terms = textsearch.query_terms(query)[:24]
    era = _era_in(query)
    if not terms and era is None:
        return SearchResult(items=[], terms=[])
    visible = MemoryItem.objects.filter(visible_q(user, community), status=Status.APPROVED)
    scores: dict[int, list[float]] = {}
    if terms:
        n_docs = SearchTerm.objects.filter(community=community).values("item").distinct()\
            .count() or 1
        freq = dict(SearchTerm.objects.filter(community=community, term__in=terms)
                    .values_list("term").annotate(n=Count("id")).values_list("term", "n"))
        idf = {t: textsearch.idf(freq.get(t, 0), n_docs) for t in terms}
        score = Sum(Case(*[When(term=t, then=F("weight") * Value(idf[t])) for t in terms],
                         default=Value(0.0), output_field=FloatField()))
        rows = (SearchTerm.objects.filter(community=community, term__in=terms,
                                          item__in=visible.values("pk"))
                .values("item").annotate(hits=Count("term"), score=score)
                .filter(hits__gte=textsearch.min_hits(len(terms)))
                .order_by("-hits", "-score", "-item")[:500])
        scores = {r["item"]: [float(r["hits"]), float(r["score"] or 0)] for r in rows}
    if era is not None:
        lo, hi, weight = era
        for pk in visible.filter(year_from__lte=hi, year_to__gte=lo).values_list(
                "pk", flat=True)[:500]:
            hit = scores.setdefault(pk, [0.0, 0.0])
            hit[0] += weight
            hit[1] += float(weight)
    ranked = sorted(scores, key=lambda pk: (-scores[pk][0], -scores[pk][1], -pk))[:limit]
    by_pk = visible_items(user, community).in_bulk(ranked)
    return SearchResult(items=[by_pk[pk] for pk in ranked if pk in by_pk], terms=terms,
                        era=era[:2] if era else None)


# --- timeline -----------------------------------------------------------------------------

@dataclass
class Decade:
    start: int
    items: list[MemoryItem]

    @property
    def label(self) -> str:
        return f"{self.start}"


def timeline(user, community, *, kind: str = "") -> tuple[list[Decade], list[MemoryItem]]:
    """Published items by decade, oldest first; inside a decade by the middle of their range,
    exact dates before approximate ones. An item is placed in the decade of the middle of its
    range ("2013年前后" → 2010s, "五六十年代" → 1960s boundary → 1950s). Items without a date
    come back separately."""
    qs = published_items(user, community).select_related(None).select_related(
        "contributor", "space", "building")
    if kind:
        qs = qs.filter(kind=kind)
    decades: OrderedDict[int, list[MemoryItem]] = OrderedDict()
    undated: list[MemoryItem] = []
    items = list(qs.order_by("year_from", "year_to", "id")[:1000])
    items.sort(key=_timeline_key)
    for item in items:
        if item.decade is None:
            undated.append(item)
        else:
            decades.setdefault(item.decade, []).append(item)
    return [Decade(start=d, items=v) for d, v in sorted(decades.items())], undated


def _timeline_key(item: MemoryItem) -> tuple[float, int, int]:
    if item.year_from is None or item.year_to is None:
        return (0.0, 0, item.pk)
    return ((item.year_from + item.year_to) / 2, item.year_to - item.year_from, item.pk)


def decade_counts(user, community) -> list[tuple[int, int]]:
    """(decade, number of published items placed in it), for the museum's ribbon."""
    counts: dict[int, int] = {}
    for a, b in (published_items(user, community).exclude(year_from__isnull=True)
                 .values_list("year_from", "year_to")):
        if a is None or b is None:
            continue
        mid = (a + b) // 2
        counts[mid - mid % 10] = counts.get(mid - mid % 10, 0) + 1
    return sorted(counts.items())


# --- collections --------------------------------------------------------------------------

def collections(user, community, *, featured_only: bool = False) -> list[Collection]:
    visible = Q(entries__item__in=MemoryItem.objects.filter(visible_q(user, community),
                                                            status=Status.APPROVED))
    qs = (Collection.objects.filter(community=community)
          .annotate(n_items=Count("entries", filter=visible, distinct=True))
          .select_related("project").order_by("order", "id"))
    if featured_only:
        qs = qs.filter(is_featured=True)
    result: list[Collection] = list(qs)
    _attach_covers(user, community, result)
    return result


def _attach_covers(user, community, cols: list[Collection]) -> None:
    """``collection.cover``: the first picture of a visible item of each collection."""
    if not cols:
        return
    pictures = (MemoryMedia.objects.filter(
        kind=MediaKind.IMAGE, item__collections__in=cols,
        item__in=MemoryItem.objects.filter(visible_q(user, community),
                                           status=Status.APPROVED))
        .annotate(col=F("item__collections")).order_by("item__collections", "order", "id"))
    covers: dict[int, MemoryMedia] = {}
    for m in pictures[:500]:
        covers.setdefault(m.col, m)
    for c in cols:
        c.cover = covers.get(c.pk)  # type: ignore[attr-defined]


def collection_page(user, community, pk: int) -> tuple[Collection, list[MemoryItem], list]:
    """A collection, its visible published items in order, and its project's photos."""
    col = Collection.objects.select_related("project", "community").get(community=community,
                                                                        pk=pk)
    items = list(published_items(user, community).filter(collections=col)
                 .order_by("year_from", "year_to", "id"))
    order = {e.item_id: (e.order, e.pk) for e in col.entries.all()}
    items.sort(key=lambda i: (order.get(i.pk, (0, 0)), i.year_from or 9999, i.pk))
    photos = []
    if col.project is not None:
        photos = list(col.project.photos.order_by("kind", "id"))
    return col, items, photos


# --- moderation ---------------------------------------------------------------------------

def moderation_queue(community) -> tuple[list[MemoryItem], list[TakedownRequest]]:
    pending = list(MemoryItem.objects.filter(community=community, status=Status.PENDING)
                   .select_related(*ITEM_RELATED, "recorded_by")
                   .prefetch_related(_media_prefetch()).order_by("created_at", "id")[:200])
    takedowns = list(TakedownRequest.objects.filter(item__community=community,
                                                    state=TakedownRequest.State.OPEN)
                     .select_related("item", "requested_by").order_by("created_at", "id")
                     [:200])
    return pending, takedowns


def my_tags(user, community) -> list[PersonTag]:
    if not user.is_authenticated:
        return []
    return list(PersonTag.objects.filter(person=user, item__community=community)
                .exclude(item__status=Status.TAKEN_DOWN)
                .select_related("item", "tagged_by").order_by("-created_at", "-id")[:200])


def my_items(user, community) -> list[MemoryItem]:
    if not user.is_authenticated:
        return []
    return list(MemoryItem.objects.filter(Q(contributor=user) | Q(recorded_by=user),
                                          community=community)
                .order_by("-created_at", "-id")[:200])


def tag_candidates(community, query: str, *, limit: int = 10):
    """Members of the community whose name matches, for tagging (names only)."""
    from gongzhi.accounts.models import Membership, User

    query = (query or "").strip()[:40]
    if not query:
        return []
    ids = Membership.objects.filter(community=community).exclude(
        status__in=["refused", "left"]).values("user_id")
    return list(User.objects.filter(pk__in=ids, display_name__icontains=query,
                                    deleted_at__isnull=True).order_by("display_name")[:limit])


# --- map ----------------------------------------------------------------------------------

def items_geojson(user, community) -> dict:
    """Published, visible items with a place: one point each (the map layer)."""
    features = []
    qs = (published_items(user, community).filter(
        Q(lat__isnull=False) | Q(space__isnull=False) | Q(building__lat__isnull=False))
        .order_by("year_from", "id")[:2000])
    for item in qs:
        point = item.point
        if point is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
            "properties": {
                "name": item.title, "kind": "memory_" + item.kind,
                "kind_label": str(item.get_kind_display()),
                "state_label": item.era_text or item.years,
                "place": item.place_name,
                "url": reverse("memory:item", args=[community.slug, item.pk])},
        })
    return {"type": "FeatureCollection", "features": features}


def published_since(user, community, since: dt.datetime | None) -> QuerySet[MemoryItem]:
    """Published memories ``user`` may see, newest first (the feed's branch)."""
    qs = MemoryItem.objects.filter(visible_q(user, community), status=Status.APPROVED,
                                   published_at__isnull=False)
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    return qs.order_by("-published_at", "-id")


def new_since(user, community, since: dt.datetime | None, limit: int) -> list[MemoryItem]:
    return list(published_since(user, community, since)[:limit])
