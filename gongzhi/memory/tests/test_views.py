"""Pages and API: who gets what, query counts, the poster, the project block."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.memory import services
from gongzhi.memory.tests.conftest import jpeg, make_item

SLUG = "test-community"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def archive(personas):
    items = []
    for i in range(6):
        items.append(make_item(personas, title=f"锅炉房的故事{i}", era_text=f"19{6 + i % 4}0年代",
                               licence=("cc_by", "community", "all_rights")[i % 3],
                               lat=31.2835, lon=121.5035,
                               files=[services.Upload(jpeg())] if i % 2 else []))
    col = services.collection_create(actor=personas.worker, community=personas.community,
                                     title="老厂记忆", is_featured=True)
    for it in items:
        services.collection_add(actor=personas.worker, collection=col, item=it)
    return items, col


PAGES = ["/c/{s}/memory/", "/c/{s}/memory/items/", "/c/{s}/memory/items/?q=锅炉房",
         "/c/{s}/memory/timeline/", "/c/{s}/memory/map/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "verified", "worker"])
def test_public_pages_open_for_everyone_with_few_queries(personas, archive, path, who,
                                                         django_assert_max_num_queries):
    client = personas.client(who)
    client.get(path.format(s=SLUG))  # warm caches (site, nav registries)
    with django_assert_max_num_queries(22):
        response = client.get(path.format(s=SLUG))
    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_archive(personas, archive,
                                                   django_assert_max_num_queries):
    client = personas.client("worker")
    client.get(f"/c/{SLUG}/memory/")
    for i in range(10):
        make_item(personas, title=f"更多{i}", era_text="1990年代",
                  files=[services.Upload(jpeg())])
    with django_assert_max_num_queries(22):
        assert client.get(f"/c/{SLUG}/memory/").status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(f"/c/{SLUG}/memory/timeline/").status_code == 200


def test_anonymous_sees_only_public_items(personas, archive):
    items, _col = archive
    html = personas.client("anonymous").get(f"/c/{SLUG}/memory/items/").content.decode()
    assert items[0].title in html and items[1].title not in html and items[2].title not in html
    assert personas.client("anonymous").get(
        f"/c/{SLUG}/memory/items/{items[1].pk}/").status_code == 404
    assert personas.client("owner").get(
        f"/c/{SLUG}/memory/items/{items[1].pk}/").status_code == 200
    assert personas.client("owner").get(
        f"/c/{SLUG}/memory/items/{items[2].pk}/").status_code == 404


@pytest.mark.parametrize("who, code", [("anonymous", 302), ("outsider", 403),
                                       ("resident", 200), ("verified", 200),
                                       ("worker", 200), ("other_admin", 403)])
def test_submit_form_access(personas, who, code):
    assert personas.client(who).get(f"/c/{SLUG}/memory/new/").status_code == code


@pytest.mark.parametrize("who, code", [("verified", 403), ("worker", 200),
                                       ("other_admin", 403), ("subdistrict_admin", 200)])
def test_moderation_queue_and_record_form_are_for_staff(personas, who, code):
    assert personas.client(who).get(f"/c/{SLUG}/memory/moderation/").status_code == code
    assert personas.client(who).get(f"/c/{SLUG}/memory/record/").status_code == code


def test_a_form_with_errors_keeps_what_was_typed(personas):
    response = personas.client("verified").post(f"/c/{SLUG}/memory/new/", {
        "kind": "story", "title": "锅炉房的冬天", "body": "很长的故事……", "era_text": "很久以前",
        "licence": "community"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "很长的故事……" in html and "锅炉房的冬天" in html and "没能识别" in html


def test_submit_then_approve_from_the_queue(personas):
    r = personas.client("verified").post(f"/c/{SLUG}/memory/new/", {
        "kind": "photo", "title": "厂门口", "era_text": "1975年", "licence": "cc_by",
        "files": jpeg()})
    assert r.status_code == 302
    from gongzhi.memory.models import MemoryItem

    item = MemoryItem.objects.get()
    assert item.status == "pending"
    queue = personas.client("worker").get(f"/c/{SLUG}/memory/moderation/").content.decode()
    assert "厂门口" in queue
    personas.client("worker").post(f"/c/{SLUG}/memory/items/{item.pk}/moderate/",
                                   {"action": "approve", "next": "queue"})
    item.refresh_from_db()
    assert item.status == "approved"


def test_poster_is_an_a3_pdf(personas, archive):
    _items, col = archive
    r = personas.client("anonymous").get(f"/c/{SLUG}/memory/collections/{col.pk}/poster.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 841.8898 1190.551 ]" in r.content  # A3 portrait


def test_api_lists_searches_and_creates(personas, archive):
    client = personas.client("anonymous")
    r = client.get(f"/api/v1/memory/items?community={SLUG}")
    assert r.status_code == 200 and r.json()["count"] == 2  # the public ones
    r = client.get(f"/api/v1/memory/search?community={SLUG}&q=锅炉房")
    assert r.status_code == 200 and r.json()
    r = personas.client("verified").post("/api/v1/memory/items", {
        "community": SLUG, "title": "API 故事", "body": "内容", "era_text": "2013年前后"},
        content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert r.json()["year_from"] == 2011
    r = personas.client("verified").post("/api/v1/memory/items", {
        "community": SLUG, "title": "", "body": "内容"}, content_type="application/json")
    assert r.status_code in (400, 422)
    assert personas.client("verified").get(
        f"/api/v1/memory/moderation?community={SLUG}").status_code == 403
    geo = client.get(reverse("api:memory_geojson") + f"?community={SLUG}").json()
    assert len(geo["features"]) == 2


def test_openapi_has_the_memory_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/memory/search" in paths and "/api/v1/memory/items" in paths


def test_feed_source_shows_new_public_memories(personas, archive):
    from django.contrib.auth.models import AnonymousUser

    from gongzhi.core.feed import community_feed

    events = community_feed(personas.community, AnonymousUser(), sources=["memory"])
    assert len(events) == 2 and all(e.source == "memory" for e in events)


def test_a_project_phase_can_collect_stories(personas):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.projects import services as psvc
    from gongzhi.projects.models import ProjectTemplate
    from gongzhi.projects.tests.helpers import freeze_phase

    project = psvc.project_create(actor=personas.worker, community=personas.community,
                                  template=ProjectTemplate.objects.get(key="garden"),
                                  title="花园", starts_on=timezone.localdate()
                                  - dt.timedelta(days=1))
    phase = project.phases.order_by("order").first()
    psvc.phase_update(actor=personas.worker, phase=phase, name=phase.name,
                      starts_on=phase.starts_on, ends_on=phase.ends_on,
                      actions={**(phase.actions or {}), "memory.collect": ["member"]})
    with freeze_phase(phase):
        html = personas.client("verified").get(
            f"/c/{SLUG}/projects/{project.pk}/").content.decode()
        assert f"/c/{SLUG}/memory/new/?project={project.pk}" in html
        item = services.item_create(actor=personas.verified, community=personas.community,
                                    kind="story", title="锅炉房", body="故事", project=project)
        assert item.project == project
