"""Where points come from: each earning rule reads *confirmed* activity of another app.

A `Source` knows, for one rule, which rows of which model count (confirmed volunteer
hours, meeting attendance, care logs, accepted proposals), who earns, on which day the
activity happened and how many units it is worth. Points reads these apps; they never
import points (see docs/points.md, "How points are earned").

``pending(community)`` yields only the rows that have not earned yet (an anti-join on the
ledger), so `services.sync_community` stays cheap when run every few minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone

from gongzhi.points.models import EarnRule, PointsEntry


@dataclass(frozen=True)
class Earning:
    """One confirmed thing that earns: who, when, how many units, and a label."""

    source: Model
    user_id: int
    occurred_on: dt.date
    units: Decimal
    label: str


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


@dataclass(frozen=True)
class Source:
    rule: str
    model: str                                   # "app_label.ModelName"
    queryset: Callable[[object], QuerySet]       # confirmed rows of a community
    earning: Callable[[Model], Earning | None]

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def pending(self, community) -> Iterator[Earning]:
        ct = ContentType.objects.get_for_model(self.model_class())
        done = PointsEntry.objects.filter(kind=PointsEntry.Kind.EARN, rule=self.rule,
                                          source_type=ct).values("source_id")
        for row in self.queryset(community).exclude(pk__in=done).iterator(chunk_size=500):
            earning = self.earning(row)
            if earning is not None:
                yield earning


# --- the four sources that exist today ------------------------------------------------------

def _shift_hours(community) -> QuerySet:
    from gongzhi.volunteers.models import ShiftSignup

    return (ShiftSignup.objects.filter(shift__community=community, confirmed_at__isnull=False,
                                       hours__gt=0)
            .select_related("shift__opportunity"))


def _shift_earning(s) -> Earning:
    return Earning(source=s, user_id=s.user_id, occurred_on=_day(s.shift.starts_at),
                   units=Decimal(s.hours), label=s.shift.opportunity.title[:200])


def _attendance(community) -> QuerySet:
    from gongzhi.meetings.models import Attendance, Meeting

    return (Attendance.objects.filter(meeting__community=community, user__isnull=False)
            .exclude(meeting__status=Meeting.Status.CANCELLED).select_related("meeting"))


def _attendance_earning(a) -> Earning:
    return Earning(source=a, user_id=a.user_id, occurred_on=_day(a.meeting.starts_at),
                   units=Decimal(1), label=a.meeting.title[:200])


def _care_logs(community) -> QuerySet:
    from gongzhi.accounts.models import STAFF_ROLES, RoleAssignment
    from gongzhi.spaces.models import CareLog

    # care a worker records of their own work is their job, not volunteering
    staff = RoleAssignment.objects.filter(community=community,
                                          role__in=STAFF_ROLES).values("user_id")
    return (CareLog.objects.filter(duty__community=community, done_by__isnull=False)
            .exclude(done_by__in=staff).select_related("duty", "space"))


def _care_earning(c) -> Earning:
    return Earning(source=c, user_id=c.done_by_id, occurred_on=c.done_on, units=Decimal(1),
                   label=f"{c.space.name} · {c.duty.task}"[:200])


def _accepted_proposals(community) -> QuerySet:
    from gongzhi.projects.models import Proposal

    return Proposal.objects.filter(community=community, answer=Proposal.Answer.ACCEPTED,
                                   author__isnull=False,
                                   visibility=Proposal.Visibility.VISIBLE)


def _proposal_earning(p) -> Earning:
    return Earning(source=p, user_id=p.author_id,
                   occurred_on=_day(p.answered_at or p.updated_at), units=Decimal(1),
                   label=p.title[:200])


SOURCES: list[Source] = [
    Source(EarnRule.VOLUNTEER_HOUR, "volunteers.ShiftSignup", _shift_hours, _shift_earning),
    Source(EarnRule.MEETING, "meetings.Attendance", _attendance, _attendance_earning),
    Source(EarnRule.CARE_LOG, "spaces.CareLog", _care_logs, _care_earning),
    Source(EarnRule.PROPOSAL, "projects.Proposal", _accepted_proposals, _proposal_earning),
]


def source_for(rule: str) -> Source | None:
    return next((s for s in SOURCES if s.rule == rule), None)


def earning_of(obj: Model) -> tuple[Source, Earning] | None:
    """The source and earning for one object, if it is confirmed activity today."""
    label = obj._meta.label
    for source in SOURCES:
        if source.model == label:
            row = source.queryset(_community_of(obj)).filter(pk=obj.pk).first()
            if row is None:
                return None
            earning = source.earning(row)
            return (source, earning) if earning is not None else None
    return None


def _community_of(obj):
    for path in ("community", "shift.community", "meeting.community", "duty.community"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return value
    raise ValueError(f"no community for {obj!r}")
