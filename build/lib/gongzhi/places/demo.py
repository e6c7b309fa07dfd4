"""Demo communities modelled on the real cases in CONTEXT.md.

S community: a former factory staff compound (单位大院), 8 old buildings, ~600 households,
two thirds newcomers. B community: a new public-rental (公租房) estate, 4,646 households in
30 buildings with shops. Footprints are placed around real coordinates in Yangpu,
Shanghai (Siping Road); building outlines come from OpenStreetMap when the shared extract
is present (© OpenStreetMap contributors, ODbL).
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.places.models import Building, Community, Compound, Household, Region, Tenure, Unit

S_CENTER = (121.5035, 31.2835)   # lon, lat — an older compound near Siping Road
B_CENTER = (121.4945, 31.2870)  # west of S, clear of its boundary, among real blocks


def square(lon: float, lat: float, half_m: float) -> dict:
    dlat = half_m / 111_320
    dlon = half_m / (111_320 * math.cos(math.radians(lat)))
    ring = [[lon - dlon, lat - dlat], [lon + dlon, lat - dlat], [lon + dlon, lat + dlat],
            [lon - dlon, lat + dlat], [lon - dlon, lat - dlat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]}


def rect(lon: float, lat: float, w_m: float, h_m: float) -> dict:
    dlat = h_m / 2 / 111_320
    dlon = w_m / 2 / (111_320 * math.cos(math.radians(lat)))
    ring = [[lon - dlon, lat - dlat], [lon + dlon, lat - dlat], [lon + dlon, lat + dlat],
            [lon - dlon, lat + dlat], [lon - dlon, lat - dlat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring]]}


def offset(center: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    lon, lat = center
    return (lon + east_m / (111_320 * math.cos(math.radians(lat))), lat + north_m / 111_320)


SIPING_OSM = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "osm" / "siping.osm"


def _real_footprints(center: tuple[float, float], radius_m: float, count: int) -> list:
    """Real Siping building outlines near ``center`` when the shared extract is beside the
    repository (it never is copied into it); an empty list otherwise."""
    if not SIPING_OSM.is_file():
        return []
    from gongzhi.core.geo.measure import nearby_bbox
    from gongzhi.core.geo.osm_import import osm_buildings_for_demo

    try:
        found = osm_buildings_for_demo(SIPING_OSM, nearby_bbox(*center, radius_m), limit=count)
    except Exception:  # a broken extract must not stop the demo: fall back to rectangles
        return []
    return found if len(found) == count else []


def _buildings(ctx: DemoContext, community: Community, compound: Compound, *, count: int,
               center: tuple[float, float], cols: int, spacing: float, floors: int,
               year: int, radius_m: float) -> list[Building]:
    real = _real_footprints(center, radius_m, count)
    rows = []
    for i in range(count):
        if real:
            osm = real[i]
            lon, lat = osm.centroid
            footprint, osm_id = osm.geometry, f"{osm.osm_type}/{osm.osm_id}"
        else:
            r, c = divmod(i, cols)
            lon, lat = offset(center, (c - (cols - 1) / 2) * spacing, -(r - 1) * spacing * 0.8)
            footprint, osm_id = rect(lon, lat, 50, 14), ""
        rows.append(Building(community=community, compound=compound, number=str(i + 1),
                             name=f"{i + 1}号楼", floors=floors, year_built=year,
                             footprint=footprint, lat=round(lat, 7), lon=round(lon, 7),
                             osm_id=osm_id))
    return Building.objects.bulk_create(rows)


def _households(ctx: DemoContext, community: Community, buildings: list[Building], *,
                target: int, units_per_building: int, tenure_weights: dict[str, float],
                area_range: tuple[int, int], shops: int = 0) -> None:
    rng = ctx.rng
    units = Unit.objects.bulk_create(
        [Unit(building=b, number=str(u + 1)) for b in buildings
         for u in range(units_per_building)]
    )
    per_unit = max(1, math.ceil(target / len(units)))
    tenures, weights = zip(*tenure_weights.items(), strict=True)
    rows: list[Household] = []
    owner_counter = 0
    floors_of = {b.pk: (b.floors or 6) for b in buildings}
    for unit in units:
        floors = floors_of[unit.building_id]
        per_floor = max(1, math.ceil(per_unit / floors))
        n = 0
        for floor in range(1, floors + 1):
            for door in range(1, per_floor + 1):
                if n >= per_unit or len(rows) >= target:
                    break
                tenure = rng.choices(tenures, weights)[0]
                owner_counter += 1
                rows.append(Household(
                    community=community, building_id=unit.building_id, unit=unit,
                    room=f"{floor}{door:02d}", tenure=tenure,
                    floor_area_m2=Decimal(rng.randint(*area_range)) + Decimal("0.5"),
                    owner_key=f"{community.slug}-o{owner_counter}" if tenure == Tenure.OWNER
                    else "",
                ))
                n += 1
    for i in range(shops):
        b = buildings[i % len(buildings)]
        rows.append(Household(community=community, building=b, unit=None, room=f"商{i + 1:03d}",
                              tenure=Tenure.OTHER, is_shop=True,
                              floor_area_m2=Decimal(rng.randint(40, 400))))
    Household.objects.bulk_create(rows, batch_size=2000)


@demo_step(10)
def regions_and_communities(ctx: DemoContext) -> None:
    shanghai = Region.objects.create(kind=Region.Kind.CITY, name="上海市", code="310000")
    yangpu = Region.objects.create(kind=Region.Kind.DISTRICT, name="杨浦区", code="310110",
                                   parent=shanghai)
    siping = Region.objects.create(kind=Region.Kind.SUBDISTRICT, name="四平路街道",
                                   parent=yangpu)
    beijing = Region.objects.create(kind=Region.Kind.CITY, name="北京市", code="110000")
    bj_district = Region.objects.create(kind=Region.Kind.DISTRICT, name="示范区",
                                        parent=beijing)
    bj_sub = Region.objects.create(kind=Region.Kind.SUBDISTRICT, name="焦庄街道",
                                   parent=bj_district)
    ctx.data["regions"] = {"siping": siping, "yangpu": yangpu, "bj_sub": bj_sub}

    s = Community.objects.create(
        name="S社区（原厂区大院）", slug="s-community", subdistrict=siping,
        description="原工厂职工大院，2013年单位搬离后，三分之二居民是新住户。8栋老楼、废弃的锅炉房、"
                    "篮球场和食堂。社区党委组建能人库，与规划团队一起把锅炉房旧址改造成社区花园。",
        boundary=square(*S_CENTER, 260), center_lon=S_CENTER[0], center_lat=S_CENTER[1],
    )
    b = Community.objects.create(
        name="B社区（公租房小区）", slug="b-community", subdistrict=siping,
        description="新建公租房小区，4646户，约8000人，9万多平方米商业。“焦我办”议事厅、"
                    "“焦佼者”志愿服务体系和“焦朋友”文化社群。",
        boundary=square(*B_CENTER, 480), center_lon=B_CENTER[0], center_lat=B_CENTER[1],
        show_voter_names=True,
    )
    ctx.communities = {"s": s, "b": b}

    s_compound = Compound.objects.create(community=s, name="厂区大院")
    s_buildings = _buildings(ctx, s, s_compound, count=8, center=S_CENTER, cols=4, spacing=90,
                             floors=6, year=1988, radius_m=220)
    _households(ctx, s, s_buildings, target=120 if ctx.small else 600, units_per_building=3,
                tenure_weights={Tenure.OWNER: 0.45, Tenure.PRIVATE_RENTAL: 0.45,
                                Tenure.OTHER: 0.10}, area_range=(38, 82))

    b_compound = Compound.objects.create(community=b, name="公租房小区")
    b_buildings = _buildings(ctx, b, b_compound, count=30, center=B_CENTER, cols=6, spacing=110,
                             floors=18, year=2019, radius_m=420)
    _households(ctx, b, b_buildings, target=300 if ctx.small else 4646, units_per_building=2,
                tenure_weights={Tenure.PUBLIC_RENTAL: 0.92, Tenure.OWNER: 0.03,
                                Tenure.OTHER: 0.05}, area_range=(35, 70),
                shops=10 if ctx.small else 60)
    for community, buildings in ((s, s_buildings), (b, b_buildings)):
        if any(bld.osm_id for bld in buildings):
            community.description += (
                "\n楼栋轮廓来自 OpenStreetMap（© OpenStreetMap contributors，ODbL）。")
            community.save(update_fields=["description"])
