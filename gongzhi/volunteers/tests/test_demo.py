from __future__ import annotations

import pytest

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.volunteers.models import Corps, ShiftSignup

pytestmark = pytest.mark.django_db


def test_small_demo_creates_the_corps_five_teams_and_confirmed_hours():
    ctx = DemoContext(small=True)
    for _order, _name, step in demo_steps():
        step(ctx)
    b = ctx.communities["b"]
    corps = Corps.objects.get(community=b)
    assert [t.colour for t in corps.teams.all()] == ["red", "orange", "green", "blue",
                                                     "purple"]
    confirmed = ShiftSignup.objects.filter(shift__community=b, confirmed_at__isnull=False)
    assert confirmed.count() >= 20
    assert ShiftSignup.objects.filter(shift__community=b, confirmed_at__isnull=True,
                                      status="registered").exists()  # upcoming sign-ups
