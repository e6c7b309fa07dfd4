"""Demo problem reports: a few dozen per community in every state, with timelines spread
over the past months (so the statistics have data), "me too"s and some overdue ones.

Rows are written directly (not through the services) because the timestamps lie in the
past; every row follows the workflow table, so the demo shows what the services produce.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.reports.models import EventKind, MeToo, Report, ReportEvent, Status

TEXTS = {
    "lamp": ["3号楼前的路灯不亮已经一周了，晚上回家很黑。",
             "花园小径两盏路灯一闪一闪，时亮时不亮。",
             "篮球场边的路灯灯罩掉了，灯泡露在外面。"],
    "path": ["步道破损，地砖翘起来，老人差点绊倒。", "东门到菜场的小路有个大坑，下雨积水。",
             "5号楼后面的台阶缺了一块，推婴儿车过不去。"],
    "rubbish": ["垃圾桶满了没人清运，味道很大。", "楼道里有人堆放装修垃圾，堵住了通道。",
                "花园角落有人乱扔建筑垃圾。"],
    "bike_shed": ["非机动车棚漏雨，电动车都淋湿了。", "车棚的顶棚被风吹坏了一块。",
                  "车棚里的灯不亮，晚上停车看不见。"],
    "charger": ["充电桩故障，扫码后没有反应。", "2号充电桩插座烧黑了，有安全隐患。",
                "充电桩屏幕不亮，已经坏了三天。"],
    "green": ["草坪上的树枝断了，挂在半空中。", "绿化带长期没人修剪，挡住了路口视线。",
              "花园的浇水管漏水。"],
    "noise": ["晚上十点以后广场舞音响太吵。", "商铺空调外机噪音很大，影响休息。",
              "夜里有货车在楼下卸货，声音很大。"],
    "safety": ["消防通道被私家车堵住了。", "楼道里有电动车飞线充电。", "井盖松动，踩上去会晃。"],
    "other": ["单元门禁坏了，门一直关不上。", "公告栏玻璃碎了。", "快递柜旁边的雨棚漏水。"],
}
CATEGORIES = list(TEXTS)
REFUSALS = ["属于市政道路，已转交区城管部门处理，请拨打12345跟进。",
            "经核实为私人物品，不属于公共设施维修范围。"]
RESOLUTIONS = ["已更换灯泡并检查线路，恢复正常。", "已修补破损路面。",
               "已清运完毕，并增加清运频次。",
               "已更换顶棚防水板。", "已联系厂家维修，充电桩恢复使用。", "已修剪并清理断枝。",
               "已与相关商户沟通，噪音问题已整改。", "已清理通道并张贴提示。"]


def _offset(lon: float, lat: float, east: float, north: float) -> tuple[float, float]:
    return (lon + east / (111_320 * math.cos(math.radians(lat))), lat + north / 111_320)


def _spots(community) -> dict[str, list[tuple[float, float, str]]]:
    """Where a resident would stand to report each kind of problem: under the lamp, on
    the path, at the shed or charger, in the green, in front of their building. All on
    the demo's real places (spaces and building outlines from the Siping extract)."""
    from gongzhi.maps.demo_places import beside
    from gongzhi.places.models import Building
    from gongzhi.spaces.models import Space, SpaceKind

    spots: dict[str, list[tuple[float, float, str]]] = {}
    kinds: dict[str, str] = {
        SpaceKind.STREET_LAMP: "lamp", SpaceKind.FOOTPATH: "path",
        SpaceKind.BIKE_SHED: "bike_shed", SpaceKind.EV_CHARGER: "charger",
        SpaceKind.COMMUNITY_GARDEN: "green", SpaceKind.PLAYGROUND: "green",
        SpaceKind.POCKET_PARK: "green"}
    for sp in Space.objects.filter(community=community, kind__in=list(kinds)).order_by("id"):
        geom = sp.geometry
        if geom["type"] == "LineString":
            coords = geom["coordinates"]
            lon, lat = coords[len(coords) // 2]
        else:
            lon, lat = sp.lon, sp.lat
        where = f"{sp.name}旁" if kinds[sp.kind] in ("lamp", "charger") else sp.name
        spots.setdefault(kinds[sp.kind], []).append((lon, lat, where))
    homes = []
    for b in Building.objects.filter(community=community, footprint__isnull=False).order_by("id"):
        lon, lat = beside({"geometry": b.footprint}, 4.0)
        homes.append((lon, lat, f"{b.number}号楼楼下" if b.number.isdigit() else b.name))
    spots["home"] = homes
    return spots


def _org_for(category: str, orgs: dict) -> Organisation:
    if category == "noise" and OrgKind.POLICE in orgs:
        return orgs[OrgKind.POLICE]
    if category == "charger" and OrgKind.OTHER in orgs:
        return orgs[OrgKind.OTHER]
    return orgs.get(OrgKind.PROPERTY) or next(iter(orgs.values()))


def _place(rng, community, spots: dict, category: str, key: str
           ) -> tuple[float, float, str]:
    """Where a report is: a step or two from a real spot of its kind, else near a home."""
    choices = spots.get(category) or spots.get("home")
    if choices:
        lon, lat, where = choices[rng.randrange(len(choices))]
        # A step or two from the spot, as a phone's GPS would put it.
        return (*_offset(lon, lat, rng.uniform(-3, 3), rng.uniform(-3, 3)), where)
    lon, lat = _offset(community.center_lon, community.center_lat,
                       rng.uniform(-200, 200), rng.uniform(-200, 200))
    return lon, lat, f"{rng.randint(1, 8 if key == 's' else 30)}号楼附近"


# (kind, from, to, when, organisation, note, actor id) of each event
_Event = tuple[str, str, str, dt.datetime, Organisation | None, str, int | None]


@dataclass
class _Story:
    """One demo report on its way through the workflow, with the events it leaves."""

    rng: Any
    report: Report
    timeline: list[_Event]
    now: dt.datetime
    stage: float  # how far it gets: refused below 0.07, resolved above 0.25, …
    worker_id: int
    reporter_id: int

    def step(self, kind: str, to: str, when: dt.datetime, note: str = "",
             org: Organisation | None = None, by: str = "worker") -> None:
        """Move to ``to``; ``by`` the worker, the reporter or the system."""
        frm = self.timeline[-1][2]
        self.report.status = to
        self.report.status_changed_at = when
        actor_id = {"worker": self.worker_id, "reporter": self.reporter_id}.get(by)
        self.timeline.append((kind, frm, to, when, org, note, actor_id))


def _progress(story: _Story, t_acc: dt.datetime, t_res: dt.datetime,
              org: Organisation) -> None:
    report, rng = story.report, story.rng
    if story.stage < 0.07:
        report.refusal_reason = rng.choice(REFUSALS)
        report.due_at = None
        story.step(EventKind.REFUSED, Status.REFUSED, t_acc, report.refusal_reason)
        return
    report.organisation = org
    report.accepted_at = t_acc
    report.due_at = t_acc + dt.timedelta(days=7)
    story.step(EventKind.ACCEPTED, Status.ACCEPTED, t_acc, org=org)
    t_start = t_acc + dt.timedelta(hours=rng.uniform(2, 30))
    if not (t_start < story.now and story.stage > 0.15):
        return
    story.step(EventKind.STARTED, Status.IN_PROGRESS, t_start)
    if not (t_res < story.now and story.stage > 0.25):
        return
    note = rng.choice(RESOLUTIONS)
    report.resolution_note = note
    report.resolved_at = t_res
    report.due_at = None
    story.step(EventKind.RESOLVED, Status.RESOLVED, t_res, note)
    _after_resolution(story, t_res)


def _after_resolution(story: _Story, t_res: dt.datetime) -> None:
    """Reopened by the reporter, confirmed by them within 7 days, or closed by the system
    after 7 days of silence."""
    report, now = story.report, story.now
    t_end = t_res + dt.timedelta(days=story.rng.uniform(0.5, 9))
    if t_end < now and story.stage > 0.9:
        report.due_at = t_end + dt.timedelta(days=7)
        story.step(EventKind.REOPENED, Status.REOPENED, t_end, "还是不行，晚上又坏了。",
                   by="reporter")
    elif t_end < now and t_end - t_res <= dt.timedelta(days=7):
        report.closed_at = t_end
        story.step(EventKind.CONFIRMED, Status.CLOSED, t_end, "谢谢，已经修好了！",
                   by="reporter")
    elif now - t_res > dt.timedelta(days=7):
        t_auto = t_res + dt.timedelta(days=7)
        report.closed_at = t_auto
        story.step(EventKind.AUTO_CLOSED, Status.CLOSED, t_auto,
                   "7天内未收到报事人回复，自动关闭。", by="system")


@demo_step(50)
def reports(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    accounts = ctx.accounts
    for key, count in (("s", 18 if ctx.small else 36), ("b", 24 if ctx.small else 48)):
        community = ctx.communities[key]
        worker = accounts[f"{key}_worker"]
        orgs = ctx.data.get("orgs", {}).get(key) or {
            o.kind: o for o in Organisation.objects.filter(community=community)}
        residents = list(ctx.data["residents"][community.slug])
        named = accounts["s_resident"] if key == "s" else accounts["b_owner"]
        events: list[ReportEvent] = []
        me_toos: list[MeToo] = []
        spots = _spots(community)
        for i in range(count):
            category = CATEGORIES[i % len(CATEGORIES)]
            # Spread over the last ~6 months; a handful very recent (still submitted).
            age_days = rng.uniform(0.2, 3) if i % 9 == 0 else rng.uniform(1, 180)
            created = now - dt.timedelta(days=age_days)
            lon, lat, where = _place(rng, community, spots, category, key)
            reporter_id = named.pk if i % 7 == 0 else residents[rng.randrange(len(residents))]
            report = Report(
                community=community, reporter_id=reporter_id, anonymous=(i % 5 == 2),
                reporter_verified=True, category=category,
                description=rng.choice(TEXTS[category]),
                location_text=where,
                lat=round(lat, 7), lon=round(lon, 7), created_at=created,
                status_changed_at=created, due_at=created + dt.timedelta(hours=24))
            timeline: list[_Event] = [
                (EventKind.SUBMITTED, "", Status.SUBMITTED, created, None, "", reporter_id)]
            # Decide how far the report got; older reports got further.
            stage = rng.random()
            accept_h = rng.lognormvariate(2.3, 0.8)  # median ≈ 10 h
            resolve_d = rng.lognormvariate(1.4, 0.6)  # median ≈ 4 days
            t_acc = created + dt.timedelta(hours=accept_h)
            t_res = t_acc + dt.timedelta(days=resolve_d)
            if not (age_days < 3 and i % 9 == 0):  # else still waiting (some overdue)
                _progress(_Story(rng, report, timeline, now, stage, worker.pk, reporter_id),
                          t_acc, t_res, _org_for(category, orgs))
            report.save()
            for kind, frm, to, when, event_org, note, actor_id in timeline:
                events.append(ReportEvent(report=report, kind=kind, from_status=frm,
                                          to_status=to, created_at=when, organisation=event_org,
                                          note=note, actor_id=actor_id))
            if report.status not in (Status.REFUSED,):
                for uid in rng.sample(residents, k=min(len(residents), rng.choice(
                        [0, 0, 1, 2, 3, 5]))):
                    if uid != reporter_id:
                        me_toos.append(MeToo(report=report, user_id=uid,
                                             created_at=created + dt.timedelta(hours=2)))
        ReportEvent.objects.bulk_create(events)
        MeToo.objects.bulk_create(me_toos, ignore_conflicts=True)
