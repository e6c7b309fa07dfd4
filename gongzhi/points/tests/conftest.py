from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.points import services


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_project_team",
                    "_gz_project_orgs",
                    "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


@pytest.fixture
def shop(personas):
    from gongzhi.testing.factories import OrganisationFactory

    return OrganisationFactory(community=personas.community, kind="business", name="好邻居超市")


@pytest.fixture
def shop_contact(personas, shop):
    from gongzhi.orgs.models import OrgMember
    from gongzhi.testing.factories import UserFactory, make_member

    u = make_member(UserFactory(display_name="店长"), personas.community)
    OrgMember.objects.create(organisation=shop, user=u, is_contact=True)
    return u


@pytest.fixture
def reward(personas, shop):
    return services.reward_create(actor=personas.worker, community=personas.community,
                                  title="食用油一桶", price=50, stock=3, provider=shop,
                                  pickup="好邻居超市收银台")


def give(personas, user, amount, reason="测试"):
    return services.adjustment_create(actor=personas.worker, community=personas.community,
                                      user=user, amount=amount, reason=reason)


def confirmed_signup(personas, user, *, hours=2, days_ago=1, leader=None):
    """A past shift with ``user``'s hours confirmed (written as the volunteers demo does)."""
    from gongzhi.volunteers import services as vs
    from gongzhi.volunteers.models import Shift, ShiftSignup

    opp = vs.opportunity_create(actor=personas.worker, community=personas.community,
                                title=f"值守{days_ago}")
    starts = timezone.now() - dt.timedelta(days=days_ago, hours=3)
    shift = Shift.objects.create(opportunity=opp, community=personas.community,
                                 starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
                                 capacity=5, seats_taken=1)
    return ShiftSignup.objects.create(
        shift=shift, user=user, status="registered", checked_in_at=starts,
        checked_out_at=shift.ends_at, hours=Decimal(hours),
        confirmed_at=shift.ends_at, confirmed_by=personas.worker)
