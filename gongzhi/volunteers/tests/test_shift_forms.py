"""Shift creation forms (workers, team leaders) and the minimum age at sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.volunteers import services
from gongzhi.volunteers.models import Opportunity, Shift, ShiftSignup
from gongzhi.volunteers.tests.conftest import fresh, make_shift

pytestmark = pytest.mark.django_db


def _data(**over):
    start = timezone.localtime() + dt.timedelta(days=3)
    data = {"title": "夜间平安巡逻", "tasks": "沿步道巡逻\n检查路灯", "skills": "",
            "min_age": "16", "location_text": "东门岗亭",
            "starts_at": start.strftime("%Y-%m-%dT19:00"),
            "ends_at": start.strftime("%Y-%m-%dT21:00"), "capacity": "4", "weeks": "4"}
    data.update(over)
    return data


def test_a_worker_creates_an_opportunity_with_weekly_shifts(personas, team):
    client = personas.client("worker")
    r = client.post(reverse("volunteers:opportunity_new", args=[personas.community.slug]),
                    _data(team=str(team.pk)))
    assert r.status_code == 302
    opp = Opportunity.objects.get(title="夜间平安巡逻")
    assert opp.min_age == 16 and opp.team == team
    starts = list(Shift.objects.filter(opportunity=opp).values_list("starts_at", flat=True))
    assert len(starts) == 4 and starts[1] - starts[0] == dt.timedelta(weeks=1)


def test_a_team_leader_creates_only_for_their_team(personas, team, leader):
    client = personas.client("worker")
    client.force_login(leader)
    url = reverse("volunteers:opportunity_new", args=[personas.community.slug])
    assert client.get(url).status_code == 200
    r = client.post(url, _data(team=""))
    assert r.status_code == 200 and not Opportunity.objects.exists()  # team required
    assert client.post(url, _data(team=str(team.pk))).status_code == 302
    assert personas.client("verified").get(url).status_code == 403
    assert personas.client("anonymous").get(url).status_code == 302


def test_a_bad_form_keeps_what_was_typed(personas, team):
    r = personas.client("worker").post(
        reverse("volunteers:opportunity_new", args=[personas.community.slug]),
        _data(team=str(team.pk), ends_at="2020-01-01T00:00", tasks="我写的任务"))
    assert r.status_code == 200 and "我写的任务" in r.content.decode()
    assert not Opportunity.objects.exists()


def test_the_leader_adds_shifts_to_an_opportunity(personas, opportunity, leader):
    client = personas.client("worker")
    client.force_login(leader)
    start = timezone.localtime() + dt.timedelta(days=2)
    r = client.post(reverse("volunteers:shift_new", args=[personas.community.slug,
                                                          opportunity.pk]),
                    {"starts_at": start.strftime("%Y-%m-%dT08:00"),
                     "ends_at": start.strftime("%Y-%m-%dT10:00"), "capacity": "3",
                     "weeks": "2"})
    assert r.status_code == 302 and opportunity.shifts.count() == 2
    assert personas.client("verified").post(
        reverse("volunteers:shift_new", args=[personas.community.slug, opportunity.pk]),
        {}).status_code == 403


def test_the_minimum_age_is_confirmed_at_sign_up(personas, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(min_age=16)
    opportunity.refresh_from_db()
    shift = make_shift(personas, opportunity)
    with pytest.raises(ValidationError):
        services.shift_signup(actor=fresh(personas.verified), shift=shift)
    signup = services.shift_signup(actor=personas.verified, shift=shift, age_confirmed=True)
    assert signup.age_confirmed_at is not None
    client = personas.client("owner")
    url = reverse("volunteers:sign_up", args=[personas.community.slug, shift.pk])
    client.post(url)
    assert not ShiftSignup.objects.filter(user=personas.owner).exists()
    client.post(url, {"age_ok": "1"})
    assert ShiftSignup.objects.get(user=personas.owner).status == "registered"


def test_a_shift_may_link_an_activity(personas, team):
    from gongzhi.activities import services as acts
    from gongzhi.activities.tests.conftest import next_weekday_at

    act = acts.activity_create(actor=personas.worker, community=personas.community,
                               title="中秋游园会", first_start=next_weekday_at(18),
                               location_text="广场")
    shifts = services.opportunity_with_shifts_create(
        actor=personas.worker, community=personas.community, title="游园会志愿者",
        team=team, activity=act, location_text="广场",
        starts_at=timezone.now() + dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=1, hours=2), capacity=5)
    page = personas.client("verified").get(
        reverse("volunteers:shift", args=[personas.community.slug, shifts[0].pk]))
    assert "中秋游园会" in page.content.decode()


def test_a_resident_sees_how_far_shifts_are_from_home(personas, opportunity):
    from gongzhi.places.models import Building
    from gongzhi.volunteers.models import Opportunity as Opp

    Building.objects.filter(pk=personas.household.building_id).update(lat=31.2850, lon=121.5040)
    Opp.objects.filter(pk=opportunity.pk).update(lat=31.2859, lon=121.5040)  # ~100 m north
    make_shift(personas, opportunity)
    client = personas.client("owner")  # the owner's membership has the household
    page = client.get(reverse("volunteers:home", args=[personas.community.slug])
                      + "?sort=near").content.decode()
    assert "约100米" in page or "100 m" in page
    assert "?layer=volunteer_shifts" in page
    assert "约100米" not in personas.client("verified").get(
        reverse("volunteers:home", args=[personas.community.slug])).content.decode()


def test_the_forms_cost_few_queries(personas, opportunity, django_assert_max_num_queries):
    client = personas.client("worker")
    slug = personas.community.slug
    for url in (reverse("volunteers:opportunity_new", args=[slug]),
                reverse("volunteers:shift_new", args=[slug, opportunity.pk])):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
