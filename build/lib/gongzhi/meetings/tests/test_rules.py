"""The permission matrix: each action × each persona, allowed and refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.meetings.tests.conftest import fresh
from gongzhi.testing.fixtures import Personas

ALL = set(Personas.NAMES)
STAFF = {"worker", "admin", "subdistrict_admin"}
MEMBERS = {"resident", "verified", "owner"}
VERIFIED = {"verified", "owner"}


def allowed(personas, perm, obj) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    who = set()
    for name in Personas.NAMES:
        user = fresh(personas.user(name)) or AnonymousUser()
        if user.has_perm(perm, obj):
            who.add(name)
    return who


def test_staff_create_and_manage_meetings(personas, hearing):
    assert allowed(personas, "meetings.manage_meetings", personas.community) == STAFF
    assert allowed(personas, "meetings.manage_meeting", hearing) == STAFF


def test_drafts_are_for_staff_and_announced_meetings_for_everyone(personas, draft, hearing):
    assert allowed(personas, "meetings.view_meeting", draft) == STAFF
    assert allowed(personas, "meetings.view_meeting", hearing) == ALL


def test_minutes_are_public_only_once_published(personas, hearing):
    hearing.minutes = "纪要"
    hearing.save()
    assert allowed(personas, "meetings.view_minutes", hearing) == STAFF
    hearing.minutes_published_at = timezone.now()
    hearing.save()
    assert allowed(personas, "meetings.view_minutes", hearing) == ALL


def test_councils_accept_only_verified_residents(personas, council):
    assert allowed(personas, "meetings.register", council) == VERIFIED


def test_hearings_accept_every_member_including_pending(personas, hearing):
    assert allowed(personas, "meetings.register", hearing) == MEMBERS


def test_coordination_meetings_accept_only_invited_organisations(personas, coordination,
                                                                 property_org):
    assert allowed(personas, "meetings.register", coordination) == set()
    from gongzhi.meetings.models import Invitation

    Invitation.objects.create(meeting=coordination, organisation=property_org)
    assert fresh(property_org.rep).has_perm("meetings.register", coordination)
    assert not fresh(personas.verified).has_perm("meetings.register", coordination)


def test_nobody_registers_for_a_draft_or_a_past_or_closed_meeting(personas, draft, hearing):
    assert allowed(personas, "meetings.register", draft) == set()
    hearing.registration_open = False
    hearing.save()
    assert allowed(personas, "meetings.register", hearing) == set()
    hearing.registration_open = True
    hearing.starts_at = timezone.now() - timezone.timedelta(days=1)
    hearing.save()
    assert allowed(personas, "meetings.register", hearing) == set()


def test_check_in_needs_a_right_to_attend(personas, council, draft):
    assert allowed(personas, "meetings.check_in", council) == VERIFIED
    assert allowed(personas, "meetings.check_in", draft) == set()


def test_action_items_are_updated_by_staff_and_the_responsible_organisation(
        personas, hearing, property_org):
    from gongzhi.meetings.models import ActionItem

    item = ActionItem.objects.create(meeting=hearing, community=personas.community,
                                     title="修路灯", responsible_org=property_org)
    assert allowed(personas, "meetings.update_action_item", item) == STAFF
    assert fresh(property_org.rep).has_perm("meetings.update_action_item", item)


@pytest.mark.parametrize("name,status", [
    ("anonymous", 302), ("outsider", 403), ("resident", 403), ("verified", 403),
    ("owner", 403), ("other_admin", 403), ("worker", 200), ("admin", 200),
    ("subdistrict_admin", 200),
])
def test_create_and_manage_pages(personas, hearing, name, status):
    client = personas.client(name)
    slug = personas.community.slug
    assert client.get(f"/c/{slug}/meetings/new/").status_code == status
    assert client.get(f"/c/{slug}/meetings/{hearing.pk}/manage/").status_code == status


@pytest.mark.parametrize("name", sorted(Personas.NAMES))
def test_meeting_pages_public_and_drafts_hidden(personas, hearing, draft, name):
    draft.title = "草稿会议"
    draft.save()
    client = personas.client(name)
    slug = personas.community.slug
    assert client.get(f"/c/{slug}/meetings/").status_code == 200
    assert client.get(f"/c/{slug}/meetings/{hearing.pk}/").status_code == 200
    expected = 200 if name in STAFF else 404
    assert client.get(f"/c/{slug}/meetings/{draft.pk}/").status_code == expected
    listing = client.get(f"/c/{slug}/meetings/").content.decode()
    assert ("草稿会议" in listing) == (name in STAFF)


@pytest.mark.parametrize("name,ok", [
    ("outsider", False), ("resident", False), ("verified", True), ("owner", True),
    ("worker", False),
])
def test_register_view_for_a_council(personas, council, name, ok):
    from gongzhi.meetings.models import Registration

    client = personas.client(name)
    client.post(f"/c/{personas.community.slug}/meetings/{council.pk}/register/")
    assert Registration.objects.filter(meeting=council, user=personas.user(name)).exists() == ok
