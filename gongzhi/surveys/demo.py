"""Demo surveys in S community's garden project: a needs survey (需求调查) before it, and a
belonging survey before and after it whose synthetic answers (seeded, so the same on every
machine) rise more among residents who took part — the chain renewal → participation →
consciousness of study 002, shown as data."""

from __future__ import annotations

from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.surveys import services
from gongzhi.surveys.formdef import Choice, FormDef, Group, Question
from gongzhi.surveys.library import COMMUNITY_ITEMS, SPACE_ITEMS
from gongzhi.surveys.models import Survey, Wave
from gongzhi.surveys.xlsform import write_xlsform

USES = [("seat", "座椅与遮阳", "Seats and shade"), ("plants", "种植园地", "Planting beds"),
        ("play", "儿童游戏", "Children's play"), ("light", "夜间照明", "Lighting"),
        ("chat", "聊天聚会的地方", "A place to meet")]


def needs_form() -> FormDef:
    return FormDef(
        title={"zh": "锅炉房旧址花园需求调查", "en": "Boiler-yard garden needs survey"},
        form_id="garden_needs", version="1",
        groups=[
            Group("use", {"zh": "您希望花园有什么", "en": "What the garden should offer"},
                  questions=[
                      Question("uses", "select_multiple", {"zh": "您最希望花园里有什么？（可多选）",
                                                            "en": "What would you most like "
                                                                  "in the garden?"},
                               list_name="uses", required=True,
                               constraint="count-selected(.) <= 3",
                               constraint_message={"zh": "最多选 3 项",
                                                   "en": "Choose at most 3"}),
                      Question("who", "select_one", {"zh": "家里谁会最常去？",
                                                     "en": "Who at home would go most?"},
                               list_name="who"),
                      Question("why_light", "text", {"zh": "晚上哪里最需要照明？",
                                                     "en": "Where is light most needed?"},
                               relevant="selected(${uses}, 'light')"),
                  ]),
            Group("time", {"zh": "时间与参与", "en": "Time and taking part"}, questions=[
                Question("hours", "integer", {"zh": "每周您大概能在花园待几个小时？",
                                              "en": "Hours a week you might spend there"},
                         constraint=". >= 0 and . <= 80",
                         constraint_message={"zh": "请填写 0 到 80 之间的整数",
                                             "en": "Enter 0 to 80"}),
                Question("help", "select_one", {"zh": "您愿意参加共建或日常维护吗？",
                                                "en": "Would you help build or look after it?"},
                         list_name="yesno"),
            ]),
        ],
        choices={"uses": [Choice(n, {"zh": z, "en": e}) for n, z, e in USES],
                 "who": [Choice("elder", {"zh": "老人", "en": "Older people"}),
                         Choice("child", {"zh": "孩子", "en": "Children"}),
                         Choice("adult", {"zh": "成年人", "en": "Adults"})],
                 "yesno": [Choice("1", {"zh": "愿意", "en": "Yes"}),
                           Choice("0", {"zh": "暂时不", "en": "Not now"})]},
    )


def _clip(x: float) -> str:
    return str(int(min(5, max(1, round(x)))))


def _answers(rng, theta: float, *, space: bool) -> dict:
    out = {}
    for _sub, items in COMMUNITY_ITEMS:
        for _zh, _en, name, rev in items:
            v = 3.1 + 0.85 * theta + rng.gauss(0, 0.7)
            out[name] = _clip(6 - v if rev else v)
    if space:
        for name, _z, _e in SPACE_ITEMS:
            out[name] = _clip(3.4 + 0.6 * theta + rng.gauss(0, 0.8))
    out["years_here"] = str(rng.randint(0, 40))
    return out


def took_part_user_ids(community) -> set[int]:
    """Residents who voted in one of the community's ballots or attended a meeting."""
    ids: set[int] = set()
    try:
        from gongzhi.decisions.models import VoterRecord

        ids |= set(VoterRecord.objects.filter(ballot__community=community,
                                              cast_by__isnull=False)
                   .values_list("cast_by_id", flat=True))
    except LookupError:  # pragma: no cover
        pass
    from gongzhi.meetings.models import Registration

    ids |= set(Registration.objects.filter(meeting__community=community)
               .values_list("user_id", flat=True))
    return ids


