"""Reads shared by views, the API and other apps (decisions uses ``attendee_user_ids``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.rules import is_worker
from gongzhi.meetings.models import (
    ActionItem,
    AgeBand,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingDecision,
    MeetingSet,
    Registration,
)
from gongzhi.places.models import Tenure

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Someone who moved in within this many years of the meeting counts as a new resident.
NEW_RESIDENT_YEARS = 10

PUBLIC_STATUSES = (Meeting.Status.PUBLISHED, Meeting.Status.HELD, Meeting.Status.CANCELLED)


def meetings_visible_to(user, community) -> QuerySet[Meeting]:
    """Meetings of ``community`` this person may see: all for workers, else announced ones."""
    qs = Meeting.objects.filter(community=community)
    if not is_worker(user, community):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    return qs


class MeetingCounts(TypedDict):
    """What the list annotates on each meeting."""

    n_registered: int
    n_attended: int


def meeting_list(user, community, *, when: str = ""
                 ) -> QuerySet[WithAnnotations[Meeting, MeetingCounts]]:
    qs = (meetings_visible_to(user, community)
          .select_related("space", "community")
          .annotate(n_registered=Count("registrations", distinct=True,
                                       filter=Q(registrations__status="registered")),
                    n_attended=Count("attendances", distinct=True))
          .order_by("-starts_at", "-id"))
    now = timezone.now()
    if when == "upcoming":
        qs = qs.filter(starts_at__gte=now - dt.timedelta(hours=6)).order_by("starts_at", "id")
    elif when == "past":
        qs = qs.filter(starts_at__lt=now - dt.timedelta(hours=6))
    return qs


def meeting_detail_qs() -> QuerySet[Meeting]:
    return (Meeting.objects.select_related("community__subdistrict", "space", "project",
                                           "meeting_set", "created_by")
            .prefetch_related(
                Prefetch("agenda_items",
                         queryset=AgendaItem.objects.select_related("proposal")),
                Prefetch("invitations",
                         queryset=Invitation.objects.select_related("organisation")
                         .order_by("role", "organisation__name")),
                Prefetch("decisions",
                         queryset=MeetingDecision.objects.select_related("agenda_item",
                                                                         "result")),
                Prefetch("action_items",
                         queryset=ActionItem.objects.select_related("responsible_org")),
            ))


def registration_of(meeting: Meeting, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(meeting=meeting, user=user).first()


def attendance_of(meeting: Meeting, user) -> Attendance | None:
    if not user.is_authenticated:
        return None
    return Attendance.objects.filter(meeting=meeting, user=user).first()


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        meeting_id=registration.meeting_id, status=Registration.Status.WAITLISTED,
    ).filter(Q(queued_at__lt=registration.queued_at)
             | Q(queued_at=registration.queued_at, id__lt=registration.pk)).count()
    return ahead + 1


def registrations_of(meeting: Meeting) -> QuerySet[Registration]:
    return (Registration.objects.filter(meeting=meeting)
            .exclude(status=Registration.Status.CANCELLED).select_related("user")
            .order_by("status", "queued_at", "id"))


def attendances_of(meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting).select_related("user", "organisation",
                                                                     "checked_in_by")


def attendee_user_ids(meeting: Meeting) -> set[int]:
    """People (accounts) checked in at ``meeting``: ballot eligibility "attendees only"."""
    return set(Attendance.objects.filter(meeting=meeting, user__isnull=False)
               .values_list("user_id", flat=True))


def residence_group(moved_in_year: int | None, meeting_year: int) -> str:
    if moved_in_year is None:
        return "unknown"
    return "new" if meeting_year - moved_in_year < NEW_RESIDENT_YEARS else "old"


def attendance_by_group(meeting: Meeting) -> dict:
    """Attendance counted by tenure, age band and new/old residents (one query).

    Every group list includes an "unknown" row so the parts always add up to the total.
    """
    rows = list(Attendance.objects.filter(meeting=meeting)
                .values_list("tenure", "age_band", "moved_in_year"))
    year = timezone.localtime(meeting.starts_at).year
    tenure = Counter(r[0] or "" for r in rows)
    age = Counter(r[1] or "" for r in rows)
    residence = Counter(residence_group(r[2], year) for r in rows)
    unknown = _("Unknown")
    tenure_labels = dict(Tenure.choices)
    return {
        "total": len(rows),
        "tenure": [(code, label, tenure.get(code, 0)) for code, label in Tenure.choices]
        + [("", unknown, sum(n for code, n in tenure.items() if code not in tenure_labels))],
        "age_band": [(code, label, age.get(code, 0)) for code, label in AgeBand.choices]
        + [("", unknown, age.get("", 0))],
        "residence": [
            ("new", _("New residents (moved in within %(n)s years)")
             % {"n": NEW_RESIDENT_YEARS}, residence.get("new", 0)),
            ("old", _("Long-standing residents"), residence.get("old", 0)),
            ("unknown", unknown, residence.get("unknown", 0)),
        ],
    }


def invitations_for(user, community=None) -> QuerySet[Invitation]:
    """Invitations to organisations this person belongs to (upcoming and announced)."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    from gongzhi.accounts.access import org_memberships

    # The person's organisations (not deleted) come with the request's access rows: most
    # people belong to none, and their list of invitations costs no query.
    orgs = sorted(pk for pk, community_id in org_memberships(user).items()
                  if community is None or community_id == community.pk)
    if not orgs:
        return Invitation.objects.none()
    qs = (Invitation.objects.filter(organisation_id__in=orgs,
                                    organisation__deleted_at__isnull=True,
                                    meeting__status__in=PUBLIC_STATUSES)
          .select_related("meeting", "organisation").order_by("meeting__starts_at"))
    if community is not None:
        qs = qs.filter(meeting__community=community)
    return qs


def action_items_of(community) -> QuerySet[ActionItem]:
    return (ActionItem.objects.filter(community=community)
            .select_related("meeting", "responsible_org").order_by("due_on", "id"))


def overdue_action_items(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    today = today or timezone.localdate()
    return ActionItem.objects.filter(status__in=ActionItem.OPEN_STATUSES, due_on__lt=today)


def meeting_set_detail(community, pk: int) -> MeetingSet:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        MeetingSet.objects.select_related("proposal__space", "project", "community")
        .prefetch_related(Prefetch(
            "meetings", queryset=Meeting.objects.select_related("space")
            .prefetch_related(Prefetch("invitations", queryset=Invitation.objects
                                       .select_related("organisation")))
            .order_by("starts_at", "id"))),
        community=community, pk=pk)


def proposal_location(proposal) -> dict | None:
    """GeoJSON Feature for a proposal's location: its space's geometry, else its point."""
    if proposal is None:
        return None
    props = {"title": proposal.title, "where": getattr(proposal, "location_text", "") or ""}
    space = getattr(proposal, "space", None)
    if space is not None and getattr(space, "geometry", None):
        props["where"] = props["where"] or space.name
        return {"type": "Feature", "geometry": space.geometry, "properties": props}
    lat, lon = getattr(proposal, "lat", None), getattr(proposal, "lon", None)
    if lat is not None and lon is not None:
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props}
    return None


def org_ids_of(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    from gongzhi.orgs.models import OrgMember

    return set(OrgMember.objects.filter(user=user).values_list("organisation_id", flat=True))
