"""Demo meetings: the S garden council, the B "焦我办" coordination meeting and a 一图三会 set.

Runs after projects (60). Projects and proposals are looked up by community and title; if
the projects demo is absent, the meetings are created without those links.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.meetings import services
from gongzhi.meetings.models import ActionItem, AgeBand, Invitation, Meeting, MeetingKind
from gongzhi.orgs.models import Organisation, OrgKind


def _space(community, *needles):
    try:
        from gongzhi.spaces.models import Space
    except ImportError:  # pragma: no cover - spaces is installed
        return None
    for needle in needles:
        space = Space.objects.filter(community=community, name__contains=needle).first()
        if space is not None:
            return space
    return None


def _project(community, *needles):
    from gongzhi.projects.models import Project

    for needle in needles:
        project = Project.objects.filter(community=community, title__contains=needle).first()
        if project is not None:
            return project
    return None


def _proposals(community, project=None, *needles, limit=3):
    from gongzhi.projects.models import Proposal

    qs = (Proposal.objects.filter(community=community).select_related("project", "space")
          .exclude(answer__in=[Proposal.Answer.REJECTED, Proposal.Answer.MERGED]))
    if project is not None:
        qs = qs.filter(project=project)
    found = []
    for needle in needles:
        found += [p for p in qs.filter(title__contains=needle)[:limit] if p not in found]
    if not found:
        found = list(qs.order_by("-support_count", "pk")[:limit])
    return found[:limit]


def _orgs(community) -> dict[str, Organisation]:
    return {o.kind: o for o in Organisation.objects.alive().filter(community=community)}


def _residents(ctx: DemoContext, community, n: int) -> list[User]:
    ids = list(ctx.data.get("residents", {}).get(community.slug, []))
    ctx.rng.shuffle(ids)
    return list(User.objects.filter(pk__in=ids[:n]))


AGE_WEIGHTS = [(AgeBand.UNDER_18, 1), (AgeBand.A18_34, 4), (AgeBand.A35_59, 6),
               (AgeBand.A60_PLUS, 7), ("", 3)]


def _age(ctx: DemoContext) -> str:
    bands, weights = zip(*AGE_WEIGHTS, strict=True)
    return ctx.rng.choices(bands, weights)[0]


@demo_step(70)
def meetings(ctx: DemoContext) -> None:
    now = timezone.now()
    today = timezone.localdate()
    made: dict[str, object] = {"council": _s_council(ctx, now, today)}
    _s_workshop(ctx, now)
    made["hall"] = _b_hall(ctx, now, today)
    dossier = _b_dossier(ctx, now)
    if dossier is not None:
        made["dossier"] = dossier
    ctx.data["meetings"] = made


def _s_council(ctx: DemoContext, now: dt.datetime, today: dt.date) -> Meeting:
    s, s_worker = ctx.communities["s"], ctx.accounts["s_worker"]
    # --- S: residents' council on the boiler-room garden (held, minutes, decisions) ------
    s_orgs = _orgs(s)
    garden = _project(s, "花园", "锅炉房")
    council = services.meeting_create(
        actor=s_worker, community=s, kind=MeetingKind.COUNCIL,
        title="居民议事会：锅炉房旧址社区花园怎么建",
        description="社区党委、物业、规划团队和居民代表一起商量花园的布局、分工和维护。",
        starts_at=now - dt.timedelta(days=21, hours=3),
        ends_at=now - dt.timedelta(days=21, hours=1),
        space=_space(s, "锅炉房", "食堂"), place="原职工食堂二楼", project=garden,
        capacity=40, status=Meeting.Status.PUBLISHED)
    for kind, role in ((OrgKind.PARTY, Invitation.Role.STAKEHOLDER),
                       (OrgKind.PROPERTY, Invitation.Role.CONCERNED),
                       (OrgKind.PLANNER, Invitation.Role.IMPLEMENTER),
                       (OrgKind.SOCIAL_ORG, Invitation.Role.STAKEHOLDER)):
        if kind in s_orgs:
            services.invitation_add(actor=s_worker, meeting=council,
                                    organisation=s_orgs[kind], role=role, notify=False)
    garden_props = _proposals(s, garden, "花园", "墙", "角")
    items = [services.agenda_item_add(actor=s_worker, meeting=council, title=p.title,
                                      proposal=p) for p in garden_props]
    if not items:
        items = [services.agenda_item_add(actor=s_worker, meeting=council,
                                          title="花园入口墙：仿晾房的砖墙"),
                 services.agenda_item_add(actor=s_worker, meeting=council,
                                          title="儿童艺术角和图书交换角")]
    items.append(services.agenda_item_add(actor=s_worker, meeting=council,
                                          title="花园日常维护和认领种植箱的规则"))
    attendees = _residents(ctx, s, 12 if ctx.small else 26)
    for user in attendees:
        services.attendance_record(actor=s_worker, meeting=council, user=user,
                                   age_band=_age(ctx))
    services.attendance_record(actor=s_worker, meeting=council, name="规划团队·张老师",
                               organisation=s_orgs.get(OrgKind.PLANNER))
    services.meeting_mark_held(actor=s_worker, meeting=council)
    decisions = []
    for i, item in enumerate(items):
        decisions.append(services.decision_record(
            actor=s_worker, meeting=council, agenda_item=item,
            text=("通过。由规划团队出施工图，居民和志愿者共建，变废为宝收集旧砖。" if i == 0
                  else "通过。每月第一个周六为花园共建日，种植箱由居民认领，能人库负责培训。"),
            votes_for=len(attendees) - 2 - i, votes_against=1, votes_abstain=1 + i,
            responsible_org=s_orgs.get(OrgKind.PLANNER if i == 0 else OrgKind.SOCIAL_ORG),
            due_on=today + dt.timedelta(days=45 + 30 * i)))
    services.action_item_create(actor=s_worker, meeting=council, decision=decisions[0],
                                title="出花园入口墙施工图并公示",
                                responsible_org=s_orgs.get(OrgKind.PLANNER),
                                due_on=today + dt.timedelta(days=10))
    services.action_item_create(actor=s_worker, meeting=council, decision=decisions[-1],
                                title="清运锅炉房旧址建筑垃圾",
                                responsible_org=s_orgs.get(OrgKind.PROPERTY),
                                due_on=today + dt.timedelta(days=20))
    services.minutes_save(actor=s_worker, meeting=council, publish=True, minutes=(
        "时间：三周前周六上午\n地点：原职工食堂二楼\n主持：社区党委书记\n\n"
        "一、规划团队介绍花园方案（入口墙仿当地晾房，儿童艺术角、图书交换角、照片墙）。\n"
        "二、居民讨论：老住户希望保留锅炉房烟囱作为记忆；新住户关心孩子活动空间。\n"
        "三、表决：各议题均获通过（票数见决定）。\n四、下一步：施工图公示，组织共建日。"))
    return council


def _s_workshop(ctx: DemoContext, now: dt.datetime) -> None:
    s, s_worker = ctx.communities["s"], ctx.accounts["s_worker"]
    garden = _project(s, "花园", "锅炉房")
    # --- S: an upcoming workshop open for registration -----------------------------------
    workshop = services.meeting_create(
        actor=s_worker, community=s, kind=MeetingKind.WORKSHOP,
        title="花园共建工作坊：认领种植箱、学堆肥", description="放学后1小时，家长和孩子一起来。",
        starts_at=now + dt.timedelta(days=9, hours=2), ends_at=now + dt.timedelta(days=9,
                                                                                   hours=4),
        space=_space(s, "花园", "锅炉房"), place="花园入口", project=garden, capacity=20,
        status=Meeting.Status.PUBLISHED)
    for user in _residents(ctx, s, 8 if ctx.small else 24):
        services.registration_create(actor=user, meeting=workshop, age_band=_age(ctx))



def _b_hall(ctx: DemoContext, now: dt.datetime, today: dt.date) -> Meeting:
    b, b_worker = ctx.communities["b"], ctx.accounts["b_worker"]
    # --- B: "焦我办" deliberation-hall coordination meeting (action items, one overdue) --
    b_orgs = _orgs(b)
    hall = services.meeting_create(
        actor=b_worker, community=b, kind=MeetingKind.COORDINATION,
        title="“焦我办”议事厅协调会：步道、路灯和车棚",
        description="党支部牵头，保障房中心、物业、维修单位、派出所、商户代表和居民代表协调分工。",
        starts_at=now - dt.timedelta(days=40, hours=5),
        ends_at=now - dt.timedelta(days=40, hours=3),
        space=_space(b, "议事厅", "社区客厅"), place="社区客厅", project=_project(b, "步道", "路灯",
                                                                           "车棚"),
        status=Meeting.Status.PUBLISHED)
    for kind in (OrgKind.PARTY, OrgKind.HOUSING_CENTRE, OrgKind.PROPERTY, OrgKind.OTHER,
                 OrgKind.POLICE, OrgKind.BUSINESS, OrgKind.SOCIAL_ORG):
        org = b_orgs.get(kind)
        if org is not None:
            services.invitation_add(actor=b_worker, meeting=hall, organisation=org,
                                    role=Invitation.Role.CONCERNED, notify=False)
            rep = org.members.select_related("user").first()
            if rep is not None:
                services.attendance_record(actor=b_worker, meeting=hall, user=rep.user,
                                           organisation=org, age_band=AgeBand.A35_59)
    for user in _residents(ctx, b, 6 if ctx.small else 12):
        services.attendance_record(actor=b_worker, meeting=hall, user=user, age_band=_age(ctx))
    b_items = [services.agenda_item_add(actor=b_worker, meeting=hall, title=t) for t in (
        "500米步道翻修", "200盏路灯更换", "400米自行车棚和电动车充电桩")]
    services.meeting_mark_held(actor=b_worker, meeting=hall)
    plan = [
        (b_items[0], "步道翻修由保障房中心出资，维修单位施工，分两段进行。", OrgKind.HOUSING_CENTRE,
         "步道第一段施工", -5, ActionItem.Status.OPEN),            # overdue
        (b_items[1], "路灯由物业统一更换为LED，派出所提出监控盲区点位。", OrgKind.PROPERTY,
         "更换路灯并报告完成数", 20, ActionItem.Status.IN_PROGRESS),
        (b_items[2], "车棚和充电桩选址公示七天，商户代表协调临时停车。", OrgKind.BUSINESS,
         "车棚选址公示", -15, ActionItem.Status.DONE),
    ]
    for item, text, org_kind, task, due_days, status in plan:
        org = b_orgs.get(org_kind)
        decision = services.decision_record(actor=b_worker, meeting=hall, agenda_item=item,
                                            text=text, responsible_org=org,
                                            due_on=today + dt.timedelta(days=due_days + 30))
        action = services.action_item_create(actor=b_worker, meeting=hall, decision=decision,
                                             title=task, responsible_org=org,
                                             due_on=today + dt.timedelta(days=due_days))
        if status != ActionItem.Status.OPEN:
            services.action_item_set_status(actor=b_worker, item=action, status=status)
    services.minutes_save(actor=b_worker, meeting=hall, publish=True, minutes=(
        "“焦我办”议事厅第十二次协调会。\n"
        "各方确认分工：保障房中心（步道资金）、物业（路灯）、维修单位（施工）、"
        "派出所（安全点位）、商户代表（临时停车）。\n会后一个月内在议事厅公示进度。"))
    return hall


def _b_dossier(ctx: DemoContext, now: dt.datetime):
    b, b_worker = ctx.communities["b"], ctx.accounts["b_worker"]
    # --- B: one full 一图三会 set for a proposal ----------------------------------------------
    b_props = _proposals(b, None, "车棚", "充电", "步道", "路灯", limit=1)
    if b_props:
        dossier = services.meeting_set_create(
            actor=b_worker, proposal=b_props[0],
            hearing_at=now + dt.timedelta(days=7, hours=1),
            coordination_at=now + dt.timedelta(days=21, hours=1),
            evaluation_at=now + dt.timedelta(days=120), place="社区客厅（“焦我办”议事厅）",
            publish=True)
        hearing = dossier.meetings.get(kind=MeetingKind.HEARING)
        for user in _residents(ctx, b, 10 if ctx.small else 30):
            services.registration_create(actor=user, meeting=hearing, age_band=_age(ctx))
        return dossier
    return None
