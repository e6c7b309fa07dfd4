"""Demo: a week of announcements in S and B — B's property company announces a water
shut-off for building 3 (important, pinned, confirmations partly in), the Party branch
calls for volunteers, the residents' committee and S's Party committee write to everyone.
Published times are spread over the past week (``published_at``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import Membership
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.news import selectors, services
from gongzhi.news.models import Announcement, ReadReceipt
from gongzhi.places.models import Building

B_NOTICES = [
    # org kind, title, body, audience building numbers, important, pinned, days ago, expires
    ("property", "3号楼停水通知（12月3日 9:00–15:00）",
     "因3号楼二次供水水箱清洗消毒，12月3日（周四）9:00至15:00停水。\n"
     "请各位居民提前储水，关好家中水龙头，防止来水时跑水。\n"
     "如有老人、病人需要送水，请联系物业客服：010-84562003。\n给您带来不便，敬请谅解。",
     ["3"], True, True, 1, 3),
    ("party", "“焦佼者”志愿者招募：周末楼道清理",
     "本周六上午9点，党支部组织“焦佼者”志愿者清理楼道堆物，欢迎党员和居民报名参加。\n"
     "集合地点：社区党群服务中心门口。请穿方便活动的衣服，手套和工具由社区准备。",
     [], False, True, 2, 5),
    ("property", "冬季供暖设备巡检安排",
     "物业将于本周对各楼栋供暖管道和阀门进行巡检，工作人员佩戴工牌入户，请居民配合。",
     [], False, False, 4, 10),
    ("residents_committee", "社区吉祥物投票开始啦",
     "“焦朋友”吉祥物征集已进入投票阶段，欢迎大家在“社区征集”里看作品、投出您的一票！",
     [], False, False, 2, 6),
    ("residents_committee", "5号楼电梯年检，请走楼梯",
     "5号楼两部电梯本周五上午进行年度检验，8:30–11:30暂停使用，不便之处敬请谅解。",
     ["5"], True, False, 5, 2),
]
S_NOTICES = [
    ("party", "征集小区历史故事",
     "老厂的锅炉房、篮球场、食堂……您还记得大院当年的样子吗？社区党委征集小区历史故事"
     "和老照片，可以在“社区记忆”上传，也可以到居委会口述，我们帮您记录。",
     [], False, True, 6, 30),
    ("residents_committee", "社区花园开放时间调整",
     "入冬后社区花园开放时间调整为每天8:00–17:00，周六上午有志愿者值守，欢迎带孩子来看看。",
     [], False, False, 3, 60),
    ("property", "1号楼楼道灯维修",
     "1号楼2、3单元楼道灯将于明天下午更换，期间楼道照明暂停约一小时。",
     ["1"], True, False, 1, 2),
]


def _orgs(ctx: DemoContext, key: str) -> dict:
    return ctx.data.get("orgs", {}).get(key, {})


def _author(ctx: DemoContext, key: str, org):
    member = org.members.select_related("user").first()
    return member.user if member else ctx.accounts[f"{key}_worker"]


def _post(ctx, key: str, community, spec, now) -> Announcement | None:
    kind, title, body, numbers, important, _pinned, days_ago, expires = spec
    org = _orgs(ctx, key).get(kind)
    if org is None:
        return None
    worker = ctx.accounts[f"{key}_worker"]
    buildings = list(Building.objects.filter(community=community, number__in=numbers))
    if numbers and not buildings:
        return None
    when = now - dt.timedelta(days=days_ago, hours=ctx.rng.randint(0, 8))
    # The property company's own staff write their notices; the rest the worker posts.
    actor = _author(ctx, key, org) if kind == "property" else worker
    actor.__dict__.pop("_gz_roles", None)
    actor.__dict__.pop("_gz_access", None)
    return services.announcement_create(
        actor=actor if actor.has_perm("news.create", community) else worker,
        community=community, organisation=org, title=title, body=body,
        audience="buildings" if buildings else "community", buildings=buildings,
        important=important, published_at=when, expires_at=now + dt.timedelta(days=expires))


def _confirm_some(ctx, a: Announcement, share: float) -> int:
    members = list(selectors.audience_memberships(a).filter(
        status=Membership.Status.VERIFIED))
    chosen = [m for m in members if ctx.rng.random() < share]
    published = a.published_at or timezone.now()
    ReadReceipt.objects.bulk_create(
        [ReadReceipt(announcement=a, user=m.user,
                     read_at=published + dt.timedelta(minutes=ctx.rng.randint(5, 1200)))
         for m in chosen], ignore_conflicts=True)
    return len(chosen)


@demo_step(98)
def news(ctx: DemoContext) -> None:
    now = timezone.now()
    for key, specs in (("b", B_NOTICES), ("s", S_NOTICES)):
        community = ctx.communities[key]
        if Announcement.objects.filter(community=community).exists():
            continue
        for spec in specs:
            a = _post(ctx, key, community, spec, now)
            if a is not None and a.important:
                _confirm_some(ctx, a, 0.62 if "停水" in a.title else 0.4)
            if a is not None and spec[5]:  # pinning is the workers' job
                services.announcement_pin(actor=ctx.accounts[f"{key}_worker"],
                                          announcement=a, pinned=True)
    b = ctx.communities["b"]
    ctx.notes.append(f"News: /c/{b.slug}/news/ · feed /c/{b.slug}/feed/")
