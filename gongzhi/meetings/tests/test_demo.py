from __future__ import annotations

import pytest

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.meetings.demo import meetings as meetings_step
from gongzhi.meetings.models import ActionItem, Meeting, MeetingDecision

pytestmark = pytest.mark.django_db


def test_small_demo_creates_the_council_the_hall_meeting_and_a_dossier():
    ctx = DemoContext(small=True)
    for order, _name, step in demo_steps():
        if order < 70:
            step(ctx)
    meetings_step(ctx)
    s, b = ctx.communities["s"], ctx.communities["b"]
    council = Meeting.objects.get(community=s, kind="council")
    assert council.status == "held" and council.minutes_published_at is not None
    assert council.attendances.count() >= 10
    hall = Meeting.objects.get(community=b, kind="coordination", meeting_set__isnull=True)
    assert hall.invitations.count() >= 5
    overdue = [a for a in ActionItem.objects.filter(meeting=hall) if a.is_overdue]
    assert len(overdue) == 1
    from gongzhi.projects.models import Result

    # every decision is tracked, and one thing has one result: decisions on an accepted
    # proposal join its result instead of adding a second one
    assert not MeetingDecision.objects.filter(result__isnull=True).exists()
    from django.db.models import Count

    assert not (Result.objects.filter(proposal__isnull=False).values("proposal")
                .annotate(n=Count("id")).filter(n__gt=1).exists())
    assert not Result.objects.filter(proposal__answer__in=["rejected", "merged"]).exists()
    from gongzhi.projects.models import Proposal

    if Proposal.objects.filter(community=b).exists():
        dossier = ctx.data["meetings"]["dossier"]
        assert sorted(dossier.meetings.values_list("kind", flat=True)) == [
            "coordination", "evaluation", "hearing"]
