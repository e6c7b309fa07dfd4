"""Demo: B community's 焦朋友 contests — the logo (voted, announced, now in the header),
the mascot (voting open, with a jury), a name for the youth post (taking entries) — and
the 北焦记忆 photo contest (announced; its entries are ready for the memory archive).

Entries go through the services (upload checks, moderation); pictures are drawn with
Pillow now (``demo_images``). Votes are cast through the decisions app. After the
announcement the dates are moved back (a direct update) so the timeline reads like a
contest that ran over the past weeks.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.models import Membership, User
from gongzhi.contests import demo_images, services
from gongzhi.contests.models import Contest, Entry, Licence
from gongzhi.core.demo import DemoContext, demo_step

LOGOS = [
    ("三个屋顶一片天", "三个屋顶代表公租房、商户和老住户，同在一片天空下，寓意“焦朋友”一家亲。",
     "红色圆环中三个屋顶，中间一个金色"),
    ("共建之树", "大树从家园里长出来，象征居民一起把社区种大、种好。",
     "绿色圆环中一棵大树长在屋顶上"),
    ("焦庄朝阳", "朝阳升起在楼群之上，代表新社区的希望。", "蓝色圆环里，朝阳照着四栋楼"),
    ("手心里的家", "两只手托着一颗心，邻里互助，心手相连。", "橙色圆环中两只手托着一颗心"),
    ("紫藤花开", "社区步道的紫藤花，是大家最喜欢的拍照地点。", "紫色圆环中三个屋顶"),
    ("青年驿站", "绿色和青色代表社区里的年轻人。", "青色圆环里一棵树"),
]
MASCOTS = [
    ("焦焦", "一只戴红袖标的小熊，是“焦佼者”志愿者的好伙伴。", "戴红袖标、挥手的圆脸小熊"),
    ("小灯笼", "圆圆的身体像灯笼，照亮回家的路，纪念换新的200盏路灯。",
     "橙色的圆形小人，长着圆耳朵"),
    ("朋朋", "猫耳朵的小朋友，代表爱串门的邻居。", "紫色猫耳朵的小人，脸颊红红的"),
    ("驿宝", "青年驿站的吉祥物，喜欢帮大家修东西。", "蓝色尖耳朵的小人在挥手"),
]
PHOTOS = [
    ("清晨的步道", "早上六点，新修的500米步道上已经有人在晨练。", "清晨的楼群和步道，天边泛着橙光"),
    ("午后的小广场", "孩子们放学后在广场上跑来跑去。", "中午阳光下的楼房、树和小路"),
    ("万家灯火", "傍晚下班回家，楼里的灯一盏盏亮起来。", "傍晚的楼群，很多窗户亮着灯"),
    ("搬进新家的第一年", "2021年搬来时这里还光秃秃的，现在树都长高了。", "早晨的楼房和一排大树"),
    ("雨后", "雨停了，步道上的积水映着楼影。", "白天的楼群和步道两旁的树"),
    ("中秋夜", "中秋节在楼下一起赏月。", "夜色中的楼房和一轮月亮"),
]
NAMES = [
    ("焦朋友会客厅", "大家来这里像去朋友家做客一样。"),
    ("青春驿站", "年轻人的加油站。"),
    ("邻里加油站", "累了来歇歇脚，加点油。"),
]


def _upload(name: str, data: bytes, mime: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=mime)


def _verified(community, n: int) -> list[User]:
    ids = (Membership.objects.filter(community=community, status=Membership.Status.VERIFIED)
           .order_by("user_id").values_list("user_id", flat=True)[:n])
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


def _dates(now, *, opens: int, closes: int, vote_from: int, vote_to: int) -> dict:
    return {"submission_opens": now + dt.timedelta(days=opens),
            "submission_closes": now + dt.timedelta(days=closes),
            "voting_opens": now + dt.timedelta(days=vote_from),
            "voting_closes": now + dt.timedelta(days=vote_to),
            "announce_on": timezone.localdate(now + dt.timedelta(days=vote_to))}


def _enter_all(contest: Contest, people: list[User], specs, picture, *, mime="image/png",
               ext="png", licence=Licence.COMMUNITY) -> list[Entry]:
    entries = []
    for i, (title, statement, alt) in enumerate(specs):
        entries.append(services.entry_submit(
            actor=people[i], contest=contest, title=title, statement=statement,
            licence=licence if i % 3 else Licence.CC_BY, consent_publish=True,
            image=_upload(f"entry.{ext}", picture(i), mime), alt_text=alt,
            show_name=i % 4 != 3))
    return entries


def _moderate(worker, entries: list[Entry], reject: frozenset[int] = frozenset()) -> None:
    for i, e in enumerate(entries):
        if i in reject:
            services.entry_moderate(actor=worker, entry=e, approve=False,
                                    reason="与另一件作品重复，欢迎修改后再投一次。")
        else:
            services.entry_moderate(actor=worker, entry=e, approve=True)


def _vote(ctx: DemoContext, contest: Contest, voters: list[User], weights: list[float],
          *, approvals: int = 2) -> None:
    from gongzhi.decisions import services as decisions

    contest.refresh_from_db()
    ballot = contest.ballot
    assert ballot is not None
    keys = [o.key for o in ballot.options.order_by("position")]
    for user in voters:
        user.__dict__.pop("_gz_roles", None)
        user.__dict__.pop("_gz_access", None)
        picks = ctx.rng.choices(keys, weights=weights[:len(keys)], k=approvals)
        content: dict[str, object] = ({"choice": picks[0]} if contest.method == "plurality"
                                      else {"approve": sorted(set(picks))})
        decisions.vote_cast(user=user, ballot=ballot, content=content)


def _backdate(contest: Contest, now, **days: int) -> None:
    from gongzhi.decisions.models import Ballot

    fields = {k: now + dt.timedelta(days=v) for k, v in days.items()}
    if "voting_closes" in fields:
        fields["announce_on"] = timezone.localdate(fields["voting_closes"])
    Contest.objects.filter(pk=contest.pk).update(**fields)
    if contest.ballot_id:  # the feed dates the ballot by when it opened
        Ballot.objects.filter(pk=contest.ballot_id).update(opened_at=fields["voting_opens"])


def _announce_on(worker, contest: Contest, at) -> Contest:
    """Announce as if at ``at`` (the ballot's close and the audit entry carry that time:
    a closed ballot's times are frozen by the database)."""
    from unittest import mock

    contest.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=at):
        return services.contest_announce(actor=worker, contest=contest)


