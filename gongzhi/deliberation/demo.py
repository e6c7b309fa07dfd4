"""Demo: S community's conversation on the future of the boiler-room yard (锅炉房旧址).

About 260 verified residents of S took part; three groups emerge — families with children,
elderly residents and car owners — and two statements every group agrees with (keep the
red-brick chimney; step-free paths for wheelchairs and prams) are what the garden design then
followed. Votes are generated from a fixed seed (reproducible). A second, open conversation
on the garden's rules lets a demo login vote. Runs after decisions (80).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation, Participant, Vote

# statement, lean of (families with children, elderly residents, car owners): 1 agree,
# -1 disagree, 0 divided
STATEMENTS = [
    ("保留锅炉房的红砖烟囱，作为大家共同的记忆", (1, 1, 1)),
    ("花园的路要平整、没有台阶，轮椅和婴儿车都能走", (1, 1, 1)),
    ("锅炉房旧址应该全部建成花园", (1, 1, -1)),
    ("旧址上应该保留或者增加停车位", (-1, -1, 1)),
    ("要有一块让孩子玩沙、攀爬的地方", (1, -1, 0)),
    ("花园里要安静，儿童游乐区离住宅楼远一点", (-1, 1, 0)),
    ("多放一些有靠背、有遮阳的座椅", (0, 1, 0)),
    ("晚上九点以后花园关门", (-1, 1, 0)),
    ("夜里车可以临时停在花园边的路上", (-1, -1, 1)),
    ("种植箱让居民认领，自己种菜种花", (1, 1, 0)),
    ("花园的维护费从停车费里出", (1, 1, -1)),
    ("花园里装一个快递柜", (1, -1, 1)),
    ("在旧址边上建电动车充电桩", (0, -1, 1)),
    ("组织老人和孩子一起种树", (1, 1, 0)),
    ("花园里养几只鸡鸭给孩子看", (1, -1, -1)),
    ("施工期间先保证消防通道畅通", (0, 0, 1)),
]
GROUP_SHARE = (0.42, 0.33, 0.25)
PROBS = {1: (0.82, 0.08), -1: (0.10, 0.80), 0: (0.35, 0.30)}  # (agree, disagree); rest pass
CONSENSUS_FOR_DESIGN = (0, 1)


def _vote(rng: random.Random, lean: int) -> int:
    agree, disagree = PROBS[lean]
    x = rng.random()
    return 1 if x < agree else (-1 if x < agree + disagree else 0)


def build_boiler_yard(ctx: DemoContext, community, worker, residents: list[User]
                      ) -> Conversation:
    rng = random.Random(20261201)
    conversation = services.conversation_create(
        actor=worker, community=community,
        question="锅炉房旧址以后做什么？",
        description=("老锅炉房拆除后留下一块约 600 平方米的空地。有人想要花园，有人想要停车位。"
                     "请对每条观点表态，也可以写下你自己的观点。"),
        seeds=[text for text, _lean in STATEMENTS[:8]], state=Conversation.State.OPEN)
    for text, _lean in STATEMENTS[8:]:
        services.statement_add_seed(actor=worker, conversation=conversation, text=text)
    statements = list(conversation.statements.order_by("number"))
    start = timezone.now() - dt.timedelta(days=40)
    participants, votes = [], []
    for i, user in enumerate(residents):
        participants.append(Participant(conversation=conversation, user=user, number=i))
    Participant.objects.bulk_create(participants)
    participants = list(conversation.participants.order_by("number"))
    for p in participants:
        group = rng.choices(range(3), GROUP_SHARE)[0]
        chosen = rng.sample(statements, rng.randint(9, len(statements)))
        for s in chosen:
            votes.append(Vote(conversation=conversation, statement=s, participant=p,
                              value=_vote(rng, STATEMENTS[s.number][1][group])))
    Vote.objects.bulk_create(votes, batch_size=2000)
    # spread the vote times over the three weeks the conversation was open
    Vote.objects.bulk_update(
        [Vote(pk=v.pk, updated_at=start + dt.timedelta(minutes=rng.randint(0, 21 * 24 * 60)))
         for v in Vote.objects.filter(conversation=conversation).only("pk")],
        ["updated_at"], batch_size=2000)
    services.snapshot_compute(conversation_id=conversation.pk)
    return services.conversation_update(actor=worker, conversation=conversation,
                                        state=Conversation.State.CLOSED)


@demo_step(85)
def deliberation(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    worker = ctx.accounts["s_worker"]
    ids = list(ctx.data.get("residents", {}).get(s.slug, []))
    residents = list(User.objects.filter(pk__in=ids).order_by("pk"))
    build_boiler_yard(ctx, s, worker, residents)
    services.conversation_create(
        actor=worker, community=s, question="社区花园建成后，日常怎么管？",
        description="花园快建好了。开放时间、认领种植箱、值日排班，请大家说说看法。",
        seeds=["开放时间每天早上六点到晚上九点", "种植箱每年重新抽签分配",
               "每栋楼每月轮流派一户人家值日", "花园里禁止遛狗", "浇水用收集的雨水"],
        state=Conversation.State.OPEN)
