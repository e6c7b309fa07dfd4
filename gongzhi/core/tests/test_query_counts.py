"""Foundation pages cost a fixed number of queries, however many rows they list."""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import Membership
from gongzhi.testing.factories import OrganisationFactory, UserFactory, make_member


def _grow(personas, n: int) -> None:
    for _ in range(n):
        make_member(UserFactory(), personas.community, status=Membership.Status.PENDING)
        OrganisationFactory(community=personas.community)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/c/test-community/",
        "/c/test-community/verification/",
        "/c/test-community/people/",
        "/c/test-community/orgs/",
        "/c/test-community/audit/",
        "/inbox/",
    ],
)
def test_page_queries_do_not_grow_with_rows(personas, django_assert_max_num_queries, path):
    client = personas.client("admin")
    _grow(personas, 3)
    # the community home gathers one block from each participation app (news, activities,
    # ballots, meetings, contests, results, points, memory, the feed…), each a constant
    # number of queries; what must hold is that none grows with the rows
    cap = 40 if path == "/c/test-community/" else 25
    with django_assert_max_num_queries(cap) as small:
        assert client.get(path).status_code == 200
    _grow(personas, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_staff_can_open_the_admin_audit_log(admin_client):
    assert admin_client.get("/admin/core/auditentry/").status_code == 200
    assert admin_client.get("/admin/places/household/").status_code == 200
    assert admin_client.get("/admin/accounts/user/").status_code == 200


@pytest.mark.django_db
def test_me_endpoint_reads_roles_in_bulk(personas, django_assert_max_num_queries):
    from gongzhi.accounts.access import community_roles, forget_roles
    from gongzhi.testing.factories import CommunityFactory

    user = personas.subdistrict_admin
    for _ in range(6):
        CommunityFactory(subdistrict=personas.community.subdistrict)
    make_member(user, personas.community)
    client = personas.client("subdistrict_admin")
    with django_assert_max_num_queries(12):
        data = client.get("/api/v1/me").json()
    assert len(data["memberships"]) == 7
    forget_roles(user)
    for row in data["memberships"]:
        from gongzhi.places.models import Community

        expected = community_roles(user, Community.objects.get(slug=row["community"]))
        assert set(row["roles"]) == set(expected)
