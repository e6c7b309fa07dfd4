"""Rewards and redemptions: reserve, refund, hand over, stock and balance never negative."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gongzhi.points import selectors, services
from gongzhi.points.models import PointsEntry, Redemption, Reward
from gongzhi.points.tests.conftest import give

pytestmark = pytest.mark.django_db


def test_redeeming_reserves_points_and_an_item(personas, reward):
    give(personas, personas.verified, 120)
    r = services.redemption_request(actor=personas.verified, reward=reward)
    reward.refresh_from_db()
    assert (reward.stock, r.status, r.price) == (2, "requested", 50)
    assert selectors.balance(personas.verified, personas.community) == 70
    entry = PointsEntry.objects.get(kind="redeem")
    assert (entry.amount, entry.source_id) == (-50, r.pk)


def test_not_enough_points_or_stock_is_refused_and_changes_nothing(personas, reward):
    give(personas, personas.verified, 40)
    with pytest.raises(ValidationError):
        services.redemption_request(actor=personas.verified, reward=reward)
    Reward.objects.filter(pk=reward.pk).update(stock=0)
    give(personas, personas.owner, 100)
    with pytest.raises(ValidationError):
        services.redemption_request(actor=personas.owner, reward=reward)
    assert not Redemption.objects.exists()
    assert selectors.balance(personas.owner, personas.community) == 100


def test_stock_cannot_go_negative_in_the_database(reward):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reward.objects.filter(pk=reward.pk).update(stock=-1)


def test_cancel_refunds_once_and_restocks(personas, reward):
    give(personas, personas.verified, 60)
    r = services.redemption_request(actor=personas.verified, reward=reward)
    services.redemption_cancel(actor=personas.verified, redemption=r)
    with pytest.raises(ValidationError):
        services.redemption_cancel(actor=personas.verified, redemption=r)
    reward.refresh_from_db()
    assert reward.stock == 3
    assert selectors.balance(personas.verified, personas.community) == 60
    assert PointsEntry.objects.filter(kind="refund").count() == 1
    with pytest.raises(PermissionDenied):
        services.redemption_cancel(actor=personas.owner, redemption=r)


def test_the_provider_contact_hands_over_and_refuses_with_a_reason(personas, reward,
                                                                  shop_contact):
    give(personas, personas.verified, 200)
    r1 = services.redemption_request(actor=personas.verified, reward=reward)
    r2 = services.redemption_request(actor=personas.verified, reward=reward)
    with pytest.raises(ValidationError):
        services.redemption_hand_over(actor=shop_contact, redemption=r1, code="000000x")
    services.redemption_hand_over(actor=shop_contact, redemption=r1, code=r1.code)
    with pytest.raises(ValidationError):
        services.redemption_reject(actor=shop_contact, redemption=r2, reason="")
    services.redemption_reject(actor=shop_contact, redemption=r2, reason="这批油过期了")
    assert selectors.balance(personas.verified, personas.community) == 150
    with pytest.raises(PermissionDenied):
        services.redemption_hand_over(actor=personas.owner, redemption=r2)
    from gongzhi.notifications.models import Notification

    assert Notification.objects.filter(user=personas.verified,
                                       kind="points.redemption").count() == 2


def test_per_person_limit_and_dates(personas, reward):
    import datetime as dt

    from django.utils import timezone

    services.reward_update(actor=personas.worker, reward=reward, per_person_limit=1)
    give(personas, personas.verified, 200)
    services.redemption_request(actor=personas.verified, reward=reward)
    with pytest.raises(ValidationError):
        services.redemption_request(actor=personas.verified, reward=reward)
    services.reward_update(actor=personas.worker, reward=reward, per_person_limit=None,
                           available_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.redemption_request(actor=personas.verified, reward=reward)


def test_reward_provider_must_be_of_the_community(personas):
    from gongzhi.testing.factories import OrganisationFactory

    other = OrganisationFactory(community=personas.other_community)
    with pytest.raises(ValidationError):
        services.reward_create(actor=personas.worker, community=personas.community,
                               title="x", price=1, provider=other)


def test_leaderboards_name_only_people_who_opted_in(personas):
    from gongzhi.volunteers import services as vs

    corps = vs.corps_create(actor=personas.worker, community=personas.community, name="总队")
    team = vs.team_create(actor=personas.worker, corps=corps, name="绿色环保队",
                          colour="green")
    for u in (personas.verified, personas.owner):
        vs.team_member_add(actor=personas.worker, team=team, user=u)
    from gongzhi.points.tests.conftest import confirmed_signup

    confirmed_signup(personas, personas.verified, hours=1)
    confirmed_signup(personas, personas.owner, hours=2)
    services.sync_community(personas.community)
    services.leaderboard_choose(actor=personas.owner, community=personas.community, show=True)
    [board] = selectors.leaderboard_by_team(personas.community)
    assert board.total == 30
    assert board.named == [("业主居民", 20)]
    assert (board.others, board.others_points) == (1, 10)
    buildings = selectors.leaderboard_by_building(personas.community)
    assert [(b.name, b.named) for b in buildings] == [("3", [("业主居民", 20)])]
