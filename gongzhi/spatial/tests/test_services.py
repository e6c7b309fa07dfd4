"""Inputs from the registry, cached snapshots, recomputation and what-if."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.geo.coords import wgs84_to_gcj02
from gongzhi.core.models import AuditEntry
from gongzhi.places.demo import offset
from gongzhi.places.models import Household
from gongzhi.spaces.services import space_create
from gongzhi.spatial import selectors, services
from gongzhi.spatial.models import AccessSnapshot, WalkingMode
from gongzhi.testing.factories import BuildingFactory

from .conftest import CENTER, square

pytestmark = pytest.mark.django_db


def rows(result):
    return {r["label"]: r for r in result["buildings"]}


def test_distances_along_the_grid_and_life_circles(town):
    result = selectors.access_result(town["community"])
    by = rows(result)
    # park at x = −450 snaps to the node at −450; buildings at −400, −150, 150, 400
    assert by["10"]["nearest"]["green"] == pytest.approx(50.0)
    assert by["11"]["nearest"]["green"] == pytest.approx(300.0)
    assert by["12"]["nearest"]["green"] == pytest.approx(600.0)
    assert by["13"]["nearest"]["green"] == pytest.approx(850.0)
    assert by["12"]["nearest"]["play"] == pytest.approx(150.0)
    assert by["10"]["nearest"]["sport"] is None  # no sport facility anywhere
    # green is a 5-minute (300 m) category
    assert [by[k]["met"]["green"] for k in ("10", "11", "12", "13")] == [True, True, False,
                                                                         False]
    # completeness: 10 reaches green only (play 400 m > 300 m), 11 both, 13 neither
    assert [by[k]["completeness"] for k in ("10", "11", "12", "13")] == [1, 2, 1, 0]
    assert by["10"]["population_source"] == "ledger"
    assert by["10"]["population"] == pytest.approx(4 * 2.3)
    # the persona fixture's building 3 (one household) stands at the centre: 450 m
    assert by["3"]["nearest"]["green"] == pytest.approx(450.0)
    cov = result["summary"]["categories"]["green"]
    assert cov["covered_share"] == pytest.approx(8 / 17)
    assert cov["shortfall"]["mean_shortfall"] == pytest.approx((4 * 300 + 4 * 550 + 150) / 9)
    # 2SFCA by hand (catchment 1,000 m): the park serves buildings 10, 11, 12, 13 (≤ 850 m)
    # playground (capacity = area/10) serves all four as well → every building equal
    assert result["summary"]["all"]["gini_2sfca"] == pytest.approx(0.0, abs=1e-12)
    # weighted median: 50 (4 households), 300 (4), 450 (1), 600 (4), 850 (4) → 450
    assert result["summary"]["categories"]["green"]["median_m"] == pytest.approx(450.0)


def test_elderly_speed_shrinks_the_circles(town):
    result = selectors.access_result(town["community"], WalkingMode.ELDERLY)
    assert result["tiers"]["5min"] == pytest.approx(300 * 0.8 / 1.1, abs=0.1)
    assert not rows(result)["11"]["met"]["green"]  # 300 m > 218 m


def test_snapshot_is_cached_and_refreshed_when_inputs_change(
        town, django_capture_on_commit_callbacks):
    community = town["community"]
    first = services.snapshot_refresh(community=community)
    again = services.snapshot_refresh(community=community)
    assert first.pk == again.pk and first.fingerprint == again.fingerprint
    assert first.computed_at == again.computed_at  # not recomputed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        space_create(actor=None, community=community, kind="pocket_park", name="新绿地",
                     geometry=square(CENTER, 450, 0))
        space_create(actor=None, community=community, kind="fitness_area", name="健身点",
                     geometry=square(CENTER, 0, 50))
    assert callbacks  # recomputation scheduled after commit
    snap = AccessSnapshot.objects.get(community=community, mode=WalkingMode.STANDARD)
    assert snap.fingerprint != first.fingerprint
    assert rows(snap.result)["13"]["nearest"]["green"] == pytest.approx(50.0)
    assert AccessSnapshot.objects.filter(community=community).count() == 2  # both speeds
    # the ledger: two more households in building 13 change its population
    with django_capture_on_commit_callbacks(execute=True):
        Household.objects.create(community=community, building=town["buildings"][3], room="9")
    snap.refresh_from_db()
    assert rows(snap.result)["13"]["population"] == pytest.approx(5 * 2.3)


def test_population_estimated_from_floor_area_when_no_households(town):
    lon, lat = offset(CENTER, 0, 200)
    BuildingFactory(community=town["community"], number="99", lon=lon, lat=lat, floors=5,
                    footprint=square(CENTER, 0, 200, d=10.0))
    row = rows(selectors.access_result(town["community"]))["99"]
    assert row["population_source"] == "estimate"
    assert row["population"] == pytest.approx(400 * 5 / 37, rel=0.01)


def test_what_if_add_move_close(town):
    community = town["community"]
    lon, lat = offset(CENTER, 420, 0)
    out = services.what_if(community=community, mode="standard", changes=[
        {"action": "add", "category": "green", "lon": lon, "lat": lat, "capacity": 20,
         "name": "规划花园"}])
    green = out["delta"]["categories"]["green"]
    assert green["covered_before"] == pytest.approx(8 / 17)
    assert green["covered_after"] == pytest.approx(16 / 17)  # building 3: 420 m from both
    assert sorted(green["gained"]) == ["12", "13"]
    assert green["residents_gained"] == pytest.approx(8 * 2.3)
    out = services.what_if(community=community, mode="standard",
                           changes=[{"action": "close", "space": town["park"].pk}])
    assert out["delta"]["categories"]["green"]["covered_after"] == 0.0
    assert sorted(out["delta"]["categories"]["green"]["lost"]) == ["10", "11"]
    out = services.what_if(community=community, mode="standard", changes=[
        {"action": "move", "space": town["park"].pk, "lon": lon, "lat": lat}])
    assert sorted(out["delta"]["categories"]["green"]["gained"]) == ["12", "13"]
    assert sorted(out["delta"]["categories"]["green"]["lost"]) == ["10", "11"]
    for snap in AccessSnapshot.objects.filter(community=community):  # nothing saved
        assert all(f["name"] != "规划花园" for f in snap.result["facilities"])
    with pytest.raises(ValidationError):
        services.what_if(community=community, mode="standard",
                         changes=[{"action": "close", "space": 999999}])
    with pytest.raises(ValidationError):
        services.what_if(community=community, mode="standard",
                         changes=[{"action": "add", "category": "nope", "lon": lon, "lat": lat}])


def test_gcj02_points_are_converted():
    lon, lat = 121.5035, 31.2835
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    back = services.parse_point(g_lon, g_lat, "gcj02")
    assert back == pytest.approx((lon, lat), abs=1e-8)
    assert services.parse_point(lon, lat, "wgs84") == (lon, lat)
    for bad in (("x", 1, "wgs84"), (200, 1, "wgs84"), (1, 1, "bd09")):
        with pytest.raises(ValidationError):
            services.parse_point(*bad)


def test_project_effect(town):
    from gongzhi.projects.models import Project

    community = town["community"]
    garden = space_create(actor=None, community=community, kind="community_garden",
                          name="共建花园（规划中）", geometry=square(CENTER, 400, 0),
                          state="planned")
    project = Project.objects.create(community=community, title="花园")
    project.spaces.add(garden)
    effect = selectors.project_access_effect(project)
    green = next(r for r in effect["rows"] if r["code"] == "green")
    assert green["covered_after"] == pytest.approx(16 / 17)
    assert green["residents_gained"] == pytest.approx(8 * 2.3)
    project.spaces.remove(garden)
    assert selectors.project_access_effect(project) is None


def test_config_update_is_audited_and_checked(town, personas):
    community = town["community"]
    with pytest.raises(PermissionDenied):
        services.config_update(actor=personas.worker, community=community, catchment_m=500)
    services.config_update(actor=personas.admin, community=community, catchment_m=500,
                           public_summary=True)
    assert AuditEntry.objects.filter(action="spatial.config_update").count() == 1
    with pytest.raises(ValidationError):
        services.config_update(actor=personas.admin, community=community, catchment_m=50)


def test_no_network_means_no_result(personas):
    assert selectors.access_result(personas.community) is None
    assert selectors.access_summary(personas.community) is None
