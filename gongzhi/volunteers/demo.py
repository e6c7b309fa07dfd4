"""Demo: B community's 焦佼者 corps with its five colour teams and a season of shifts.

Runs after meetings (70) and decisions (80). Twelve past weeks of shifts carry sign-ups,
check-ins and hours confirmed by the team leaders (written directly: the services refuse
sign-ups to shifts that are over); the next four weeks are open for sign-up through the
services. The S garden's co-building phase opens ``volunteers.signup`` and gets a watering
rota, so its project page shows the shifts block.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.volunteers import services
from gongzhi.volunteers.models import Corps, Shift, ShiftSignup, TeamMembership

TEAMS = [
    # name, colour, theme, opportunity, tasks, weekday, hour, hours, capacity, space needle
    ("红色党员先锋队", "red", "党员带头、楼门巡查", "楼门长巡查",
     "检查楼道堆物\n记录需要维修的设施", 5, 9, 2, 6, "步道"),
    ("橙色邻里互助队", "orange", "助老助残、邻里帮扶", "为独居老人送餐",
     "从社区食堂取餐\n送到老人家中并问候", 2, 11, 1, 4, ""),
    ("绿色环保队", "green", "垃圾分类、社区绿化", "垃圾分类桶前值守",
     "引导居民分类投放\n整理桶站", 1, 7, 2, 5, "广场"),
    ("蓝色平安巡逻队", "blue", "夜间巡逻、安全提示", "夜间平安巡逻",
     "沿步道巡逻\n检查路灯和消防通道", 4, 19, 2, 6, "步道"),
    ("紫色文化队", "purple", "文化活动、书画摄影", "周末文化活动助理",
     "布置场地\n签到和拍照", 6, 14, 3, 4, "活动"),
]


def _space(community, needle: str):
    if not needle:
        return None
    from gongzhi.spaces.models import Space

    return Space.objects.filter(community=community, name__contains=needle).first()


def _residents(ctx: DemoContext, community, n: int) -> list[User]:
    ids = sorted(ctx.data.get("residents", {}).get(community.slug, []))
    return list(User.objects.filter(pk__in=ids[:n]).order_by("pk"))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@demo_step(88)
def volunteers(ctx: DemoContext) -> None:
    b = ctx.communities["b"]
    worker = ctx.accounts["b_worker"]
    if Corps.objects.filter(community=b).exists():
        return
    people = _residents(ctx, b, 60)
    if len(people) < 10:
        return
    corps = services.corps_create(
        actor=worker, community=b, name="焦佼者志愿服务总队",
        description="“焦佼者”：一支总队、五色分队，常态化、有序化、项目化地服务社区，"
                    "联动商户和居民。")
    today = timezone.localdate()
    weeks_back = 6 if ctx.small else 12
    rng = ctx.rng
    for i, (name, colour, theme, title, tasks, weekday, hour, hours, cap, needle) in \
            enumerate(TEAMS):
        members = people[i * 10:(i + 1) * 10]
        team = services.team_create(actor=worker, corps=corps, name=name, colour=colour,
                                    theme=theme, leader=members[0], order=i)
        TeamMembership.objects.bulk_create(
            [TeamMembership(team=team, user=u) for u in members[1:]], ignore_conflicts=True)
        space = _space(b, needle)
        opp = services.opportunity_create(
            actor=worker, community=b, title=title, team=team, tasks=tasks, space=space,
            location_text="" if space else "社区服务站集合",
            skills="耐心、会用手机" if colour == "orange" else "",
            min_age=16 if colour == "blue" else None)
        first = today - dt.timedelta(days=(today.weekday() - weekday) % 7 + 7 * weeks_back)
        for w in range(weeks_back + 4):
            day = first + dt.timedelta(days=7 * w)
            starts = _at(day, hour)
            shift = services.shift_create(actor=worker, opportunity=opp, starts_at=starts,
                                          ends_at=starts + dt.timedelta(hours=hours),
                                          capacity=cap)
            crew = rng.sample(members[1:], k=min(cap, len(members) - 1, rng.randint(2, cap)))
            if shift.ends_at < timezone.now():
                rows = []
                for u in crew:
                    came = rng.random() < 0.9
                    rows.append(ShiftSignup(
                        shift=shift, user=u, status=ShiftSignup.Status.REGISTERED,
                        queued_at=starts - dt.timedelta(days=3),
                        checked_in_at=starts + dt.timedelta(minutes=rng.randint(0, 10))
                        if came else None,
                        checked_out_at=shift.ends_at if came else None,
                        check_method=ShiftSignup.Method.QR if came else "",
                        hours=Decimal(hours) if came else None,
                        confirmed_at=shift.ends_at + dt.timedelta(hours=1) if came else None,
                        confirmed_by=team.leader if came else None))
                ShiftSignup.objects.bulk_create(rows)
                Shift.objects.filter(pk=shift.pk).update(seats_taken=len(rows))
            elif w < weeks_back + 2:
                for u in crew[:max(1, cap - 1)]:
                    services.shift_signup(actor=u, shift=shift, age_confirmed=True)
    _garden_rota(ctx)


def _garden_rota(ctx: DemoContext) -> None:
    """The S garden's co-building phase opens volunteer sign-up; a watering rota."""
    from gongzhi.projects import phases
    from gongzhi.projects import services as project_services
    from gongzhi.projects.models import Project

    s = ctx.communities["s"]
    worker = ctx.accounts["s_worker"]
    project = Project.objects.filter(community=s, title__contains="花园").first()
    if project is None:
        return
    phase = phases.current_phase(project)
    if phase is None:
        return
    project_services.phase_update(
        actor=worker, phase=phase, name=phase.name, starts_on=phase.starts_on,
        ends_on=phase.ends_on,
        actions={**(phase.actions or {}), "volunteers.signup": ["member", "org_member"]})
    corps = services.corps_create(actor=worker, community=s, name="四平花园志愿者")
    team = services.team_create(actor=worker, corps=corps, name="花园浇水队", colour="green",
                                theme="花园日常养护")
    opp = services.opportunity_create(
        actor=worker, community=s, title="花园浇水和除草", team=team, project=project,
        tasks="给种植箱浇水\n拔除杂草\n记录植物长势",
        space=project.spaces.first(), location_text="" if project.spaces.exists() else "锅炉房花园")
    today = timezone.localdate()
    for d in range(1, 15, 2):
        starts = _at(today + dt.timedelta(days=d), 8)
        services.shift_create(actor=worker, opportunity=opp, starts_at=starts,
                              ends_at=starts + dt.timedelta(hours=1), capacity=3)