def _logo_contest(ctx, b, worker, people, now) -> Contest:
    contest = services.contest_create(
        actor=worker, community=b, kind="logo", title="焦朋友社区标志（Logo）征集",
        brief="为我们的社区设计一个标志：简单、好认、印在文化墙和志愿者马甲上都好看。"
              "请附上设计说明。",
        rules="每人限投1件作品；须为原创；入选作品由社区使用（可选CC BY）。"
              "作品经社工审核后展出。",
        prizes="一等奖1名：社区文创礼包；入围奖5名：定制帆布袋。",
        max_choices=2, **_dates(now, opens=-20, closes=1, vote_from=1, vote_to=2))
    contest = services.contest_publish(actor=worker, contest=contest)
    entries = _enter_all(contest, people, LOGOS, demo_images.logo)
    _moderate(worker, entries, reject=frozenset({5}))
    Contest.objects.filter(pk=contest.pk).update(submission_closes=now - dt.timedelta(days=10),
                                                 voting_opens=now - dt.timedelta(days=3))
    contest.refresh_from_db()
    services.contest_voting_open(actor=worker, contest=contest)
    _vote(ctx, contest, _verified(b, 90)[10:90], [9, 5, 4, 6, 2])
    _backdate(contest, now, submission_opens=-45, submission_closes=-25, voting_opens=-18,
              voting_closes=-4)
    _announce_on(worker, contest, now - dt.timedelta(days=3, hours=12))
    Contest.objects.filter(pk=contest.pk).update(published_at=now - dt.timedelta(days=46))
    return contest


def _mascot_contest(ctx, b, worker, admin, people, now) -> Contest:
    contest = services.contest_create(
        actor=worker, community=b, kind="mascot", title="焦朋友社区吉祥物征集",
        brief="请为社区设计一个吉祥物形象，它会出现在活动海报、志愿者证书和小程序里。",
        rules="每人最多2件作品。评审团（社工、党支部、居民代表）按“创意、寓意、美观”打分，"
              "评审分占30%，居民投票占70%。",
        prizes="入选作品做成玩偶送给作者。", max_entries=2, jury_weight="0.30",
        jury_criteria=["创意", "寓意", "美观"],
        **_dates(now, opens=-1, closes=1, vote_from=1, vote_to=9))
    contest = services.contest_publish(actor=worker, contest=contest)
    entries = _enter_all(contest, people[6:], MASCOTS, demo_images.mascot)
    _moderate(worker, entries)
    services.jury_member_add(actor=worker, contest=contest, user=admin)
    services.jury_member_add(actor=worker, contest=contest, user=worker)
    Contest.objects.filter(pk=contest.pk).update(
        submission_opens=now - dt.timedelta(days=24), submission_closes=now - dt.timedelta(days=10),
        voting_opens=now - dt.timedelta(days=2), voting_closes=now + dt.timedelta(days=5),
        announce_on=timezone.localdate(now + dt.timedelta(days=6)),
        published_at=now - dt.timedelta(days=25))
    contest.refresh_from_db()
    entries = list(contest.entries.select_related("contest").order_by("pk"))
    for juror, base in ((admin, 7), (worker, 6)):
        for i, e in enumerate(entries):
            services.jury_scores_set(actor=juror, entry=e, scores={
                "创意": min(10, base + (i * 3) % 4), "寓意": min(10, base + (i + 1) % 3),
                "美观": min(10, base + 1 + i % 2)})
    services.contest_voting_open(actor=worker, contest=contest)
    _vote(ctx, contest, _verified(b, 60)[20:60], [5, 7, 3, 4])
    from gongzhi.decisions.models import Ballot

    contest.refresh_from_db()
    Ballot.objects.filter(contest=contest).update(opened_at=contest.voting_opens)
    return contest