@demo_step(90)
def surveys(ctx: DemoContext) -> None:
    from gongzhi.accounts.models import Membership

    s = ctx.communities["s"]
    worker = ctx.accounts["s_worker"]
    rng = ctx.rng
    project = ctx.data.get("projects", {}).get("garden")
    members = list(Membership.objects.filter(community=s, status="verified")
                   .select_related("household").order_by("pk"))
    # needs survey: imported from an XLSForm, as a deployment would
    needs_inst = services.instrument_import_xlsform(actor=worker, community=s,
                                                    data=write_xlsform(needs_form()))
    needs = services.survey_create(actor=worker, community=s, instrument=needs_inst,
                                   title="锅炉房旧址花园：您希望它是什么样？",
                                   purpose=Survey.Purpose.NEEDS, wave=Wave.BEFORE,
                                   project=project,
                                   intro="花园设计前，请告诉我们您的需要。约 2 分钟。")
    services.survey_set_status(actor=worker, survey=needs, status="open")
    weights = [0.8, 0.55, 0.5, 0.45, 0.35]
    rows = []
    for m in rng.sample(members, min(len(members), 60 if ctx.small else 170)):
        uses = [n for (n, _z, _e), w in zip(USES, weights, strict=True) if rng.random() < w]
        uses = (uses or ["seat"])[:3]
        a = {"uses": uses, "who": rng.choice(["elder", "elder", "child", "adult"]),
             "hours": str(rng.randint(0, 10)), "help": rng.choice(["1", "0", "0"])}
        if "light" in uses:
            a["why_light"] = rng.choice(["花园小径", "东门入口", "锅炉房墙边"])
        rows.append({"answers": a, "user_id": m.user_id,
                     "building_id": m.household.building_id if m.household else None,
                     "tenure": m.household.tenure if m.household else ""})
    services.responses_bulk_record(survey=needs, rows=rows)
    services.survey_set_status(actor=worker, survey=needs, status="closed")

    # belonging before and after the garden, paired by respondent key
    inst = services.instrument_copy_from_library(actor=worker, community=s,
                                                 key="gongzhi-community")
    before = services.survey_create(actor=worker, community=s, instrument=inst,
                                    title="社区归属感调查（花园共建前）",
                                    purpose=Survey.Purpose.BELONGING, wave=Wave.BEFORE,
                                    project=project)
    after = services.survey_create(actor=worker, community=s, instrument=inst,
                                   title="社区归属感调查（花园共建后）",
                                   purpose=Survey.Purpose.BELONGING, wave=Wave.AFTER,
                                   pairs_with=before, project=project)
    for sv in (before, after):
        services.survey_set_status(actor=worker, survey=sv, status="open")
    part = took_part_user_ids(s)
    sample = rng.sample(members, min(len(members), 70 if ctx.small else 200))
    b_rows, a_rows = [], []
    for m in sample:
        theta = rng.gauss(0, 1)
        took = m.user_id in part or rng.random() < 0.25
        base = {"user_id": m.user_id,
                "building_id": m.household.building_id if m.household else None,
                "tenure": m.household.tenure if m.household else ""}
        b_rows.append({**base, "answers": _answers(rng, theta, space=False)})
        if rng.random() < 0.8:  # some did not answer the second wave
            gain = 0.1 + (0.45 if took else 0.0) + rng.gauss(0, 0.25)
            a_rows.append({**base, "answers": _answers(rng, theta + gain, space=True)})
    services.responses_bulk_record(survey=before, rows=b_rows)
    services.responses_bulk_record(survey=after, rows=a_rows)
    services.survey_set_status(actor=worker, survey=before, status="closed")
    ctx.data["surveys"] = {"needs": needs, "before": before, "after": after}
