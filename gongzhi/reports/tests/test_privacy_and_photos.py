"""Anonymity, EXIF GPS stripping, photo checks, moderation visibility."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.reports import services
from gongzhi.reports.models import Report
from gongzhi.reports.tests.conftest import LAT, LON, has_gps, jpeg


def test_anonymous_report_never_names_reporter_publicly(personas, make_report, reporter,
                                                        client):
    report = make_report(anonymous=True, description="消防通道被堵住了")
    name = reporter.public_name
    slug = personas.community.slug
    for who in (None, personas.owner, personas.outsider):
        c = personas.client("anonymous") if who is None else client
        if who is not None:
            c.force_login(who)
        pages = [reverse("reports:detail", args=[slug, report.pk]),
                 reverse("reports:list", args=[slug])]
        for url in pages:
            html = c.get(url).content.decode()
            assert "消防通道" in html and name not in html
        api = c.get(f"/api/v1/reports/?community={slug}").json()
        assert api["results"][0]["reporter_name"] != name
        assert name not in json.dumps(api, ensure_ascii=False)
        geo = c.get(f"/api/v1/reports/geojson?community={slug}").content.decode()
        assert name not in geo and str(reporter.pk) not in json.loads(geo)["features"][0][
            "properties"].values()


def test_workers_see_anonymous_reporter(personas, make_report, reporter):
    report = make_report(anonymous=True)
    c = personas.client("worker")
    html = c.get(reverse("reports:detail", args=[personas.community.slug, report.pk])
                 ).content.decode()
    assert reporter.public_name in html
    api = c.get(f"/api/v1/reports/{report.pk}").json()
    assert api["reporter_name"] == reporter.public_name


def test_gps_stripped_by_default(make_report):
    report = make_report(photos=[jpeg(gps=True)])
    photo = report.photos.get()
    assert not photo.location_kept
    assert not has_gps(photo.image.read())


def test_gps_kept_when_opted_in(make_report):
    report = make_report(photos=[jpeg(gps=True)], keep_location=True)
    photo = report.photos.get()
    assert photo.location_kept and has_gps(photo.image.read())


def test_at_most_four_photos(make_report):
    with pytest.raises(ValidationError) as exc:
        make_report(photos=[jpeg(name=f"{i}.jpg") for i in range(5)])
    assert "photos" in exc.value.message_dict
    assert Report.objects.count() == 0


def test_wrong_type_and_size_refused_with_message_text_kept(personas, client, settings):
    client.force_login(personas.owner)
    url = reverse("reports:create", args=[personas.community.slug])
    data = {"category": "lamp", "description": "步道破损很严重", "lat": LAT, "lon": LON}
    bad = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 not a picture", "application/pdf")
    response = client.post(url, {**data, "photos": [bad]})
    html = response.content.decode()
    assert response.status_code == 200 and "notes.pdf" in html
    assert "步道破损很严重" in html
    settings.UPLOAD_MAX_BYTES = 100
    response = client.post(url, {**data, "photos": [jpeg(size=(400, 300))]})
    assert "MB" in response.content.decode() and "步道破损很严重" in response.content.decode()
    assert Report.objects.count() == 0


def test_hidden_report_gone_from_public_but_kept_for_workers(personas, make_report):
    report = make_report(description="广告内容")
    services.report_hide(actor=personas.worker, report=report, reason="广告")
    slug = personas.community.slug
    detail = reverse("reports:detail", args=[slug, report.pk])
    public = personas.client("owner")
    assert public.get(detail).status_code == 404
    assert "广告内容" not in public.get(reverse("reports:list", args=[slug])).content.decode()
    assert public.get(f"/api/v1/reports/geojson?community={slug}").json()["features"] == []
    assert public.get(f"/api/v1/reports/?community={slug}").json()["count"] == 0
    worker = personas.client("worker")
    assert worker.get(detail).status_code == 200
    assert worker.get(f"/api/v1/reports/?community={slug}").json()["count"] == 1
    from gongzhi.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="report.hide", reason="广告").exists()
    # Unhide brings it back.
    services.report_unhide(actor=personas.worker, report=report)
    assert public.get(detail).status_code == 200


def test_rate_limit_per_hour_and_day(personas, make_report, settings):
    import datetime as dt

    from django.utils import timezone

    settings.REPORTS_PER_USER_PER_HOUR = 2
    settings.REPORTS_PER_USER_PER_DAY = 3
    make_report()
    make_report()
    with pytest.raises(ValidationError) as exc:
        make_report()
    assert exc.value.code == "rate_limited"
    # An hour later the hourly limit has passed but the daily one has not.
    later = timezone.now() + dt.timedelta(hours=1, minutes=1)
    make_report(now=later)
    with pytest.raises(ValidationError):
        make_report(now=later + dt.timedelta(minutes=90))
    make_report(now=later + dt.timedelta(days=1, hours=1))


def test_workers_are_not_rate_limited(personas, make_report, settings):
    settings.REPORTS_PER_USER_PER_HOUR = 1
    make_report(by=personas.worker)
    make_report(by=personas.worker)
    assert Report.objects.filter(reporter=personas.worker).count() == 2


def test_rate_limit_counts_in_database_not_memory(personas, make_report, settings, reporter):
    """Reports written by another process (here: directly) count toward the limit."""
    settings.REPORTS_PER_USER_PER_HOUR = 1
    Report.objects.create(community=personas.community, reporter=reporter, category="lamp",
                          description="另一个进程写的", lat=LAT, lon=LON)
    with pytest.raises(ValidationError):
        make_report()


def test_pin_outside_community_refused(make_report):
    with pytest.raises(ValidationError) as exc:
        make_report(lat=LAT + 0.2)
    assert "lat" in exc.value.message_dict


def test_the_compiled_detail_reads_answer_each_viewer_as_themselves(personas, make_report):
    """report_detail and timeline are compiled once per kind of viewer (core.compiled):
    taking turns, the worker sees a hidden report and the hide/unhide events, residents
    neither, and each sees their own "me too"."""
    from gongzhi.reports import selectors
    from gongzhi.reports.models import EventKind

    community = personas.community
    report = make_report(description="广告内容")
    services.report_hide(actor=personas.worker, report=report, reason="广告")
    for _ in range(2):  # the second round uses what the first built
        assert selectors.report_detail(personas.worker, community, report.pk) is not None
        assert selectors.report_detail(personas.owner, community, report.pk) is None
        assert selectors.report_detail(personas.verified, community, report.pk) is None
    services.report_unhide(actor=personas.worker, report=report)
    services.report_me_too(actor=personas.owner, report=report)
    private = {EventKind.HIDDEN, EventKind.UNHIDDEN}
    for _ in range(2):
        seen = {}
        for name in ("worker", "owner", "verified", "outsider"):
            user = personas.user(name)
            found = selectors.report_detail(user, community, report.pk)
            assert found is not None and found.metoo_count == 1
            seen[name] = (found.my_me_too, {e.kind for e in selectors.timeline(user, found)})
        assert seen["owner"][0] is True
        assert seen["verified"][0] is False and seen["worker"][0] is False
        assert private <= seen["worker"][1]
        assert not private & (seen["owner"][1] | seen["verified"][1] | seen["outsider"][1])
    other = make_report(description="另一个")
    assert selectors.report_detail(personas.other_admin, personas.other_community,
                                   other.pk) is None  # not of that community
