"""Reads of the news app: who is in an announcement's audience, what a person sees,
read confirmations per building. Constant queries per page (tests count them)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from gongzhi.news.models import Announcement, Audience, FeedPreference, ReadReceipt

MEMBER_STATUSES = ("verified", "pending")


def user_place(user, community) -> tuple[int | None, int | None]:
    """(building id, unit id) of the person's home in ``community`` — from the household
    a worker matched, else the building number they gave when joining. One query, cached
    for the request."""
    if not user.is_authenticated:
        return (None, None)
    cache = user.__dict__.setdefault("_gz_news_place", {})
    if community.pk not in cache:
        from gongzhi.core.selectors import membership_of
        from gongzhi.places.models import Building

        m = membership_of(user, community)
        if m is not None and m.status not in MEMBER_STATUSES:
            m = None
        place: tuple[int | None, int | None] = (None, None)
        home = m.household if m is not None else None
        if home is not None:
            place = (home.building_id, home.unit_id)
        elif m is not None and m.claimed_building:
            b = Building.objects.filter(community=community,
                                        number=m.claimed_building).values_list("pk",
                                                                               flat=True).first()
            place = (b, None)
        cache[community.pk] = place
    return cache[community.pk]


def _audience_q(user, community, place: tuple[int | None, int | None] | None = None) -> Q:
    building, unit = user_place(user, community) if place is None else place
    q = Q(audience=Audience.COMMUNITY)
    if building:
        q |= Q(audience=Audience.BUILDINGS, buildings=building)
    if unit:
        q |= Q(audience=Audience.UNITS, units=unit)
    return q


def _is_resident(user, community) -> bool:
    from gongzhi.accounts.access import community_roles

    return bool({"resident", "verified_resident"} & community_roles(user, community))


def user_in_audience(user, announcement: Announcement) -> bool:
    from gongzhi.accounts.access import community_roles

    community = announcement.community
    if not ({"resident", "verified_resident"} & community_roles(user, community)):
        return False
    if announcement.audience == Audience.COMMUNITY:
        return True
    building, unit = user_place(user, community)
    if announcement.audience == Audience.BUILDINGS:
        ids = {b.pk for b in announcement.buildings.all()}
        return building in ids
    ids = {u.pk for u in announcement.units.all()}
    return unit in ids


def _with_targets(qs: QuerySet[Announcement]) -> QuerySet[Announcement]:
    return qs.select_related("organisation", "community").prefetch_related(
        "buildings", Prefetch("units", queryset=_units()))


def _units():
    from gongzhi.places.models import Unit

    return Unit.objects.select_related("building")


def visible(community, user, *, include_past: bool = False) -> QuerySet[Announcement]:
    """Announcements ``user`` may read: live ones for their audience; staff and the
    author organisation's members also see drafts, expired and withdrawn ones when
    ``include_past``."""
    from gongzhi.news.rules import my_org_ids

    qs = Announcement.objects.filter(community=community)
    staff = user.has_perm("news.pin", community)
    orgs = my_org_ids(user, community)
    if staff and include_past:
        pass
    elif include_past and orgs:
        qs = qs.filter(Q(pk__in=Announcement.objects.live().filter(community=community)
                         .filter(_audience_q(user, community)).values("pk"))
                       | Q(organisation_id__in=orgs))
    else:
        qs = qs.live()
        if not staff:
            qs = qs.filter(_audience_q(user, community) | Q(organisation_id__in=orgs))
    return _with_targets(qs.distinct()).order_by("-pinned", "-published_at", "-id")


def read_ids(user, announcements) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(ReadReceipt.objects.filter(user=user, announcement__in=list(announcements))
               .values_list("announcement_id", flat=True))


def unread_important(community, user, limit: int = 5) -> list[Announcement]:
    """Live important notices in the person's audience they have not confirmed yet."""
    qs = unread_query(community, user, limit)
    return [] if qs is None else list(qs)


def unread_query(community, user, limit: int = 5, *, now: dt.datetime | None = None,
                 place: tuple[int | None, int | None] | None = None
                 ) -> QuerySet[Announcement] | None:
    """``unread_important``'s query (None: nothing to read for this person), with the
    time and the person's home (``user_place``) as values if given."""
    if not user.is_authenticated:
        return None
    from gongzhi.accounts.access import community_roles

    if not ({"resident", "verified_resident"} & community_roles(user, community)):
        return None
    return (Announcement.objects.live(now).filter(community=community, important=True)
            .filter(_audience_q(user, community, place)).exclude(receipts__user=user)
            .select_related("organisation").distinct().order_by("-published_at"))[:limit]


def pinned_for(community, user, limit: int = 5, *, skip_unread: bool = False
               ) -> list[Announcement]:
    """Pinned live notices for the person; with ``skip_unread`` without the important
    ones they have not confirmed (the home shows those in their own block)."""
    return list(pinned_query(community, user, limit, skip_unread=skip_unread))


def pinned_query(community, user, limit: int = 5, *, skip_unread: bool = False,
                 now: dt.datetime | None = None,
                 place: tuple[int | None, int | None] | None = None
                 ) -> QuerySet[Announcement]:
    """``pinned_for``'s query, with the time and the person's home as values if given."""
    from django.db.models import Exists, OuterRef

    qs = (Announcement.objects.live(now).filter(community=community, pinned=True)
          .filter(_audience_q(user, community, place)).select_related("organisation")
          .distinct().order_by("-published_at"))
    if skip_unread and user.is_authenticated and _is_resident(user, community):
        mine = ReadReceipt.objects.filter(announcement=OuterRef("pk"), user=user)
        qs = qs.filter(Q(important=False) | Exists(mine))
    return qs[:limit]


