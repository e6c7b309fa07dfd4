"""Demo: S community's 放学后1小时 every weekday at 16:30, B community's festivals.

Runs after the volunteer corps (88), whose teams organise and staff some activities.
Past dates of 放学后1小时 carry children registered by their guardians and the attendance
the organisers marked (written directly: the services refuse registrations for dates that
are over); coming dates are registered through the services. One date is cancelled (a
public holiday when one falls in the window, else a closed room) and the registrants are
told. B's 邻里文化节 took place ten days ago and has photos (two with the people's
agreement, one without); the 迎新年游园会 is coming, with volunteer shifts created through
the new shift service.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.activities import services
from gongzhi.activities.models import Activity, Child, Occurrence, Registration
from gongzhi.core.demo import DemoContext, demo_step

KIDS = ["豆豆", "乐乐", "小雨", "果果", "天天", "朵朵", "航航", "安安", "悠悠", "多多",
        "米粒", "可可", "阳阳", "糖糖", "壮壮", "圆圆"]
# fixed-date public holidays (month, day, name); enough to find one in an eight-week window
HOLIDAYS = [(1, 1, "元旦"), (5, 1, "劳动节"), (5, 2, "劳动节"), (5, 3, "劳动节"),
            (10, 1, "国庆节"), (10, 2, "国庆节"), (10, 3, "国庆节"), (10, 4, "国庆节"),
            (10, 5, "国庆节"), (10, 6, "国庆节"), (10, 7, "国庆节")]


def _space(community, needle: str):
    from gongzhi.spaces.models import Space

    return Space.objects.filter(community=community, name__contains=needle).first()


def _org(community, needle: str):
    from gongzhi.orgs.models import Organisation

    return Organisation.objects.filter(community=community, name__contains=needle).first()


def _residents(ctx: DemoContext, community, n: int) -> list[User]:
    ids = sorted(ctx.data.get("residents", {}).get(community.slug, []))
    return list(User.objects.filter(pk__in=ids[-n:]).order_by("pk"))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@demo_step(89)
def activities(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    if Activity.objects.filter(community=s).exists():
        return
    _after_school(ctx)
    _b_festivals(ctx)


def _after_school(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    worker = ctx.accounts["s_worker"]
    today = timezone.localdate()
    weeks_back = 3 if ctx.small else 6
    monday = today - dt.timedelta(days=today.weekday() + 7 * weeks_back)
    court = _space(s, "篮球场")
    school = _org(s, "放学后1小时")
    activity = services.activity_create(
        actor=worker, community=s, title="放学后1小时", category="children",
        first_start=_at(monday, 16, 30), duration_minutes=60,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        description="附近小学放学后，孩子们来社区做作业、做手工、在篮球场活动一小时，"
                    "志愿者和社工陪伴。家长凭自己的账号为孩子报名，到场扫码签到。",
        space=court, location_text="（雨天改在居委会会议室）",
        organiser_kind="org" if school else "worker", organiser_org=school,
        organiser_user=worker, capacity=20, allow_children=True, min_age=6, max_age=12)
    guardians = _residents(ctx, s, 10 if ctx.small else 16)
    year = today.year
    children = [Child.objects.create(guardian=g, name=KIDS[i % len(KIDS)],
                                     birth_year=year - 6 - (i % 6))
                for i, g in enumerate(guardians)]
    rng = ctx.rng
    now = timezone.now()
    for occ in activity.occurrences.filter(ends_at__lt=now).order_by("starts_at"):
        came = rng.sample(children, k=min(len(children), rng.randint(8, 14)))
        rows = [Registration(occurrence=occ, user=c.guardian, child=c,
                             status=Registration.Status.REGISTERED,
                             queued_at=occ.starts_at - dt.timedelta(days=2),
                             attended_at=occ.starts_at + dt.timedelta(minutes=rng.randint(0, 9))
                             if rng.random() < 0.85 else None,
                             attendance_method=Registration.Method.QR)
                for c in came]
        for r in rows:
            if r.attended_at is None:
                r.attendance_method = ""
        Registration.objects.bulk_create(rows)
        Occurrence.objects.filter(pk=occ.pk).update(seats_taken=len(rows))
    coming = list(activity.occurrences.filter(starts_at__gt=now).order_by("starts_at")[:5])
    for occ in coming:
        for c in rng.sample(children, k=min(len(children), rng.randint(5, 10))):
            services.registration_create(actor=c.guardian, occurrence=occ, child=c)
    _cancel_one(worker, activity, coming)
    _after_school_helpers(ctx, activity)


def _cancel_one(worker, activity: Activity, coming: list[Occurrence]) -> None:
    for occ in activity.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at"):
        day = timezone.localtime(occ.starts_at).date()
        for month, dom, name in HOLIDAYS:
            if (day.month, day.day) == (month, dom):
                services.occurrence_cancel(actor=worker, occurrence=occ,
                                           reason=f"{name}放假，暂停一次")
                return
    if len(coming) > 2:
        services.occurrence_cancel(actor=worker, occurrence=coming[2],
                                   reason="居委会会议室检修，篮球场地面刷漆，暂停一次")


def _after_school_helpers(ctx: DemoContext, activity: Activity) -> None:
    """Volunteer shifts for 放学后1小时, created through the new shift service."""
    from gongzhi.volunteers import services as volunteers
    from gongzhi.volunteers.models import Team

    s = ctx.communities["s"]
    team = Team.objects.filter(community=s).first()
    nxt = activity.occurrences.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if nxt is None:
        return
    volunteers.opportunity_with_shifts_create(
        actor=ctx.accounts["s_worker"], community=s, title="放学后1小时·作业陪伴",
        team=team, activity=activity, space=activity.space,
        tasks="陪孩子写作业\n组织手工或球类游戏\n17:30 把孩子交给家长", skills="耐心，喜欢孩子",
        min_age=18, starts_at=nxt.starts_at - dt.timedelta(minutes=15),
        ends_at=nxt.ends_at + dt.timedelta(minutes=15), capacity=3, weeks=4)


def _photo(colour: str, accent: str, seed: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(img)
    for i in range(7):
        x = 80 + i * 130
        y = 120 + ((i * 37 + seed * 13) % 90)
        draw.line([(x, 0), (x, y)], fill="#5b3a1a", width=3)
        draw.ellipse([x - 40, y, x + 40, y + 90], fill=accent, outline="#7a1010", width=4)
    draw.rectangle([0, 520, 960, 640], fill="#c9b48a")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return SimpleUploadedFile(f"IMG_{seed:04d}.jpg", buf.getvalue(), content_type="image/jpeg")


def _b_festivals(ctx: DemoContext) -> None:
    from gongzhi.volunteers import services as volunteers
    from gongzhi.volunteers.models import Team

    b = ctx.communities["b"]
    worker = ctx.accounts["b_worker"]
    culture = Team.objects.filter(community=b, colour="purple").first()
    room = _space(b, "社区客厅")
    today = timezone.localdate()
    past_day = today - dt.timedelta(days=10)
    festival = services.activity_create(
        actor=worker, community=b, title="邻里文化节", category="festival",
        first_start=_at(past_day, 14), duration_minutes=180,
        description="焦佼者紫色文化队主办：书画展、非遗剪纸、青年驿站乐队演出，商户摆摊。",
        space=room, location_text="及门前广场",
        organiser_kind="team" if culture else "worker", organiser_team=culture,
        registration_open=False)
    occ = festival.occurrences.first()
    for i, (caption, ok) in enumerate([("剪纸摊位前排起了长队", True),
                                       ("青年驿站乐队演出", True),
                                       ("书画展（待确认照片中居民的同意）", False)]):
        services.photo_add(actor=worker, activity=festival, occurrence=occ,
                           upload=_photo(["#f3e3c3", "#e8d6f0", "#dcefe2"][i],
                                         ["#d63a2f", "#e0a020", "#b03060"][i], i),
                           caption=caption, people_consented=ok)
    new_year = today + dt.timedelta(days=21)
    fair = services.activity_create(
        actor=worker, community=b, title="迎新年游园会", category="festival",
        first_start=_at(new_year, 9, 30), duration_minutes=150,
        description="猜灯谜、套圈、写福字，孩子和家长一起来。请提前报名，方便准备奖品。",
        space=_space(b, "儿童游乐场") or room, location_text="",
        organiser_kind="team" if culture else "worker", organiser_team=culture,
        capacity=80, allow_children=True)
    guardians = _residents(ctx, b, 12)
    for i, g in enumerate(guardians):
        child = Child.objects.create(guardian=g, name=KIDS[(i + 5) % len(KIDS)],
                                     age_band=["3_5", "6_8", "9_11"][i % 3])
        services.registration_create(actor=g, occurrence=fair.occurrences.get(), child=child)
        if i % 3 == 0:  # and some parents come along
            services.registration_create(actor=g, occurrence=fair.occurrences.get())
    services.activity_create(
        actor=worker, community=b, title="义剪和量血压", category="elderly",
        first_start=_at(today + dt.timedelta(days=(5 - today.weekday()) % 7), 9),
        duration_minutes=120, rrule="FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1",
        description="商户和社区卫生服务站每月第一个周六为老人义务理发、量血压。",
        space=room, organiser_kind="org" if _org(b, "商户") else "worker",
        organiser_org=_org(b, "商户"), capacity=30, registration_open=True)
    leader = culture.leader if culture else worker
    if culture is not None:
        volunteers.opportunity_with_shifts_create(
            actor=leader, community=b, title="迎新年游园会志愿者", team=culture, activity=fair,
            space=fair.space, tasks="布置游园摊位\n维持排队秩序\n发放奖品", capacity=8,
            starts_at=fair.first_start - dt.timedelta(hours=1),
            ends_at=fair.first_start + dt.timedelta(hours=3))
