"""Demo spaces for S (old factory compound) and B (public-rental estate), from CONTEXT.md.

S: the derelict boiler-room yard (锅炉房旧址) that becomes the community garden, the
basketball court, the old canteen, paths, lamps, a bike shed and a culture wall.
B: 500 m of footpath, 200 street lamps, 400 m of bike sheds, dozens of EV chargers, the
youth lounge (青年驿站) and the community living room (社区客厅). Plus maintenance
duties (some overdue, with care logs) and state history.
"""

from __future__ import annotations

import datetime as dt

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


@demo_step(40)
def spaces(ctx: DemoContext) -> None:
    today = timezone.localdate()
    s, b = ctx.communities["s"], ctx.communities["b"]
    orgs = ctx.data.get("orgs", {})
    K, S = SpaceKind, SpaceState

    s_rows = [
        _make(s, K.DERELICT_SITE, "锅炉房旧址", _box(S_CENTER, -150, -180, 40, 30), S.PLANNED,
              description="原厂区锅炉房及煤场，2013年停用后荒废，堆满杂物。社区党委与规划团队"
                          "发起共建，计划改造为社区花园。", rules="施工期间请勿进入。"),
        _make(s, K.COMMUNITY_GARDEN, "共建花园（规划中）", _box(S_CENTER, -150, -140, 30, 20),
              S.PLANNED, life_circle=LifeCircle.FIVE_MIN,
              description="锅炉房旧址上的社区花园，居民认领种植箱。"),
        _make(s, K.SPORTS_COURT, "篮球场", _box(S_CENTER, 120, -180, 28, 15),
              opening_hours="6:00–21:00", capacity=30, life_circle=LifeCircle.FIVE_MIN,
              rules="21点后请勿打球，保持安静。"),
        _make(s, K.ACTIVITY_ROOM, "老食堂", _box(S_CENTER, 0, 190, 36, 18), S.TEMPORARILY_CLOSED,
              description="原职工食堂，居民希望改为活动室和长者食堂。", capacity=80),
        _make(s, K.CULTURE_WALL, "厂史文化墙", _line(S_CENTER, (-100, 210), (-40, 210))),
        _make(s, K.BIKE_SHED, "3号楼车棚", _box(S_CENTER, 60, 60, 20, 5)),
        _make(s, K.FOOTPATH, "大院主路", _line(S_CENTER, (-200, 0), (200, 0))),
        _make(s, K.FOOTPATH, "花园小径", _line(S_CENTER, (-150, -160), (-150, -60), (-60, -20))),
    ]
    for i in range(12):
        s_rows.append(_make(s, K.STREET_LAMP, f"路灯 S-{i + 1:02d}",
                            _pt(S_CENTER, -200 + i * 36, 6),
                            S.OPEN if i % 5 else S.TEMPORARILY_CLOSED))
    s_spaces = Space.objects.bulk_create(s_rows)

    b_rows = [
        _make(b, K.ACTIVITY_ROOM, "青年驿站", _box(B_CENTER, 200, -300, 24, 16),
              opening_hours="9:00–21:00", capacity=40, life_circle=LifeCircle.FIFTEEN_MIN,
              description="为新就业青年提供短期住宿与活动空间。"),
        _make(b, K.COMMUNITY_LIVING_ROOM, "社区客厅（“焦我办”议事厅）",
              _box(B_CENTER, -200, -300, 30, 20), opening_hours="8:30–20:30", capacity=60,
              life_circle=LifeCircle.FIVE_MIN, rules="预约使用；活动结束请归位桌椅。"),
        # 500 m of footpath in two stretches.
        _make(b, K.FOOTPATH, "环小区步道（东段）", _line(B_CENTER, (-300, -400), (-50, -400))),
        _make(b, K.FOOTPATH, "环小区步道（西段）", _line(B_CENTER, (-300, 350), (-50, 350))),
        _make(b, K.PLAYGROUND, "儿童游乐场", _box(B_CENTER, 0, 0, 25, 20),
              life_circle=LifeCircle.FIVE_MIN),
    ]
    # 400 m of bike sheds: four 100 m sheds, 4 m deep.
    for i in range(4):
        b_rows.append(_make(b, K.BIKE_SHED, f"非机动车棚 {i + 1}",
                            _box(B_CENTER, -250 + i * 160, 420, 100, 4)))
    lamps = 20 if ctx.small else 200
    for i in range(lamps):
        r, c = divmod(i, 20)
        b_rows.append(_make(b, K.STREET_LAMP, f"路灯 B-{i + 1:03d}",
                            _pt(B_CENTER, -420 + c * 44, -440 + r * 95),
                            S.OPEN if i % 17 else S.TEMPORARILY_CLOSED))
    chargers = 6 if ctx.small else 36
    for i in range(chargers):
        b_rows.append(_make(b, K.EV_CHARGER, f"电动车充电桩 {i + 1:02d}",
                            _pt(B_CENTER, -260 + (i % 12) * 12, 400 - (i // 12) * 8),
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