def _naming_contest(b, worker, people, now) -> Contest | None:
    from gongzhi.spaces.models import Space

    space = Space.objects.filter(community=b, name__contains="驿站").first() or \
        Space.objects.filter(community=b).first()
    if space is None:
        return None
    contest = services.contest_create(
        actor=worker, community=b, kind="naming", title=f"给“{space.name}”起个新名字",
        brief="这里改造后成了大家的会客厅。起一个好记、有意思的名字，并说说它的含义。",
        rules="每人限1个名字，不超过8个字。", space=space, method="plurality",
        **_dates(now, opens=-5, closes=9, vote_from=12, vote_to=19))
    contest = services.contest_publish(actor=worker, contest=contest)
    for i, (name, meaning) in enumerate(NAMES):
        e = services.entry_submit(actor=people[12 + i], contest=contest, title=name,
                                  statement=meaning, proposed_name=name,
                                  licence=Licence.CC_BY, consent_publish=True)
        if i < 2:
            services.entry_moderate(actor=worker, entry=e, approve=True)
    return contest


def _photo_contest(ctx, b, worker, people, now) -> Contest:
    contest = services.contest_create(
        actor=worker, community=b, kind="photo", title="“北焦记忆”摄影大赛",
        brief="用照片记录我们搬进新家以来的社区变化：步道、路灯、邻里和节日。"
              "入选作品将收入社区集体记忆资料库。",
        rules="每人最多3张；请写明拍摄地点和故事；照片中有可辨认的人物须征得本人同意。",
        prizes="优秀作品在社区文化墙展出。", max_entries=3,
        **_dates(now, opens=-2, closes=1, vote_from=1, vote_to=3))
    contest = services.contest_publish(actor=worker, contest=contest)
    specs = PHOTOS
    entries = []
    for i, (title, story, alt) in enumerate(specs):
        entries.append(services.entry_submit(
            actor=people[20 + i // 2], contest=contest, title=title, statement=story,
            licence=[Licence.CC_BY, Licence.COMMUNITY, Licence.RESERVED][i % 3],
            consent_publish=True, alt_text=alt,
            image=_upload("photo.jpg", demo_images.photo(i), "image/jpeg")))
    _moderate(worker, entries)
    Contest.objects.filter(pk=contest.pk).update(submission_closes=now - dt.timedelta(days=1),
                                                 voting_opens=now - dt.timedelta(hours=1))
    contest.refresh_from_db()
    services.contest_voting_open(actor=worker, contest=contest)
    _vote(ctx, contest, _verified(b, 70)[5:70], [4, 6, 8, 3, 5, 7], approvals=3)
    _backdate(contest, now, submission_opens=-70, submission_closes=-40, voting_opens=-35,
              voting_closes=-28)
    _announce_on(worker, contest, now - dt.timedelta(days=27, hours=12))
    Contest.objects.filter(pk=contest.pk).update(published_at=now - dt.timedelta(days=71))
    return contest


@demo_step(94)
def contests(ctx: DemoContext) -> None:
    b = ctx.communities["b"]
    if Contest.objects.filter(community=b).exists():
        return
    worker, admin = ctx.accounts["b_worker"], ctx.accounts["b_admin"]
    people = _verified(b, 40)
    if len(people) < 30:
        return
    now = timezone.now()
    photo = _photo_contest(ctx, b, worker, people, now)
    logo = _logo_contest(ctx, b, worker, people, now)
    _mascot_contest(ctx, b, worker, admin, people, now)
    _naming_contest(b, worker, people, now)
    ctx.data["contests"] = {"logo": logo, "photo": photo}
    ctx.notes.append(f"Contests: /c/{b.slug}/contests/ (the winning logo is in the header)")
