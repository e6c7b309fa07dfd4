"""The feed sources as they were before the one-query feed (``main`` at ea16073), kept
for ``test_feed_union.py``: the events the union query builds must be the same as these
functions built, one query (or two) per source."""

# ruff: noqa
from __future__ import annotations

import datetime as dt

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from gongzhi.core.feed import FeedEvent
from gongzhi.memory import selectors as memory_selectors

def activities_this_week(community, user, since, limit) -> list[FeedEvent]:
    """One event per date this week (newest first), cancelled ones said so (one query)."""
    from gongzhi.activities import selectors

    start, end = selectors.week_bounds(timezone.localdate())
    if since is not None:
        start = max(start, since)
    occs = list(selectors.occurrences_between(community, start, end + dt.timedelta(0))
                .order_by("-starts_at", "-id")[:limit])
    return [FeedEvent(source="activities", kind="cancelled" if o.is_cancelled else "date",
                      title=o.activity.title,
                      url=reverse("activities:occurrence", args=[community.slug, o.pk]),
                      at=o.starts_at,
                      summary=gettext("Cancelled") if o.is_cancelled
                      else gettext("Community activity"),
                      obj_id=o.pk) for o in occs]


def contest_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.contests import selectors

    events = []
    for c in selectors.latest_activity(community, user, since)[:limit]:
        if c.announced_at and (since is None or c.announced_at >= since):
            winner = (c.winner.proposed_name or c.winner.title) if c.winner else ""
            events.append(FeedEvent(
                source="contests", kind="result", title=c.title, at=c.announced_at,
                url=reverse("contests:results", args=[community.slug, c.pk]), obj_id=c.pk,
                summary=gettext("Result: %(winner)s") % {"winner": winner} if winner
                else gettext("Result announced")))
        if c.published_at and (since is None or c.published_at >= since):
            events.append(FeedEvent(
                source="contests", kind="opened", title=c.title, at=c.published_at,
                url=reverse("contests:detail", args=[community.slug, c.pk]), obj_id=c.pk,
                summary=gettext("New contest: send your entry")))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def ballot_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.decisions import selectors

    qs = (selectors.ballots_of(community, user).filter(opened_at__isnull=False)
          .annotate(last=Coalesce("closed_at", "opened_at")).order_by("-last", "-pk"))
    if since is not None:
        qs = qs.filter(last__gte=since)
    events = []
    for b in qs[:limit]:
        if b.opened_at and (since is None or b.opened_at >= since):
            events.append(FeedEvent(
                source="decisions", kind="opened", title=b.title, at=b.opened_at,
                url=reverse("decisions:detail", args=[community.slug, b.pk]),
                summary=gettext("Voting opened"), obj_id=b.pk))
        if b.closed_at:
            events.append(FeedEvent(
                source="decisions", kind="closed", title=b.title, at=b.closed_at,
                url=reverse("decisions:results", args=[community.slug, b.pk]),
                summary=gettext("Voting closed: see the result"), obj_id=b.pk))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def meeting_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.meetings import selectors
    from gongzhi.meetings.models import Meeting

    now = timezone.now()
    qs = selectors.meetings_visible_to(user, community)
    announced = qs.filter(status=Meeting.Status.PUBLISHED, starts_at__gte=now)
    held = qs.filter(status=Meeting.Status.HELD, starts_at__lte=now)
    if since is not None:
        announced = announced.filter(created_at__gte=since)
        held = held.filter(starts_at__gte=since)
    events = [FeedEvent(source="meetings", kind="announced", title=m.title, at=m.created_at,
                        url=reverse("meetings:detail", args=[community.slug, m.pk]),
                        summary=gettext("Meeting on %(date)s")
                        % {"date": timezone.localtime(m.starts_at).strftime("%m-%d %H:%M")},
                        obj_id=m.pk)
              for m in announced.order_by("-created_at")[:limit]]
    events += [FeedEvent(source="meetings", kind="held", title=m.title, at=m.starts_at,
                         url=reverse("meetings:detail", args=[community.slug, m.pk]),
                         summary=gettext("Meeting held"), obj_id=m.pk)
               for m in held.order_by("-starts_at")[:limit]]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def new_memories(community, user, since, limit) -> list[FeedEvent]:
    from django.urls import reverse

    return [FeedEvent(source="memory", kind="published", title=item.title,
                      url=reverse("memory:item", args=[community.slug, item.pk]),
                      at=item.published_at, summary=_("New in the community museum"),
                      obj_id=item.pk)
            for item in memory_selectors.new_since(user, community, since, limit)
            if item.published_at is not None]


