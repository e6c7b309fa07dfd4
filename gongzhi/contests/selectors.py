"""Reads shared by contest pages, the API, the feed and other apps (constant queries)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from gongzhi.contests.models import Contest, Entry, JuryScore, Kind, Licence


def contests_visible(community, user) -> QuerySet[Contest]:
    """Contests of ``community`` ``user`` may see: drafts only for staff."""
    qs = Contest.objects.filter(community=community).select_related("community", "winner")
    if not user.has_perm("contests.manage", community):
        qs = qs.filter(published_at__isnull=False)
    return qs


def contest_list(community, user) -> list[Contest]:
    return list(contests_visible(community, user).annotate(
        n_entries=Count("entries", filter=Q(entries__status=Entry.Status.APPROVED))))


def contest_page(community, user, pk: int) -> Contest:
    return (contests_visible(community, user)
            .select_related("space", "project", "ballot").get(pk=pk))


def gallery(contest: Contest) -> QuerySet[Entry]:
    """Approved entries, oldest first (the order they arrived; no ranking before the
    result)."""
    return (contest.entries.filter(status=Entry.Status.APPROVED)
            .select_related("entrant", "space").order_by("created_at", "id"))


def entry_page(contest: Contest, user, pk: int) -> Entry:
    qs = contest.entries.select_related("entrant", "space", "contest__community")
    if not user.has_perm("contests.moderate", contest):
        visible = Q(status=Entry.Status.APPROVED)
        if user.is_authenticated:
            visible |= Q(entrant=user)
        qs = qs.filter(visible)
    return qs.get(pk=pk)


def my_entries(contest: Contest, user) -> list[Entry]:
    if not user.is_authenticated:
        return []
    return list(contest.entries.filter(entrant=user).order_by("-created_at"))


def moderation_queue(contest: Contest) -> QuerySet[Entry]:
    return (contest.entries.filter(status=Entry.Status.PENDING)
            .select_related("entrant", "space").order_by("created_at", "id"))


def counts(contest: Contest) -> dict[str, int]:
    rows = contest.entries.values("status").annotate(n=Count("id"))
    out = dict.fromkeys(Entry.Status.values, 0)
    out.update({r["status"]: r["n"] for r in rows})
    return out


def result_rows(contest: Contest) -> list[dict[str, Any]]:
    """The announced result with each row's entry (one query for the entries)."""
    rows = (contest.result or {}).get("rows", [])
    entries = {e.pk: e for e in contest.entries.filter(pk__in=[r["entry"] for r in rows])
               .select_related("entrant")}
    return [{**r, "entry": entries.get(r["entry"]), "public_pct": round(r["public"] * 100, 1),
             "combined_pct": round(r["combined"] * 100, 1)} for r in rows]


def my_jury_scores(contest: Contest, user) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for s in JuryScore.objects.filter(entry__contest=contest, juror=user):
        out.setdefault(s.entry_id, {})[s.criterion] = s.score
    return out


def latest_activity(community, user, since: dt.datetime | None) -> QuerySet[Contest]:
    """Published contests by their latest event (announcement, else publication)."""
    from django.db.models.functions import Coalesce

    qs = (contests_visible(community, user).filter(published_at__isnull=False)
          .annotate(last=Coalesce("announced_at", "published_at")).order_by("-last", "-pk"))
    if since is not None:
        qs = qs.filter(last__gte=since)
    return qs


def announced_since(community, user, since: dt.datetime | None) -> QuerySet[Contest]:
    qs = contests_visible(community, user).filter(announced_at__isnull=False)
    if since is not None:
        qs = qs.filter(announced_at__gte=since)
    return qs.order_by("-announced_at")


def published_since(community, user, since: dt.datetime | None) -> QuerySet[Contest]:
    qs = contests_visible(community, user).filter(published_at__isnull=False)
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    return qs.order_by("-published_at")


def open_at(community, user, now: dt.datetime) -> QuerySet[Contest]:
    """Published contests not yet announced whose entries opened by ``now`` (the home's
    block: the time is a value, so the query can be compiled)."""
    return contests_visible(community, user).filter(
        published_at__isnull=False, announced_at__isnull=True,
        submission_opens__lte=now).order_by("voting_closes")[:5]


def entries_for_archive(contest: Contest) -> QuerySet[Entry]:
    """Entries the memory archive may take in after the announcement: approved photo
    entries (any kind with a picture) whose entrant agreed to publish under CC BY or
    community use — never "all rights reserved". Each row carries ``title``,
    ``statement`` (the story), ``image``, ``alt_text``, ``licence``, ``by_line`` (the
    attribution: the entrant's public name, "a resident" when they chose not to be named,
    "a former resident" once the account is deleted), ``entrant`` (may be empty) and
    ``created_at``. Empty before the result is announced. The lead wires this into
    ``gongzhi.memory``; this app writes nothing there."""
    if contest.announced_at is None:
        return Entry.objects.none()
    return (contest.entries.filter(status=Entry.Status.APPROVED, consent_publish=True,
                                   licence__in=[Licence.CC_BY, Licence.COMMUNITY])
            .exclude(image="").select_related("entrant").order_by("created_at", "id"))


def community_entries_for_archive(community) -> QuerySet[Entry]:
    """:func:`entries_for_archive` for every announced contest of ``community``, in one
    query (the same rules: approved, consent to publish, CC BY or community use)."""
    return (Entry.objects.filter(contest__community=community,
                                 contest__announced_at__isnull=False,
                                 status=Entry.Status.APPROVED, consent_publish=True,
                                 licence__in=[Licence.CC_BY, Licence.COMMUNITY])
            .exclude(image="").select_related("contest", "entrant").order_by("created_at", "id"))


def photo_contests(community) -> QuerySet[Contest]:
    return Contest.objects.filter(community=community, kind=Kind.PHOTO,
                                  announced_at__isnull=False)
