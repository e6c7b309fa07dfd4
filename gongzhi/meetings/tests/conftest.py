"""Fixtures for meetings tests: a published council and hearing in the personas' community."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.meetings.models import Audience, Meeting, MeetingKind
from gongzhi.testing.factories import OrganisationFactory, UserFactory


def fresh(user):
    """Forget cached roles after a change in the same test."""
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_invited", "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


def make_meeting(community, *, kind=MeetingKind.HEARING, status=Meeting.Status.PUBLISHED,
                 capacity=None, audience=None, days=7, **extra) -> Meeting:
    from gongzhi.meetings.models import DEFAULT_AUDIENCE

    return Meeting.objects.create(
        community=community, kind=kind, title=extra.pop("title", f"{kind} meeting"),
        starts_at=timezone.now() + dt.timedelta(days=days), place="社区活动室",
        status=status, capacity=capacity,
        audience=audience or DEFAULT_AUDIENCE[kind], **extra)


@pytest.fixture
def hearing(personas) -> Meeting:
    return make_meeting(personas.community, kind=MeetingKind.HEARING)


@pytest.fixture
def council(personas) -> Meeting:
    return make_meeting(personas.community, kind=MeetingKind.COUNCIL)


@pytest.fixture
def draft(personas) -> Meeting:
    return make_meeting(personas.community, status=Meeting.Status.DRAFT)


@pytest.fixture
def coordination(personas) -> Meeting:
    return make_meeting(personas.community, kind=MeetingKind.COORDINATION,
                        audience=Audience.INVITED)


@pytest.fixture
def property_org(personas):
    from gongzhi.orgs.models import OrgKind, OrgMember

    org = OrganisationFactory(community=personas.community, kind=OrgKind.PROPERTY,
                              name="物业公司")
    rep = UserFactory(display_name="物业经理")
    OrgMember.objects.create(organisation=org, user=rep, is_contact=True)
    from gongzhi.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=rep, community=personas.community, role=Role.ORG_MEMBER)
    org.rep = rep
    return org


@pytest.fixture
def proposal(personas):
    from gongzhi.projects.models import Project, Proposal

    project = Project.objects.create(community=personas.community, title="锅炉房花园")
    return Proposal.objects.create(project=project, community=personas.community,
                                   title="把锅炉房旧址改成社区花园",
                                   description="种菜、读书角、照片墙",
                                   lat=31.2835, lon=121.5035, location_text="锅炉房旧址")
