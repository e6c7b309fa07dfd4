"""The permission matrix: each persona × each volunteer verb, allowed and refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.projects.tests.helpers import freeze_phase
from gongzhi.testing.fixtures import Personas
from gongzhi.volunteers import services
from gongzhi.volunteers.tests.conftest import fresh, make_shift

ALL = set(Personas.NAMES)
STAFF = {"worker", "admin", "subdistrict_admin"}
MEMBERS = {"resident", "verified", "owner"}


def allowed(personas, perm, obj, extra=()) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    who = set()
    for name in Personas.NAMES:
        user = fresh(personas.user(name)) or AnonymousUser()
        if user.has_perm(perm, obj):
            who.add(name)
    for name, user in extra:
        if fresh(user).has_perm(perm, obj):
            who.add(name)
    return who


def test_staff_manage_and_lead_the_leader_leads_only(personas, team, shift, leader):
    assert allowed(personas, "volunteers.manage", personas.community) == STAFF
    assert allowed(personas, "volunteers.lead", shift, [("leader", leader)]) == STAFF | {
        "leader"}
    assert allowed(personas, "volunteers.lead", team, [("leader", leader)]) == STAFF | {
        "leader"}


def test_members_sign_up_for_open_future_shifts(personas, shift):
    # pending residents too: helping out needs no verification; staff are not members
    assert allowed(personas, "volunteers.sign_up", shift) == MEMBERS
    assert allowed(personas, "volunteers.view", shift) == ALL


def test_no_sign_up_for_past_cancelled_or_closed_shifts(personas, opportunity, shift):
    past = make_shift(personas, opportunity, days=-2)
    assert allowed(personas, "volunteers.sign_up", past) == set()
    services.shift_cancel(actor=personas.worker, shift=shift)
    shift.refresh_from_db()
    assert allowed(personas, "volunteers.sign_up", shift) == set()
    later = make_shift(personas, opportunity, days=5)
    opportunity.is_active = False
    opportunity.save()
    later.refresh_from_db()
    assert allowed(personas, "volunteers.sign_up", later) == set()


def test_other_community_staff_cannot_manage(personas, shift):
    assert not fresh(personas.other_admin).has_perm("volunteers.manage", personas.community)
    assert not fresh(personas.other_admin).has_perm("volunteers.lead", shift)


@pytest.fixture
def garden(personas):
    from gongzhi.projects import services as psvc
    from gongzhi.projects.models import ProjectTemplate

    return psvc.project_create(actor=personas.worker, community=personas.community,
                               template=ProjectTemplate.objects.get(key="garden"),
                               title="花园", starts_on=timezone.localdate()
                               - dt.timedelta(days=200))


def test_a_project_shift_follows_the_phase(personas, garden, team):
    from gongzhi.projects import services as psvc

    phase = garden.phases.get(key="co_construction")
    psvc.phase_update(actor=personas.worker, phase=phase, name=phase.name,
                      starts_on=phase.starts_on, ends_on=phase.ends_on,
                      actions={**phase.actions, "volunteers.signup": ["verified"]})
    opp = services.opportunity_create(actor=personas.worker, community=personas.community,
                                      title="花园浇水", team=team, project=garden)
    shift = make_shift(personas, opp)
    with freeze_phase(phase):
        assert allowed(personas, "volunteers.sign_up", shift) == {"verified", "owner"}
    with freeze_phase(garden.phases.get(key="evaluation")):
        assert allowed(personas, "volunteers.sign_up", shift) == set()
