"""Building a community's basemap (who may, audit, CLI) and serving it (gzip, ETag)."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.maps.models import Basemap
from gongzhi.maps.services import basemap_build

pytestmark = pytest.mark.django_db

ALL = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
       "other_admin", "subdistrict_admin")
STAFF = ("worker", "admin", "subdistrict_admin")


@pytest.mark.parametrize("persona", ALL)
def test_who_may_build_a_basemap(personas, siping_community, extract, persona):
    user = personas.user(persona)
    if user is None:
        pytest.skip("anonymous has no account to act with")
    if persona in STAFF:
        basemap = basemap_build(actor=user, community=siping_community, path=extract)
        assert basemap.feature_count > 500
        entry = AuditEntry.objects.get(action="maps.basemap_build")
        assert entry.actor == user and entry.after["feature_count"] == basemap.feature_count
    else:
        with pytest.raises(PermissionDenied):
            basemap_build(actor=user, community=siping_community, path=extract)
        assert not Basemap.objects.exists()


def test_rebuilding_replaces_and_bad_files_are_refused(siping_community, extract, tmp_path):
    first = basemap_build(actor=None, community=siping_community, path=extract)
    again = basemap_build(actor=None, community=siping_community, path=extract)
    assert Basemap.objects.count() == 1 and again.etag == first.etag
    bad = tmp_path / "x.osm.pbf"
    bad.write_bytes(b"not osm at all")
    with pytest.raises(ValidationError) as err:
        basemap_build(actor=None, community=siping_community, path=bad)
    assert err.value.code == "unreadable"
    with pytest.raises(ValidationError) as err:
        basemap_build(actor=None, community=siping_community, path=tmp_path / "missing.pbf")
    assert err.value.code == "not_found"
    far = siping_community
    far.boundary = None
    far.center_lon, far.center_lat = 116.39, 39.9  # Beijing: nothing in a Shanghai extract
    far.save()
    with pytest.raises(ValidationError) as err:
        basemap_build(actor=None, community=far, path=extract)
    assert err.value.code == "empty"
    assert Basemap.objects.get().etag == first.etag  # the old one is kept


def test_endpoint_serves_gzip_with_etag(personas, basemap, django_assert_max_num_queries):
    c = personas.client("anonymous")
    url = reverse("api:maps_basemap")
    slug = basemap.community.slug
    with django_assert_max_num_queries(2):
        r = c.get(url, {"community": slug, "v": basemap.etag[:12]},
                  HTTP_ACCEPT_ENCODING="gzip, br")
    assert r.status_code == 200 and r["Content-Encoding"] == "gzip"
    assert r["Content-Type"] == "application/geo+json"
    assert "immutable" in r["Cache-Control"] and "Accept-Encoding" in r["Vary"]
    fc = json.loads(gzip.decompress(r.content))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == basemap.feature_count
    assert fc["attribution"] == "© OpenStreetMap contributors"
    plain = c.get(url, {"community": slug})
    assert "Content-Encoding" not in plain and json.loads(plain.content) == fc
    assert plain["Cache-Control"] == "public, max-age=300"
    assert len(r.content) < len(plain.content) / 4
    etag = plain["ETag"]
    assert c.get(url, {"community": slug}, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_endpoint_without_basemap_is_a_404_problem(personas):
    r = personas.client("anonymous").get(reverse("api:maps_basemap"),
                                         {"community": personas.community.slug})
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    assert personas.client("anonymous").get(reverse("api:maps_basemap"),
                                            {"community": "nope"}).status_code == 404


def test_map_config_points_at_the_basemap_and_attribution(personas, basemap):
    r = personas.client("verified").get(reverse("spaces:map", args=[basemap.community.slug]))
    cfg = r.context["map_config"]
    assert cfg["basemap"]["kind"] == "local" and cfg["basemap"]["osm"] is True
    assert basemap.etag[:12] in cfg["basemap"]["url"]
    assert "notice" not in cfg["basemap"]
    html = r.content.decode()
    assert "© OpenStreetMap" in html and "siping.osm.pbf" in html  # legend names the data


def test_map_page_query_count_is_constant(personas, basemap, django_assert_max_num_queries):
    from gongzhi.testing.factories import BuildingFactory

    client = personas.client("verified")
    url = reverse("spaces:map", args=[basemap.community.slug])
    client.get(url)
    with django_assert_max_num_queries(30) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    for i in range(20):
        BuildingFactory(community=basemap.community, number=str(100 + i),
                        footprint={"type": "Polygon", "coordinates": [[[121.5, 31.28],
                                   [121.5001, 31.28], [121.5001, 31.2801], [121.5, 31.28]]]})
    with django_assert_max_num_queries(before):
        client.get(url)


def test_cli_builds_and_reports(siping_community, extract, capsys):
    call_command("maps", "build-basemap", siping_community.slug, str(extract))
    out = capsys.readouterr().out
    assert "features" in out and "named streets" in out and "© OpenStreetMap" in out
    call_command("maps", "basemap-info", siping_community.slug)
    assert "building:" in capsys.readouterr().out
