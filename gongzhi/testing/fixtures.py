"""Personas shared by every app's tests (the healthchecks pattern).

``community`` is where the action happens; ``other_community`` is a neighbour under a
different subdistrict, whose admin must be refused everywhere in ``community``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from gongzhi.accounts.models import AreaRole, Membership, Role, User
from gongzhi.places.models import Community, Household
from gongzhi.testing.factories import (
    CommunityFactory,
    HouseholdFactory,
    RegionFactory,
    UserFactory,
    make_member,
    make_staff,
)


@dataclass
class Personas:
    community: Community
    other_community: Community
    household: Household
    anonymous: None
    outsider: User           # signed in, no link to the community
    resident: User           # pending verification
    verified: User           # verified resident (tenant)
    owner: User              # verified resident and owner
    worker: User             # community worker
    admin: User              # community admin
    other_admin: User        # admin of another community
    subdistrict_admin: User  # admin of the community's subdistrict

    NAMES = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
             "other_admin", "subdistrict_admin")

    def user(self, name: str) -> User | None:
        return getattr(self, name)

    def client(self, name: str) -> Client:
        client = Client()
        user = self.user(name)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def personas(db) -> Personas:
    subdistrict = RegionFactory.create(name="四平路街道")
    community = CommunityFactory.create(name="测试社区", slug="test-community",
                                        subdistrict=subdistrict)
    other = CommunityFactory.create(name="隔壁社区", slug="other-community")
    household = HouseholdFactory.create(building__community=community, building__number="3",
                                 room="502")
    outsider = UserFactory.create(display_name="路人")
    resident = make_member(UserFactory.create(display_name="待审核居民"), community,
                           status=Membership.Status.PENDING)
    verified = make_member(UserFactory.create(display_name="租户居民"), community, Role.TENANT)
    owner = make_member(UserFactory.create(display_name="业主居民"), community, Role.OWNER,
                        household=household)
    worker = make_staff(UserFactory.create(display_name="社工"), community, Role.WORKER)
    admin = make_staff(UserFactory.create(display_name="管理员"), community, Role.ADMIN,
                       Role.WORKER)
    other_admin = make_staff(UserFactory.create(display_name="隔壁管理员"), other, Role.ADMIN,
                             Role.WORKER)
    sub_admin = UserFactory.create(display_name="街道管理员")
    AreaRole.objects.create(user=sub_admin, region=subdistrict,
                            role=AreaRole.Kind.SUBDISTRICT_ADMIN)
    return Personas(community=community, other_community=other, household=household,
                    anonymous=None, outsider=outsider, resident=resident, verified=verified,
                    owner=owner, worker=worker, admin=admin, other_admin=other_admin,
                    subdistrict_admin=sub_admin)


@pytest.fixture
def sms_outbox(settings):
    from gongzhi.notifications.sms import LocmemSmsBackend

    settings.SMS_BACKEND = "gongzhi.notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (zh-hans), whatever ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
