"""Eras as people say them: "1980年代", "2013年前后", "上世纪五六十年代", "1958—1962年".

A pure function (no Django): :func:`parse_era` turns the text a resident typed into a
machine-usable range of years (both ends included) plus how precise it is, so the
timeline can place "八十年代初" and "1985年" sensibly and search can match a year.
The text as typed is always kept next to the range; when nothing is understood the caller
asks the person to write it another way (or to give the years).

Understood (Arabic or Chinese numerals, full-width digits, with or without 年):

=========================  ================  =========
text                       range             precision
=========================  ================  =========
1985 / 1985年 / 一九八五年     1985–1985         year
1985年5月 / 1985.5          1985–1985         year
1985年前后 / 左右 / 约1985年   1983–1987         approx
1980年代 / 80年代 / 八十年代    1980–1989         decade
上世纪80年代 / 1980s          1980–1989         decade
80年代初 / 中期 / 末            1980–1983 / 1984–1986 / 1987–1989   decade
五六十年代 / 50、60年代        1950–1969         decade
1958—1962 / 1958年至1962年    1958–1962         range
2013年以后 / 以来 / 之后        2013–this year    range
2013年以前 / 之前              2003–2013         range
文革时期, 改革开放初期 …        named periods     named
=========================  ================  =========
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MIN_YEAR = 1800
APPROX = 2  # "前后": two years either side

CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Named periods residents of a former work-unit compound use (years as commonly dated).
NAMED = [
    ("建国初期", 1949, 1956), ("新中国成立初期", 1949, 1956), ("大跃进", 1958, 1960),
    ("三年困难时期", 1959, 1961), ("文革", 1966, 1976), ("文化大革命", 1966, 1976),
    ("改革开放初期", 1978, 1985), ("改革开放以来", 1978, None), ("改革开放", 1978, None),
    ("国企改制", 1995, 2005), ("下岗潮", 1995, 2002), ("新世纪", 2000, 2009),
    ("千禧年", 2000, 2000),
]


@dataclass(frozen=True)
class Era:
    year_from: int
    year_to: int
    precision: str  # year | approx | decade | range | named

    @property
    def mid(self) -> float:
        return (self.year_from + self.year_to) / 2


def _this_year() -> int:
    return dt.date.today().year


def _normalise(text: str) -> str:
    text = text.strip()
    # full-width digits and punctuation
    text = text.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    text = text.replace("－", "-").replace("—", "-").replace("–", "-").replace("~", "-")
    text = text.replace("～", "-").replace("〜", "-").replace("到", "至").replace("——", "-")
    text = text.replace(" ", "").replace("\u3000", "")
    return _cn_numbers(text)


def _cn_numbers(text: str) -> str:
    """一九八五 → 1985, 二〇一三 → 2013; 八十/五六十 (decades) → 80 / 50、60; 十 → 10."""
    def digits(m: re.Match) -> str:
        return "".join(str(CN_DIGITS[c]) for c in m.group(0))

    text = re.sub(r"[〇零○一二三四五六七八九]{4}", digits, text)
    # "五六十年代": two decades at once
    text = re.sub(r"([一二三四五六七八九])([一二三四五六七八九])十(?=年代)",
                  lambda m: f"{CN_DIGITS[m.group(1)]}0、{CN_DIGITS[m.group(2)]}0", text)
    text = re.sub(r"([一二三四五六七八九])十(?=年代)",
                  lambda m: f"{CN_DIGITS[m.group(1)]}0", text)
    return text


def _century(prefix: str) -> int | None:
    if prefix in ("上世纪", "上个世纪", "20世纪", "二十世纪"):
        return 1900
    if prefix in ("本世纪", "21世纪", "二十一世纪"):
        return 2000
    return None


def _decade_start(num: str, century: int | None) -> int:
    n = int(num)
    if n >= 100:
        return n - n % 10
    if century is not None:
        return century + n
    return 1900 + n if n >= 30 else 2000 + n


PART = {"初": (0, 3), "初期": (0, 3), "前期": (0, 3), "中": (3, 6), "中期": (3, 6),
        "中叶": (3, 6), "末": (7, 9), "末期": (7, 9), "后期": (6, 9)}

DECADES = re.compile(
    r"^(?P<cent>上个?世纪|[12]0世纪|二十一?世纪|本世纪)?"
    r"(?P<a>\d{2,4})(?:年代)?(?:[、,，和与至-](?P<b>\d{2,4}))?(?:年代|s)"
    r"(?P<part>初期|前期|中期|中叶|末期|后期|初|中|末)?$")
YEAR = re.compile(r"^(?P<pre>约|大约|大概)?(?P<y>\d{4})(?:年)?(?:\d{1,2}月(?:\d{1,2}日)?)?"
                  r"(?:[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?)?(?P<post>前后|左右|上下|年前后|年左右)?"
                  r"(?P<edge>以后|之后|以来|后|以前|之前|前)?$")
RANGE = re.compile(r"^(?P<a>\d{4})(?:年)?(?:至|-|、)(?P<b>\d{2,4})(?:年)?$")


def parse_era(text: str, *, today_year: int | None = None) -> Era | None:
    """The range of years ``text`` names, or None when it is not understood."""
    if not text or not text.strip():
        return None
    this_year = today_year or _this_year()
    norm = _normalise(text)
    for name, a, b in NAMED:
        if norm.startswith(name) or norm.endswith(name) or norm == name + "时期":
            return _checked(Era(a, b if b is not None else this_year, "named"), this_year)
    m = DECADES.match(norm)
    if m:
        century = _century(m.group("cent") or "")
        start = _decade_start(m.group("a"), century)
        end = _decade_start(m.group("b"), century) + 9 if m.group("b") else start + 9
        part = m.group("part")
        if part and not m.group("b"):
            lo, hi = PART[part]
            start, end = start + lo, start + hi
        return _checked(Era(start, end, "decade"), this_year)
    m = RANGE.match(norm)
    if m:
        first, second = m.group("a"), m.group("b")
        if len(second) == 2:  # 1958-62
            second = first[:2] + second
        lo, hi = sorted((int(first), int(second)))
        return _checked(Era(lo, hi, "range"), this_year)
    m = YEAR.match(norm)
    if m:
        y = int(m.group("y"))
        edge = m.group("edge")
        if edge in ("以后", "之后", "以来", "后"):
            return _checked(Era(y, max(y, this_year), "range"), this_year)
        if edge in ("以前", "之前", "前"):
            return _checked(Era(y - 10, y, "range"), this_year)
        if m.group("pre") or m.group("post"):
            return _checked(Era(y - APPROX, y + APPROX, "approx"), this_year)
        return _checked(Era(y, y, "year"), this_year)
    return None


def _checked(era: Era, this_year: int) -> Era | None:
    if era.year_from < MIN_YEAR or era.year_from > this_year:
        return None
    return Era(era.year_from, min(era.year_to, this_year), era.precision)


def decade_of(year_from: int, year_to: int) -> int:
    """The decade an item is placed in on the timeline: that of the middle of its range."""
    mid = (year_from + year_to) // 2
    return mid - mid % 10


def era_label(year_from: int | None, year_to: int | None) -> str:
    """A short machine range for display next to the typed text: "1983–1987"."""
    if year_from is None:
        return ""
    if year_to is None or year_to == year_from:
        return str(year_from)
    return f"{year_from}–{year_to}"
