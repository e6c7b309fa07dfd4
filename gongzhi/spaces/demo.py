"""Demo spaces for S (old factory compound) and B (public-rental estate), from CONTEXT.md.

S: the derelict boiler-room yard (锅炉房旧址) that becomes the community garden, the
basketball court, the old canteen, paths, lamps, a bike shed and a culture wall.
B: 500 m of footpath, 200 street lamps, 400 m of bike sheds, dozens of EV chargers, the
youth lounge (青年驿站) and the community living room (社区客厅). Plus maintenance
duties (some overdue, with care logs) and state history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.core.geo.geojson import validate_geometry
from gongzhi.places.demo import B_CENTER, S_CENTER, offset, rect
from gongzhi.spaces.models import (
    CareLog,
    LifeCircle,
    MaintenanceDuty,
    Space,
    SpaceEvent,
    SpaceKind,
    SpaceState,
)


def _pt(center, east, north) -> dict:
    lon, lat = offset(center, east, north)
    return {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}


def _line(center, *points) -> dict:
    coords = []
    for east, north in points:
        lon, lat = offset(center, east, north)
        coords.append([round(lon, 7), round(lat, 7)])
    return {"type": "LineString", "coordinates": coords}


def _box(center, east, north, w, h) -> dict:
    return rect(*offset(center, east, north), w, h)


def _make(community, kind, name, geometry, state=SpaceState.OPEN, **extra) -> Space:
    checked = validate_geometry(geometry)
    lon, lat = checked.centroid
    min_lon, min_lat, max_lon, max_lat = checked.bbox
    return Space(community=community, kind=kind, name=name, state=state,
                 geometry=checked.geometry, geom_type=checked.geom_type, lon=lon, lat=lat,
                 min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
                 area_m2=checked.area_m2, length_m=checked.length_m, **extra)


def _why_grid() -> str:
    from gongzhi.maps.demo_places import extract_path

    if extract_path() is None:
        return "no OpenStreetMap extract,"
    return "the OpenStreetMap extract lacks the expected streets and green spaces,"


def _grid_s() -> dict:
    """The made-up layout, used only when no OSM extract is there."""
    return {
        "boiler": _box(S_CENTER, -150, -180, 40, 30),
        "garden": _box(S_CENTER, -150, -140, 30, 20),
        "court": _box(S_CENTER, 120, -180, 28, 15), "canteen": _box(S_CENTER, 0, 190, 36, 18),
        "wall": _line(S_CENTER, (-100, 210), (-40, 210)), "shed": _box(S_CENTER, 60, 60, 20, 5),
        "main_path": _line(S_CENTER, (-200, 0), (200, 0)),
        "garden_path": _line(S_CENTER, (-150, -160), (-150, -60), (-60, -20)),
        "lamps": [_pt(S_CENTER, -200 + i * 36, 6) for i in range(12)],
    }


def _grid_b(lamps: int, chargers: int) -> dict:
    return {
        "youth": _box(B_CENTER, 200, -300, 24, 16),
        "living_room": _box(B_CENTER, -200, -300, 30, 20),
        "path_e": _line(B_CENTER, (-300, -400), (-50, -400)),
        "path_w": _line(B_CENTER, (-300, 350), (-50, 350)),
        "playground": _box(B_CENTER, 0, 0, 25, 20),
        "sheds": [_box(B_CENTER, -250 + i * 160, 420, 100, 4) for i in range(4)],
        "lamps": [_pt(B_CENTER, -420 + (i % 20) * 44, -440 + (i // 20) * 95)
                  for i in range(lamps)],
        "chargers": [_pt(B_CENTER, -260 + (i % 12) * 12, 400 - (i // 12) * 8)
                     for i in range(chargers)],
    }


def _not_homes(buildings: list, homes: set) -> list:
    return [f for f in buildings if f["properties"]["class"] in ("yes", "house", "apartments",
                                                                 "residential", "service")
            and _centre(f) not in homes]


def _centre(f) -> tuple[float, float]:
    from shapely.geometry import shape

    p = shape(f["geometry"]).representative_point()
    return (round(p.x, 4), round(p.y, 4))


def _real_s(community) -> dict | None:
    """S on real features of the Siping extract: the garden in the real green space of
    同济新村, the boiler yard in the open space beside the old people's centre, lamps
    every 35 m along its real lanes (同三路, 济一路, 同二路)."""
    from gongzhi.core.geo.measure import nearby_bbox
    from gongzhi.maps import demo_places as dp

    green = dp.named("小区绿地", "green")
    yard = dp.named("老年活动中心旁绿色开放空间", "green")
    found = [dp.named(n, "road") for n in ("同三路", "济一路", "同二路")]
    lanes = [lane for lane in found if lane is not None]
    if green is None or yard is None or len(lanes) < len(found):
        return None
    box = nearby_bbox(*S_CENTER, 255)
    homes = {(round(b.lon, 4), round(b.lat, 4)) for b in community.buildings.all()}
    others = dp.nearest(_not_homes(dp.features("building", bbox=box), homes), 121.5052, 31.2853)
    pitches = dp.nearest(dp.features("green", cls=("pitch",), bbox=nearby_bbox(*S_CENTER, 300)),
                         *S_CENTER)
    paths = dp.nearest(dp.features("road", cls=("path",), bbox=box), 121.5044, 31.2855)
    if not others or not pitches or not paths:
        return None
    canteen = next((f for f in others if 200 <= _area(f) <= 900), others[0])
    return _inside(community, {
        "boiler": dp.polygon(yard), "garden": dp.inner(green, 0.5),
        "court": dp.polygon(pitches[0]), "canteen": dp.polygon(canteen),
        "wall": dp.piece_of(lanes[2], 20, 60),
        "shed": dp.strip_along(lanes[0], 40, 20, 5, 4),
        "main_path": dp.piece_of(lanes[0], 0, 400), "garden_path": dp.piece_of(paths[0], 0, 200),
        "lamps": [p for p in (dp.clip(p, community.boundary)
                              for p in dp.points_along(lanes, 35, 24, offset_m=4)) if p][:12],
    })


def _inside(community, places: dict) -> dict | None:
    """Keep only what lies inside the community (real paths and courts that run past the
    boundary are cut at it); None when a place would vanish."""
    from gongzhi.maps.demo_places import clip

    out: dict[str, Any] = {}
    for key, value in places.items():
        if isinstance(value, list):
            kept = [clip(v, community.boundary) for v in value]
            out[key] = [v for v in kept if v is not None]
        else:
            out[key] = clip(value, community.boundary)
            if out[key] is None:
                return None
    return out


def _area(f) -> float:
    from gongzhi.core.geo.measure import geodesic_area_m2

    return geodesic_area_m2(f["geometry"])


def _real_b(community, lamps: int, chargers: int) -> dict | None:
    """B on real features around 巴林小区: lamps every 25 m on its real service lanes and
    footpaths, bike sheds along four real lanes, the playground inside a real green."""
    from gongzhi.core.geo.measure import geodesic_length_m, nearby_bbox
    from gongzhi.maps import demo_places as dp
    from gongzhi.places.demo import B_HOMES

    box = nearby_bbox(*B_HOMES, 330)
    homes = {(round(b.lon, 4), round(b.lat, 4)) for b in community.buildings.all()}
    lanes = dp.nearest(dp.features("road", cls=("service", "minor", "path"), bbox=box), *B_HOMES)
    def length(f) -> float:
        return geodesic_length_m(dp.longest_line(f).__geo_interface__)

    long_lanes = [f for f in lanes if length(f) >= 110]
    # The two 250 m stretches of the 500 m footpath: real lanes long enough, inside B.
    walks = []
    for f in lanes:
        inside = dp.clip(dp.longest_line(f).__geo_interface__, community.boundary)
        if inside is not None and geodesic_length_m(inside) >= 252:
            walks.append((f, {"geometry": inside}))
    greens = dp.nearest(dp.features("green", cls=("park", "grass", "forest", "garden"),
                                    bbox=box), *B_HOMES)
    others = dp.nearest(_not_homes(dp.features("building", bbox=box), homes), *B_HOMES)
    if len(long_lanes) < 6 or len(walks) < 2 or not greens or len(others) < 2:
        return None
    rooms = [f for f in others if 150 <= _area(f) <= 1500] or others
    # Lamps along every lane and footpath of the estate, nearest first, evenly spaced.
    lamp_lanes = dp.nearest(dp.features("road", cls=("service", "minor", "path"),
                                        bbox=nearby_bbox(*B_CENTER, 470)), *B_HOMES)
    total = sum(geodesic_length_m(dp.longest_line(f).__geo_interface__) for f in lamp_lanes)
    spacing = max(8.0, min(30.0, total / (lamps + len(lamp_lanes))))
    candidates = dp.points_along(lamp_lanes, spacing, lamps * 2, offset_m=3)
    lamp_pts = [p for p in (dp.clip(p, community.boundary) for p in candidates) if p][:lamps]
    if len(lamp_pts) < lamps:
        return None
    shed_lanes = [f for f in long_lanes if f not in (walks[0][0], walks[1][0])][:4]
    sheds = [dp.strip_along(f, 5, 100, 5, 4) for f in shed_lanes]
    charger_line = shed_lanes[0]
    return _inside(community, {
        "youth": dp.polygon(rooms[0]), "living_room": dp.polygon(rooms[1]),
        "path_e": dp.piece_of(walks[0][1], 0, 250), "path_w": dp.piece_of(walks[1][1], 0, 250),
        "playground": dp.inner(greens[0], 0.15), "sheds": sheds, "lamps": lamp_pts,
        "chargers": dp.points_along([charger_line], 100 / max(chargers, 1), chargers,
                                    offset_m=9),
    })


@demo_step(40)
def spaces(ctx: DemoContext) -> None:
    today = timezone.localdate()
    s, b = ctx.communities["s"], ctx.communities["b"]
    orgs = ctx.data.get("orgs", {})
    K, S = SpaceKind, SpaceState

    g = _real_s(s)
    if g is None:
        g = _grid_s()
        ctx.note("S社区: " + _why_grid() + " so its spaces and lamps sit on a made-up grid.")
    s_rows = [
        _make(s, K.DERELICT_SITE, "锅炉房旧址", g["boiler"], S.PLANNED,
              description="原厂区锅炉房及煤场，2013年停用后荒废，堆满杂物。社区党委与规划团队"
                          "发起共建，计划改造为社区花园。", rules="施工期间请勿进入。"),
        _make(s, K.COMMUNITY_GARDEN, "共建花园（规划中）", g["garden"],
              S.PLANNED, life_circle=LifeCircle.FIVE_MIN,
              description="锅炉房旧址上的社区花园，居民认领种植箱。"),
        _make(s, K.SPORTS_COURT, "篮球场", g["court"],
              opening_hours="6:00–21:00", capacity=30, life_circle=LifeCircle.FIVE_MIN,
              rules="21点后请勿打球，保持安静。"),
        _make(s, K.ACTIVITY_ROOM, "老食堂", g["canteen"], S.TEMPORARILY_CLOSED,
              description="原职工食堂，居民希望改为活动室和长者食堂。", capacity=80),
        _make(s, K.CULTURE_WALL, "厂史文化墙", g["wall"]),
        _make(s, K.BIKE_SHED, "3号楼车棚", g["shed"]),
        _make(s, K.FOOTPATH, "大院主路", g["main_path"]),
        _make(s, K.FOOTPATH, "花园小径", g["garden_path"]),
    ]
    for i, point in enumerate(g["lamps"]):
        s_rows.append(_make(s, K.STREET_LAMP, f"路灯 S-{i + 1:02d}", point,
                            S.OPEN if i % 5 else S.TEMPORARILY_CLOSED))
    s_spaces = Space.objects.bulk_create(s_rows)

    lamps = 20 if ctx.small else 200
    chargers = 6 if ctx.small else 36
    g = _real_b(b, lamps, chargers)
    if g is None:
        g = _grid_b(lamps, chargers)
        ctx.note("B社区: " + _why_grid() + " so its spaces and lamps sit on a made-up grid.")
    b_rows = [
        _make(b, K.ACTIVITY_ROOM, "青年驿站", g["youth"],
              opening_hours="9:00–21:00", capacity=40, life_circle=LifeCircle.FIFTEEN_MIN,
              description="为新就业青年提供短期住宿与活动空间。"),
        _make(b, K.COMMUNITY_LIVING_ROOM, "社区客厅（“焦我办”议事厅）",
              g["living_room"], opening_hours="8:30–20:30", capacity=60,
              life_circle=LifeCircle.FIVE_MIN, rules="预约使用；活动结束请归位桌椅。"),
        # 500 m of footpath in two stretches.
        _make(b, K.FOOTPATH, "环小区步道（东段）", g["path_e"]),
        _make(b, K.FOOTPATH, "环小区步道（西段）", g["path_w"]),
        _make(b, K.PLAYGROUND, "儿童游乐场", g["playground"],
              life_circle=LifeCircle.FIVE_MIN),
    ]
    # 400 m of bike sheds: four 100 m sheds, 4 m deep.
    for i, shed in enumerate(g["sheds"]):
        b_rows.append(_make(b, K.BIKE_SHED, f"非机动车棚 {i + 1}", shed))
    for i, point in enumerate(g["lamps"]):
        b_rows.append(_make(b, K.STREET_LAMP, f"路灯 B-{i + 1:03d}", point,
                            S.OPEN if i % 17 else S.TEMPORARILY_CLOSED))
    for i, point in enumerate(g["chargers"]):
        b_rows.append(_make(b, K.EV_CHARGER, f"电动车充电桩 {i + 1:02d}", point,
                            rules="充满即走，勿占用过夜。"))
    b_spaces = Space.objects.bulk_create(b_rows, batch_size=500)

    # History: created for all, plus the boiler yard's story.
    start = today - dt.timedelta(days=400)
    events = [SpaceEvent(space=sp, community_id=sp.community_id, kind=SpaceEvent.Kind.CREATED,
                         to_state=sp.state, happened_on=start, title="登记")
              for sp in (*s_spaces, *b_spaces)]
    boiler = s_spaces[0]
    events[0].to_state = S.DERELICT
    events += [
        SpaceEvent(space=boiler, community=s, kind=SpaceEvent.Kind.NOTE,
                   happened_on=start + dt.timedelta(days=60), title="居民议事会讨论锅炉房旧址",
                   description="能人库成员提出改造为社区花园。"),
        SpaceEvent(space=boiler, community=s, kind=SpaceEvent.Kind.STATE, from_state=S.DERELICT,
                   to_state=S.PLANNED, happened_on=start + dt.timedelta(days=120),
                   title="列入共建花园项目", description="规划团队完成方案，清理杂物。"),
    ]
    SpaceEvent.objects.bulk_create(events, batch_size=1000)

    # Maintenance duties (some overdue) with care logs.
    s_orgs, b_orgs = orgs.get("s", {}), orgs.get("b", {})
    court, canteen_wall = s_spaces[2], s_spaces[4]
    duty_specs = [
        (s_spaces[1], s_orgs.get("social_org"), "浇水、除草", 3, today - dt.timedelta(days=4)),
        (court, s_orgs.get("property"), "清扫场地、检查篮筐", 7, today + dt.timedelta(days=2)),
        (canteen_wall, s_orgs.get("volunteer_team"), "文化墙清洁与补绘", 30,
         today - dt.timedelta(days=10)),
        (b_spaces[0], b_orgs.get("social_org"), "驿站卫生检查", 7, today + dt.timedelta(days=3)),
        (b_spaces[1], b_orgs.get("volunteer_team"), "客厅开放值守与整理", 1,
         today - dt.timedelta(days=2)),
        (b_spaces[5], b_orgs.get("property"), "车棚照明与充电线路巡检", 14,
         today - dt.timedelta(days=20)),
    ]
    duties = MaintenanceDuty.objects.bulk_create([
        MaintenanceDuty(space=sp, community_id=sp.community_id, organisation=org,
                        responsible_name="" if org else "楼组长", task=task,
                        interval_days=days, next_due=due)
        for sp, org, task, days, due in duty_specs
    ])
    logs = []
    for duty in duties:
        for k in range(1, 4):
            done = duty.next_due - dt.timedelta(days=duty.interval_days * k)
            if done <= today:
                logs.append(CareLog(duty=duty, space_id=duty.space_id, done_on=done,
                                    note="已完成"))
    CareLog.objects.bulk_create(logs)
    ctx.data["spaces"] = {"s": s_spaces, "b": b_spaces, "boiler_yard": boiler}
