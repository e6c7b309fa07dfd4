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


@pytest.mark.django_db
def test_resolve_over_the_api_with_an_after_photo(personas, make_report, org):
    from gongzhi.reports.models import Status
    from gongzhi.reports.tests.conftest import has_gps, jpeg

    report = make_report()
    client = personas.client("worker")
    url = f"/api/v1/reports/{report.pk}/transition"
    accepted = client.post(url, data={"action": "accept", "organisation": org.pk},
                           content_type="application/json")
    assert accepted.status_code == 200, accepted.content[:300]
    resolved = client.post(url, data={"action": "resolve", "note": "换了新灯泡",
                                      "photos": [jpeg(gps=True)]})
    assert resolved.status_code == 200, resolved.content[:300]
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    photo = report.photos.get()
    photo.image.open("rb")
    assert not has_gps(photo.image.read())


@pytest.mark.django_db
def test_openapi_request_bodies_have_no_dangling_references(client):
    import json

    schema = client.get("/api/v1/openapi.json").json()
    names = set(schema.get("components", {}).get("schemas", {}))
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                refs.add(ref.rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema["paths"])
    assert refs <= names, sorted(refs - names)
    assert json.dumps(schema)  # serialisable
