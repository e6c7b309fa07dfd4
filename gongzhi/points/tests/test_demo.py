from __future__ import annotations

import pytest

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.points import selectors
from gongzhi.points.models import PointsEntry, Redemption, Reward
from gongzhi.talent.models import TalentInvitation, TalentProfile

pytestmark = pytest.mark.django_db


def test_small_demo_has_points_rewards_redemptions_and_the_talent_pool():
    ctx = DemoContext(small=True)
    for _order, _name, step in demo_steps():
        step(ctx)
    b, s = ctx.communities["b"], ctx.communities["s"]
    assert PointsEntry.objects.filter(community=b, kind="earn", rule="volunteer_hour").count() > 20
    assert Reward.objects.filter(community=b, provider__kind="business").count() >= 3
    assert Redemption.objects.filter(community=b, status="handed_over").exists()
    assert Redemption.objects.filter(community=b, status="requested").exists()
    assert selectors.mismatched_accounts(b) == []
    assert TalentProfile.objects.filter(community=s, searchable=True).count() >= 25
    assert TalentInvitation.objects.filter(community=s, status="accepted",
                                           task__project__title__contains="花园").exists()
