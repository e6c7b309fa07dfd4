"""Demo: B community's points from the 焦佼者 corps' confirmed hours, and rewards from B's
shops and the property company, with a few redemptions.

Runs after the volunteers (88): the corps' confirmed hours were written in bulk (no
signals), so `services.sync_community` awards them, as ``gongzhi tick`` would.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from gongzhi.accounts.models import Membership, Role, RoleAssignment, User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.orgs.models import Organisation, OrgKind, OrgMember
from gongzhi.points import services
from gongzhi.points.models import PointsAccount, Reward

SHOPS = [
    # name, what it is, contact title
    ("焦庄好邻居便利店", "社区底商便利店，支持“焦佼者”积分兑换", "店长"),
    ("小马理发店", "二十年老店，给志愿者理发", "店主"),
    ("焦庄社区食堂", "为老人和上班族提供平价午餐", "食堂经理"),
]

REWARDS = [
    # title, description, price, stock, provider (shop index or "property"), pickup, limit
    ("社区食堂午餐券", "一份两荤一素的午餐，食堂营业时间内使用。", 60, 40, 2,
     "焦庄社区食堂收银台", 4),
    ("理发一次", "小马理发店洗剪吹一次，需提前电话预约。", 120, 15, 1, "小马理发店", 1),
    ("食用油一桶（5升）", "好邻居便利店提供。", 200, 20, 0, "焦庄好邻居便利店服务台", 1),
    ("免费疏通下水道一次", "物业维修师傅上门疏通厨房或卫生间下水道。", 150, 10, "property",
     "物业服务中心前台登记", 1),
    ("洗衣液（2公斤）", "好邻居便利店提供。", 90, 25, 0, "焦庄好邻居便利店服务台", 2),
    ("青年驿站篮球赛观赛券", "周末篮球联谊赛，含一瓶饮料。", 30, 3, None, "青年驿站", 2),
]


def _shops(ctx: DemoContext, b, residents: list[User]) -> list[Organisation]:
    shops = []
    for i, (name, description, title) in enumerate(SHOPS):
        org, created = Organisation.objects.get_or_create(
            community=b, name=name,
            defaults={"kind": OrgKind.BUSINESS, "description": description,
                      "contact_name": title, "contact_phone": f"010-8456{3000 + i}"})
        if created:
            contact = residents[-(i + 1)]
            OrgMember.objects.create(organisation=org, user=contact, title=title,
                                     is_contact=True)
            RoleAssignment.objects.get_or_create(user=contact, community=b,
                                                 role=Role.ORG_MEMBER)
        shops.append(org)
    return shops


@demo_step(97)
def points(ctx: DemoContext) -> None:
    b = ctx.communities["b"]
    worker = ctx.accounts["b_worker"]
    if Reward.objects.filter(community=b).exists():
        return
    ids = sorted(ctx.data.get("residents", {}).get(b.slug, []))
    residents = list(User.objects.filter(pk__in=ids).order_by("pk"))
    if len(residents) < 20:
        return
    services.rules_update(actor=worker, community=b, per_volunteer_hour=10, per_meeting=5,
                          per_care_log=3, per_proposal=20, per_activity=5, daily_cap=50,
                          monthly_cap=300)
    shops = _shops(ctx, b, residents)
    prop = Organisation.objects.filter(community=b, kind=OrgKind.PROPERTY).first()
    rewards = []
    for title, desc, price, stock, provider, pickup, limit in REWARDS:
        org = (prop if provider == "property"
               else shops[provider] if isinstance(provider, int) else None)
        rewards.append(services.reward_create(
            actor=worker, community=b, title=title, description=desc, price=price,
            stock=stock, provider=org, pickup=pickup, per_person_limit=limit))
    earned = services.sync_community(b)
    services.sync_community(ctx.communities["s"])
    ctx.note(f"积分：B 社区已为已确认的志愿服务时长记入 {earned} 条积分。")
    _adjustments(ctx, b, worker)
    _redemptions(ctx, b, rewards, shops)


def _adjustments(ctx: DemoContext, b, worker) -> None:
    accounts = list(PointsAccount.objects.filter(community=b).select_related("user")
                    .order_by("-earned", "user_id"))
    for i, acc in enumerate(accounts):
        if i % 2 == 0:   # about half choose to be named on the leaderboards
            services.leaderboard_choose(actor=acc.user, community=b, show=True)
    for acc, reason in zip(accounts[3:6], ["中秋游园会帮忙布置场地（未排班）",
                                           "协助物业排查楼道消防隐患",
                                           "为社区拍摄宣传照片"], strict=False):
        services.adjustment_create(actor=worker, community=b, user=acc.user, amount=20,
                                   reason=reason)
    # the B owner from the demo accounts takes part too
    owner = ctx.accounts.get("b_owner")
    if owner is not None and Membership.objects.filter(user=owner, community=b).exists():
        services.adjustment_create(actor=worker, community=b, user=owner, amount=80,
                                   reason="参加议事厅路灯改造方案讨论并整理居民意见")


def _redemptions(ctx: DemoContext, b, rewards: list[Reward], shops) -> None:
    rich = list(PointsAccount.objects.filter(community=b, balance__gte=60)
                .select_related("user").order_by("-balance", "user_id")[:12])
    done = []
    for i, acc in enumerate(rich):
        affordable = [r for r in rewards if r.price <= acc.balance]
        reward = affordable[(i * 5) % len(affordable)]   # spread over the shops
        try:
            done.append(services.redemption_request(actor=acc.user, reward=reward))
        except ValidationError:
            continue
    for i, r in enumerate(done):
        contact = OrgMember.objects.filter(organisation=r.reward.provider_id,
                                           is_contact=True).select_related("user").first()
        actor = contact.user if contact else ctx.accounts["b_worker"]
        if i % 3 == 0:
            services.redemption_hand_over(actor=actor, redemption=r, code=r.code)
        elif i == 4:
            services.redemption_cancel(actor=r.user, redemption=r)
        elif i == 7:
            services.redemption_reject(actor=ctx.accounts["b_worker"], redemption=r,
                                       reason="这一批已经发完，积分已退回，下批到货后再兑")
