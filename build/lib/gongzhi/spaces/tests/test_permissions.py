"""Who may do what: every page and endpoint, allowed and refused, over all personas."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gongzhi.spaces.models import CareLog, MaintenanceDuty, Space
from gongzhi.spaces.services import duty_create

from .conftest import LAT, LON, png_upload, square

ALL = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
       "other_admin", "subdistrict_admin")
STAFF = ("worker", "admin", "subdistrict_admin")
NOT_STAFF = tuple(p for p in ALL if p not in STAFF)

pytestmark = pytest.mark.django_db


def _refused(response, persona):
    # Anonymous people are sent to sign in; others get 403.
    if persona == "anonymous":
        return response.status_code in (302, 401, 403)
    return response.status_code in (403, 404)


@pytest.mark.parametrize("persona", ALL)
def test_public_pages_are_open_to_everyone(personas, space, persona):
    client = personas.client(persona)
    slug = personas.community.slug
    for url in (reverse("spaces:map", args=[slug]), reverse("spaces:list", args=[slug]),
                reverse("spaces:detail", args=[slug, space.pk])):
        assert client.get(url).status_code == 200, url
    api = client.get("/api/v1/spaces/", {"community": slug})
    assert api.status_code == 200
    assert [f["id"] for f in api.json()["features"]] == [space.pk]
    assert client.get(f"/api/v1/spaces/{space.pk}").status_code == 200
    assert client.get("/api/v1/spaces/buildings", {"community": slug}).status_code == 200


@pytest.mark.parametrize("persona", ALL)
def test_non_public_space_only_for_staff(personas, make_space, persona):
    hidden = make_space(name="内部仓库", is_public=False)
    client = personas.client(persona)
    slug = personas.community.slug
    detail = client.get(reverse("spaces:detail", args=[slug, hidden.pk]))
    api = client.get("/api/v1/spaces/", {"community": slug})
    ids = [f["id"] for f in api.json()["features"]]
    if persona in STAFF:
        assert detail.status_code == 200
        assert ids == [hidden.pk]
    else:
        assert detail.status_code == 404
        assert ids == []
        assert client.get(f"/api/v1/spaces/{hidden.pk}").status_code in (403, 404)


WORKER_GETS = ("spaces:create", "spaces:export", "spaces:import_geojson", "spaces:import_osm",
               "spaces:duties_overdue")


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("name", WORKER_GETS)
def test_worker_pages(personas, persona, name):
    response = personas.client(persona).get(reverse(name, args=[personas.community.slug]))
    if persona in STAFF:
        assert response.status_code == 200
    else:
        assert _refused(response, persona), response.status_code


@pytest.mark.parametrize("persona", ALL)
def test_create_via_form(personas, persona):
    data = {"name": "新花园", "kind": "community_garden", "state": "planned",
            "geometry": json.dumps(square(LON, LAT)), "is_public": "on"}
    response = personas.client(persona).post(
        reverse("spaces:create", args=[personas.community.slug]), data)
    created = Space.objects.filter(name="新花园").exists()
    if persona in STAFF:
        assert response.status_code == 302
        assert created
    else:
        assert _refused(response, persona)
        assert not created


@pytest.mark.parametrize("persona", ALL)
def test_edit_via_form(personas, space, persona):
    data = {"name": "改名", "kind": "pocket_park", "state": "under_renovation",
            "geometry": json.dumps(space.geometry)}
    response = personas.client(persona).post(
        reverse("spaces:edit", args=[personas.community.slug, space.pk]), data)
    space.refresh_from_db()
    if persona in STAFF:
        assert response.status_code == 302
        assert (space.name, space.state) == ("改名", "under_renovation")
        assert space.events.filter(kind="state", from_state="open",
                                   to_state="under_renovation").count() == 1
    else:
        assert _refused(response, persona)
        assert space.name == "口袋公园"


@pytest.mark.parametrize("persona", ALL)
def test_create_and_patch_via_api(personas, space, persona):
    client = personas.client(persona)
    body = {"community": personas.community.slug, "kind": "plaza", "name": "小广场",
            "geometry": {"type": "Point", "coordinates": [LON, LAT]}}
    r = client.post("/api/v1/spaces/", body, content_type="application/json")
    p = client.patch(f"/api/v1/spaces/{space.pk}", {"name": "新名字"},
                     content_type="application/json")
    if persona in STAFF:
        assert r.status_code == 201, r.content
        assert r.json()["properties"]["kind"] == "plaza"
        assert p.status_code == 200 and p.json()["properties"]["name"] == "新名字"
    else:
        assert r.status_code in (401, 403), r.content
        assert p.status_code in (401, 403)
        assert not Space.objects.filter(name="小广场").exists()
        space.refresh_from_db()
        assert space.name == "口袋公园"


@pytest.mark.parametrize("persona", ALL)
def test_photo_and_history_and_duty_and_care(personas, space, persona):
    client = personas.client(persona)
    slug = personas.community.slug
    duty = duty_create(actor=None, space=space, task="浇水", interval_days=3,
                       next_due=space.created_at.date(), responsible_name="楼组长")
    r1 = client.post(reverse("spaces:photo_add", args=[slug, space.pk]),
                     {"image": png_upload(), "role": "general", "caption": "全景"})
    r2 = client.post(reverse("spaces:event_add", args=[slug, space.pk]),
                     {"kind": "renovation", "happened_on": "2024-05-01", "title": "翻新",
                      "after_photo": png_upload("after.png")})
    r3 = client.post(reverse("spaces:duty_add", args=[slug, space.pk]),
                     {"task": "扫地", "responsible_name": "志愿者", "interval_days": 7,
                      "next_due": "2030-01-01"})
    r4 = client.post(reverse("spaces:care_log_add", args=[slug, space.pk, duty.pk]),
                     {"done_on": "2024-05-02", "note": "浇过水"})
    counts = (space.photos.count(), space.events.filter(kind="renovation").count(),
              MaintenanceDuty.objects.filter(space=space).count(),
              CareLog.objects.filter(duty=duty).count())
    if persona in STAFF:
        assert [r.status_code for r in (r1, r2, r3, r4)] == [302] * 4
        assert counts == (2, 1, 2, 1)  # the general photo and the "after" photo
    else:
        assert all(_refused(r, persona) for r in (r1, r2, r3, r4))
        assert counts == (0, 0, 1, 0)


def test_other_community_space_not_reachable_through_this_slug(personas, make_space):
    other = make_space(community=personas.other_community, name="隔壁花园")
    client = personas.client("admin")
    url = reverse("spaces:detail", args=[personas.community.slug, other.pk])
    assert client.get(url).status_code == 404
    edit = reverse("spaces:edit", args=[personas.other_community.slug, other.pk])
    assert client.post(edit, {}).status_code == 403
