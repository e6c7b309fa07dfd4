"""Demo ballots: a finished participatory budget in B community (12 projects, MES/add1),
an open garden-design vote in S community (Borda among three designs) and a lift
installation owners' vote under Civil Code Art. 278 (owners of one S building, some votes
in, live progress)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from PIL import Image, ImageDraw

from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.decisions import services
from gongzhi.decisions.models import Channel, Eligibility
from gongzhi.places.models import Building, Tenure

B_PROJECTS = [
    ("footpath", "东区人行步道翻修 500 米", 380_000, 0.62),
    ("lamps", "更换 200 盏路灯为 LED", 260_000, 0.55),
    ("bikeshed", "新建 400 米非机动车棚", 300_000, 0.41),
    ("chargers", "电动车充电桩 30 个", 180_000, 0.48),
    ("youth", "青年驿站篮球场翻新", 150_000, 0.22),
    ("elderly", "老年食堂适老化改造", 220_000, 0.30),
    ("playground", "儿童游乐场地与软铺装", 160_000, 0.27),
    ("greening", "楼间绿地微更新（微绿行动）", 90_000, 0.24),
    ("signs", "社区导视系统与楼栋标识", 60_000, 0.18),
    ("benches", "休憩座椅与遮阳廊架", 70_000, 0.20),
    ("sorting", "垃圾分类亭升级", 110_000, 0.16),
    ("library", "社区客厅共享书屋", 50_000, 0.14),
]
B_BUDGET = 1_000_000


@demo_step(80)
def ballots(ctx: DemoContext) -> None:
    _b_budget(ctx)
    _s_garden(ctx)
    _s_lift(ctx)


def _b_budget(ctx: DemoContext) -> None:
    b = ctx.communities["b"]
    admin = ctx.accounts["b_admin"]
    ballot = services.ballot_create(
        actor=admin, community=b, title="2026 年度“焦我办”微更新参与式预算",
        question="社区微更新资金 100 万元，请勾选您支持的项目（合计不超过预算）。",
        method="pb", options=[{"key": k, "label": n, "cost": c} for k, n, c, _p in B_PROJECTS],
        budget=B_BUDGET, pb_vote_type="approval", pb_rule="equalshares/add1",
        secrecy="secret")
    services.ballot_open(actor=admin, ballot=ballot)
    rows = list(Eligibility.objects.filter(ballot=ballot).order_by("pk"))
    rng = ctx.rng
    n_voters = min(len(rows), 120 if ctx.small else 640)
    items = []
    for row in rng.sample(rows, n_voters):
        chosen, total = [], 0
        for key, _name, cost, p in rng.sample(B_PROJECTS, len(B_PROJECTS)):
            if rng.random() < p and total + cost <= B_BUDGET:
                chosen.append(key)
                total += cost
        if chosen:
            items.append((row, {"approve": chosen}))
    services.votes_bulk_record(ballot=ballot, items=items, channel=Channel.ONLINE)
    services.ballot_close(actor=admin, ballot=ballot)
    ctx.data.setdefault("ballots", {})["b_budget"] = ballot


def _sketch(design: str) -> SimpleUploadedFile:
    """A planner's plan sketch of one garden design (drawn here, so the demo ships no
    picture files): the yard, its paths and what each design puts where."""
    img = Image.new("RGB", (800, 600), (244, 239, 226))
    d = ImageDraw.Draw(img)
    d.rectangle((40, 40, 760, 560), fill=(206, 226, 190), outline=(90, 80, 70), width=6)
    d.rectangle((370, 40, 430, 560), fill=(226, 214, 190))  # the path through the yard
    d.rectangle((560, 400, 740, 540), fill=(170, 160, 150), outline=(90, 80, 70), width=4)
    if design == "raisin":  # the drying-house wall: rows of open bricks, a vine pergola
        for y in range(60, 200, 28):
            for x in range(60 + (y // 28 % 2) * 20, 340, 40):
                d.rectangle((x, y, x + 28, y + 16), fill=(176, 112, 74))
        for x in range(470, 740, 45):
            d.line((x, 80, x, 360), fill=(95, 140, 60), width=10)
        d.line((460, 80, 740, 80), fill=(120, 90, 60), width=8)
    elif design == "kids":  # round art corner, book-swap shelves, a photo wall
        d.ellipse((80, 90, 320, 330), fill=(250, 205, 90), outline=(200, 120, 40), width=6)
        for y in range(400, 540, 35):
            d.rectangle((90, y, 320, y + 20), fill=(120, 150, 210))
        for x in range(470, 740, 60):
            d.rectangle((x, 90, x + 45, 150), fill=(230, 120, 120))
    else:  # a rain garden pond and the residents' planting boxes
        d.ellipse((80, 100, 330, 300), fill=(150, 200, 225), outline=(60, 120, 160), width=6)
        for row in range(3):
            for col in range(4):
                x, y = 460 + col * 70, 90 + row * 90
                d.rectangle((x, y, x + 55, y + 70), fill=(140, 100, 60))
                d.ellipse((x + 15, y + 20, x + 40, y + 45), fill=(80, 160, 70))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return SimpleUploadedFile(f"{design}.png", out.getvalue(), content_type="image/png")


def _s_garden(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    admin = ctx.accounts["s_admin"]
    ballot = services.ballot_create(
        actor=admin, community=s, title="大院花园设计方案投票",
        question="规划团队与居民共同提出了三个方案，请按喜好排序（第一位最喜欢）。",
        method="borda", secrecy="secret", options=[
            {"key": "raisin", "label": "方案一：晾房院墙与葡萄架",
             "description": "入口墙仿照当地晾房砌筑，保留老锅炉房作为展示空间。",
             "image": _sketch("raisin")},
            {"key": "kids", "label": "方案二：儿童艺术角与书香角",
             "description": "放学后1小时活动场地，含换书角与照片墙。", "image": _sketch("kids")},
            {"key": "green", "label": "方案三：雨水花园与共建菜圃",
             "description": "变废为宝，居民认领种植池。", "image": _sketch("green")},
        ])
    services.ballot_open(actor=admin, ballot=ballot)
    rows = list(Eligibility.objects.filter(ballot=ballot).order_by("pk"))
    rng = ctx.rng
    keys = ["raisin", "kids", "green"]
    items = []
    for row in rng.sample(rows, min(len(rows), 25 if ctx.small else 70)):
        order = sorted(keys, key=lambda k: rng.random() * {"raisin": 1.3, "kids": 1.1,
                                                            "green": 1.0}[k], reverse=True)
        items.append((row, {"ranking": order}))
    services.votes_bulk_record(ballot=ballot, items=items, channel=Channel.ONLINE)
    ctx.data.setdefault("ballots", {})["s_garden"] = ballot


def _s_lift(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    admin = ctx.accounts["s_admin"]
    building = (Building.objects.filter(community=s, households__tenure=Tenure.OWNER)
                .annotate(n=Count("households")).order_by("-n", "number").first())
    if building is None:
        return
    ballot = services.ballot_create(
        actor=admin, community=s,
        title=f"{building.number}号楼加装电梯业主表决",
        question="依据《民法典》第二百七十八条，改建建筑物及其附属设施（第七项）须经参与表决"
                 "专有部分面积四分之三以上且参与表决人数四分之三以上的业主同意。",
        method="art278", options=[], eligibility="building_owners", building=building,
        art278_item=7)
    services.ballot_open(actor=admin, ballot=ballot)
    rows = list(Eligibility.objects.filter(ballot=ballot).order_by("pk"))
    rng = ctx.rng
    items = []
    for row in rng.sample(rows, max(1, int(len(rows) * 0.55))):
        choice = rng.choices(["agree", "disagree", "abstain"], [0.78, 0.15, 0.07])[0]
        items.append((row, {"choice": choice}))
    services.votes_bulk_record(ballot=ballot, items=items, channel=Channel.PAPER)
    ctx.data.setdefault("ballots", {})["s_lift"] = ballot
