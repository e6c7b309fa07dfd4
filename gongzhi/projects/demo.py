"""Demo projects.

S community: the boiler-yard community garden (锅炉房旧址社区花园), mid-way through
co-construction (共建) — proposals, supports, comments, an accepted/rejected/merged answer
each, tasks with sign-ups, waste-material donations pledged/received/used (变废为宝) and
results in progress.

B community: the "焦我办" deliberation-hall micro-renewal that rebuilt 500 m of footpath
and replaced 200 street lamps (results at 100 % with milestones), now in quarterly
follow-up.

Spaces come from the spaces demo (looked up by name); if it is absent, projects simply
have no spaces.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.projects import services
from gongzhi.projects.models import (
    Comment,
    Donation,
    Milestone,
    Phase,
    Project,
    ProjectTemplate,
    Proposal,
    Result,
    ResultUpdate,
    Stakeholder,
    Support,
    TaskSignup,
    TeamMember,
)

GARDEN_PROPOSALS = [
    ("花园入口墙：仿晾房的砖墙",
     "用回收的红砖砌一面像葡萄晾房一样镂空的入口墙，记住这片土地的故事。", "2800", "accepted"),
    ("儿童艺术角", "在花园东南角设一个儿童涂鸦与手工角，放学后1小时有地方去。", "1500", "accepted"),
    ("图书交换角", "用旧柜子做一个防雨的图书交换角，邻居之间换书。", "600", "accepted"),
    ("照片墙：大院老照片", "征集老职工的照片，做一面大院历史照片墙。", "900", "evaluating"),
    ("种植箱认领", "做30个种植箱，每户可以认领一个，自己种菜种花。", "3000", "accepted"),
    ("花园里建停车位", "把一部分花园改成停车位，解决停车难。", "20000", "rejected"),
    ("废旧轮胎做花坛", "把旧轮胎刷漆做成花坛。", "200", ""),
    ("轮胎花坛（重复）", "旧轮胎可以做花坛，刷成彩色。", "", "merge"),
    ("雨水收集桶", "在锅炉房屋檐下放雨水桶，浇花不用自来水。", "400", ""),
    ("晚上的照明", "花园小径装几盏太阳能灯，晚上遛弯安全。", "1200", "evaluating"),
]


def _png(color: str, name: str) -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _space(community, *names):
    try:
        from gongzhi.spaces.models import Space
    except ImportError:  # pragma: no cover
        return None
    for name in names:
        space = Space.objects.filter(community=community, name__contains=name).first()
        if space is not None:
            return space
    return None


def _orgs(community) -> dict[str, Organisation]:
    return {o.kind: o for o in Organisation.objects.alive().filter(community=community)}


def _residents(ctx: DemoContext, community, n: int) -> list[User]:
    ids = list(ctx.data.get("residents", {}).get(community.slug, []))
    return list(User.objects.filter(pk__in=ids[:n]).order_by("pk"))


def _start_for(template: ProjectTemplate, phase_key: str, day_in_phase: int) -> dt.date:
    """The start date that puts today ``day_in_phase`` days into ``phase_key``."""
    before = 0
    for spec in template.phases:
        if spec["key"] == phase_key:
            break
        before += int(spec["days"])
    return timezone.localdate() - dt.timedelta(days=before + day_in_phase)


def _supports(proposal: Proposal, users: list[User], when: dt.datetime) -> None:
    Support.objects.bulk_create([Support(proposal=proposal, user=u, created_at=when)
                                 for u in users], ignore_conflicts=True)
    proposal.support_count = Support.objects.filter(proposal=proposal).count()
    proposal.save(update_fields=["support_count"])


@demo_step(60)
def projects(ctx: DemoContext) -> None:
    s_garden(ctx)
    b_micro_renewal(ctx)


def s_garden(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    worker = ctx.accounts["s_worker"]
    from gongzhi.projects.template_data import ensure_default_templates

    ensure_default_templates()
    template = ProjectTemplate.objects.get(key="garden")
    spaces = [sp for sp in (_space(s, "锅炉房"), _space(s, "共建花园"), _space(s, "花园小径"))
              if sp is not None]
    project = services.project_create(
        actor=worker, community=s, template=template,
        title="锅炉房旧址社区花园共建",
        summary="把荒废的锅炉房和煤场变成大家的花园：一起谋划、一起建、一起管。",
        description="2013年工厂搬走后，锅炉房、篮球场和食堂荒废多年。社区党委从能人库请来"
                    "社区规划团队，和居民一起设计并建设一座社区花园。",
        goals="把锅炉房旧址变成开放的社区花园\n让新老居民在共建中相识\n形成花园共建工具包",
        budget=Decimal("50000"), spaces=spaces,
        starts_on=_start_for(template, "co_construction", 20))
    orgs = _orgs(s)
    _garden_team(project, worker, orgs)
    residents = _residents(ctx, s, 60 if not ctx.small else 20)
    if ctx.accounts.get("s_resident"):
        residents.insert(0, ctx.accounts["s_resident"])
    if len(residents) < 4:
        return
    made = _garden_proposals(ctx, project, spaces, residents)
    _garden_comments(ctx, project, made, residents)
    _garden_results(worker, _garden_answers(ctx, worker, made, orgs))
    _garden_tasks(ctx, worker, project, spaces, residents)
    _garden_donations(worker, project, residents)
    if not ctx.small:
        services.project_photo_add(actor=worker, project=project, kind="before",
                                   image=_png("#8a7f72", "before.png"),
                                   caption="2023年：堆满杂物的锅炉房旧址")
        services.project_photo_add(actor=worker, project=project, kind="during",
                                   image=_png("#7a9a5a", "during.png"),
                                   caption="共建日：居民用回收砖砌墙")
    ctx.data["projects"] = {"garden": project}




def _garden_team(project: Project, worker, orgs: dict) -> None:
    """The organisations around the project and the team: the worker and a planner."""
    for kind, role in ((OrgKind.PARTY, Stakeholder.Role.LEAD),
                       (OrgKind.RESIDENTS_COMMITTEE, Stakeholder.Role.CO_ORGANISER),
                       (OrgKind.PLANNER, Stakeholder.Role.ADVISER),
                       (OrgKind.PROPERTY, Stakeholder.Role.IMPLEMENTER),
                       (OrgKind.SOCIAL_ORG, Stakeholder.Role.CO_ORGANISER)):
        if kind in orgs:
            services.stakeholder_add(actor=worker, project=project, organisation=orgs[kind],
                                     role=role)
    TeamMember.objects.create(project=project, user=worker, role=TeamMember.Role.WORKER)
    planner_org = orgs.get(OrgKind.PLANNER)
    if planner_org is not None:
        planner = planner_org.members.select_related("user").first()
        if planner is not None:
            TeamMember.objects.create(project=project, user=planner.user,
                                      role=TeamMember.Role.PLANNER)


def _garden_proposals(ctx: DemoContext, project: Project, spaces: list, residents: list
                      ) -> list[Proposal]:
    """Residents' proposals in the needs survey, a day apart, each with supporters."""
    s = project.community
    phases = {p.key: p for p in Phase.objects.filter(project=project)}
    survey = phases["needs_survey"]
    made: list[Proposal] = []
    for i, (title, text, cost, _answer) in enumerate(GARDEN_PROPOSALS):
        when = timezone.make_aware(dt.datetime.combine(
            survey.starts_on + dt.timedelta(days=i), dt.time(19, 30)))
        p = Proposal.objects.create(
            project=project, community=s, author=residents[i % len(residents)], phase=survey,
            kind=Proposal.Kind.IDEA if i % 3 == 2 else Proposal.Kind.PROPOSAL, title=title,
            description=text, cost_estimate=Decimal(cost) if cost else None,
            space=spaces[0] if spaces and i % 2 == 0 else None,
            lat=spaces[0].lat + 0.0001 * (i - 5) if spaces else None,
            lon=spaces[0].lon + 0.0001 * (i % 4) if spaces else None)
        Proposal.objects.filter(pk=p.pk).update(created_at=when)
        n = ctx.rng.randint(3, min(len(residents), 25))
        _supports(p, ctx.rng.sample(residents, n), when + dt.timedelta(hours=2))
        made.append(p)
    return made


