"""Demo: S community's talent pool (能人库) — about 30 skilled residents with consent, one
of them matched to the garden's co-construction task (做种植箱) and signed up."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.talent import services
from gongzhi.talent.models import TalentProfile

# skills, other skills, description, weekdays, evenings, weekends
TALENTS = [
    (["carpentry"], "做木凳、修家具", "在厂里做了三十年木工，退休了，手艺还在。",
     True, False, True),
    (["electrical"], "", "持电工证，能查线路、换灯具。", False, True, True),
    (["plumbing", "appliances"], "", "水管漏水、热水器小毛病都能看看。", True, False, False),
    (["painting", "calligraphy"], "墙绘", "美术老师退休，愿意带孩子画文化墙。",
     True, False, True),
    (["design", "planning"], "景观设计", "在设计院工作，周末可以帮忙出花园方案。",
     False, False, True),
    (["law"], "物业纠纷", "执业律师，可以解答租房、物业方面的法律问题。", False, True, False),
    (["health"], "量血压、急救培训", "社区医院护士，能教老人用血压计。", False, True, True),
    (["photography"], "", "喜欢拍老房子和邻居，愿意给社区活动拍照。", False, False, True),
    (["appliances"], "修收音机、电风扇", "修了四十年电器。", True, False, False),
    (["programming"], "小程序", "软件工程师，可以帮社区做表格和小程序。", False, True, True),
    (["gardening"], "种菜、堆肥", "阳台种菜十几年，懂堆肥。", True, False, True),
    (["calligraphy"], "春联", "每年给邻居写春联。", True, False, False),
    (["tutoring"], "初中数学", "中学数学老师，可以参加“放学后1小时”。", False, True, False),
    (["cooking"], "面点", "会做各种面点，社区活动可以帮忙。", True, False, True),
    (["music"], "二胡、广场舞", "社区文艺队的二胡手。", True, True, False),
    (["sewing"], "改衣服、织毛衣", "",
     True, False, False),
    (["social_work"], "心理咨询", "有心理咨询师证书，能陪独居老人聊天。", False, True, True),
    (["translation", "tutoring"], "英语", "大学英语老师，可以给孩子讲英语绘本。",
     False, False, True),
    (["accounting"], "记账", "会计，可以帮花园共建的账目做公示。", False, True, False),
    (["carpentry", "painting"], "", "做过装修，木工油漆都行。", True, False, True),
    (["gardening", "design"], "花境设计", "园林专业研究生，懂植物搭配。", False, False, True),
    (["electrical", "appliances"], "", "物业退休电工。", True, True, False),
    (["photography", "design"], "短视频", "会剪视频，能做社区宣传片。", False, True, True),
    (["health"], "中医推拿", "退休中医。", True, False, False),
    (["tutoring", "music"], "钢琴", "", False, True, True),
    (["plumbing"], "", "干过多年管道工。", True, False, True),
    (["gardening"], "多肉、月季", "养月季二十年。",
     True, False, True),
    (["law", "social_work"], "调解", "人民调解员，会调解邻里纠纷。", True, True, False),
    (["cooking", "sewing"], "", "", True, False, True),
    (["programming", "photography"], "无人机航拍", "可以给花园拍航拍图做前后对比。",
     False, False, True),
]


def _garden_task(ctx: DemoContext):
    from gongzhi.projects.models import Project, Task

    s = ctx.communities["s"]
    project = Project.objects.filter(community=s, title__contains="花园").first()
    if project is None:
        return None
    tasks = list(Task.objects.filter(project=project, state=Task.State.OPEN)
                 .order_by("starts_at"))
    by_skill = [t for t in tasks if "木工" in t.skills] + tasks
    for task in by_skill:
        if task.signups.count() < task.capacity and task.starts_at > _now():
            return task
    return None


def _now():
    from django.utils import timezone

    return timezone.now()


@demo_step(91)
def talent_pool(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    if TalentProfile.objects.filter(community=s).exists():
        return
    ids = sorted(ctx.data.get("residents", {}).get(s.slug, []))
    people = list(User.objects.filter(pk__in=ids, memberships__community=s,
                                      memberships__status="verified").order_by("pk"))
    if len(people) < 40:
        return
    step = max(1, len(people) // len(TALENTS))
    profiles = []
    for i, (skills, other, description, wd, ev, we) in enumerate(TALENTS):
        user = people[i * step]
        profiles.append(services.profile_save(
            actor=user, community=s, skills=skills, other_skills=other,
            description=description, weekdays=wd, evenings=ev, weekends=we,
            consent=i % 10 != 9))     # three have a profile but did not consent (yet)
    chen = ctx.accounts.get("s_resident")
    if chen is not None:
        profiles.append(services.profile_save(
            actor=chen, community=s, skills=["gardening", "cooking"],
            other_skills="花园浇水排班", description="老住户，看着大院从工厂变成现在这样。",
            weekdays=True, weekends=True, consent=True))
    task = _garden_task(ctx)
    if task is None:
        return
    worker = ctx.accounts["s_worker"]
    carpenter = profiles[0]
    invitation = services.invitation_create(
        actor=worker, profile=carpenter, task=task,
        message="花园要做一批种植箱，想请您来指导大家用回收木料做。")
    with contextlib.suppress(ValidationError):
        services.invitation_respond(actor=carpenter.user, invitation=invitation, accept=True)
    if chen is not None:
        services.invitation_create(actor=worker, profile=profiles[-1], task=task,
                                   message="陈阿姨，种植箱做好后想请您带大家第一批种植。")
