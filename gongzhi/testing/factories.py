"""factory-boy factories for the foundation models. Apps add theirs in their tests."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from gongzhi.accounts.models import Membership, Role, RoleAssignment, User
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.places.models import Building, Community, Household, Region, Tenure, Unit

PASSWORD = "correct horse 42"
_HASHED = make_password(PASSWORD)


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region

    kind = Region.Kind.SUBDISTRICT
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"社区{n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    subdistrict = factory.SubFactory(RegionFactory)
    center_lon = 121.5035
    center_lat = 31.2835
    boundary = factory.LazyAttribute(lambda o: {
        "type": "Polygon",
        "coordinates": [[[o.center_lon - 0.01, o.center_lat - 0.01],
                         [o.center_lon + 0.01, o.center_lat - 0.01],
                         [o.center_lon + 0.01, o.center_lat + 0.01],
                         [o.center_lon - 0.01, o.center_lat + 0.01],
                         [o.center_lon - 0.01, o.center_lat - 0.01]]],
    })


class BuildingFactory(factory.django.DjangoModelFactory[Building]):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    # Numbers and rooms with leading zeros: tests write real-looking ones ("3", "502") next
    # to factory-made ones, and a counter that reached 502 once made a duplicate room.
    number = factory.Sequence(lambda n: f"{n + 1:04d}")
    lat = 31.2835
    lon = 121.5035


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    number = "1"


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    community = factory.SelfAttribute("building.community")
    room = factory.Sequence(lambda n: f"{n + 1:05d}")
    tenure = Tenure.OWNER
    floor_area_m2 = 70


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    display_name = factory.Sequence(lambda n: f"居民{n}")
    password = _HASHED


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    community = factory.SubFactory(CommunityFactory)
    kind = OrgKind.PROPERTY
    name = factory.Sequence(lambda n: f"物业公司{n}")


def make_member(user: User, community: Community, *roles: str,
                status: str = Membership.Status.VERIFIED,
                household: Household | None = None) -> User:
    """Give ``user`` a membership with ``status`` and the listed extra roles."""
    Membership.objects.update_or_create(user=user, community=community,
                                        defaults={"status": status, "household": household})
    wanted = set(roles)
    if status == Membership.Status.VERIFIED:
        wanted.add(Role.VERIFIED_RESIDENT)
    for role in wanted:
        RoleAssignment.objects.get_or_create(user=user, community=community, role=role)
    user.__dict__.pop("_gz_roles", None)
    user.__dict__.pop("_gz_access", None)
    return user


def make_staff(user: User, community: Community, *roles: str) -> User:
    for role in roles:
        RoleAssignment.objects.get_or_create(user=user, community=community, role=role)
    user.__dict__.pop("_gz_roles", None)
    user.__dict__.pop("_gz_access", None)
    return user
