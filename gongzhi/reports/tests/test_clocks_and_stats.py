"""Auto-close, overdue flags, the work queue order, monthly statistics and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.reports import selectors, services
from gongzhi.reports.models import EventKind, MeToo, Report, ResponseTargets, Status
from gongzhi.reports.tests.conftest import LAT, LON

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_auto_close_after_seven_days(personas, make_report, move):
    old = move(make_report(), Status.RESOLVED)
    recent = move(make_report(description="另一盏路灯"), Status.RESOLVED)
    now = timezone.now()
    Report.objects.filter(pk=old.pk).update(resolved_at=now - dt.timedelta(days=7, minutes=1))
    Report.objects.filter(pk=recent.pk).update(resolved_at=now - dt.timedelta(days=6))
    from gongzhi.core.periodic import periodic_jobs

    job = periodic_jobs()["reports.auto_close"]
    assert job.fn() == "closed 1"
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.CLOSED and old.closed_at
    assert recent.status == Status.RESOLVED
    event = old.events.order_by("-id").first()
    assert event.kind == EventKind.AUTO_CLOSED and event.actor is None and event.is_public
    assert services.reports_auto_close() == 0  # idempotent


def test_auto_close_uses_community_setting(personas, make_report, move):
    ResponseTargets.objects.create(community=personas.community, confirm_days=3)
    report = move(make_report(), Status.RESOLVED)
    Report.objects.filter(pk=report.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=3, hours=1))
    assert services.reports_auto_close() == 1


def test_queue_order_overdue_then_age_then_me_too(personas, org, make_report, reporter):
    now = timezone.now()
    a = make_report(description="最新，未超时")
    b = make_report(description="较早，未超时")
    c = make_report(description="超时的")
    d = make_report(description="和b同时，我也遇到更多")
    Report.objects.filter(pk=b.pk).update(created_at=now - dt.timedelta(hours=5))
    Report.objects.filter(pk=d.pk).update(created_at=now - dt.timedelta(hours=5))
    Report.objects.filter(pk=c.pk).update(created_at=now - dt.timedelta(hours=2),
                                          due_at=now - dt.timedelta(minutes=1))
    MeToo.objects.create(report=d, user=personas.owner)
    rows = list(selectors.work_queue(personas.worker, personas.community))
    assert [r.pk for r in rows][0] == c.pk
    assert rows[0].overdue is True
    ordered = [r.pk for r in rows]
    assert ordered.index(b.pk) < ordered.index(a.pk) and ordered.index(d.pk) < ordered.index(a.pk)
    # Same age: the one with more "me too" first.
    Report.objects.filter(pk__in=[b.pk, d.pk]).update(created_at=now - dt.timedelta(hours=5))
    ordered = [r.pk for r in selectors.work_queue(personas.worker, personas.community)]
    assert ordered.index(d.pk) < ordered.index(b.pk)


def test_org_member_queue_only_their_reports(personas, org, other_org, org_member, make_report):
    mine = make_report()
    services.report_accept(actor=personas.worker, report=mine, organisation=org)
    theirs = make_report(description="别的单位的")
    services.report_accept(actor=personas.worker, report=theirs, organisation=other_org)
    make_report(description="还没受理的")
    assert [r.pk for r in selectors.work_queue(org_member, personas.community)] == [mine.pk]


def _at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=SH)


@pytest.fixture
def dataset(personas, org, other_org, reporter):
    def add(created, accept_h=None, resolve_h=None, category="lamp", organisation=org,
            status=Status.CLOSED):
        r = Report.objects.create(
            community=personas.community, reporter=reporter, category=category,
            description="统计", lat=LAT, lon=LON, created_at=created, status=status,
            organisation=organisation if status != Status.REFUSED else None,
            refusal_reason="不受理" if status == Status.REFUSED else "",
            accepted_at=created + dt.timedelta(hours=accept_h) if accept_h else None,
            resolved_at=created + dt.timedelta(hours=resolve_h) if resolve_h else None)
        return r
    # March 2026: lamp (org) accept 2/4/10 h, resolve 24/48 h; path (other_org) accept 1 h.
    add(_at(2026, 3, 5), 2, 24)
    add(_at(2026, 3, 10), 4, 48)
    add(_at(2026, 3, 31, 23), 10, None, status=Status.IN_PROGRESS)  # 23:00 local: still March
    add(_at(2026, 3, 12), 1, None, category="path", organisation=other_org,
        status=Status.ACCEPTED)
    # April 2026: lamp accept 1/2/3/4 h, one refused.
    for i, h in enumerate((1, 2, 3, 4)):
        add(_at(2026, 4, 2 + i), h, None, status=Status.ACCEPTED)
    add(_at(2026, 4, 20), status=Status.REFUSED)


def test_monthly_statistics_hand_computed(personas, dataset):
    stats = selectors.monthly_statistics(personas.community)
    assert stats["months"] == ["2026-03", "2026-04"]
    cat = {(r["month"], r["category"]): r for r in stats["by_category"]}
    lamp_march = cat[("2026-03", "lamp")]
    assert lamp_march["count"] == 3 and lamp_march["accepted"] == 3
    assert lamp_march["accept_median_h"] == 4.0
    assert lamp_march["accept_p90_h"] == 8.8          # 4 + 0.8 × (10 − 4)
    assert lamp_march["resolve_median_h"] == 36.0
    assert lamp_march["resolve_p90_h"] == 45.6        # 24 + 0.9 × (48 − 24)
    assert cat[("2026-03", "path")]["accept_median_h"] == 1.0
    april = cat[("2026-04", "lamp")]
    assert april["count"] == 5 and april["accepted"] == 4
    assert april["accept_median_h"] == 2.5 and april["accept_p90_h"] == 3.7
    assert april["resolve_median_h"] is None
    org = {(r["month"], r["label"]): r for r in stats["by_organisation"]}
    assert org[("2026-03", "大院物业")]["count"] == 3
    assert org[("2026-03", "维修承包商")]["accept_p90_h"] == 1.0
    assert org[("2026-04", "")]["count"] == 1  # the refused one: nobody assigned
    month = {r["month"]: r for r in stats["by_month"]}
    assert month["2026-03"]["count"] == 4
    assert month["2026-03"]["accept_median_h"] == 3.0  # [1, 2, 4, 10]


def test_statistics_csv_has_bom_and_chinese_headers(personas, dataset):
    c = personas.client("worker")
    response = c.get(reverse("reports:stats_csv", args=[personas.community.slug]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["月份", "分组", "名称", "报事数"]
    lamp = next(r for r in rows if r[0] == "2026-03" and r[1] == "类别" and r[3] == "3")
    assert lamp[6:10] == ["4.0", "8.8", "36.0", "45.6"]
    assert any(r[2] == "未分派" for r in rows)


def test_statistics_page_has_chart_and_table(personas, dataset):
    html = personas.client("worker").get(
        reverse("reports:stats", args=[personas.community.slug])).content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    assert "<caption>" in html and "8.8" in html and 'id="chart-data"' in html


def test_targets_page_saves(personas):
    c = personas.client("admin")
    url = reverse("reports:targets", args=[personas.community.slug])
    assert c.post(url, {"accept_hours": 12, "resolve_days": 5, "confirm_days": 7}
                  ).status_code == 302
    assert services.targets_for(personas.community).accept_hours == 12
    response = c.post(url, {"accept_hours": 0, "resolve_days": 5, "confirm_days": 7})
    assert response.status_code == 200 and b"error" in response.content


@pytest.mark.parametrize("value", ["99999999999999999999999", "abc", "-3", ""])
def test_queue_organisation_filter_of_any_size_is_not_a_server_error(personas, value):
    # A 23-digit id reached the query and overflowed SQLite's integers (a 500) before the
    # filter was bounded; it now just matches no organisation.
    url = reverse("reports:queue", args=[personas.community.slug])
    r = personas.client("worker").get(url, {"organisation": value})
    assert r.status_code == 200
