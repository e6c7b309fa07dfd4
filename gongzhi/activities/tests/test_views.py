"""Pages, the calendar feeds, the permission matrix and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from gongzhi.activities import services
from gongzhi.activities.models import Activity, Registration
from gongzhi.activities.tests.conftest import fresh, next_weekday_at
from gongzhi.testing.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_leader(personas):
    from gongzhi.volunteers import services as vs

    leader = make_member(UserFactory(display_name="队长"), personas.community)
    corps = vs.corps_create(actor=personas.worker, community=personas.community, name="总队")
    team = vs.team_create(actor=personas.worker, corps=corps, name="紫色文化队",
                          colour="purple", leader=leader)
    return leader, team


def _form(**over):
    start = next_weekday_at(16, 30)
    data = {"title": "放学后1小时", "category": "children", "description": "作业辅导",
            "date": start.date().isoformat(), "start_time": "16:30", "end_time": "17:30",
            "repeat": "weekly", "weekdays": ["MO", "TU", "WE", "TH", "FR"], "interval": "1",
            "ends": "never", "location_text": "社区活动室", "organiser_kind": "worker",
            "registration_open": "on", "capacity": "20", "allow_children": "on",
            "min_age": "6", "max_age": "12"}
    data.update(over)
    return data


def test_a_worker_sets_the_rule_in_plain_words_and_sees_it_back(personas):
    client = personas.client("worker")
    r = client.post(reverse("activities:create", args=[personas.community.slug]), _form())
    assert r.status_code == 302
    activity = Activity.objects.get()
    assert activity.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    page = client.get(r.url).content.decode()
    assert "每周一至周五 16:30–17:30" in page
    # monthly: the first Saturday, 6 times
    r = client.post(reverse("activities:create", args=[personas.community.slug]),
                    _form(title="亲子读书会", repeat="monthly_weekday", month_position="1",
                          month_weekday="SA", ends="count", count="6"))
    a = Activity.objects.get(title="亲子读书会")
    assert a.rrule == "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1;COUNT=6"
    assert "每月第一个周六" in client.get(r.url).content.decode()


def test_a_bad_form_comes_back_with_what_was_typed(personas):
    client = personas.client("worker")
    r = client.post(reverse("activities:create", args=[personas.community.slug]),
                    _form(weekdays=[], description="我写的说明"))
    assert r.status_code == 200
    page = r.content.decode()
    assert "我写的说明" in page
    assert "至少勾选一天" in page or "Tick at least one day" in page
    assert not Activity.objects.exists()


def test_the_community_calendar_parses_back_as_rfc5545(personas, after_school, first_date):
    services.occurrence_cancel(actor=personas.worker, occurrence=first_date, reason="放假")
    Activity.objects.filter(pk=after_school.pk).update(title="放学后1小时; 手工, 作业\\辅导")
    r = personas.client("anonymous").get(
        reverse("activities:community_ics", args=[personas.community.slug]))
    assert r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = cal.walk("VEVENT")
    assert len(events) == after_school.occurrences.count()
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    first = events[0]
    assert str(first["SUMMARY"]) == "放学后1小时; 手工, 作业\\辅导"
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert first["DTSTART"].dt.strftime("%H:%M") == "16:30"
    assert "DTSTAMP" in first and "UID" in first
    assert str(first["STATUS"]) == "CANCELLED"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    # a moved date keeps its UID
    second = after_school.occurrences.order_by("starts_at")[1]
    services.occurrence_move(actor=personas.worker, occurrence=second,
                             starts_at=second.starts_at + timezone.timedelta(hours=1))
    again = Calendar.from_ical(personas.client("anonymous").get(
        reverse("activities:activity_ics", args=[personas.community.slug, after_school.pk]))
        .content)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


ROLES = ["anonymous", "resident", "verified", "volunteer", "leader", "worker", "other_admin",
         "subdistrict_admin"]


def _user(personas, role, team_leader):
    if role == "volunteer":
        from gongzhi.accounts.models import Role

        return make_member(UserFactory(display_name="志愿者"), personas.community,
                           Role.VOLUNTEER)
    if role == "leader":
        return team_leader[0]
    return personas.user(role)


# role: (create, edit, register self, register child, mark attendance, upload photo,
#        see names, see children's ages)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False, False, False),
    "resident": (False, False, True, True, False, False, False, False),
    "verified": (False, False, True, True, False, False, False, False),
    "volunteer": (False, False, True, True, False, False, False, False),
    "leader": (False, True, True, True, True, True, True, True),
    # a worker is staff, not a resident member: registers only with a resident role too
    "worker": (True, True, False, False, True, True, True, False),
    "other_admin": (False, False, False, False, False, False, False, False),
    "subdistrict_admin": (True, True, False, False, True, True, True, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(personas, team_leader, role):
    from django.contrib.auth.models import AnonymousUser

    activity = services.activity_create(
        actor=personas.admin, community=personas.community, title="中秋游园会",
        first_start=next_weekday_at(18), duration_minutes=120, location_text="中心广场",
        category="festival", allow_children=True, organiser_kind="team",
        organiser_team=team_leader[1], organiser_user=None)
    occ = activity.occurrences.get()
    user = fresh(_user(personas, role, team_leader)) or AnonymousUser()
    got = (user.has_perm("activities.create", personas.community),
           user.has_perm("activities.organise", activity),
           user.has_perm("activities.register", occ),
           user.has_perm("activities.register_child", occ),
           user.has_perm("activities.organise", occ),
           user.has_perm("activities.upload_photo", activity),
           user.has_perm("activities.view_registrants", occ),
           user.has_perm("activities.view_child_ages", occ))
    assert got == EXPECTED[role]


def test_names_only_to_organisers_and_ages_only_to_the_organiser(personas, first_date):
    g = personas.verified
    child = services.child_add(actor=g, name="豆豆", birth_year=timezone.localdate().year - 8)
    services.registration_create(actor=g, occurrence=first_date, child=child)
    url = reverse("activities:occurrence", args=[personas.community.slug, first_date.pk])
    assert "豆豆" not in personas.client("owner").get(url).content.decode()
    assert "豆豆" not in personas.client("anonymous").get(url).content.decode()
    worker_page = personas.client("worker").get(url).content.decode()  # the organiser
    assert "豆豆" in worker_page and f"{timezone.localdate().year - 8}年出生" in worker_page
    admin_page = personas.client("admin").get(url).content.decode()  # a worker, not organiser
    assert "豆豆" in admin_page and "年出生" not in admin_page


def test_register_a_child_and_cancel_through_the_pages(personas, first_date):
    client = personas.client("verified")
    slug = personas.community.slug
    r = client.post(reverse("activities:children", args=[slug]),
                    {"name": "豆豆", "birth_year": str(timezone.localdate().year - 8)})
    assert r.status_code == 302
    child = personas.verified.activity_children.get()
    r = client.post(reverse("activities:register", args=[slug, first_date.pk]),
                    {"child": str(child.pk)})
    reg = Registration.objects.get(child=child)
    assert reg.status == "registered"
    client.post(reverse("activities:unregister", args=[slug, first_date.pk, reg.pk]))
    assert Registration.objects.get(pk=reg.pk).status == "cancelled"
    # another guardian cannot cancel it
    services.registration_create(actor=personas.verified, occurrence=first_date, child=child)
    r = personas.client("owner").post(
        reverse("activities:unregister", args=[slug, first_date.pk, reg.pk]))
    assert r.status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "verified", "worker"])
def test_pages_render_with_few_queries(personas, after_school, first_date, role,
                                       django_assert_max_num_queries):
    slug = personas.community.slug
    for u in [make_member(UserFactory(), personas.community) for _ in range(3)]:
        services.registration_create(actor=u, occurrence=first_date, age_confirmed=True)
    client = personas.client(role)
    for url, limit in [(reverse("activities:home", args=[slug]), 20),
                       (reverse("activities:detail", args=[slug, after_school.pk]), 20),
                       (reverse("activities:occurrence", args=[slug, first_date.pk]), 22),
                       (reverse("activities:community_ics", args=[slug]), 8),
                       ("/api/v1/activities/dates?community=" + slug, 12),
                       ("/api/v1/activities/week.geojson?community=" + slug, 8)]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_workers_pages_and_refusals(personas, after_school):
    slug = personas.community.slug
    assert personas.client("worker").get(reverse("activities:create", args=[slug])) \
        .status_code == 200
    assert personas.client("verified").get(reverse("activities:create", args=[slug])) \
        .status_code == 403
    assert personas.client("other_admin").get(
        reverse("activities:edit", args=[slug, after_school.pk])).status_code == 403
    assert personas.client("worker").get(
        reverse("activities:edit", args=[slug, after_school.pk])).status_code == 200


def test_the_api_registers_and_appears_in_the_schema(personas, first_date):
    client = personas.client("verified")
    r = client.post(f"/api/v1/activities/dates/{first_date.pk}/register",
                    {"age_confirmed": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "registered"
    r = client.post(f"/api/v1/activities/dates/{first_date.pk}/register", {},
                    content_type="application/json")
    assert r.status_code == 200  # already registered: the same registration
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/activities/dates" in schema["paths"]


def test_today_block_and_feed(personas, after_school):
    from gongzhi.core.feed import community_feed

    events = community_feed(personas.community, None, sources=["activities"])
    assert all(e.source == "activities" for e in events)
    r = personas.client("anonymous").get(reverse("activities:home",
                                                 args=[personas.community.slug]))
    assert "放学后1小时" in r.content.decode()


def test_attendance_export_for_organisers_only(personas, after_school, first_date):
    import csv
    import io

    from openpyxl import load_workbook

    from gongzhi.activities import services as act

    act.registration_create(actor=personas.verified, occurrence=first_date, age_confirmed=True)
    base = f"/c/{personas.community.slug}/activities/{after_school.pk}/attendance."
    for name in ("anonymous", "verified", "resident", "other_admin"):
        r = personas.client(name).get(base + "csv")
        assert r.status_code in (302, 403, 404), name
    worker = personas.client("worker")
    r = worker.get(base + "csv")
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期", "开始", "状态"]
    r = worker.get(base + "xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None and ws.cell(1, 4).value == "登记人"
    assert ws.cell(2, 4).value == personas.verified.public_name
    assert worker.get(base + "pdf").status_code == 404