def _garden_comments(ctx: DemoContext, project: Project, made: list[Proposal],
                     residents: list) -> None:
    """A short thread under the first proposals."""
    s = project.community
    comment_texts = ["好主意！我可以出力。", "需要注意孩子的安全。", "我家有旧木板可以捐。",
                     "建议和物业先确认一下产权。", "支持，老照片我家有好几张。"]
    for p in made[:6]:
        top = Comment.objects.create(community=s, project=project, proposal=p,
                                     author=ctx.rng.choice(residents),
                                     body=ctx.rng.choice(comment_texts))
        Comment.objects.create(community=s, project=project, proposal=p, parent=top,
                               author=ctx.rng.choice(residents), body="同意，周末一起商量。")
        p.comment_count = 2
        p.save(update_fields=["comment_count"])


def _garden_answers(ctx: DemoContext, worker, made: list[Proposal], orgs: dict) -> list:
    """The council's answers (merged, refused, accepted…); the results of the accepted ones."""
    property_org = orgs.get(OrgKind.PROPERTY)
    volunteers = orgs.get(OrgKind.SOCIAL_ORG)
    results = []
    for p, (_t, _x, _c, answer) in zip(made, GARDEN_PROPOSALS, strict=True):
        if answer == "merge":
            services.proposal_merge(actor=worker, source=p, target=made[6],
                                    reason="与“废旧轮胎做花坛”重复，支持已合并。")
        elif answer == "rejected":
            services.proposal_answer(actor=worker, proposal=p, answer="rejected",
                                     text="花园用地不改变用途；停车问题已转交议事会另行讨论。")
        elif answer:
            services.proposal_answer(
                actor=worker, proposal=p, answer=answer,
                text="议事会通过，纳入共建计划。" if answer == "accepted" else "规划团队评估中。",
                responsible_org=volunteers if "角" in p.title else property_org,
                due_on=timezone.localdate() + dt.timedelta(days=ctx.rng.randint(-5, 40)))
            if answer == "accepted":
                results.append(p.results.get())
    return results


