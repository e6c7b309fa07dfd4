"""The reports map layer filters by bbox and pages with a `next` link, like spaces."""

from __future__ import annotations

import pytest

from gongzhi.reports.tests.conftest import offset
from gongzhi.testing.factories import UserFactory, make_member


@pytest.mark.django_db
def test_bbox_keeps_only_reports_inside(personas, make_report):
    near = make_report()
    lon, lat = offset(400)
    far = make_report(by=make_member(UserFactory(), personas.community), lon=lon, lat=lat)
    box = f"{near.lon - 0.001},{near.lat - 0.001},{near.lon + 0.001},{near.lat + 0.001}"
    data = personas.client("anonymous").get(
        "/api/v1/reports/geojson", {"community": personas.community.slug, "bbox": box}).json()
    ids = {f["id"] for f in data["features"]}
    assert near.pk in ids and far.pk not in ids


@pytest.mark.django_db
def test_pages_follow_next_until_the_end(personas, make_report):
    made = set()
    for i in range(5):
        lon, lat = offset(i * 50)
        made.add(make_report(by=make_member(UserFactory(), personas.community), lon=lon,
                             lat=lat).pk)
    client = personas.client("anonymous")
    url = f"/api/v1/reports/geojson?community={personas.community.slug}&limit=2"
    seen, pages = [], 0
    while url:
        data = client.get(url).json()
        seen += [f["id"] for f in data["features"]]
        url = data["next"]
        pages += 1
    assert pages == 3 and set(seen) == made and len(seen) == 5


@pytest.mark.django_db
def test_malformed_bbox_is_a_400(personas):
    response = personas.client("anonymous").get(
        "/api/v1/reports/geojson", {"community": personas.community.slug, "bbox": "1,2,3"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_workers_hear_of_a_new_report_in_their_language(personas, make_report,
                                                        django_capture_on_commit_callbacks):
    from gongzhi.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        report = make_report()
    worker_notes = Notification.objects.filter(kind="reports.new")
    recipients = set(worker_notes.values_list("user_id", flat=True))
    assert recipients == {personas.worker.pk, personas.admin.pk}
    assert str(report.pk) in worker_notes.first().title
    assert not Notification.objects.filter(kind="reports.new", user=personas.verified).exists()
