"""Fixtures for news tests: two buildings with residents, the property company and the
Party branch, and the wider persona cast of the contests tests."""

from __future__ import annotations

import pytest

from gongzhi.contests.tests.conftest import cast, fresh  # noqa: F401 - shared fixture


@pytest.fixture
def orgs(personas, cast):  # noqa: F811
    from gongzhi.orgs.models import OrgKind
    from gongzhi.testing.factories import OrganisationFactory

    return {"property": cast["_org"],
            "party": OrganisationFactory(community=personas.community, kind=OrgKind.PARTY,
                                         name="社区党支部"),
            "rc": OrganisationFactory(community=personas.community,
                                      kind=OrgKind.RESIDENTS_COMMITTEE, name="居委会")}


@pytest.fixture
def estate(personas):
    """Building 3 (the personas' owner lives in 3-502) and building 5 with residents."""
    from gongzhi.accounts.models import Role
    from gongzhi.testing.factories import HouseholdFactory, UnitFactory, UserFactory, make_member

    b3 = personas.household.building
    unit = UnitFactory(building=b3, number="1")
    h3 = HouseholdFactory(building=b3, unit=unit, room="101", community=personas.community)
    h5 = HouseholdFactory(building__community=personas.community, building__number="5",
                          room="201", community=personas.community)
    in3 = make_member(UserFactory(display_name="三号楼张阿姨"), personas.community,
                      household=h3)
    in5 = make_member(UserFactory(display_name="五号楼李师傅"), personas.community,
                      Role.TENANT, household=h5)
    return {"b3": b3, "b5": h5.building, "unit": unit, "in3": in3, "in5": in5}


def post(actor, community, org, *, title="3号楼停水通知", body="12月3日9点到15点停水",
         **kw):
    from gongzhi.news import services

    return services.announcement_create(actor=fresh(actor), community=community,
                                        organisation=org, title=title, body=body, **kw)
