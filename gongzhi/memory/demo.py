"""Demo: S community's collective memory — the factory compound from the 1950s to its garden.

Runs after projects (60) and volunteers (88). Residents' stories go through the services
(pre-moderated, then approved by the worker, so the audit log reads as in real life); a few
stay waiting in the review queue. Photos are drawn here with Pillow (old ones in sepia), the
oral history's recording is a short generated WAV. Collections: 老厂记忆 and the exhibition
锅炉房变花园, linked to the garden project's before/during/after photos.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import struct
import wave

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.memory import services
from gongzhi.memory.models import Collection, MemoryItem

# (title, kind, era, place needle, licence, author index, picture, story)
STORIES = [
    ("建厂那年，大院只有三排平房", "story", "1956年前后", "", "cc_by", 0, None,
     "1956年前后，厂里从外地调来第一批职工。那时大院只有三排平房，路是煤渣铺的，"
     "下雨天一脚泥。我父亲是第一批锅炉工，每天天不亮就去烧锅炉。"),
    ("公共食堂的大锅饭", "story", "五六十年代", "食堂", "cc_by", 1, None,
     "五六十年代厂里办公共食堂，一到饭点，大院里的人端着搪瓷缸排队。"
     "食堂的张师傅做的馒头又大又白，孩子们都叫他“馒头张”。"),
    ("锅炉房的第一台锅炉", "photo", "1960年代", "锅炉", "cc_by", 2, ("factory", True),
     "这张照片是1960年代锅炉房刚建好的时候拍的，烟囱是当时大院最高的东西。"),
    ("冬天去锅炉房打开水", "story", "1970年代", "锅炉", "community", 3, None,
     "七十年代冬天最冷的时候，我们小孩提着暖壶去锅炉房打开水，锅炉房里暖烘烘的，"
     "烧锅炉的李师傅会让我们在炉子边烤烤手。锅炉房门口总是一地煤渣。"),
    ("厂里的第一台电视机", "story", "1978年", "", "cc_by", 4, None,
     "1978年工会买了第一台黑白电视机，放在俱乐部。每天晚上全大院的人搬着小板凳去看，"
     "去晚了只能站在窗户外面。"),
    ("篮球场上的厂际比赛", "photo", "八十年代初", "篮球", "cc_by", 5, ("court", True),
     "八十年代初，我们厂篮球队在大院篮球场打厂际比赛，看台是用砖头临时垒的。"),
    ("职工澡堂和锅炉房", "photo", "1985年", "锅炉", "community", 6, ("factory", True),
     "1985年锅炉房扩建，旁边加了职工澡堂。每周六下午，澡堂门口排长队。"),
    ("葡萄架下的晾衣绳", "photo", "1980年代", "", "cc_by", 7, ("yard", True),
     "八十年代家家户户在院子里搭葡萄架、拉晾衣绳，秋天晾葡萄干，像老家的晾房一样。"),
    ("子弟学校放学以后", "story", "1990年代", "", "cc_by", 8, None,
     "九十年代我们在厂子弟学校上学，放学以后整个大院就是游乐场：跳皮筋、滚铁环，"
     "在锅炉房后面的煤堆上玩打仗。"),
    ("下岗那几年", "story", "1998年前后", "", "all_rights", 9, None,
     "1998年前后厂里效益不好，很多人下岗了。大院里的人互相帮衬，谁家有困难，"
     "邻居就送点菜送点米。那几年很难，但大家心是齐的。"),
    ("锅炉房停烧的最后一天", "story", "2005年", "锅炉", "cc_by", 10, None,
     "2005年通了集中供暖，锅炉房停烧。最后一天老师傅们在锅炉前合了影，"
     "有人说：这炉子烧了快五十年了。"),
    ("工厂搬走的那一年", "story", "2013年", "", "cc_by", 11, None,
     "2013年工厂整体搬迁，厂牌摘下来那天很多老职工都去看了。大院交给了社区，"
     "锅炉房、篮球场和食堂都空了下来。"),
    ("空荡荡的老食堂", "photo", "2013年前后", "食堂", "community", 12, ("empty", True),
     "2013年前后拍的老食堂，窗户玻璃碎了，门口长满了草。"),
    ("新邻居搬进来", "story", "2015年", "", "cc_by", 13, None,
     "我是2015年搬来的，租的是老职工家的房子。刚来的时候不认识人，"
     "只知道这里以前是个工厂大院。"),
    ("锅炉房成了杂物堆", "photo", "2020年", "锅炉", "cc_by", 14, ("empty", False),
     "2020年的锅炉房旧址，堆满了旧家具和建筑垃圾，大家都绕着走。"),
    ("征集小区历史故事的那个下午", "story", "2023年", "", "cc_by", 15, None,
     "2023年底社区请老居民讲大院的历史故事，陈阿姨讲锅炉房，年轻人第一次知道"
     "原来这里有过澡堂和篮球赛。新老居民就是从那个下午开始熟起来的。"),
    ("共建日：用回收砖砌花园的墙", "photo", "2024年", "花园", "cc_by", 16,
     ("garden", False), "2024年共建日，居民用锅炉房拆下来的旧砖砌花园的围墙。"),
    ("花园里的第一茬番茄", "photo", "2024年", "花园", "cc_by", 17, ("garden", False),
     "锅炉房变成花园以后，第一茬番茄熟了，孩子们一人摘了一个。"),
    ("书屋角的孩子们", "photo", "2025年", "花园", "community", 18, ("garden", False),
     "放学后一小时，孩子们在花园的换书角看书。"),
]

PENDING = [
    ("我家的老照片：厂门口", "photo", "1970年代", "", "community", ("factory", True),
     "我爷爷在厂门口的留影，七十年代拍的。"),
    ("篮球场上的夏夜", "story", "1990年代中期", "篮球", "cc_by", None,
     "九十年代中期的夏天晚上，篮球场上总有人打球，旁边有人摇着蒲扇乘凉。"),
    ("我刚搬来时的大院", "story", "2024年", "", "cc_by", None,
     "2024年搬来的时候，锅炉房正在改花园，我也去帮忙刷了油漆。"),
]

ORAL_HISTORY = (
    "王秀兰奶奶讲建厂初年", "1958—1962年", "锅炉",
    "王秀兰奶奶1958年进厂，在锅炉房当过记录员。这段口述由社工上门录音整理。",
    "问：您是哪一年进厂的？\n"
    "王秀兰：1958年，我十八岁。那时候厂里缺人，我就从老家过来了。\n"
    "问：那时候的锅炉房是什么样的？\n"
    "王秀兰：锅炉房是大院最暖和的地方。我在那儿当记录员，记每天烧了多少煤、"
    "压力多少。冬天夜班，师傅们轮流添煤，我就在小本子上一格一格地记。\n"
    "问：大院里的生活呢？\n"
    "王秀兰：大家都住平房，谁家包饺子都给邻居送一碗。孩子多，一喊吃饭，"
    "满院子都是应声的。现在锅炉房变成花园了，我每天下楼去看看，心里高兴。",
)


def _scene(kind: str, old: bool, seed: int) -> SimpleUploadedFile:
    """A plausible picture drawn with Pillow: factory, court, yard, empty hall, garden."""
    from PIL import Image, ImageDraw, ImageFilter, ImageOps

    rng = random.Random(seed)
    w, h = 960, 640
    img = Image.new("RGB", (w, h), (170, 200, 225))
    d = ImageDraw.Draw(img)
    for y in range(h // 2):  # sky gradient
        t = y / (h / 2)
        d.line([(0, y), (w, y)], fill=(int(150 + 60 * t), int(185 + 40 * t), int(220 + 20 * t)))
    ground = {"garden": (96, 140, 70), "court": (150, 120, 95)}.get(kind, (120, 110, 100))
    d.rectangle([0, h * 0.62, w, h], fill=ground)
    DRAW.get(kind, _draw_garden)(d, rng, kind, w, h)
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    if old:
        img = ImageOps.colorize(ImageOps.grayscale(img), (50, 35, 20), (245, 225, 190))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82)
    return SimpleUploadedFile(f"scene-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _draw_hall(d, rng, kind, w, h) -> None:
    d.rectangle([90, 250, 520, 430], fill=(150, 70, 55))  # brick hall
    for x in range(120, 500, 70):
        d.rectangle([x, 290, x + 40, 350], fill=(60, 70, 80) if kind == "factory"
                    else (40, 40, 40))
    d.rectangle([600, 90, 650, 430], fill=(130, 60, 50))  # chimney
    if kind == "factory":
        for i in range(6):
            r = 25 + i * 12
            d.ellipse([640 + i * 25 - r, 60 - i * 20 - r, 640 + i * 25 + r,
                       60 - i * 20 + r], fill=(200, 200, 200))
        return
    for _i in range(30):
        x, y = rng.randint(60, 900), rng.randint(420, 600)
        d.rectangle([x, y, x + rng.randint(20, 70), y + rng.randint(10, 40)],
                    fill=(rng.randint(80, 140), rng.randint(70, 120), 60))


def _draw_court(d, rng, kind, w, h) -> None:
    d.rectangle([80, 420, 880, 600], outline=(240, 240, 240), width=5)
    d.line([(480, 420), (480, 600)], fill=(240, 240, 240), width=5)
    d.rectangle([120, 220, 130, 430], fill=(60, 60, 60))
    d.rectangle([90, 220, 170, 270], outline=(240, 240, 240), width=5)
    for i in range(8):
        x = 200 + i * 80 + rng.randint(-20, 20)
        d.ellipse([x, 440, x + 26, 466], fill=(60, 45, 35))
        d.rectangle([x + 4, 466, x + 22, 530], fill=(30, 60, 130))


def _draw_yard(d, rng, kind, w, h) -> None:
    for x in range(60, 900, 160):
        d.rectangle([x, 300, x + 120, 430], fill=(200, 180, 150))
    d.line([(40, 250), (920, 270)], fill=(90, 70, 50), width=3)
    for x in range(80, 900, 60):
        d.rectangle([x, 255, x + 35, 300], fill=(rng.randint(150, 255),
                                                 rng.randint(150, 255), 200))
    for _i in range(60):
        x, y = rng.randint(0, w), rng.randint(180, 250)
        d.ellipse([x, y, x + 30, y + 24], fill=(70, 120, 50))


def _draw_garden(d, rng, kind, w, h) -> None:
    d.rectangle([60, 360, 900, 420], fill=(160, 80, 60))  # recycled brick wall
    for x in range(60, 900, 40):
        d.line([(x, 360), (x, 420)], fill=(120, 60, 45), width=2)
    for _i in range(90):
        x, y = rng.randint(20, 940), rng.randint(430, 630)
        d.ellipse([x, y, x + 26, y + 26], fill=(40 + rng.randint(0, 40), 120, 50))
        if rng.random() < 0.4:
            c = rng.choice([(220, 60, 50), (245, 200, 60), (230, 120, 170)])
            d.ellipse([x + 6, y - 6, x + 18, y + 6], fill=c)


DRAW = {"factory": _draw_hall, "empty": _draw_hall, "court": _draw_court, "yard": _draw_yard,
        "garden": _draw_garden}


def _wav(seconds: float = 4.0) -> SimpleUploadedFile:
    """A short, quiet recording-like WAV (a soft hum with a rising and falling envelope)."""
    rate = 8000
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = bytearray()
        n = int(rate * seconds)
        for i in range(n):
            env = math.sin(math.pi * i / n)
            v = int(2500 * env * math.sin(2 * math.pi * 180 * i / rate)
                    * (0.6 + 0.4 * math.sin(2 * math.pi * 3 * i / rate)))
            frames += struct.pack("<h", v)
        w.writeframes(bytes(frames))
    return SimpleUploadedFile("oral.wav", out.getvalue(), content_type="audio/wav")


def _space(community, needle: str):
    if not needle:
        return None
    from gongzhi.spaces.models import Space

    return Space.objects.filter(community=community, name__contains=needle).first()


def _authors(ctx: DemoContext, community, n: int) -> list[User]:
    ids = sorted(ctx.data.get("residents", {}).get(community.slug, []))
    users = list(User.objects.filter(pk__in=ids[:n]).order_by("pk"))
    resident = ctx.accounts.get("s_resident")
    return ([resident] if resident else []) + users


def _point(community, rng: random.Random):
    if community.center_lat is None:
        return None, None
    return (round(community.center_lat + rng.uniform(-0.0012, 0.0012), 6),
            round(community.center_lon + rng.uniform(-0.0012, 0.0012), 6))


@demo_step(93)
def memory(ctx: DemoContext) -> None:
    s = ctx.communities["s"]
    worker = ctx.accounts["s_worker"]
    if MemoryItem.objects.filter(community=s).exists():
        return
    authors = _authors(ctx, s, 25)
    if len(authors) < 5:
        return
    rng = random.Random(1956)
    garden = _garden(ctx)
    items = _stories(ctx, s, worker, authors, rng, garden)
    oral = _oral_history(s, worker, garden)
    _pending(s, authors, rng)
    _tags(ctx, s, worker, items)
    _collections(s, worker, items, oral, garden)


def _stories(ctx, s, worker, authors, rng, garden) -> dict[str, MemoryItem]:
    items: dict[str, MemoryItem] = {}
    now = timezone.now()
    for i, (title, kind, era, needle, licence, who, pic, text) in enumerate(STORIES):
        author = authors[who % len(authors)]
        space = _space(s, needle)
        lat, lon = (None, None) if space else _point(s, rng)
        files = [services.Upload(_scene(pic[0], pic[1], i), text[:40])] if pic else []
        item = services.item_create(
            actor=author, community=s, kind=kind, title=title, body=text, era_text=era,
            space=space, lat=lat, lon=lon, licence=licence, files=files,
            project=garden if i >= 15 and garden is not None and _can_project(author, garden)
            else None)
        services.item_moderate(actor=worker, item=item, approve=True)
        # spread publication over the last months so the feed and "recent" read naturally
        MemoryItem.objects.filter(pk=item.pk).update(
            published_at=now - dt.timedelta(days=(len(STORIES) - i) * 6))
        items[title] = item
    return items


def _can_project(user, project) -> bool:
    return user.has_perm("memory.contribute_to_project", project)


def _oral_history(s, worker, garden) -> MemoryItem:
    title, era, needle, summary, transcript = ORAL_HISTORY
    return services.item_create(
        actor=worker, community=s, kind="audio", title=title, body=summary,
        transcript=transcript, era_text=era, space=_space(s, needle), licence="cc_by",
        files=[services.Upload(_wav(), "王秀兰奶奶口述录音（节选）")], on_behalf=True,
        narrator_name="王秀兰", narrator_consent=True,
        narrator_consent_note="本人口头同意，录音开头有记录；女儿在场")


def _pending(s, authors, rng) -> None:
    for i, (title, kind, era, needle, licence, pic, text) in enumerate(PENDING):
        author = authors[-(i + 1)]
        space = _space(s, needle)
        lat, lon = (None, None) if space else _point(s, rng)
        files = [services.Upload(_scene(pic[0], pic[1], 100 + i), "")] if pic else []
        services.item_create(actor=author, community=s, kind=kind, title=title, body=text,
                             era_text=era, space=space, lat=lat, lon=lon, licence=licence,
                             files=files)


def _tags(ctx, s, worker, items) -> None:
    resident = ctx.accounts.get("s_resident")
    if resident is None:
        return
    t = services.tag_add(actor=worker, item=items["征集小区历史故事的那个下午"], person=resident)
    services.tag_respond(actor=resident, tag=t, accept=True)
    services.tag_add(actor=worker, item=items["篮球场上的厂际比赛"], person=resident)


def _garden(ctx):
    project = ctx.data.get("projects", {}).get("garden")
    if project is None:
        return None
    from gongzhi.projects import phases
    from gongzhi.projects import services as project_services

    phase = phases.current_phase(project)
    if phase is not None:
        project_services.phase_update(
            actor=ctx.accounts["s_worker"], phase=phase, name=phase.name,
            starts_on=phase.starts_on, ends_on=phase.ends_on,
            actions={**(phase.actions or {}), "memory.collect": ["member"]})
    if not project.photos.filter(kind="after").exists() and not ctx.small:
        project_services.project_photo_add(actor=ctx.accounts["s_worker"], project=project,
                                           kind="after", image=_scene("garden", False, 777),
                                           caption="2025年：锅炉房花园开放")
    return project


def _collections(s, worker, items, oral, garden) -> None:
    factory = services.collection_create(
        actor=worker, community=s, title="老厂记忆", is_featured=True, order=1,
        description="从1956年建厂到2013年工厂搬迁，老职工和他们的孩子讲述大院的往事："
                    "锅炉房、公共食堂、篮球场和职工澡堂。")
    for title in ("建厂那年，大院只有三排平房", "公共食堂的大锅饭", "锅炉房的第一台锅炉",
                  "冬天去锅炉房打开水", "厂里的第一台电视机", "篮球场上的厂际比赛",
                  "职工澡堂和锅炉房", "葡萄架下的晾衣绳", "子弟学校放学以后",
                  "锅炉房停烧的最后一天", "工厂搬走的那一年"):
        services.collection_add(actor=worker, collection=factory, item=items[title])
    services.collection_add(actor=worker, collection=factory, item=oral)
    boiler = services.collection_create(
        actor=worker, community=s, title="锅炉房变花园", kind=Collection.Kind.EXHIBITION,
        is_featured=True, order=2, project=garden,
        description="锅炉房从大院最暖和的地方，到堆满杂物的旧址，再到居民一起建起的社区花园。")
    for title in ("锅炉房的第一台锅炉", "锅炉房停烧的最后一天", "锅炉房成了杂物堆",
                  "征集小区历史故事的那个下午", "共建日：用回收砖砌花园的墙",
                  "花园里的第一茬番茄", "书屋角的孩子们"):
        services.collection_add(actor=worker, collection=boiler, item=items[title])


@demo_step(99)
def archive_takes_in_offered_photos(ctx: DemoContext) -> None:
    """B community's worker takes the photo contest's entries (北焦记忆) and the festival's
    agreed photos into the archive; one offer is left for the worker to see."""
    from gongzhi.memory import sources

    b = ctx.communities["b"]
    offered = sources.candidates(b)
    for c in offered[:-1] if len(offered) > 1 else offered:
        sources.take_in(actor=ctx.accounts["b_worker"], community=b, key=c.key)
