"""The settings form (matrix, validation in Chinese, what is saved), the map what-if
partial, and the concentration index against the share of residents aged 60+."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Household
from gongzhi.spatial import selectors, services
from gongzhi.spatial.engine import concentration_index, erreygers_index
from gongzhi.spatial.models import AccessConfig, WalkingMode

pytestmark = pytest.mark.django_db

SETTINGS = {"anonymous": 302, "outsider": 403, "resident": 403, "verified": 403,
            "owner": 403, "worker": 403, "other_admin": 403, "admin": 200,
            "subdistrict_admin": 200}

GOOD = {"threshold_5min_m": "250", "threshold_10min_m": "450", "threshold_15min_m": "900",
        "walking_speed": "1.0", "elderly_walking_speed": "0.7", "catchment_m": "800",
        "persons_per_household": "2.5", "use_osm_facilities": "on",
        "cat_green": "on", "tier_green": "5min", "cat_play": "on", "tier_play": "10min",
        "tier_sport": "10min", "tier_culture": "10min", "tier_community_service": "15min",
        "tier_elderly": "15min"}


def _url(community) -> str:
    return reverse("spatial:settings", args=[community.slug])


@pytest.mark.parametrize("who", list(SETTINGS))
def test_settings_page_permission_matrix(personas, who):
    r = personas.client(who).get(_url(personas.community))
    expected = SETTINGS[who]
    if who == "anonymous":
        assert r.status_code in (302, 403)
    else:
        assert r.status_code == expected
    post = personas.client(who).post(_url(personas.community), GOOD)
    assert post.status_code in ((302,) if expected == 200 else (302, 403))
    saved = AccessConfig.objects.filter(community=personas.community,
                                        threshold_5min_m=250).exists()
    assert saved is (expected == 200)


def test_settings_are_saved_audited_and_used(town, personas):
    community = town["community"]
    r = personas.client("admin").post(_url(community), GOOD)
    assert r.status_code == 302 and "saved=1" in r["Location"]
    config = AccessConfig.objects.get(community=community)
    assert (config.threshold_5min_m, config.walking_speed, config.elderly_walking_speed) == (
        250, 1.0, 0.7)
    assert set(config.categories) == {"green", "play"}
    assert config.categories["play"]["tier"] == "10min"
    assert AuditEntry.objects.filter(action="spatial.config_update").exists()
    community._access_config = None
    result = selectors.access_result(community, WalkingMode.ELDERLY)
    # the elderly circles shrink in proportion to the configured speeds: 250 × 0.7 / 1.0
    assert result["tiers"]["5min"] == pytest.approx(175.0)
    assert [c["code"] for c in result["categories"]] == ["green", "play"]


@pytest.mark.parametrize("field,value,message", [
    ("threshold_10min_m", "200", "生活圈"),
    ("elderly_walking_speed", "1.2", "老年人步行速度"),
    ("walking_speed", "abc", "数"),
    ("catchment_m", "20000", "5000"),
])
def test_settings_errors_in_chinese_keep_what_was_typed(personas, field, value, message):
    client = personas.client("admin")
    data = dict(GOOD, **{field: value})
    r = client.post(_url(personas.community), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html and f'value="{value}"' in html
    assert not AccessConfig.objects.filter(community=personas.community,
                                           threshold_5min_m=250).exists()


def test_settings_refuse_no_category(personas):
    data = {k: v for k, v in GOOD.items() if not k.startswith("cat_")}
    r = personas.client("admin").post(_url(personas.community), data,
                                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "至少保留一个" in r.content.decode()


def test_map_what_if_returns_the_partial(town, personas):
    from gongzhi.places.demo import offset

    from .conftest import CENTER

    lon, lat = offset(CENTER, 400, 0)
    path = reverse("spatial:what_if", args=[town["community"].slug])
    r = personas.client("worker").get(path, {"action": "add", "category": "green",
                                             "capacity": "20", "lon": lon, "lat": lat,
                                             "name": "<b>新绿地</b>"},
                                      HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and "<table" in html
    assert "<b>" not in html
    bad = personas.client("worker").get(path, {"action": "add", "category": "green",
                                               "lon": "x", "lat": "y"},
                                        HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    page = personas.client("worker").get(reverse("spatial:access",
                                                 args=[town["community"].slug]))
    assert 'id="map-what-if"' in page.content.decode()


def test_concentration_against_elderly_share(town, personas):
    """Buildings 10..13 west→east; the park is at the west end. Put the elderly in the
    western buildings: access is concentrated where need is higher (CI > 0)."""
    community = town["community"]
    services.config_update(actor=personas.admin, community=community, catchment_m=500)
    shares = {"10": (3, 2), "11": (3, 1), "12": (2, 0), "13": (2, 0)}
    for h in Household.objects.filter(building__community=community,
                                      building__number__in=list(shares)):
        h.residents, h.elderly = shares[h.building.number]
        h.save()
    result = selectors.access_result(community)
    e = result["summary"]["all"]["concentration"]["elderly"]
    rows = [b for b in result["buildings"] if b["elderly_share"] is not None]
    assert e["places"] == len(rows) == 4
    # independent: the formula on the stored per-building values
    fca = np.array([b["fca"] for b in rows])
    need = np.array([b["elderly_share"] for b in rows])
    pop = np.array([b["population"] for b in rows])
    assert e["ci_2sfca"] == pytest.approx(concentration_index(fca, need, pop), abs=1e-12)
    assert e["ci_2sfca"] > 0
    reached = np.array([b["completeness"] for b in rows]) / len(result["categories"])
    assert e["erreygers_reached"] == pytest.approx(erreygers_index(reached, need, pop),
                                                   abs=1e-12)
    # residents come from the ledger's counts: 4 dwellings × 3 people in building 10
    assert next(b for b in rows if b["label"] == "10")["population"] == 12
    page = personas.client("worker").get(reverse("spatial:access", args=[community.slug]),
                                         HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "60岁" in page.content.decode()


def test_without_elderly_counts_the_page_says_so(town, personas):
    page = personas.client("worker").get(reverse("spatial:access",
                                                 args=[town["community"].slug]))
    assert "60岁及以上人数" in page.content.decode()
    assert "concentration" not in services.config_for(town["community"]).categories


def test_settings_page_query_count(personas, django_assert_max_num_queries):
    client = personas.client("admin")
    client.get(_url(personas.community))
    with django_assert_max_num_queries(12):
        assert client.get(_url(personas.community)).status_code == 200
