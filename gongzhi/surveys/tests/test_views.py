"""Survey pages and services: permission matrix, responding page by page, waves, paper
double entry, exports, XLSForm import, query counts, personal data."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.surveys import services
from gongzhi.surveys.keys import respondent_key
from gongzhi.surveys.models import PaperSheet, Response, Survey, Wave
from gongzhi.testing.factories import BuildingFactory, HouseholdFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

ANSWERS = {"bel_1": "4", "bel_2": "4", "bel_3": "5", "bel_4": "2", "ide_1": "4", "ide_2": "3",
           "ide_3": "4", "ide_4": "4", "tie_1": "3", "tie_2": "2", "tie_3": "4", "tie_4": "2",
           "par_1": "3", "par_2": "3", "par_3": "4", "par_4": "2", "sat_1": "4",
           "sat_2": "4", "sat_3": "3", "sat_4": "3", "years_here": "12"}


def make_survey(personas, *, anonymous=False, **kw) -> Survey:
    inst = services.instrument_copy_from_library(actor=personas.worker,
                                                 community=personas.community,
                                                 key="gongzhi-community")
    s = services.survey_create(actor=personas.worker, community=personas.community,
                               instrument=inst, title="花园改造前归属感调查",
                               wave=Wave.BEFORE, anonymous=anonymous, **kw)
    return services.survey_set_status(actor=personas.worker, survey=s, status="open")


@pytest.fixture
def survey(personas):
    return make_survey(personas)


def url(name, s, *extra):
    return reverse(f"surveys:{name}", args=[s.community.slug, s.pk, *extra])


DETAIL = {"anonymous": 404, "outsider": 404, "resident": 200, "verified": 200, "owner": 200,
          "worker": 200, "admin": 200, "other_admin": 404, "subdistrict_admin": 200}
RESULTS = {"anonymous": 404, "outsider": 404, "resident": 403, "verified": 403, "owner": 403,
           "worker": 200, "admin": 200, "other_admin": 404, "subdistrict_admin": 200}
EXPORT = {"anonymous": 404, "outsider": 404, "resident": 403, "verified": 403, "owner": 403,
          "worker": 200, "admin": 403, "other_admin": 404, "subdistrict_admin": 403}
PAPER = {"anonymous": 302, "outsider": 404, "resident": 403, "verified": 403, "owner": 403,
         "worker": 200, "admin": 200, "other_admin": 404, "subdistrict_admin": 200}
INSTRUMENTS = {"anonymous": 302, "outsider": 403, "resident": 403, "verified": 403,
               "owner": 403, "worker": 200, "admin": 200, "other_admin": 403,
               "subdistrict_admin": 200}


@pytest.mark.parametrize("who", list(DETAIL))
def test_permission_matrix(personas, survey, who):
    c = personas.client(who)
    assert c.get(url("detail", survey)).status_code == DETAIL[who]
    assert c.get(url("results", survey)).status_code == RESULTS[who]
    assert c.get(url("export", survey, "csv")).status_code == EXPORT[who]
    assert c.get(url("paper", survey)).status_code == PAPER[who]
    r = c.get(reverse("surveys:instruments", args=[survey.community.slug]))
    assert r.status_code == INSTRUMENTS[who]


def test_owner_only_raw_access_and_results_after_close(personas, survey):
    assert not personas.admin.has_perm("surveys.view_raw", survey)
    with pytest.raises(ValidationError):
        services.survey_add_owner(actor=personas.worker, survey=survey,
                                  user=personas.verified)
    services.survey_add_owner(actor=personas.worker, survey=survey, user=personas.admin)
    survey = Survey.objects.get(pk=survey.pk)
    assert personas.admin.has_perm("surveys.view_raw", survey)
    assert not personas.verified.has_perm("surveys.view_results", survey)
    survey = services.survey_set_status(actor=personas.worker, survey=survey, status="closed")
    assert personas.verified.has_perm("surveys.view_results", survey)
    assert not personas.resident.has_perm("surveys.view_results", survey)  # pending


def test_drafts_are_hidden_from_residents(personas):
    inst = services.instrument_copy_from_library(actor=personas.worker,
                                                 community=personas.community,
                                                 key="place-attachment")
    s = services.survey_create(actor=personas.worker, community=personas.community,
                               instrument=inst, title="草稿")
    assert personas.client("verified").get(url("detail", s)).status_code == 404
    assert personas.client("verified").get(url("respond", s)).status_code == 403
    assert "草稿" not in personas.client("verified").get(
        reverse("surveys:list", args=[s.community.slug])).content.decode()
    assert "草稿" in personas.client("worker").get(
        reverse("surveys:list", args=[s.community.slug])).content.decode()


def _walk(client, survey, answers):
    """Post every page in order; returns the last response."""
    r = None
    for p in range(10):
        page = client.get(url("respond", survey) + f"?p={p}")
        if page.status_code != 200 or "name=\"nav\"" not in page.content.decode():
            return page
        names = [n for n in answers if f'name="{n}"' in page.content.decode()]
        r = client.post(url("respond", survey) + f"?p={p}",
                        {**{n: answers[n] for n in names}, "nav": "next"})
        if r.status_code == 200:
            return r
    return r


def test_responding_page_by_page_with_chinese_errors_and_kept_answers(personas, survey):
    c = personas.client("verified")
    first = c.get(url("respond", survey))
    body = first.content.decode()
    assert "第 1 页，共 6 页" in body and "归属感" in body and "非常同意" in body
    # the last page has the integer with a constraint: try an invalid value
    for p in range(5):
        page_names = [n for n in ANSWERS if f'name="{n}"' in
                      c.get(url("respond", survey) + f"?p={p}").content.decode()]
        c.post(url("respond", survey) + f"?p={p}", {**{n: ANSWERS[n] for n in page_names},
                                                    "nav": "next"})
    bad = c.post(url("respond", survey) + "?p=5", {"years_here": "200", "comment": "希望多种树",
                                                   "nav": "next"})
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "请填写 0 到 100 之间的整数" in text
    assert "希望多种树" in text and 'value="200"' in text  # typed answers kept
    assert Response.objects.count() == 0
    # going back keeps the earlier page's answers
    back = c.get(url("respond", survey) + "?p=0").content.decode()
    assert 'value="4" checked' in back
    done = c.post(url("respond", survey) + "?p=5", {"years_here": "12", "nav": "next"})
    assert "谢谢" in done.content.decode()
    r = Response.objects.get()
    assert r.respondent_key == respondent_key(survey.key_secret, personas.verified.pk)
    assert r.answers["bel_1"] == "4" and r.answers["years_here"] == 12
    assert len(r.respondent_key) == 64  # HMAC-SHA256, no user stored
    again = c.get(url("respond", survey))
    assert "您已经填写过这份问卷" in again.content.decode()


def test_second_submission_is_refused_by_the_database(personas, survey):
    services.response_submit(survey=survey, user=personas.verified, answers=ANSWERS)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(survey=survey, user=personas.verified, answers=ANSWERS)
    assert exc.value.code == "already_answered"


def test_anonymous_survey_by_link_without_login(personas):
    s = make_survey(personas, anonymous=True)
    c = personas.client("anonymous")
    short = c.get(reverse("surveys:short", args=[s.link_token]))
    assert short.status_code == 302 and short.url == url("respond", s)
    from django.contrib.auth.models import AnonymousUser

    r = services.response_submit(survey=s, user=AnonymousUser(), answers=ANSWERS)
    assert r.respondent_key == ""


def test_linked_survey_refuses_outsiders(personas, survey):
    with pytest.raises(PermissionDenied):
        services.response_submit(survey=survey, user=personas.outsider, answers=ANSWERS)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.response_submit(survey=survey, user=AnonymousUser(), answers=ANSWERS)


def test_before_and_after_pair_by_key_without_identities(personas, survey):
    after = services.survey_create(actor=personas.worker, community=personas.community,
                                   instrument=survey.instrument, title="花园改造后",
                                   wave=Wave.AFTER, pairs_with=survey)
    assert after.key_secret == survey.key_secret
    after = services.survey_set_status(actor=personas.worker, survey=after, status="open")
    for user in (personas.verified, personas.owner, personas.resident):
        services.response_submit(survey=survey, user=user, answers=ANSWERS)
        services.response_submit(survey=after, user=user,
                                 answers={**ANSWERS, "bel_1": "5", "bel_3": "5"})
    keys_before = set(survey.responses.values_list("respondent_key", flat=True))
    keys_after = set(after.responses.values_list("respondent_key", flat=True))
    assert keys_before == keys_after and len(keys_before) == 3
    page = personas.client("worker").get(url("results", after)).content.decode()
    assert "项目前后对比" in page


def test_anonymous_waves_cannot_pair(personas, survey):
    with pytest.raises(ValidationError):
        services.survey_create(actor=personas.worker, community=personas.community,
                               instrument=survey.instrument, title="x", pairs_with=survey,
                               anonymous=True)


def test_paper_double_entry(personas, survey):
    b = BuildingFactory(community=personas.community, number="7")
    s1 = services.paper_entry_add(actor=personas.worker, survey=survey, serial="P-001",
                                  answers=ANSWERS, building=b)
    assert s1.state == PaperSheet.State.AWAITING and Response.objects.count() == 0
    with pytest.raises(ValidationError) as exc:
        services.paper_entry_add(actor=personas.worker, survey=survey, serial="P-001",
                                 answers=ANSWERS, building=b)
    assert exc.value.code == "same_worker"
    s2 = services.paper_entry_add(actor=personas.admin, survey=survey, serial="P-001",
                                  answers=ANSWERS, building=b)
    assert s2.state == PaperSheet.State.MATCHED
    r = Response.objects.get()
    assert r.channel == "paper" and r.building == b
    # a mismatch needs a third entry
    services.paper_entry_add(actor=personas.worker, survey=survey, serial="P-002",
                             answers=ANSWERS)
    s = services.paper_entry_add(actor=personas.admin, survey=survey, serial="P-002",
                                 answers={**ANSWERS, "bel_1": "1"})
    assert s.state == PaperSheet.State.MISMATCH
    s = services.paper_entry_add(actor=personas.subdistrict_admin, survey=survey,
                                 serial="P-002", answers={**ANSWERS, "bel_1": "1"})
    assert s.state == PaperSheet.State.MATCHED and Response.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.paper_entry_add(actor=personas.verified, survey=survey, serial="P-3",
                                 answers=ANSWERS)
    with pytest.raises(ValidationError):
        services.paper_entry_add(actor=personas.worker, survey=survey, serial="P-4",
                                 answers={**ANSWERS, "years_here": "abc"})


def test_paper_entry_page_keeps_input_on_error(personas, survey):
    c = personas.client("worker")
    r = c.post(url("paper", survey), {"serial": "", "comment": "纸上写的意见"})
    text = r.content.decode()
    assert r.status_code == 200 and "纸上写的意见" in text


def _respond_many(personas, survey, n):
    from gongzhi.places.models import Building

    b = (Building.objects.filter(community=personas.community, number="9").first()
         or BuildingFactory(community=personas.community, number="9"))
    start = b.households.count()
    for i in range(start, start + n):
        h = HouseholdFactory(building=b, room=f"{100 + i}")
        u = make_member(UserFactory(), personas.community, "tenant", household=h)
        services.response_submit(survey=survey, user=u,
                                 answers={**ANSWERS, "bel_1": str(1 + i % 5),
                                          "tie_2": str(1 + (i * 3) % 5)})


def test_exports_csv_xlsx_sav(personas, survey):
    _respond_many(personas, survey, 4)
    c = personas.client("worker")
    raw = c.get(url("export", survey, "csv")).content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["response_id", "respondent_key", "channel", "building",
                           "submitted_at"]
    assert len(rows) == 5 and "bel_1" in rows[0]
    assert all(len(r[1]) == 16 for r in rows[1:])  # truncated pseudonymous key
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(c.get(url("export", survey, "xlsx")).content))
    assert wb["responses"].max_row == 5 and "labels" in wb.sheetnames
    pyreadstat = pytest.importorskip("pyreadstat")
    import os
    import tempfile

    data = c.get(url("export", survey, "sav")).content
    fd, path = tempfile.mkstemp(suffix=".sav")
    os.write(fd, data)
    os.close(fd)
    try:
        df, meta = pyreadstat.read_sav(path)
    finally:
        os.unlink(path)
    assert len(df) == 4
    assert meta.variable_value_labels["bel_1"][5.0] == "非常同意"
    assert meta.column_names_to_labels["bel_1"] == "我觉得自己是这个社区的一员。"


def test_multi_select_is_split_into_01_columns(personas, garden_xlsx):
    inst = services.instrument_import_xlsform(actor=personas.worker,
                                              community=personas.community, data=garden_xlsx)
    s = services.survey_create(actor=personas.worker, community=personas.community,
                               instrument=inst, title="花园需求调查")
    s = services.survey_set_status(actor=personas.worker, survey=s, status="open")
    services.response_submit(survey=s, user=personas.verified,
                             answers={"age": "70", "area": "east", "building": "e1",
                                      "uses": ["seat", "play"], "why_seat": "歇脚"})
    from gongzhi.surveys import exports, selectors

    header, data, _cols = exports.rows(inst.form(), selectors.response_dicts(s))
    row = dict(zip(header, data[0], strict=True))
    assert (row["uses__seat"], row["uses__plants"], row["uses__play"]) == (1, 0, 1)
    assert row["why_seat"] == "歇脚" and row["n_uses"] == 2.0


def test_xlsform_import_page_lists_problems_by_row(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import make_xlsform

    bad = make_xlsform([["type", "name", "label"], ["geopoint", "g", "位置"]])
    c = personas.client("worker")
    r = c.post(reverse("surveys:instruments", args=[personas.community.slug]),
               {"action": "import", "file": SimpleUploadedFile("x.xlsx", bad)})
    assert "survey 第 2 行：不支持的题型“geopoint”" in r.content.decode()


def test_builder_adds_questions_and_exports_xlsform(personas):
    c = personas.client("worker")
    r = c.post(reverse("surveys:instruments", args=[personas.community.slug]),
               {"action": "create", "title_zh": "楼道改造意见"})
    inst_url = r.url
    r = c.post(inst_url, {"action": "add", "group": "p1", "name": "q1", "type": "select_one",
                          "label_zh": "您支持吗？", "label_en": "Do you support it?",
                          "choices": "1|支持|Yes\n0|不支持|No", "required": "on"})
    assert r.status_code == 302
    r = c.post(inst_url, {"action": "add", "group": "p1", "name": "q1", "type": "text",
                          "label_zh": "重复"})
    assert "名称重复" in r.content.decode()
    from gongzhi.surveys.models import Instrument
    from gongzhi.surveys.xlsform import read_xlsform

    inst = Instrument.objects.get(title_zh="楼道改造意见")
    x = c.get(reverse("surveys:xlsform", args=[personas.community.slug, inst.pk]))
    form = read_xlsform(x.content).form
    assert form.question("q1").required and form.question("q1").label["en"] == \
        "Do you support it?"


def test_response_rates_by_building(personas, survey):
    _respond_many(personas, survey, 3)
    HouseholdFactory(building=personas.household.building, room="601")
    page = personas.client("worker").get(url("detail", survey)).content.decode()
    assert "各楼栋回收率" in page
    from gongzhi.surveys.selectors import response_rates_by_building

    rates = {r["building"]: r for r in response_rates_by_building(survey)}
    assert rates["9"]["responses"] == 3 and rates["9"]["rate"] == 1.0
    assert rates["3"]["households"] == 2 and rates["3"]["responses"] == 0


def _count(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200
    return len(ctx.captured_queries), r


def test_results_page_queries_do_not_grow(personas, survey, django_assert_max_num_queries):
    c = personas.client("worker")
    _respond_many(personas, survey, 2)
    small, _r = _count(c, url("results", survey))
    _respond_many(personas, survey, 12)
    with django_assert_max_num_queries(small):
        page = c.get(url("results", survey))
    assert "量表得分与信度" in page.content.decode()


def test_detail_page_queries_do_not_grow(personas, survey, django_assert_max_num_queries):
    c = personas.client("worker")
    _respond_many(personas, survey, 2)
    small, _r = _count(c, url("detail", survey))
    _respond_many(personas, survey, 10)
    with django_assert_max_num_queries(small):
        c.get(url("detail", survey))


def test_list_page_queries_do_not_grow(personas, django_assert_max_num_queries):
    c = personas.client("verified")
    make_survey(personas)
    small, _r = _count(c, reverse("surveys:list", args=[personas.community.slug]))
    for _ in range(5):
        make_survey(personas)
    with django_assert_max_num_queries(small):
        r = c.get(reverse("surveys:list", args=[personas.community.slug]))
    assert r.content.decode().count("花园改造前归属感调查") == 6


def test_reminders_go_to_those_who_have_not_answered(personas, survey):
    from gongzhi.notifications.models import Notification

    services.response_submit(survey=survey, user=personas.verified, answers=ANSWERS)
    n = services.survey_remind(actor=personas.worker, survey=survey)
    users = set(Notification.objects.filter(kind="surveys.reminder")
                .values_list("user_id", flat=True))
    assert personas.verified.pk not in users and personas.owner.pk in users
    assert n == len(users)


def test_personal_data_export_and_deletion(personas, survey):
    from gongzhi.accounts.services import user_delete
    from gongzhi.core.export import collect_personal_data

    services.response_submit(survey=survey, user=personas.verified, answers=ANSWERS)
    services.response_submit(survey=survey, user=personas.owner, answers=ANSWERS)
    data = collect_personal_data(personas.verified)
    assert len(data["surveys"]) == 1 and data["surveys"][0]["answers"]["bel_1"] == "4"
    user_delete(user=personas.verified)
    assert Response.objects.count() == 1


def test_api(personas, survey):
    c = personas.client("verified")
    lst = c.get("/api/v1/surveys/", {"community": personas.community.slug}).json()
    assert [s["id"] for s in lst] == [survey.pk]
    d = c.get(f"/api/v1/surveys/{survey.pk}").json()
    assert d["questions"][0]["name"] == "bel_1"
    bad = c.post(f"/api/v1/surveys/{survey.pk}/responses",
                 {"answers": {**ANSWERS, "years_here": "999"}}, content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "years_here"
    ok = c.post(f"/api/v1/surveys/{survey.pk}/responses", {"answers": ANSWERS},
                content_type="application/json")
    assert ok.status_code == 201
    assert c.get(f"/api/v1/surveys/{survey.pk}/results").status_code == 403
    res = personas.client("worker").get(f"/api/v1/surveys/{survey.pk}/results").json()
    assert res["n"] == 1
    assert personas.client("outsider").get(f"/api/v1/surveys/{survey.pk}").status_code == 404
