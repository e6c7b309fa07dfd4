"""B community's participation-equity story (synthetic, seeded): public-rental tenants
report problems as often as anyone — more, in fact — but turn out less for a vote. A
stairwell-lighting ballot whose turnout depends on tenure, and reports whose frequency does,
give the dashboard the gap study 004 asks about (承认正义, 参与正义)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from gongzhi.core.demo import DemoContext, demo_step

TURNOUT = {"owner": 0.6, "private_rental": 0.45, "public_rental": 0.16, "other": 0.35}
REPORTING = {"owner": 0.05, "private_rental": 0.05, "public_rental": 0.11, "other": 0.04}
PROBLEMS = [("lamp", "楼道灯坏了好几天，晚上上下楼看不清。"),
            ("rubbish", "楼下垃圾桶满了没人清，味道很大。"),
            ("bike_shed", "车棚顶漏雨，电动车被淋。"),
            ("safety", "单元门禁坏了，陌生人随便进出。"),
            ("path", "楼前步道砖松动，老人容易绊倒。")]


@demo_step(95)
def equity_story(ctx: DemoContext) -> None:
    from gongzhi.accounts.models import Membership
    from gongzhi.decisions import services as dsv
    from gongzhi.decisions.models import Channel, Eligibility
    from gongzhi.reports import services as rsv

    b = ctx.communities["b"]
    admin = ctx.accounts["b_admin"]
    rng = ctx.rng
    tenure = {m.user_id: (m.household.tenure if m.household else "other")
              for m in Membership.objects.filter(community=b, status="verified")
              .select_related("household")}
    ballot = dsv.ballot_create(actor=admin, community=b, title="东区楼道照明改造方案表决",
                               question="是否同意按方案一更换东区 12 栋楼的楼道灯（声控 LED）？",
                               method="majority", options=[], secrecy="secret")
    dsv.ballot_open(actor=admin, ballot=ballot)
    items = []
    for row in Eligibility.objects.filter(ballot=ballot).order_by("pk"):
        t = tenure.get(row.user_id, "other") if row.user_id is not None else "other"
        if rng.random() < TURNOUT.get(t, 0.3):
            items.append((row, {"choice": rng.choices(["yes", "no", "abstain"],
                                                      [0.8, 0.12, 0.08])[0]}))
    dsv.votes_bulk_record(ballot=ballot, items=items, channel=Channel.ONLINE)
    dsv.ballot_close(actor=admin, ballot=ballot)
    from gongzhi.accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=list(tenure))}
    lat, lon = b.center_lat or 31.28, b.center_lon or 121.51
    now = timezone.now()
    made = 0
    for uid, t in sorted(tenure.items()):
        if rng.random() >= REPORTING.get(t, 0.04):
            continue
        cat, text = rng.choice(PROBLEMS)
        rsv.report_create(actor=users[uid], community=b, category=cat, description=text,
                          lat=lat + rng.uniform(-0.001, 0.001),
                          lon=lon + rng.uniform(-0.001, 0.001),
                          now=now - dt.timedelta(days=rng.randint(1, 300)))
        made += 1
    ctx.data["equity_story"] = {"ballot": ballot, "reports": made}


# Residents aged 60+ per dwelling (synthetic, seeded): S is a former factory compound
# whose first residents have grown old in the buildings farthest from the planned garden;
# B's public-rental blocks house younger families, with older tenants in a few blocks.
ELDERLY_RATE = {"s": (0.55, 0.15), "b": (0.30, 0.10)}  # (far buildings, near buildings)


@demo_step(96)
def need_and_targets(ctx: DemoContext) -> None:
    """Household sizes and elderly counts in the S and B ledgers, so that the access
    page and the reports show the concentration index against the share of residents
    aged 60+; response targets, so that the loop KPIs are read against targets."""
    from gongzhi.places.models import Building, Household
    from gongzhi.reports.services import response_targets_update

    rng = ctx.rng
    for key, (far, near) in ELDERLY_RATE.items():
        community = ctx.communities.get(key)
        if community is None:
            continue
        buildings = list(Building.objects.filter(community=community).order_by("number", "pk"))
        # the second half of the list (by number) stands for the far side of the estate
        far_ids = {b.pk for b in buildings[len(buildings) // 2:]}
        rows = list(Household.objects.filter(community=community, is_shop=False)
                    .order_by("pk"))
        for h in rows:
            h.residents = rng.choices([1, 2, 3, 4, 5], [0.15, 0.35, 0.3, 0.15, 0.05])[0]
            rate = far if h.building_id in far_ids else near
            h.elderly = sum(1 for _i in range(h.residents) if rng.random() < rate)
        Household.objects.bulk_update(rows, ["residents", "elderly"], batch_size=500)
        admin = ctx.accounts.get(f"{key}_admin")
        if admin is not None:
            response_targets_update(actor=admin, community=community, accept_hours=24,
                                    resolve_days=7, confirm_days=3)
    if apps.is_installed("gongzhi.spatial"):
        from gongzhi.spatial import services as spatial
        from gongzhi.spatial.models import WalkingMode

        for key in ("s", "b"):
            community = ctx.communities.get(key)
            if community is not None:
                for mode in WalkingMode.values:
                    spatial.snapshot_refresh(community=community, mode=mode)
