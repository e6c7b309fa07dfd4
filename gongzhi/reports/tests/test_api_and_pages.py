"""API endpoints (list, GeoJSON, create JSON/multipart, transition, me-too, problems),
page flows, and query counts that do not grow with the number of reports."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.reports import services
from gongzhi.reports.models import MeToo, Report, ReportEvent, Status
from gongzhi.reports.tests.conftest import LAT, LON, jpeg, offset


def _bulk(personas, reporter, org, n):
    rows = []
    for i in range(n):
        lon, lat = offset(i * 3)
        rows.append(Report(community=personas.community, reporter=reporter, category="lamp",
                           description=f"路灯{i}", lat=lat, lon=lon, anonymous=i % 2 == 0,
                           status=Status.ACCEPTED if i % 3 else Status.SUBMITTED,
                           organisation=org if i % 3 else None))
    created = Report.objects.bulk_create(rows)
    MeToo.objects.bulk_create([MeToo(report=r, user=personas.owner) for r in created[::2]])


def _count(client, url) -> int:
    # (a first request reads the person's access rows; later ones find them kept)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["anonymous", "owner", "worker", "reporter"])
def test_query_counts_constant(who, personas, reporter, org, client):
    slug = personas.community.slug
    urls = [reverse("reports:list", args=[slug]), f"/api/v1/reports/?community={slug}",
            f"/api/v1/reports/geojson?community={slug}"]
    if who != "anonymous":
        urls.append(reverse("reports:mine", args=[slug]))
    if who == "worker":
        urls.append(reverse("reports:queue", args=[slug]))
    if who == "reporter":
        client.force_login(reporter)
        c = client
    else:
        c = personas.client(who)
    _bulk(personas, reporter, org, 5)
    small = [_count(c, u) for u in urls]
    _bulk(personas, reporter, org, 45)
    large = [_count(c, u) for u in urls]
    assert small == large
    assert max(large) <= 20


def test_api_list_filters_and_pagination(personas, make_report, other_org):
    make_report(category="lamp")
    make_report(category="rubbish", lon=offset(100)[0], lat=offset(100)[1])
    c = personas.client("anonymous")
    slug = personas.community.slug
    assert c.get(f"/api/v1/reports/?community={slug}").json()["count"] == 2
    assert c.get(f"/api/v1/reports/?community={slug}&category=rubbish").json()["count"] == 1
    assert c.get(f"/api/v1/reports/?community={slug}&status=closed").json()["count"] == 0
    bbox = f"{LON - 0.0001},{LAT - 0.0001},{LON + 0.0001},{LAT + 0.0001}"
    got = c.get(f"/api/v1/reports/?community={slug}&bbox={bbox}").json()
    assert got["count"] == 1 and got["results"][0]["category"] == "lamp"
    page = c.get(f"/api/v1/reports/?community={slug}&page_size=1").json()
    assert page["next"] and len(page["results"]) == 1
    bad = c.get(f"/api/v1/reports/?community={slug}&bbox=1,2,3")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert c.get(f"/api/v1/reports/?community={slug}&page_size=1000").status_code == 400
    assert c.get("/api/v1/reports/?community=nope").status_code == 404


def test_api_geojson_only_open(personas, make_report, move):
    open_one = make_report()
    move(make_report(description="已经关闭"), Status.CLOSED)
    data = personas.client("anonymous").get(
        f"/api/v1/reports/geojson?community={personas.community.slug}").json()
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == [open_one.pk]
    f = data["features"][0]
    assert f["geometry"]["coordinates"] == [LON, LAT]
    assert set(f["properties"]) >= {"category", "status", "url", "metoo_count"}
    assert not {"reporter", "reporter_name", "reporter_id"} & set(f["properties"])


def test_api_create_json_and_errors(personas):
    c = personas.client("owner")
    body = {"community": personas.community.slug, "category": "charger",
            "description": "充电桩故障，扫码没反应", "lat": LAT, "lon": LON, "anonymous": True}
    r = c.post("/api/v1/reports/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["reporter_name"] != personas.owner.public_name
    assert personas.client("anonymous").post("/api/v1/reports/", body,
                                             content_type="application/json").status_code == 401
    bad = c.post("/api/v1/reports/", {**body, "category": "ufo"}, content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert c.post("/api/v1/reports/", "{not json", content_type="application/json"
                  ).status_code == 400
    far = c.post("/api/v1/reports/", {**body, "lat": LAT + 1}, content_type="application/json")
    assert far.status_code == 400 and far.json()["errors"][0]["field"] == "lat"
    assert personas.client("outsider").post("/api/v1/reports/", body,
                                            content_type="application/json").status_code == 403


def test_api_create_multipart_with_photo(personas):
    c = personas.client("owner")
    r = c.post("/api/v1/reports/", {"community": personas.community.slug, "category": "lamp",
                                    "description": "路灯不亮", "lat": LAT, "lon": LON,
                                    "photos": [jpeg(gps=True)]})
    assert r.status_code == 201, r.content
    assert Report.objects.get(pk=r.json()["id"]).photos.count() == 1
    bad = c.post("/api/v1/reports/", {"community": personas.community.slug, "category": "lamp",
                                      "description": "路灯不亮", "lat": LAT, "lon": LON,
                                      "photos": [jpeg(name="a.gif").__class__(
                                          "a.txt", b"hello", "text/plain")]})
    assert bad.status_code == 400 and "a.txt" in bad.json()["errors"][0]["message"]


def test_api_transition_and_me_too(personas, make_report, org):
    report = make_report()
    url = f"/api/v1/reports/{report.pk}/transition"
    worker = personas.client("worker")
    assert personas.client("owner").post(url, {"action": "accept", "organisation": org.pk},
                                         content_type="application/json").status_code == 403
    r = worker.post(url, {"action": "accept", "organisation": org.pk},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    again = worker.post(url, {"action": "accept", "organisation": org.pk},
                        content_type="application/json")
    assert again.status_code == 400
    assert worker.post(url, {"action": "auto_close"}, content_type="application/json"
                       ).status_code == 400
    owner = personas.client("owner")
    m1 = owner.post(f"/api/v1/reports/{report.pk}/me-too").json()
    m2 = owner.post(f"/api/v1/reports/{report.pk}/me-too").json()
    assert m1["created"] and not m2["created"] and m2["metoo_count"] == 1


def test_openapi_lists_report_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/reports/", "/api/v1/reports/geojson", "/api/v1/reports/{pk}/transition",
              "/api/v1/reports/{pk}/me-too"):
        assert p in paths
    assert "multipart/form-data" in paths["/api/v1/reports/"]["post"]["requestBody"]["content"]


def test_report_form_flow(personas, client):
    client.force_login(personas.resident)  # pending members may report too
    url = reverse("reports:create", args=[personas.community.slug])
    page = client.get(url).content.decode()
    assert 'id="use-location"' in page and 'name="lat"' in page
    r = client.post(url, {"category": "path", "description": "步道破损", "lat": LAT, "lon": LON,
                          "anonymous": "on", "photos": [jpeg()]})
    assert r.status_code == 302
    report = Report.objects.get()
    assert report.anonymous and not report.reporter_verified and report.photos.count() == 1
    verified = personas.client("verified")
    verified.post(url, {"category": "path", "description": "另一处破损", "lat": LAT, "lon": LON})
    assert Report.objects.filter(reporter=personas.verified).get().reporter_verified


def test_detail_actions_through_pages(personas, make_report, org, reporter, client):
    report = make_report()
    slug = personas.community.slug
    act = reverse("reports:act", args=[slug, report.pk])
    worker = personas.client("worker")
    page = worker.get(reverse("reports:detail", args=[slug, report.pk])).content.decode()
    assert 'value="accept"' in page and 'value="refuse"' in page
    bad = worker.post(act, {"action": "accept"})
    assert bad.status_code == 400
    assert worker.post(act, {"action": "accept", "organisation": org.pk}).status_code == 302
    assert worker.post(act, {"action": "resolve", "note": "已更换灯泡",
                             "photos": [jpeg()]}).status_code == 302
    client.force_login(reporter)
    page = client.get(reverse("reports:detail", args=[slug, report.pk])).content.decode()
    assert 'value="confirm"' in page
    assert client.post(act, {"action": "confirm"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    kinds = list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "resolved", "confirmed"]
    assert personas.client("owner").post(act, {"action": "reopen", "note": "x"}
                                         ).status_code == 403


def test_action_forms_escape_names_and_select_the_assigned_organisation(
        personas, make_report, org):
    from gongzhi.testing.factories import OrganisationFactory

    report = make_report()
    slug = personas.community.slug
    evil = OrganisationFactory(community=personas.community, name='<img src=x onerror=1>物业')
    worker = personas.client("worker")
    detail = reverse("reports:detail", args=[slug, report.pk])
    page = worker.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=1&gt;物业" in page
    assert f'<option value="{org.pk}">大院物业</option>' in page
    # a new report: accept (with an organisation) and refuse (with a reason), no photo
    assert page.count('name="organisation"') == 1 and 'name="photos"' not in page
    assert "理由" in page and "Reason (public)" not in page
    services.report_transition(actor=personas.worker, report=report, action="accept",
                               organisation=evil, note="")
    page = worker.get(detail).content.decode()
    # accepted: reassign selects the organisation it is with; start needs no note
    assert f'<option value="{evil.pk}" selected>' in page
    start = page[page.index('aria-labelledby="act-start-h"'):]
    assert 'name="note"' not in start[:start.index("</form>")]
    resolve = page[page.index('aria-labelledby="act-resolve-h"'):]
    assert 'name="photos"' in resolve[:resolve.index("</form>")]
    # the resident sees no action form at all
    assert 'class="card action-form"' not in personas.client("verified").get(
        detail).content.decode()


def test_a_failed_step_keeps_the_organisation_and_note_typed(personas, make_report, org,
                                                             other_org):
    report = make_report()
    slug = personas.community.slug
    worker = personas.client("worker")
    response = worker.post(reverse("reports:act", args=[slug, report.pk]),
                           {"action": "accept", "organisation": "999999", "note": "交给维修"})
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index('aria-labelledby="act-accept-h"'):]
    form = form[:form.index("</form>")]
    assert "交给维修</textarea>" in form and 'role="alert"' in form
    assert f'<option value="{other_org.pk}">' in form  # nothing valid was chosen
    # the other form is drawn fresh
    refuse = html[html.index('aria-labelledby="act-refuse-h"'):]
    assert 'role="alert"' not in refuse[:refuse.index("</form>")]


def test_a_step_no_longer_open_says_why(personas, make_report, org):
    """The page was old: someone else accepted the report; refusing it now says so."""
    report = make_report()
    services.report_transition(actor=personas.worker, report=report, action="accept",
                               organisation=org, note="")
    response = personas.client("admin").post(
        reverse("reports:act", args=[personas.community.slug, report.pk]),
        {"action": "refuse", "note": "不在范围内"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and 'value="refuse"' not in html


def test_nav_links(personas, org_member):
    slug = personas.community.slug
    html = personas.client("worker").get(reverse("reports:list", args=[slug])).content.decode()
    for name in ("list", "mine", "queue", "stats"):
        assert reverse(f"reports:{name}", args=[slug]) in html
    html = personas.client("owner").get(reverse("reports:list", args=[slug])).content.decode()
    assert reverse("reports:queue", args=[slug]) not in html
    c = personas.client("anonymous")
    c.force_login(org_member)
    html = c.get(reverse("reports:list", args=[slug])).content.decode()
    assert reverse("reports:queue", args=[slug]) in html


def test_personal_data_export(personas, make_report, reporter):
    from gongzhi.core.export import collect_personal_data

    report = make_report()
    services.report_me_too(actor=personas.owner, report=report)
    assert collect_personal_data(reporter)["reports"]["reports"][0]["id"] == report.pk
    assert collect_personal_data(personas.owner)["reports"]["me_too"][0]["report"] == report.pk


def test_map_layer_registered(personas):
    from gongzhi.spaces.map_layers import all_layers

    layer = next(layer for layer in all_layers() if layer.key == "reports")
    assert layer.url_for(personas.community) == (
        f"/api/v1/reports/geojson?community={personas.community.slug}")
    assert layer.allowed(personas.outsider, personas.community)


def _older_open_reports(personas, reporter, org, n: int) -> None:
    """``n`` open reports, each with a "me too", older than any report made so far."""
    import datetime as dt

    from django.utils import timezone

    _bulk(personas, reporter, org, n)
    newest = Report.objects.order_by("-pk").values_list("pk", flat=True)[:n]
    Report.objects.filter(pk__in=list(newest)).update(
        created_at=timezone.now() - dt.timedelta(days=400))
    MeToo.objects.bulk_create([MeToo(report_id=pk, user=personas.verified) for pk in newest],
                              ignore_conflicts=True)


@pytest.mark.parametrize("who", ["anonymous", "owner", "worker"])
def test_reports_list_counts_me_toos_for_the_page_rows_only(who, personas, reporter, org):
    """The list's rows, their "me too" counts and its queries are the same with 5 or 60
    older open reports behind the page, and the me-too join only ever sees the page's ids
    (it used to GROUP BY every open report of the community before the LIMIT)."""
    c = personas.client(who)
    slug = personas.community.slug
    _bulk(personas, reporter, org, 22)   # the first page: the 20 newest of these
    _older_open_reports(personas, reporter, org, 5)

    def page(url):
        c.get(url)  # the person's access rows read once, kept after
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url)
        assert response.status_code == 200
        metoo_sql = [q["sql"] for q in ctx.captured_queries if "reports_metoo" in q["sql"]]
        assert metoo_sql and all('"reports_report"."id" IN (' in sql for sql in metoo_sql)
        return len(ctx), response

    for url in (reverse("reports:list", args=[slug]), f"/api/v1/reports/?community={slug}"):
        n_small, small = page(url)
        _older_open_reports(personas, reporter, org, 55)
        n_large, large = page(url)
        assert n_small == n_large
        if url.startswith("/api/"):
            rows_small = [(r["id"], r["metoo_count"]) for r in small.json()["results"]]
            rows_large = [(r["id"], r["metoo_count"]) for r in large.json()["results"]]
            assert large.json()["count"] == small.json()["count"] + 55
        else:
            rows_small = [(r.pk, r.metoo_count) for r in small.context["reports"]]
            rows_large = [(r.pk, r.metoo_count) for r in large.context["reports"]]
            assert large.context["page"].paginator.count == (
                small.context["page"].paginator.count + 55)
        assert rows_small == rows_large and len(rows_small) == 20
        assert [n for _pk, n in rows_small] == [
            MeToo.objects.filter(report_id=pk).count() for pk, _n in rows_small]
        assert any(n for _pk, n in rows_small)
