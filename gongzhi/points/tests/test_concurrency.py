"""Redemptions under concurrency (PostgreSQL; SQLite serialises writers)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongzhi.points import selectors, services
from gongzhi.points.models import PointsAccount, PointsEntry, Redemption, Reward
from gongzhi.projects.tests.test_concurrency import run_together
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_member, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _setup(n_people: int, stock: int, points_each: int):
    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    reward = services.reward_create(actor=worker, community=community, title="电影票",
                                    price=100, stock=stock)
    people = [make_member(UserFactory(), community) for _ in range(n_people)]
    for u in people:
        services.adjustment_create(actor=worker, community=community, user=u,
                                   amount=points_each, reason="开始")
    return community, reward, people


def test_fifty_residents_redeem_the_last_ten_items_at_once():
    community, reward, people = _setup(50, 10, 150)
    outcomes = run_together([lambda u=u: services.redemption_request(actor=u, reward=reward)
                             for u in people])
    won = [o for o in outcomes if isinstance(o, Redemption)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 10 and len(lost) == 40
    assert all(isinstance(e, ValidationError) for e in lost)
    assert Reward.objects.get(pk=reward.pk).stock == 0
    assert Redemption.objects.filter(reward=reward).count() == 10
    assert not PointsAccount.objects.filter(balance__lt=0).exists()
    assert not PointsEntry.objects.filter(balance_after__lt=0).exists()
    assert PointsAccount.objects.filter(community=community, balance=50).count() == 10
    assert selectors.mismatched_accounts(community) == []


def test_one_person_redeeming_twice_at_once_cannot_overdraw():
    community, reward, [person] = _setup(1, 5, 150)
    outcomes = run_together([lambda: services.redemption_request(actor=person, reward=reward)
                             for _ in range(2)])
    assert sum(isinstance(o, Redemption) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert PointsAccount.objects.get(user=person).balance == 50
    assert Reward.objects.get(pk=reward.pk).stock == 4
    assert selectors.mismatched_accounts(community) == []


def test_concurrent_syncs_award_each_hour_once():
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from gongzhi.volunteers import services as vs
    from gongzhi.volunteers.models import Shift, ShiftSignup

    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    opp = vs.opportunity_create(actor=worker, community=community, title="巡逻")
    starts = timezone.now() - dt.timedelta(days=1)
    for _ in range(10):
        u = make_member(UserFactory(), community)
        shift = Shift.objects.create(opportunity=opp, community=community, starts_at=starts,
                                     ends_at=starts + dt.timedelta(hours=1), capacity=2)
        ShiftSignup.objects.create(shift=shift, user=u, status="registered",
                                   checked_in_at=starts, hours=Decimal(1),
                                   confirmed_at=timezone.now())
    outcomes = run_together([lambda: services.sync_community(community) for _ in range(4)])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert PointsEntry.objects.filter(community=community, kind="earn").count() == 10
