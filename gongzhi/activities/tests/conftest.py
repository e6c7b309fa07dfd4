"""Fixtures: S community's 放学后1小时 (weekdays 16:30) in the personas' community."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.activities import services


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_project_team",
                    "_gz_project_orgs",
                    "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


def next_weekday_at(hour: int, minute: int = 0, days_ahead: int = 1) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def after_school(personas):
    return services.activity_create(
        actor=personas.worker, community=personas.community, title="放学后1小时",
        first_start=next_weekday_at(16, 30), duration_minutes=60,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", location_text="社区活动室",
        category="children", capacity=3, allow_children=True, min_age=6)


@pytest.fixture
def first_date(after_school):
    return after_school.occurrences.order_by("starts_at").first()
