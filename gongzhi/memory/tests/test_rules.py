"""The permission matrix: each persona × each memory verb × each licence, allowed and refused.

Personas: anonymous, outsider (signed in, not a member), resident (pending), verified,
owner, volunteer, worker, admin, other_admin (another community's worker/admin) and the
subdistrict admin.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.memory import services
from gongzhi.memory.tests.conftest import fresh, make_item
from gongzhi.testing.fixtures import Personas

ALL = set(Personas.NAMES) | {"volunteer"}
STAFF = {"worker", "admin", "subdistrict_admin"}
MEMBERS = {"resident", "verified", "owner", "volunteer"}


def who_may(personas, volunteer, perm, obj) -> set[str]:
    found = set()
    for name in (*Personas.NAMES, "volunteer"):
        user = volunteer if name == "volunteer" else personas.user(name)
        user = fresh(user) or AnonymousUser()
        if user.has_perm(perm, obj):
            found.add(name)
    return found


@pytest.mark.parametrize("licence, seen_by", [
    ("cc_by", ALL),
    ("community", MEMBERS | STAFF),
    ("all_rights", STAFF | {"verified"}),  # verified is the contributor
])
def test_a_published_item_is_seen_by_its_licence_audience(personas, volunteer, licence,
                                                          seen_by):
    item = make_item(personas, licence=licence)
    assert who_may(personas, volunteer, "memory.view", item) == seen_by


@pytest.mark.parametrize("status", ["pending", "rejected", "taken_down"])
def test_unpublished_items_are_seen_by_contributor_and_workers_only(personas, volunteer,
                                                                     status):
    item = make_item(personas, licence="cc_by", approve=False)
    if status == "rejected":
        services.item_moderate(actor=personas.worker, item=item, approve=False,
                               reason="重复投稿")
    elif status == "taken_down":
        services.item_take_down(actor=personas.worker, item=item, reason="涉及隐私")
    item.refresh_from_db()
    assert who_may(personas, volunteer, "memory.view", item) == STAFF | {"verified"}


def test_who_contributes_records_moderates_and_curates(personas, volunteer):
    c = personas.community
    assert who_may(personas, volunteer, "memory.contribute", c) == MEMBERS | STAFF
    assert who_may(personas, volunteer, "memory.record_on_behalf", c) == STAFF | {
        "volunteer"}
    assert who_may(personas, volunteer, "memory.moderate", c) == STAFF
    assert who_may(personas, volunteer, "memory.manage_collections", c) == STAFF
    assert who_may(personas, volunteer, "memory.view_archive", c) == ALL


def test_takedown_and_tagging(personas, volunteer):
    item = make_item(personas, licence="community")
    # anyone signed in who can see it may ask; staff take down directly
    assert who_may(personas, volunteer, "memory.request_takedown", item) == MEMBERS | STAFF
    assert who_may(personas, volunteer, "memory.take_down", item) == STAFF
    assert who_may(personas, volunteer, "memory.tag", item) == STAFF | {"verified"}
    tag = services.tag_add(actor=personas.verified, item=item, person=personas.owner)
    assert who_may(personas, volunteer, "memory.respond_tag", tag) == {"owner"}
    assert who_may(personas, volunteer, "memory.untag", tag) == STAFF | {"verified", "owner"}


def test_a_pending_tag_lets_the_tagged_person_see_an_all_rights_item(personas, volunteer):
    item = make_item(personas, licence="all_rights")
    assert "owner" not in who_may(personas, volunteer, "memory.view", item)
    tag = services.tag_add(actor=personas.verified, item=item, person=personas.owner)
    assert "owner" in who_may(personas, volunteer, "memory.view", item)
    services.tag_respond(actor=personas.owner, tag=tag, accept=False)
    assert "owner" not in who_may(personas, volunteer, "memory.view", item)


def test_the_other_communitys_worker_is_refused_everything(personas, volunteer):
    item = make_item(personas, licence="community", approve=False)
    u = fresh(personas.other_admin)
    for perm in ("memory.view", "memory.moderate", "memory.take_down", "memory.tag"):
        assert not u.has_perm(perm, item), perm
    assert not u.has_perm("memory.record_on_behalf", personas.community)
    assert not u.has_perm("memory.contribute", personas.community)
