"""Demo people: named accounts for every role (printed on start) and synthetic residents."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongzhi.accounts.models import (
    AreaRole,
    Consent,
    Membership,
    Role,
    RoleAssignment,
    User,
)
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.places.models import Household, Tenure

DEMO_PASSWORD = "gongzhi-demo"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华"
    "玉兰建国建华志强海燕红梅晓东雪梅丹丹婷婷浩然子涵雨桐欣怡梓萱"
)

DEMO_LOGINS = [
    ("S community worker 社工", "13800000001"),
    ("S community admin 管理员", "13800000002"),
    ("B community worker 社工", "13800000003"),
    ("B community admin 管理员", "13800000004"),
    ("Subdistrict admin 街道", "13800000009"),
    ("S verified resident 居民", "13800000011"),
    ("S pending resident 待审核", "13800000012"),
    ("B owner 业主", "13800000013"),
    ("Site superuser (/admin/)", "13800000000"),
]


def _name(ctx: DemoContext) -> str:
    given = GIVEN[ctx.rng.randrange(len(GIVEN))]
    if ctx.rng.random() < 0.6:
        given += GIVEN[ctx.rng.randrange(len(GIVEN))]
    return SURNAMES[ctx.rng.randrange(len(SURNAMES))] + given


def _named(ctx: DemoContext, key: str, phone: str, display: str, *, superuser: bool = False
           ) -> User:
    user = User.objects.create(phone=phone, display_name=display, real_name=display,
                               password=make_password(DEMO_PASSWORD), is_staff=superuser,
                               is_superuser=superuser, language="")
    Consent.objects.create(user=user, version="2026-11")
    ctx.accounts[key] = user
    return user


@demo_step(20)
def people(ctx: DemoContext) -> None:
    s, b = ctx.communities["s"], ctx.communities["b"]
    now = timezone.now()
    _named(ctx, "superuser", "13800000000", "系统管理员", superuser=True)
    s_worker = _named(ctx, "s_worker", "13800000001", "王社工")
    s_admin = _named(ctx, "s_admin", "13800000002", "李书记")
    b_worker = _named(ctx, "b_worker", "13800000003", "赵社工")
    b_admin = _named(ctx, "b_admin", "13800000004", "焦主任")
    sub_admin = _named(ctx, "subdistrict_admin", "13800000009", "街道孙科长")
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=s_worker, community=s, role=Role.WORKER),
        RoleAssignment(user=s_admin, community=s, role=Role.ADMIN),
        RoleAssignment(user=s_admin, community=s, role=Role.WORKER),
        RoleAssignment(user=b_worker, community=b, role=Role.WORKER),
        RoleAssignment(user=b_admin, community=b, role=Role.ADMIN),
        RoleAssignment(user=b_admin, community=b, role=Role.WORKER),
    ])
    AreaRole.objects.create(user=sub_admin, region=ctx.data["regions"]["siping"],
                            role=AreaRole.Kind.SUBDISTRICT_ADMIN)

    s_res = _named(ctx, "s_resident", "13800000011", "陈阿姨")
    s_pending = _named(ctx, "s_pending", "13800000012", "新住户小刘")
    b_owner = _named(ctx, "b_owner", "13800000013", "周业主")
    s_hh = Household.objects.filter(community=s).order_by("pk")
    b_owner_hh = Household.objects.filter(community=b, tenure=Tenure.OWNER).order_by("pk")
    first = s_hh[0]  # the places step made S community's households
    Membership.objects.create(user=s_res, community=s, household=first,
                              status=Membership.Status.VERIFIED, decided_by=s_worker,
                              decided_at=now, claimed_building=first.building.number,
                              claimed_unit=first.unit.number if first.unit else "",
                              claimed_room=first.room, moved_in_year=1992)
    Membership.objects.create(user=s_pending, community=s, status=Membership.Status.PENDING,
                              claimed_building="3", claimed_unit="2", claimed_room="502",
                              claimed_tenure=Tenure.PRIVATE_RENTAL, moved_in_year=2024)
    bo = b_owner_hh[0]
    Membership.objects.create(user=b_owner, community=b, household=bo,
                              status=Membership.Status.VERIFIED, decided_by=b_worker,
                              decided_at=now, claimed_building=bo.building.number,
                              claimed_room=bo.room)
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=s_res, community=s, role=Role.VERIFIED_RESIDENT),
        RoleAssignment(user=s_res, community=s, role=Role.OWNER),
        RoleAssignment(user=s_res, community=s, role=Role.VOLUNTEER),
        RoleAssignment(user=b_owner, community=b, role=Role.VERIFIED_RESIDENT),
        RoleAssignment(user=b_owner, community=b, role=Role.OWNER),
    ])
    _synthetic(ctx, s, verified=80 if ctx.small else 260, pending=8 if ctx.small else 24,
               newcomer_share=2 / 3, phone_base=13900000000)
    _synthetic(ctx, b, verified=150 if ctx.small else 900, pending=10 if ctx.small else 40,
               newcomer_share=1.0, phone_base=13700000000)


def _synthetic(ctx: DemoContext, community, *, verified: int, pending: int,
               newcomer_share: float, phone_base: int) -> None:
    """Residents spread over households; tenure drives the owner/tenant role."""
    rng = ctx.rng
    households = list(Household.objects.filter(community=community, is_shop=False)
                      .select_related("building", "unit").order_by("pk"))
    rng.shuffle(households)
    unusable = make_password(None)
    users = [User(phone=str(phone_base + i), display_name=_name(ctx), password=unusable)
             for i in range(verified + pending)]
    users = User.objects.bulk_create(users)
    now = timezone.now()
    memberships, roles = [], []
    for i, user in enumerate(users):
        hh = households[i % len(households)]
        newcomer = rng.random() < newcomer_share
        year = rng.randint(2014, 2026) if newcomer else rng.randint(1980, 2012)
        is_verified = i < verified
        memberships.append(Membership(
            user=user, community=community, household=hh,
            status=Membership.Status.VERIFIED if is_verified else Membership.Status.PENDING,
            claimed_building=hh.building.number, claimed_unit=hh.unit.number if hh.unit else "",
            claimed_room=hh.room, claimed_tenure=hh.tenure, moved_in_year=year,
            decided_at=now if is_verified else None,
        ))
        if is_verified:
            roles.append(RoleAssignment(user=user, community=community,
                                        role=Role.VERIFIED_RESIDENT))
            if hh.tenure == Tenure.OWNER:
                roles.append(RoleAssignment(user=user, community=community, role=Role.OWNER))
            elif hh.tenure in (Tenure.PUBLIC_RENTAL, Tenure.PRIVATE_RENTAL):
                roles.append(RoleAssignment(user=user, community=community, role=Role.TENANT))
            if rng.random() < 0.12:
                roles.append(RoleAssignment(user=user, community=community, role=Role.VOLUNTEER))
    Membership.objects.bulk_create(memberships, batch_size=1000)
    RoleAssignment.objects.bulk_create(roles, batch_size=2000)
    Consent.objects.bulk_create([Consent(user=u, version="2026-11") for u in users],
                                batch_size=2000)
    ctx.data.setdefault("residents", {})[community.slug] = [u.pk for u in users[:verified]]
