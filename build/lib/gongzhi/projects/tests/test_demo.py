from __future__ import annotations

import pytest

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.projects import phases
from gongzhi.projects.demo import projects as projects_step
from gongzhi.projects.models import Donation, Project, Proposal, Result, Support

pytestmark = pytest.mark.django_db


def test_small_demo_builds_the_garden_and_the_deliberation_hall_projects():
    ctx = DemoContext(small=True)
    for order, _name, step in demo_steps():
        if order < 60:
            step(ctx)
    projects_step(ctx)
    s, b = ctx.communities["s"], ctx.communities["b"]
    garden = Project.objects.get(community=s)
    assert phases.current_phase(garden).key == "co_construction"
    assert garden.spaces.filter(name__contains="锅炉房").exists()
    assert garden.proposals.count() == 10 and garden.tasks.count() == 5
    assert set(garden.donations.values_list("condition", flat=True)) == {
        Donation.Condition.PLEDGED, Donation.Condition.RECEIVED, Donation.Condition.USED}
    assert garden.proposals.filter(answer=Proposal.Answer.MERGED).count() == 1
    in_progress = Result.objects.filter(project=garden, status="in_progress")
    assert in_progress.exists()
    # nobody counted twice anywhere
    for p in Proposal.objects.all():
        assert p.support_count == Support.objects.filter(proposal=p).count()
    hall = Project.objects.get(community=b)
    done = Result.objects.filter(project=hall)
    assert sorted(done.values_list("progress", flat=True)) == [100, 100]
    assert all(r.milestones.count() == 3 for r in done)
