"""Fixtures for the volunteer corps tests: a corps with a team and an upcoming shift."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.volunteers import services


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_project_team",
                    "_gz_project_orgs",
                    "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


@pytest.fixture
def leader(personas):
    from gongzhi.testing.factories import UserFactory, make_member

    return make_member(UserFactory(display_name="队长"), personas.community)


@pytest.fixture
def team(personas, leader):
    corps = services.corps_create(actor=personas.worker, community=personas.community,
                                  name="焦佼者志愿服务总队")
    return services.team_create(actor=personas.worker, corps=corps, name="绿色环保队",
                                colour="green", theme="垃圾分类", leader=leader)


@pytest.fixture
def opportunity(personas, team):
    return services.opportunity_create(actor=personas.worker, community=personas.community,
                                       title="垃圾分类桶前值守", team=team,
                                       tasks="引导分类\n整理桶站", location_text="东门桶站")


def make_shift(personas, opportunity, *, capacity=2, days=2, hours=2):
    starts = timezone.now() + dt.timedelta(days=days)
    return services.shift_create(actor=personas.worker, opportunity=opportunity,
                                 starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
                                 capacity=capacity)


@pytest.fixture
def shift(personas, opportunity):
    return make_shift(personas, opportunity)
