"""Demo organisations: the stakeholders named in the S and B cases."""

from __future__ import annotations

from gongzhi.accounts.models import Role, RoleAssignment, User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.orgs.models import Organisation, OrgKind, OrgMember

S_ORGS = [
    (OrgKind.PARTY, "S社区党委", "社区党委书记", "13800000002"),
    (OrgKind.RESIDENTS_COMMITTEE, "S社区居民委员会", "居委会主任", ""),
    (OrgKind.PROPERTY, "大院物业服务中心", "物业经理", ""),
    (OrgKind.PLANNER, "同济社区规划团队", "社区规划师", ""),
    (OrgKind.SCHOOL, "附近小学（放学后1小时）", "德育主任", ""),
    (OrgKind.SOCIAL_ORG, "花园共建志愿者协会", "会长", ""),
    (OrgKind.VOLUNTEER_TEAM, "能人库·手艺队", "队长", ""),
]
B_ORGS = [
    (OrgKind.PARTY, "B社区党支部", "支部书记", "13800000004"),
    (OrgKind.RESIDENTS_COMMITTEE, "B社区居民委员会", "居委会主任", ""),
    (OrgKind.HOUSING_CENTRE, "区保障房中心", "项目负责人", ""),
    (OrgKind.PROPERTY, "公租房物业公司", "项目经理", ""),
    (OrgKind.OTHER, "维修维护承包商", "负责人", ""),
    (OrgKind.POLICE, "焦庄派出所", "社区民警", ""),
    (OrgKind.BUSINESS, "商户代表联席会", "商户代表", ""),
    (OrgKind.SOCIAL_ORG, "青年驿站社会组织", "负责人", ""),
    (OrgKind.VOLUNTEER_TEAM, "“焦佼者”志愿服务总队", "总队长", ""),
    (OrgKind.GOVERNMENT, "街道城市管理办公室", "科员", ""),
]


@demo_step(30)
def organisations(ctx: DemoContext) -> None:
    for key, specs in (("s", S_ORGS), ("b", B_ORGS)):
        community = ctx.communities[key]
        residents = ctx.data["residents"][community.slug]
        orgs = []
        for i, (kind, name, title, leader_phone) in enumerate(specs):
            org = Organisation.objects.create(
                community=community, kind=kind, name=name, contact_name=title,
                contact_phone=f"021-6598{1000 + i}" if key == "s" else f"010-8456{2000 + i}",
                description="",
            )
            orgs.append(org)
            leader = (User.objects.get(phone=leader_phone) if leader_phone
                      else User.objects.get(pk=residents[(i * 7) % len(residents)]))
            OrgMember.objects.create(organisation=org, user=leader, title=title,
                                     is_contact=True, is_representative=True)
            RoleAssignment.objects.get_or_create(user=leader, community=community,
                                                 role=Role.ORG_MEMBER)
        ctx.data.setdefault("orgs", {})[key] = {o.kind: o for o in orgs}
