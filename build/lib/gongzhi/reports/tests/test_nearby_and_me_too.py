from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongzhi.reports import selectors, services
from gongzhi.reports.models import MeToo, Status
from gongzhi.reports.tests.conftest import LAT, LON, offset


def test_duplicate_offered_within_30m_not_at_40m(personas, make_report):
    near = make_report(category="lamp", lon=offset(25)[0], lat=offset(25)[1])
    make_report(category="lamp", lon=offset(0, 40)[0], lat=offset(0, 40)[1])
    found = selectors.nearby_open(personas.community, category="lamp", lat=LAT, lon=LON)
    assert [r.pk for r in found] == [near.pk]
    assert 24 < found[0].distance_m < 26


def test_other_category_and_closed_not_offered(personas, make_report, move):
    make_report(category="rubbish")
    closed = make_report(category="lamp")
    move(closed, Status.CLOSED)
    refused = make_report(category="lamp")
    move(refused, Status.REFUSED)
    hidden = make_report(category="lamp")
    services.report_hide(actor=personas.worker, report=hidden, reason="广告")
    assert selectors.nearby_open(personas.community, category="lamp", lat=LAT, lon=LON) == []


def test_similar_partial_lists_the_nearby_report(personas, make_report, client):
    near = make_report(category="charger")
    client.force_login(personas.owner)
    url = reverse("reports:similar", args=[personas.community.slug])
    html = client.get(url, {"category": "charger", "lat": LAT, "lon": LON},
                      HTTP_HX_REQUEST="true").content.decode()
    assert f"#{near.pk}" in html and reverse("reports:me_too", args=[
        personas.community.slug, near.pk]) in html
    assert client.get(url, {"category": "noise", "lat": LAT, "lon": LON}).content.strip() == b""
    assert client.get(url, {"category": "charger", "lat": "x"}).status_code == 200


def test_me_too_is_idempotent(personas, make_report):
    report = make_report()
    first, created = services.report_me_too(actor=personas.owner, report=report)
    again, created_again = services.report_me_too(actor=personas.owner, report=report)
    assert created and not created_again and first.pk == again.pk
    assert MeToo.objects.filter(report=report).count() == 1


def test_me_too_unique_in_database(personas, make_report):
    report = make_report()
    MeToo.objects.create(report=report, user=personas.owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeToo.objects.create(report=report, user=personas.owner)


def test_me_too_survives_a_race(personas, make_report, monkeypatch):
    """If another request inserts between our check and our insert, we return that row."""
    report = make_report()
    real_filter = MeToo.objects.filter

    class Racing:
        def first(self):
            MeToo.objects.bulk_create([MeToo(report=report, user=personas.owner)])
            return None

    calls = {"n": 0}

    def filter_once(*args, **kwargs):
        calls["n"] += 1
        return Racing() if calls["n"] == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(MeToo.objects, "filter", filter_once)
    obj, created = services.report_me_too(actor=personas.owner, report=report)
    assert not created and obj.pk
    assert MeToo.objects.count() == 1


def test_me_too_refused_on_own_and_closed(personas, make_report, move, reporter):
    report = make_report()
    with pytest.raises(ValidationError):
        services.report_me_too(actor=reporter, report=report)
    closed = move(make_report(), Status.CLOSED)
    with pytest.raises(ValidationError):
        services.report_me_too(actor=personas.owner, report=closed)


def test_me_too_page_posts(personas, make_report, client):
    report = make_report()
    client.force_login(personas.owner)
    url = reverse("reports:me_too", args=[personas.community.slug, report.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert MeToo.objects.filter(report=report).count() == 1
