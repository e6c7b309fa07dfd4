"""Pages, exports, certificate, API, personal data, the project block; query counts."""

from __future__ import annotations

import io

from django.urls import reverse

from gongzhi.testing.factories import UserFactory, make_member
from gongzhi.volunteers import services
from gongzhi.volunteers.models import ShiftSignup
from gongzhi.volunteers.tests.conftest import fresh, make_shift


def test_sign_up_in_two_taps_from_the_list(personas, shift):
    client = personas.client("resident")
    home = client.get(reverse("volunteers:home", args=[personas.community.slug]))
    shift_url = reverse("volunteers:shift", args=[personas.community.slug, shift.pk])
    assert home.status_code == 200 and shift_url in home.content.decode()
    page = client.get(shift_url)
    sign_up = reverse("volunteers:sign_up", args=[personas.community.slug, shift.pk])
    assert sign_up in page.content.decode()
    r = client.post(sign_up)
    assert r.status_code == 302
    assert ShiftSignup.objects.get(shift=shift, user=personas.resident).status == "registered"


def test_the_roster_and_qr_are_for_the_leader_only(personas, shift, leader):
    url = reverse("volunteers:shift", args=[personas.community.slug, shift.pk])
    assert shift.checkin_code not in personas.client("verified").get(url).content.decode()
    from django.test import Client

    c = Client()
    c.force_login(leader)
    body = c.get(url).content.decode()
    assert shift.checkin_code in body and "<svg" in body


def test_home_page_query_count_is_constant(personas, opportunity,
                                           django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for d in range(1, 4):
        make_shift(personas, opportunity, days=d)
    client = personas.client("verified")
    url = reverse("volunteers:home", args=[personas.community.slug])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for d in range(4, 14):
        make_shift(personas, opportunity, days=d)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def _served(personas, opportunity, leader, hours=2):
    shift = make_shift(personas, opportunity, days=0, hours=hours)
    services.shift_signup(actor=personas.verified, shift=shift)
    services.shift_check_in(actor=fresh(personas.verified), shift=shift,
                            code=shift.checkin_code)
    services.hours_confirm(actor=fresh(leader),
                           signup=ShiftSignup.objects.get(shift=shift,
                                                          user=personas.verified))
    return shift


def test_certificate_is_a_pdf_with_a_chinese_font(personas, opportunity, leader):
    client = personas.client("verified")
    url = reverse("volunteers:certificate", args=[personas.community.slug])
    assert client.get(url).status_code == 302  # nothing confirmed yet
    _served(personas, opportunity, leader)
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"STSong-Light" in r.content


def test_team_report_csv_has_a_bom_and_xlsx_opens(personas, opportunity, leader, team):
    _served(personas, opportunity, leader)
    from django.test import Client

    c = Client()
    c.force_login(leader)
    url = reverse("volunteers:team_report", args=[personas.community.slug, team.pk, "csv"])
    r = c.get(url)
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff日期,服务项目,志愿者")
    assert "垃圾分类桶前值守" in text and ",2.0,是" in text
    r = c.get(url.replace(".csv", ".xlsx"))
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "日期" and ws.cell(2, 6).value == 2
    assert personas.client("verified").get(url).status_code == 403


def test_api_lists_shifts_and_signs_up(personas, shift):
    client = personas.client("resident")
    r = client.get(f"/api/v1/volunteers/shifts?community={personas.community.slug}")
    assert r.status_code == 200
    assert r.json()["items"][0]["places_left"] == 2
    r = client.post(f"/api/v1/volunteers/shifts/{shift.pk}/sign-up")
    assert r.status_code == 200 and r.json()["status"] == "registered"
    r = personas.client("worker").post(f"/api/v1/volunteers/shifts/{shift.pk}/sign-up")
    assert r.status_code == 403
    assert r["Content-Type"].startswith("application/problem+json")
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/volunteers/shifts" in schema["paths"]


def test_map_layer_geojson(personas, opportunity):
    opportunity.lat, opportunity.lon = 39.9, 116.4
    opportunity.save()
    make_shift(personas, opportunity)
    r = personas.client("anonymous").get(
        f"/api/v1/volunteers/shifts.geojson?community={personas.community.slug}")
    feature = r.json()["features"][0]
    assert feature["geometry"]["coordinates"] == [116.4, 39.9]


def test_personal_data_export_includes_service(personas, opportunity, leader):
    _served(personas, opportunity, leader)
    from gongzhi.core.export import collect_personal_data

    data = collect_personal_data(personas.verified)["volunteers"]
    assert data["shifts"][0]["hours"] == "2.00"


def test_the_project_page_shows_the_shifts_block(personas, team):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.projects import services as psvc
    from gongzhi.projects.models import ProjectTemplate
    from gongzhi.projects.tests.helpers import freeze_phase

    garden = psvc.project_create(actor=personas.worker, community=personas.community,
                                 template=ProjectTemplate.objects.get(key="garden"),
                                 title="花园", starts_on=timezone.localdate()
                                 - dt.timedelta(days=200))
    phase = garden.phases.get(key="co_construction")
    psvc.phase_update(actor=personas.worker, phase=phase, name=phase.name,
                      starts_on=phase.starts_on, ends_on=phase.ends_on,
                      actions={**phase.actions, "volunteers.signup": ["member"]})
    opp = services.opportunity_create(actor=personas.worker, community=personas.community,
                                      title="花园浇水", team=team, project=garden)
    make_shift(personas, opp)
    url = reverse("projects:detail", args=[personas.community.slug, garden.pk])
    with freeze_phase(phase):
        body = personas.client("resident").get(url).content.decode()
    assert 'id="h-shifts"' in body and "花园浇水" in body


def test_someone_else_in_the_community_sees_no_phone(personas, shift):
    volunteer = make_member(UserFactory(display_name="", phone="13912345678"),
                            personas.community)
    services.shift_signup(actor=volunteer, shift=shift)
    from django.test import Client

    c = Client()
    c.force_login(personas.worker)
    body = c.get(reverse("volunteers:shift", args=[personas.community.slug,
                                                   shift.pk])).content.decode()
    assert "13912345678" not in body