def _garden_results(worker, results: list) -> None:
    """Milestones and progress on each accepted proposal."""
    for k, result in enumerate(results):
        m1 = services.milestone_add(actor=worker, result=result, title="出施工图并公示",
                                    due_on=timezone.localdate() - dt.timedelta(days=20),
                                    progress=20)
        services.milestone_add(actor=worker, result=result, title="材料到位、居民共建",
                               due_on=timezone.localdate() + dt.timedelta(days=10 + k),
                               progress=70)
        services.milestone_add(actor=worker, result=result, title="完工开放",
                               due_on=timezone.localdate() + dt.timedelta(days=30 + k),
                               progress=100)
        services.result_update_post(actor=worker, result=result, milestone=m1,
                                    text="施工图已在公告栏和线上公示一周，无异议。",
                                    spent_cost=Decimal("0"))
        if k % 2 == 0:
            services.result_update_post(
                actor=worker, result=result, progress=45 + 10 * k,
                spent_cost=(result.planned_cost or Decimal(1000)) * Decimal("0.4"),
                text="周六共建日：清理场地、搬运回收砖，30多位居民参加。")


def _garden_tasks(ctx: DemoContext, worker, project: Project, spaces: list,
                  residents: list) -> None:
    """Co-building days with people signed up."""
    now = timezone.now()
    task_specs = [
        ("清理锅炉房旧址杂物", "锅炉房旧址", "力气活，戴手套", 20, -6),
        ("回收砖砌入口墙", "花园入口", "会砌墙的师傅优先", 8, 2),
        ("做种植箱", "老食堂门口", "木工", 10, 5),
        ("给轮胎花坛刷漆", "花园小径", "不需要技能，孩子可参加（家长陪同）", 15, 9),
        ("第一批种植", "共建花园", "园艺", 25, 16),
    ]
    for title, where, skills, cap, days in task_specs:
        start = timezone.localtime(now + dt.timedelta(days=days)).replace(
            hour=9, minute=0, second=0, microsecond=0)
        task = services.task_create(actor=worker, project=project, title=title,
                                    starts_at=start, ends_at=start + dt.timedelta(hours=3),
                                    capacity=cap, location_text=where, skills=skills,
                                    space=spaces[0] if spaces else None)
        n = min(cap, len(residents), ctx.rng.randint(cap // 3, cap))
        TaskSignup.objects.bulk_create([TaskSignup(task=task, user=u)
                                        for u in ctx.rng.sample(residents, n)])


def _garden_donations(worker, project: Project, residents: list) -> None:
    """Materials residents gave, some received and used."""
    s = project.community
    donation_specs = [
        ("旧红砖", "400", "块", Donation.Condition.USED, "入口墙"),
        ("废旧轮胎", "12", "个", Donation.Condition.USED, "轮胎花坛"),
        ("旧木板", "30", "块", Donation.Condition.RECEIVED, ""),
        ("旧书", "80", "本", Donation.Condition.RECEIVED, ""),
        ("花盆", "25", "个", Donation.Condition.PLEDGED, ""),
        ("旧浴缸", "1", "个", Donation.Condition.PLEDGED, ""),
        ("蔬菜种子", "20", "包", Donation.Condition.PLEDGED, ""),
    ]
    for i, (item, qty, unit, state, used_for) in enumerate(donation_specs):
        d = Donation.objects.create(project=project, community=s, donor=residents[i * 3 %
                                                                                len(residents)],
                                    item=item, quantity=Decimal(qty), unit=unit)
        if state in (Donation.Condition.RECEIVED, Donation.Condition.USED):
            d = services.donation_advance(actor=worker, donation=d,
                                          condition=Donation.Condition.RECEIVED)
        if state == Donation.Condition.USED:
            services.donation_advance(actor=worker, donation=d,
                                      condition=Donation.Condition.USED, used_for=used_for)


def b_micro_renewal(ctx: DemoContext) -> None:
    b = ctx.communities["b"]
    worker = ctx.accounts["b_worker"]
    template = ProjectTemplate.objects.get(key="micro_renewal")
    paths = [sp for sp in (_space(b, "步道（东段）"), _space(b, "步道（西段）")) if sp]
    lamp = _space(b, "路灯 B-001")
    hall = _space(b, "议事厅")
    project = services.project_create(
        actor=worker, community=b, template=template,
        title="“焦我办”议事厅微更新：步道与路灯",
        summary="居民在议事厅提出、协调委员会议定：修500米步道，换200盏路灯。",
        description="居民反映夜里步道坑洼、路灯不亮。党支部牵头，保障房中心、物业、维修"
                    "承包商、派出所、商户代表和居民代表组成协调委员会，议定后分段实施。",
        goals="步道平整无障碍\n夜间照明全覆盖\n每季度向居民公告维护情况",
        budget=Decimal("680000"), spaces=[*paths, *([lamp] if lamp else []),
                                          *([hall] if hall else [])],
        starts_on=_start_for(template, "follow_up", 25))
    orgs = _orgs(b)
    for kind, role in ((OrgKind.PARTY, Stakeholder.Role.LEAD),
                       (OrgKind.HOUSING_CENTRE, Stakeholder.Role.FUNDER),
                       (OrgKind.PROPERTY, Stakeholder.Role.CO_ORGANISER),
                       (OrgKind.OTHER, Stakeholder.Role.IMPLEMENTER),
                       (OrgKind.POLICE, Stakeholder.Role.ADVISER),
                       (OrgKind.BUSINESS, Stakeholder.Role.ADVISER)):
        if kind in orgs:
            services.stakeholder_add(actor=worker, project=project, organisation=orgs[kind],
                                     role=role)
    residents = _residents(ctx, b, 60 if not ctx.small else 20)
    if ctx.accounts.get("b_owner"):
        residents.insert(0, ctx.accounts["b_owner"])
    if len(residents) < 4:
        return
    intake = Phase.objects.get(project=project, key="intake")
    contractor = orgs.get(OrgKind.OTHER) or orgs.get(OrgKind.PROPERTY)
    specs = [
        ("环小区步道坑洼，老人晚上容易摔倒", "东西两段步道共500米，多处塌陷积水。",
         "步道改造（500米）", "480000",
         [("东段250米铺装", 50, "东段完成透水砖铺装，坡道改为无障碍。"),
          ("西段250米铺装", 90, "西段完成，排水沟同步疏通。"),
          ("验收并公告", 100, "协调委员会与居民代表联合验收，500米步道全部完成。")]),
        ("路灯太暗很多不亮", "全小区路灯老化，建议换成LED并加装到车棚。",
         "更换路灯（200盏）", "200000",
         [("更换前100盏", 50, "北区100盏换为LED。"),
          ("更换后100盏", 90, "南区100盏换为LED，车棚补装照明。"),
          ("夜间巡查验收", 100, "派出所和居民夜间巡查，200盏路灯全部正常。")]),
    ]
    for i, (title, text, result_title, cost, steps) in enumerate(specs):
        p = Proposal.objects.create(project=project, community=b, phase=intake,
                                    author=residents[i], title=title, description=text,
                                    space=paths[0] if paths and i == 0 else lamp,
                                    cost_estimate=Decimal(cost))
        _supports(p, ctx.rng.sample(residents, min(len(residents), 30 + 8 * i)),
                  timezone.now() - dt.timedelta(days=110))
        services.proposal_answer(actor=worker, proposal=p, answer="accepted",
                                 text="协调委员会表决通过，列入实施计划。",
                                 responsible_org=contractor,
                                 due_on=timezone.localdate() - dt.timedelta(days=30))
        result = p.results.get()
        result.title = result_title
        result.starts_on = timezone.localdate() - dt.timedelta(days=85)
        result.save(update_fields=["title", "starts_on"])
        spent = Decimal("0")
        for k, (m_title, progress, note) in enumerate(steps):
            due = timezone.localdate() - dt.timedelta(days=70 - 20 * k)
            m = services.milestone_add(
                actor=worker, result=result, title=m_title, progress=progress, due_on=due)
            spent = Decimal(cost) * Decimal(progress) / Decimal(100) * Decimal("0.96")
            photo = _png("#5f7f9f", f"b{i}{k}.png") if progress == 100 and not ctx.small \
                else None
            update = services.result_update_post(
                actor=worker, result=result, milestone=m, text=note,
                spent_cost=spent.quantize(Decimal("0.01")), photo=photo)
            # Backdate: the work happened over the summer, not today.
            done = due - dt.timedelta(days=2)
            Milestone.objects.filter(pk=m.pk).update(done_on=done)
            ResultUpdate.objects.filter(pk=update.pk).update(created_at=timezone.make_aware(
                dt.datetime.combine(done, dt.time(18, 0))))
            Result.objects.filter(pk=result.pk).update(completed_on=done)
    ctx.data.setdefault("projects", {})["b_renewal"] = project