def announcement_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.news import selectors

    return [FeedEvent(source="news", kind="important" if a.important else "announcement",
                      title=a.title, at=a.published_at or a.created_at, obj_id=a.pk,
                      url=reverse("news:detail", args=[community.slug, a.pk]),
                      summary=(gettext("Important notice from %(org)s") if a.important
                               else gettext("Announcement from %(org)s"))
                      % {"org": a.organisation.name})
            for a in selectors.published_since(community, user, since)[:limit]]


def project_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.projects import selectors
    from gongzhi.projects.models import Proposal

    projects = selectors.projects_visible(community, user).values("pk")
    answered = (Proposal.objects.filter(project__in=projects, answered_at__isnull=False,
                                        visibility=Proposal.Visibility.VISIBLE)
                .exclude(answer="").select_related("project"))
    results = selectors.results_for(community)
    if since is not None:
        answered = answered.filter(answered_at__gte=since)
        results = results.filter(created_at__gte=since)
    events = [FeedEvent(source="projects", kind="decided", title=p.title,
                        at=p.answered_at or p.created_at,
                        url=reverse("projects:proposal",
                                    args=[community.slug, p.project_id, p.pk]),
                        summary=gettext("Proposal answered: %(answer)s")
                        % {"answer": p.get_answer_display()}, obj_id=p.pk)
              for p in answered.order_by("-answered_at")[:limit]]
    events += [FeedEvent(source="projects", kind="result", title=r.title,
                        at=r.created_at,
                         url=reverse("projects:result", args=[community.slug, r.pk]),
                         summary=gettext("Result published: %(status)s, %(progress)s%%")
                         % {"status": r.get_status_display(), "progress": r.progress},
                         obj_id=r.pk)
               for r in results.order_by("-created_at")[:limit]]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def resolved_reports(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.reports import selectors

    qs = selectors.reports_for(user, community).filter(resolved_at__isnull=False)
    if since is not None:
        qs = qs.filter(resolved_at__gte=since)
    return [FeedEvent(source="reports", kind="resolved", at=r.resolved_at or r.created_at,
                      title=f"{r.get_category_display()} · {r.location_text or r.description[:40]}",
                      url=reverse("reports:detail", args=[community.slug, r.pk]),
                      summary=gettext("Problem resolved"), obj_id=r.pk)
            for r in qs.order_by("-resolved_at")[:limit]]


def shifts_this_week(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.volunteers import selectors

    week = timezone.now() + dt.timedelta(days=7)
    shifts = selectors.upcoming_shifts(community, limit=None).filter(starts_at__lte=week)
    # A shift is "news" from the moment it is this week's: dated a week before it starts
    # (shifts have no creation time), never in the future.
    now = timezone.now()
    events = []
    for s in shifts[:limit]:
        at = min(now, s.starts_at - dt.timedelta(days=7))
        if since is not None and at < since:
            continue
        events.append(FeedEvent(
            source="volunteers", kind="shift", title=s.opportunity.title, at=at,
            url=reverse("volunteers:shift", args=[community.slug, s.pk]), obj_id=s.pk,
            summary=gettext("Volunteers needed %(when)s")
            % {"when": timezone.localtime(s.starts_at).strftime("%m-%d %H:%M")}))
    return events


SOURCES = {
    "activities": activities_this_week,
    "contests": contest_events,
    "decisions": ballot_events,
    "meetings": meeting_events,
    "memory": new_memories,
    "news": announcement_events,
    "projects": project_events,
    "reports": resolved_reports,
    "volunteers": shifts_this_week,
}


def reference_feed(community, user, *, since=None, limit=30, sources=None):
    """``core.feed.community_feed`` as it was: every source asked apart, merged."""
    events = []
    for key in sorted(SOURCES):
        if sources is not None and key not in sources:
            continue
        events.extend(SOURCES[key](community, user, since, limit))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