def announcement_page(community, user, pk: int) -> Announcement:
    a = _with_targets(Announcement.objects.filter(community=community)).get(pk=pk)
    if not user.has_perm("news.view", a):
        raise Announcement.DoesNotExist
    return a


def audience_memberships(announcement: Announcement):
    """Memberships (verified and pending) of the people the announcement is for."""
    from gongzhi.accounts.models import Membership

    qs = (Membership.objects.filter(community=announcement.community,
                                    status__in=MEMBER_STATUSES, user__deleted_at__isnull=True)
          .select_related("user", "household__building", "household__unit"))
    if announcement.audience == Audience.BUILDINGS:
        ids = [b.pk for b in announcement.buildings.all()]
        numbers = [b.number for b in announcement.buildings.all()]
        qs = qs.filter(Q(household__building_id__in=ids)
                       | Q(household__isnull=True, claimed_building__in=numbers))
    elif announcement.audience == Audience.UNITS:
        qs = qs.filter(household__unit_id__in=[u.pk for u in announcement.units.all()])
    return qs


def audience_user_ids(announcement: Announcement) -> list[int]:
    return list(audience_memberships(announcement).values_list("user_id", flat=True))


def receipt_report(announcement: Announcement) -> dict[str, Any]:
    """Per building: how many in the audience, how many have read, who has not (names
    for the staff). Three queries whatever the audience size."""
    read = dict(ReadReceipt.objects.filter(announcement=announcement)
                .values_list("user_id", "read_at"))
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    total = done = 0
    members = sorted(audience_memberships(announcement),
                     key=lambda m: (_building_key(m), m.user_id))
    for m in members:
        label = _building_label(m)
        g = groups.setdefault(label, {"label": label, "total": 0, "read": 0, "unread": [],
                                      "read_people": []})
        g["total"] += 1
        total += 1
        person = {"name": m.user.public_name, "room": _room(m), "user_id": m.user_id}
        if m.user_id in read:
            g["read"] += 1
            done += 1
            g["read_people"].append({**person, "at": read[m.user_id]})
        else:
            g["unread"].append(person)
    for g in groups.values():
        g["pct"] = round(100 * g["read"] / g["total"]) if g["total"] else 0
    return {"groups": list(groups.values()), "total": total, "read": done,
            "pct": round(100 * done / total) if total else 0}


def _building_key(m) -> tuple:
    number = m.household.building.number if m.household_id else m.claimed_building
    return (0 if number else 1, len(number or ""), number or "")


def _building_label(m) -> str:
    from django.utils.translation import gettext as _

    if m.household_id:
        return _("Building %(n)s") % {"n": m.household.building.number}
    if m.claimed_building:
        return _("Building %(n)s") % {"n": m.claimed_building}
    return _("No building given")


def _room(m) -> str:
    if m.household_id:
        unit = f"{m.household.unit.number}-" if m.household.unit_id else ""
        return f"{unit}{m.household.room}"
    return m.claimed_room


def unread_user_ids(announcement: Announcement) -> list[int]:
    read = ReadReceipt.objects.filter(announcement=announcement).values("user_id")
    return list(audience_memberships(announcement).exclude(user_id__in=read)
                .values_list("user_id", flat=True))


def published_since(community, user, since: dt.datetime | None) -> QuerySet[Announcement]:
    qs = visible(community, user).select_related(None).select_related("organisation")
    qs = qs.prefetch_related(None)
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    return qs.order_by("-published_at")


PREFERENCES_KIND = "f"
# the person's feed choices (community, "source choice"), read with the request's access
# query (accounts.access.register_own_rows; the (user, community, source) unique index)
PREFERENCES_SQL = ("SELECT community_id, source || ' ' || choice FROM news_feedpreference "
                   "WHERE user_id = %s")


def preferences(user, community) -> dict[str, str]:
    """{source: choice} of ``user``'s feed in ``community`` (no query once the request's
    access rows are read)."""
    if not user.is_authenticated:
        return {}
    from gongzhi.accounts.access import own_rows

    found = {}
    for community_id, text in own_rows(user, PREFERENCES_KIND):
        if community_id == community.pk:
            source, _sep, choice = text.rpartition(" ")
            found[source] = choice
    return found


def receipts_count(announcements) -> dict[int, int]:
    rows = (ReadReceipt.objects.filter(announcement__in=list(announcements))
            .values("announcement_id").annotate(n=Count("id")))
    return {r["announcement_id"]: r["n"] for r in rows}


def now() -> dt.datetime:
    return timezone.now()


def feed_for(community, user, *, following_only: bool = False, limit: int = 30,
             since: dt.datetime | None = None, skip: Iterable[str] = ()):
    """The community feed as this person chose it: muted sources left out; with
    ``following_only`` only the sources they follow; ``skip``: sources left out too."""
    from gongzhi.core.feed import community_feed, feed_sources

    prefs = preferences(user, community)
    skipped = set(skip)
    keys = [s.key for s in feed_sources() if s.key not in skipped]
    if following_only:
        wanted = [k for k in keys if prefs.get(k) == FeedPreference.Choice.FOLLOW]
    else:
        wanted = [k for k in keys if prefs.get(k) != FeedPreference.Choice.MUTE]
    return community_feed(community, user, since=since, limit=limit, sources=wanted)
