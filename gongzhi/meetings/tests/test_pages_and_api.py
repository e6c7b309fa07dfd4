"""Printable notice, query counts on the list and meeting pages, and the API."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from gongzhi.meetings import services
from gongzhi.meetings.models import Attendance, MeetingKind, Registration
from gongzhi.meetings.tests.conftest import make_meeting


@pytest.fixture
def hearing(personas):
    """Starts in half an hour, so check-in and attendance are open."""
    return make_meeting(personas.community, kind=MeetingKind.HEARING, days=0.5 / 24)


def test_printable_notice_has_a4_print_css_and_a_qr_code(personas, hearing):
    services.agenda_item_add(actor=personas.worker, meeting=hearing, title="路灯更换方案")
    page = personas.client("anonymous").get(
        f"/c/{personas.community.slug}/meetings/{hearing.pk}/notice/")
    html = page.content.decode()
    assert page.status_code == 200
    # The print styles are a static file (Content-Security-Policy: no inline <style>).
    assert "/static/meetings/notice.css" in html
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("meetings/notice.css")).read_text(encoding="utf-8")
    assert "@page" in css and "A4" in css
    assert "<svg" in html and "路灯更换方案" in html
    assert f"/c/{personas.community.slug}/meetings/{hearing.pk}/" in html


def test_notice_of_a_draft_is_not_public(personas, draft):
    url = f"/c/{personas.community.slug}/meetings/{draft.pk}/notice/"
    assert personas.client("verified").get(url).status_code == 404
    assert personas.client("worker").get(url).status_code == 200


def _fill(community, n):
    for i in range(n):
        make_meeting(community, kind=MeetingKind.HEARING, title=f"会议{i}")


@pytest.mark.parametrize("name", ["anonymous", "verified", "worker"])
def test_meeting_list_query_count_does_not_grow(personas, django_assert_max_num_queries,
                                                name):
    client = personas.client(name)
    url = f"/c/{personas.community.slug}/meetings/"
    _fill(personas.community, 3)
    client.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    _fill(personas.community, 25)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["anonymous", "verified", "worker"])
def test_meeting_page_query_count_does_not_grow(personas, hearing, property_org, proposal,
                                                django_assert_max_num_queries, name):
    hearing.minutes = "纪要"
    hearing.minutes_published_at = timezone.now()
    hearing.save()
    w = personas.worker
    for i in range(6):
        item = services.agenda_item_add(actor=w, meeting=hearing, title=f"议题{i}",
                                        proposal=proposal)
        services.decision_record(actor=w, meeting=hearing, agenda_item=item, text=f"决定{i}")
        services.action_item_create(actor=w, meeting=hearing, title=f"任务{i}",
                                    responsible_org=property_org)
        services.attendance_record(actor=w, meeting=hearing, name=f"居民{i}")
    services.invitation_add(actor=w, meeting=hearing, organisation=property_org)
    client = personas.client(name)
    url = f"/c/{personas.community.slug}/meetings/{hearing.pk}/"
    client.get(url)
    with django_assert_max_num_queries(22):
        resp = client.get(url)
    assert resp.status_code == 200 and "决定5" in resp.content.decode()


def test_manage_page_query_count(personas, hearing, django_assert_max_num_queries):
    for i in range(5):
        services.attendance_record(actor=personas.worker, meeting=hearing, name=f"居民{i}")
    client = personas.client("worker")
    url = f"/c/{personas.community.slug}/meetings/{hearing.pk}/manage/"
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


# --- API ----------------------------------------------------------------------------------

def test_api_list_hides_drafts_and_counts_queries(personas, hearing, draft,
                                                  django_assert_max_num_queries):
    client = personas.client("verified")
    url = f"/api/v1/meetings/?community={personas.community.slug}"
    with django_assert_max_num_queries(8):
        data = client.get(url).json()
    assert [m["id"] for m in data["items"]] == [hearing.pk]
    worker = personas.client("worker").get(url).json()
    assert {m["id"] for m in worker["items"]} == {hearing.pk, draft.pk}


def test_api_detail_draft_is_404_for_the_public(personas, draft, hearing):
    assert personas.client("anonymous").get(f"/api/v1/meetings/{draft.pk}").status_code == 404
    body = personas.client("anonymous").get(f"/api/v1/meetings/{hearing.pk}").json()
    assert body["minutes"] is None and body["title"] == hearing.title


@pytest.mark.parametrize("name,status", [
    ("anonymous", 401), ("outsider", 403), ("resident", 403), ("verified", 200),
    ("owner", 200), ("worker", 403),
])
def test_api_register_permission(personas, council, name, status):
    client = personas.client(name)
    resp = client.post(f"/api/v1/meetings/{council.pk}/register", json.dumps({}),
                       content_type="application/json")
    assert resp.status_code == status
    if status == 200:
        assert resp.json()["status"] == "registered"


def test_api_register_cancel_and_waitlist(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=1)
    a, b = personas.client("verified"), personas.client("owner")
    url = f"/api/v1/meetings/{meeting.pk}/"
    assert a.post(url + "register", "{}", content_type="application/json").json()[
        "status"] == "registered"
    second = b.post(url + "register", "{}", content_type="application/json").json()
    assert second == {"meeting_id": meeting.pk, "status": "waitlisted",
                      "waitlist_position": 1}
    assert a.post(url + "cancel").json()["status"] == "cancelled"
    assert Registration.objects.get(meeting=meeting, user=personas.owner).status == "registered"


def test_api_check_in_with_right_and_wrong_code(personas, hearing):
    client = personas.client("verified")
    url = f"/api/v1/meetings/{hearing.pk}/check-in"
    bad = client.post(url, json.dumps({"code": "nope"}), content_type="application/json")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    ok = client.post(url, json.dumps({"code": hearing.checkin_code}),
                     content_type="application/json")
    assert ok.status_code == 200
    assert Attendance.objects.filter(meeting=hearing, user=personas.verified).exists()
    anon = personas.client("anonymous").post(url, json.dumps({"code": hearing.checkin_code}),
                                             content_type="application/json")
    assert anon.status_code == 401
