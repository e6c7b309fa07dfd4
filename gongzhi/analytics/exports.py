"""Open-data and pseudonymised research exports (ZIP files of CSV tables).

**Open data** (`open_data_zip`, anyone): only what Gongzhi already shows the public — the
community's public spaces (GeoJSON), report counts by category and status, reports and
proposals per month, closed ballots' turnout and, for closed participatory-budgeting
ballots, the Pabulib file the ballot page offers (`decisions.selectors.pabulib_text`), and
the access summary when the community made it public.

**Research** (`research_zip`, community admins and area admins; audited): person-level
and building-level tables keyed by stable pseudonyms — HMAC-SHA256 of "kind:id" under a
per-deployment research key (`GONGZHI_RESEARCH_KEY`, else derived from SECRET_KEY), first
16 hex digits. The same person has the same key in every table and every export of the
deployment; without the key nothing leads back to an id. Never written: names, phone
numbers, e-mail, user / household ids, room numbers, home coordinates, free-text answers,
vote choices. Building-level counts below K (5) are written "<5"; a person's building key
is blanked ("*") when fewer than K people share their building, tenure and years band.

Both zips carry a bilingual `README.md` and `data_dictionary.csv` listing every table and
column, its type, unit, allowed values and meaning (`DICTIONARY`).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from gongzhi.places.models import Building, Community, Household

K = 5  # smallest count written as a number
SMALL = f"<{K}"


# ------------------------------------------------------------------ keys


def research_key() -> bytes:
    key = getattr(settings, "GONGZHI_RESEARCH_KEY", "") or os.environ.get(
        "GONGZHI_RESEARCH_KEY", "")
    if key:
        return str(key).encode()
    from django.utils.crypto import salted_hmac

    return salted_hmac("gongzhi.analytics.research-key", "v1").hexdigest().encode()


class Keys:
    """Pseudonymous keys under one research key (computed once per export)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or research_key()

    def __call__(self, kind: str, value: Any) -> str:
        digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest[:16]


def small(n: int) -> int | str:
    """A count, or "<5" when it is below K (and above 0: a zero reveals no one)."""
    return SMALL if 0 < n < K else n


# ------------------------------------------------------------ dictionary


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # string, integer, number, date (YYYY-MM), boolean (0/1), key
    zh: str
    en: str
    unit: str = ""
    allowed: str = ""


PERSON = Col("person_key", "key", "人员假名键（研究密钥下的HMAC，跨表、跨次导出一致）",
             "person's pseudonymous key (HMAC under the research key; the same in every "
             "table and export)")
COMMUNITY = Col("community_key", "key", "社区假名键", "community's pseudonymous key")
BUILDING = Col("building_key", "key", "楼栋假名键", "building's pseudonymous key")
COUNT_NOTE = f"0, {SMALL}, ≥{K}"

DICTIONARY: dict[str, tuple[str, str, list[Col]]] = {
    "communities.csv": ("每个社区一行", "one row per community", [
        COMMUNITY,
        Col("community", "string", "社区名称（公开信息）", "community name (public)"),
        Col("households", "integer", "台账中的住户数（不含商铺）",
            "dwellings in the household ledger (shops excluded)", "households"),
        Col("residents_est", "number", "估计居民数：台账登记人数，否则户数×户均人数",
            "estimated residents: recorded numbers, else dwellings × persons per household",
            "persons"),
    ]),
    "persons.csv": ("每位成员一行（社区成员身份）", "one row per member of a community", [
        PERSON, COMMUNITY,
        Col("tenure", "string", "所属住户的租住类型", "tenure of their registered household",
            allowed="owner, public_rental, private_rental, other, unknown"),
        Col("building_key", "key", "所属楼栋假名键；同楼栋、同租住类型、同居住年限者少于5人时为 *",
            "building key; * when fewer than 5 people share building, tenure and years band"),
        Col("years_band", "string", "居住年限段", "years of residence band",
            allowed="lt5, 5to14, 15plus, unknown"),
        *[Col(a, "boolean", f"是否{zh}", f"did they {en}", allowed="0, 1") for a, zh, en in (
            ("reported", "反映过问题", "report a problem"),
            ("proposed", "提过提案", "make a proposal"),
            ("commented", "评论过", "comment"),
            ("supported", "支持过提案", "support a proposal"),
            ("voted", "参与过表决", "vote"),
            ("attended", "参加过会议", "attend a meeting"),
            ("co_built", "报名过共建任务", "sign up for a co-building task"))],
    ]),
    "buildings.csv": ("每栋住宅楼一行；少于5的计数写作 <5",
                      "one row per residential building; counts below 5 written <5", [
        BUILDING, COMMUNITY,
        Col("households", "integer", "住户数", "dwellings", "households", COUNT_NOTE),
        Col("members", "integer", "登记成员数", "registered members", "persons", COUNT_NOTE),
        Col("participants", "integer", "参与过任一活动的成员数",
            "members who took part in any activity", "persons", COUNT_NOTE),
        Col("elderly_share", "number", "60岁及以上居民占比（登记了老人数的住户≥5户时）",
            "share of residents aged 60+ (when at least 5 dwellings record it)", "0–1"),
        Col("access_completeness", "integer", "步行标准内可达的设施类别数",
            "facility categories reached within their life circle", "categories"),
        Col("access_2sfca", "number", "两步移动搜索法可达性得分（每居民设施容量）",
            "2SFCA access score (facility capacity per competing resident)",
            "capacity per person"),
    ]),
    "reports.csv": ("每条问题反映一行", "one row per problem report", [
        Col("report_key", "key", "反映假名键", "report's pseudonymous key"), COMMUNITY,
        Col("person_key", "key", "反映人假名键（可为空）", "reporter's key (may be empty)"),
        Col("category", "string", "类别代码", "category code"),
        Col("status", "string", "状态代码", "status code"),
        Col("month", "date", "反映月份", "month reported", "YYYY-MM"),
        Col("hours_to_accept", "number", "受理用时", "time to accept", "hours"),
        Col("hours_to_resolve", "number", "解决用时", "time to resolve", "hours"),
    ]),
    "ballots.csv": ("每次已结束的表决一行", "one row per closed ballot", [
        Col("ballot_key", "key", "表决假名键", "ballot's pseudonymous key"), COMMUNITY,
        Col("method", "string", "表决规则代码", "voting rule code"),
        Col("secrecy", "string", "是否无记名", "secret or open ballot", allowed="secret, open"),
        Col("month", "date", "结束月份", "month closed", "YYYY-MM"),
        Col("eligible", "integer", "有投票资格的人数或户数", "eligible voters or households"),
        Col("voted", "integer", "投票的人数或户数", "voters or households who voted"),
    ]),
    "ballot_participation.csv": ("谁参与了哪次表决（绝不含选择内容）",
                                 "who took part in which ballot (never what they chose)", [
        Col("ballot_key", "key", "表决假名键", "ballot's key"),
        Col("voter_key", "key", "投票人假名键（户投票时为住户假名键）",
            "voter's person key (a household key for household votes)"),
        Col("voter_kind", "string", "投票人类型", "voter kind", allowed="person, household"),
    ]),
    "survey_responses.csv": ("每份问卷回答一行", "one row per survey response", [
        Col("response_key", "key", "回答假名键", "response's key"),
        Col("survey_key", "key", "问卷假名键", "survey's key"), COMMUNITY,
        Col("wave", "string", "调查波次", "wave", allowed="single, before, after, yearly"),
        Col("respondent_key", "key", "受访者假名键（同一系列前后测一致，可配对）",
            "respondent key (the same across the waves of a series, for pairing)"),
        Col("person_key", "key", "成员假名键；匿名问卷或纸质问卷为空",
            "person key; empty for anonymous or paper surveys"),
        Col("channel", "string", "填写方式", "channel", allowed="online, paper"),
        Col("month", "date", "提交月份", "month submitted", "YYYY-MM"),
    ]),
    "survey_answers.csv": ("长格式：每个回答的每一题一行（不含自由文本题）",
                           "long format: one row per answered item (free-text items left out)",
                           [
        Col("response_key", "key", "回答假名键", "response's key"),
        Col("item", "string", "题目名（XLSForm name）", "item name (XLSForm name)"),
        Col("value", "string", "答案（多选以空格分隔）",
            "answer (multiple choices separated by spaces)"),
    ]),
}

OPEN_DICTIONARY: dict[str, tuple[str, str, list[Col]]] = {
    "spaces.geojson": ("社区公开的公共空间（GeoJSON, WGS-84）",
                       "the community's public spaces (GeoJSON, WGS-84)", [
        Col("name", "string", "名称", "name"), Col("kind", "string", "类型代码", "kind code"),
        Col("state", "string", "状态代码", "state code"),
    ]),
    "reports_by_category.csv": ("按类别和状态统计的问题反映数（已隐藏的不计）",
                                "problem reports by category and status (hidden ones left out)",
                                [Col("category", "string", "类别代码", "category code"),
                                 Col("status", "string", "状态代码", "status code"),
                                 Col("reports", "integer", "条数", "count", "reports")]),
    "by_month.csv": ("最近12个月每月的问题反映与提案数", "reports and proposals per month, last 12",
                     [Col("month", "date", "月份", "month", "YYYY-MM"),
                      Col("reports", "integer", "问题反映数", "reports"),
                      Col("proposals", "integer", "提案数", "proposals")]),
    "ballots.csv": ("已结束的表决", "closed ballots", [
        Col("title", "string", "标题", "title"), Col("method", "string", "规则", "rule code"),
        Col("closed", "date", "结束日期", "date closed", "YYYY-MM-DD"),
        Col("eligible", "integer", "有资格人数/户数", "eligible"),
        Col("voted", "integer", "投票人数/户数", "voted"),
        Col("pabulib_file", "string", "参与式预算表决的 Pabulib 文件",
            "Pabulib file of a PB ballot"),
    ]),
    "pb/*.pb": ("参与式预算表决的 Pabulib 格式文件（投票人以序号代替）",
                "Pabulib files of PB ballots (voters numbered, no identities)", []),
    "access_summary.csv": ("步行可达性摘要（社区公开时）", "walking-access summary (if public)", [
        Col("category", "string", "设施类别代码", "facility category code"),
        Col("tier", "string", "生活圈", "life circle", allowed="5min, 10min, 15min"),
        Col("threshold_m", "number", "标准距离", "standard distance", "m"),
        Col("covered_share", "number", "在标准内的居民占比", "share of residents within it", "0–1"),
        Col("mean_shortfall_m", "number", "超出者平均多走的距离", "their mean extra walk", "m"),
    ]),
}


def dictionary_csv(tables: dict[str, tuple[str, str, list[Col]]]) -> bytes:
    rows = [["table", "column", "type", "unit", "allowed_values", "meaning_zh", "meaning_en"]]
    for table, (zh, en, cols) in tables.items():
        rows.append([table, "", "table", "", "", zh, en])
        for c in cols:
            rows.append([table, c.name, c.type, c.unit, c.allowed, c.zh, c.en])
    return to_csv(rows)


def readme(title_zh: str, title_en: str, scope: str, tables: dict[str, Any],
           counts: dict[str, int], research: bool) -> bytes:
    lines = [f"# {title_zh} / {title_en}", "", f"- 范围 / scope: {scope}",
             f"- 生成时间 / generated: {timezone.now().isoformat(timespec='seconds')}",
             "- 编码 / encoding: CSV 为 UTF-8（带 BOM，Excel 可直接打开）/ CSV files are UTF-8 "
             "with a BOM (Excel opens them directly)", ""]
    if research:
        lines += [
            "## 假名化 / Pseudonymisation", "",
            "所有键均为部署研究密钥下 “类型:编号” 的 HMAC-SHA256 前16位十六进制；同一人在所有表、"
            "所有导出中键相同；没有密钥无法还原。不包含姓名、电话、邮箱、用户或住户编号、房号、住址"
            "坐标、自由文本答案和投票内容。楼栋层面少于5的计数写作 “<5”；同楼栋、同租住类型、"
            "同居住年限者少于5人时，其楼栋键写作 “*”。",
            "",
            "Every key is the first 16 hex digits of HMAC-SHA256 of \"kind:id\" under this "
            "deployment's research key; one person has one key in every table and export, and "
            "nothing leads back without the key. Not included: names, phone numbers, e-mail, "
            "user or household ids, room numbers, home coordinates, free-text answers, vote "
            "choices. Building-level counts below 5 are written \"<5\"; a person's building key "
            "is \"*\" when fewer than 5 people share their building, tenure and years band.",
            "",
            "使用须遵守《个人信息保护法》与数据使用协议，不得尝试重新识别。/ Use under PIPL and "
            "the data-use agreement; do not attempt re-identification.", ""]
    lines += ["## 表 / Tables", "", "| 文件 file | 行数 rows | 说明 | description |",
              "|---|---|---|---|"]
    for name, (zh, en, _cols) in tables.items():
        lines.append(f"| {name} | {counts.get(name, '')} | {zh} | {en} |")
    lines += ["", "每列的类型、单位、取值与含义见 data_dictionary.csv。/ Types, units, allowed "
              "values and meanings of every column: data_dictionary.csv.", ""]
    return "\n".join(lines).encode("utf-8")


def to_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode("utf-8")


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _month(dt_value) -> str:
    return "" if dt_value is None else timezone.localtime(dt_value).strftime("%Y-%m")


def _hours(a, b) -> float | None:
    return None if a is None or b is None else round((b - a).total_seconds() / 3600, 2)


# --------------------------------------------------------------- research


class _Research:
    def __init__(self, communities: list[Community], keys: Keys) -> None:
        self.communities = communities
        self.key = keys
        self.tables: dict[str, list[list[Any]]] = {name: [[c.name for c in cols]]
                                                   for name, (_zh, _en, cols)
                                                   in DICTIONARY.items()}

    def add(self, table: str, row: list[Any]) -> None:
        self.tables[table].append(row)

    def community(self, c: Community) -> None:
        from gongzhi.analytics import selectors

        ck = self.key("community", c.pk)
        hh = Household.objects.filter(community=c, is_shop=False).count()
        self.add("communities.csv", [ck, c.name, hh, round(selectors.resident_estimate(c), 1)])
        who = selectors.people(c)
        acts = selectors.activity_users(c)
        kinds = [a for a in selectors.ACTIVITY_ORDER if a in acts]
        members = {u: p for u, p in who.items() if not isinstance(u, str)}
        combo = Counter((p.building_id, p.tenure, p.years) for p in members.values())
        for uid, p in sorted(members.items(), key=lambda kv: self.key("person", kv[0])):
            bk = ("*" if not p.building_id or combo[(p.building_id, p.tenure, p.years)] < K
                  else self.key("building", p.building_id))
            self.add("persons.csv", [self.key("person", uid), ck, p.tenure, bk, p.years,
                                     *[int(uid in acts.get(a, ())) for a in
                                       ("reported", "proposed", "commented", "supported",
                                        "voted", "attended", "co_built")]])
        self._buildings(c, ck, members, acts, kinds)
        self._reports(c, ck)
        self._ballots(c, ck)
        self._surveys(c, ck, list(members))

    def _buildings(self, c, ck, members, acts, kinds) -> None:
        from django.db.models import Count

        everyone = set().union(*[acts[a] for a in kinds]) if kinds else set()
        hh = dict(Household.objects.filter(community=c, is_shop=False).values("building")
                  .annotate(n=Count("id")).values_list("building", "n"))
        elderly: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for bid, res, old in (Household.objects.filter(community=c, is_shop=False,
                                                       elderly__isnull=False)
                              .values_list("building_id", "residents", "elderly")):
            e = elderly[bid]
            e[0] += 1
            e[1] += old or 0
            e[2] += res if res is not None else 0
        per_b = Counter(p.building_id for p in members.values() if p.building_id)
        part_b = Counter(members[u].building_id for u in everyone
                         if u in members and members[u].building_id)
        access = self._access(c)
        for bid in Building.objects.filter(community=c).order_by("pk").values_list("pk",
                                                                                flat=True):
            if bid not in hh:
                continue
            counts = elderly.get(bid)
            share = (round(counts[1] / counts[2], 2) if counts and counts[0] >= K and counts[2]
                     else None)
            a = access.get(bid, {})
            self.add("buildings.csv", [self.key("building", bid), ck, small(hh[bid]),
                                       small(per_b[bid]), small(part_b[bid]), share,
                                       a.get("completeness"), a.get("fca")])

    @staticmethod
    def _access(c: Community) -> dict[int, dict[str, Any]]:
        if not apps.is_installed("gongzhi.spatial"):
            return {}
        from gongzhi.spatial.selectors import access_result

        result = access_result(c)
        if not result:
            return {}
        return {b["id"]: {"completeness": b["completeness"], "fca": round(b["fca"], 6)}
                for b in result["buildings"]}

    def _reports(self, c, ck) -> None:
        from gongzhi.reports.models import Report

        for pk, uid, cat, status, created, accepted, resolved in (
                Report.objects.filter(community=c).order_by("pk")
                .values_list("pk", "reporter_id", "category", "status", "created_at",
                             "accepted_at", "resolved_at")):
            self.add("reports.csv", [self.key("report", pk), ck,
                                     self.key("person", uid) if uid else "", cat, status,
                                     _month(created), _hours(created, accepted),
                                     _hours(created, resolved)])

    def _ballots(self, c, ck) -> None:
        if not apps.is_installed("gongzhi.decisions"):
            return
        from gongzhi.decisions.models import Ballot, BallotState, VoterRecord

        closed = list(Ballot.objects.filter(community=c, state=BallotState.CLOSED)
                      .order_by("pk"))
        voted: Counter[int] = Counter()
        rows = []
        for bid, uid, hid, cast in (VoterRecord.objects.filter(ballot__in=closed)
                                    .values_list("ballot_id", "eligibility__user_id",
                                                 "eligibility__household_id", "cast_by_id")):
            voted[bid] += 1
            if uid or (cast and not hid):
                rows.append([self.key("ballot", bid), self.key("person", uid or cast),
                             "person"])
            elif hid:
                rows.append([self.key("ballot", bid), self.key("household", hid), "household"])
        for b in closed:
            self.add("ballots.csv", [self.key("ballot", b.pk), ck, b.method, b.secrecy,
                                     _month(b.closed_at or b.updated_at), b.eligible_count,
                                     voted[b.pk]])
        # sorted by key, so row order reveals nothing about the order of voting
        for r in sorted(rows):
            self.add("ballot_participation.csv", r)

    def _surveys(self, c, ck, member_ids: list[int]) -> None:
        if not apps.is_installed("gongzhi.surveys"):
            return
        from gongzhi.surveys.keys import respondent_key
        from gongzhi.surveys.models import Response, Survey

        for s in Survey.objects.filter(community=c).select_related("instrument").order_by("pk"):
            form = s.instrument.form()
            # only the form's own closed items: free text (and anything the form does not
            # define) may hold names or phone numbers
            closed_items = {q.name for q in form.questions()
                            if q.type not in ("text", "note", "date")}
            linked = {} if s.anonymous else {respondent_key(s.key_secret, u): u
                                             for u in member_ids}
            sk = self.key("survey", s.pk)
            for r in Response.objects.filter(survey=s).order_by("pk").only(
                    "pk", "respondent_key", "channel", "submitted_at", "answers"):
                rk = self.key("response", r.pk)
                uid = linked.get(r.respondent_key)
                self.add("survey_responses.csv", [
                    rk, sk, ck, s.wave,
                    self.key("respondent", r.respondent_key[:16]) if r.respondent_key else "",
                    self.key("person", uid) if uid else "", r.channel,
                    _month(r.submitted_at)])
                for item, value in sorted((r.answers or {}).items()):
                    if item not in closed_items or value in (None, "", []):
                        continue
                    text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
                    self.add("survey_answers.csv", [rk, item, text])


def research_zip(communities: list[Community], *, scope: str, keys: Keys | None = None
                 ) -> tuple[bytes, dict[str, int]]:
    """The research export of these communities; returns (zip bytes, rows per table)."""
    r = _Research(communities, keys or Keys())
    for c in communities:
        r.community(c)
    counts = {name: len(rows) - 1 for name, rows in r.tables.items()}
    files = {name: to_csv(rows) for name, rows in r.tables.items()}
    files["data_dictionary.csv"] = dictionary_csv(DICTIONARY)
    files["README.md"] = readme("共治研究数据（假名化）", "Gongzhi research export "
                                "(pseudonymised)", scope, DICTIONARY, counts, research=True)
    return _zip(files), counts


# --------------------------------------------------------------- open data


def open_data_zip(community: Community) -> bytes:
    from gongzhi.analytics import selectors
    from gongzhi.reports.models import Report
    from gongzhi.spaces.models import Space

    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    features = [{"type": "Feature", "geometry": s.geometry,
                 "properties": {"name": s.name, "kind": s.kind, "state": s.state}}
                for s in Space.objects.filter(community=community, is_public=True).order_by("pk")]
    files["spaces.geojson"] = json.dumps({"type": "FeatureCollection", "features": features},
                                         ensure_ascii=False).encode("utf-8")
    counts["spaces.geojson"] = len(features)
    by_cat = sorted(Counter(Report.objects.public().filter(community=community)
                            .values_list("category", "status")).items())
    files["reports_by_category.csv"] = to_csv([["category", "status", "reports"],
                                               *[[c, s, n] for (c, s), n in by_cat]])
    counts["reports_by_category.csv"] = len(by_cat)
    kpi = selectors.loop_kpis(community)
    files["by_month.csv"] = to_csv([["month", "reports", "proposals"],
                                    *zip(kpi.months, kpi.reports_by_month,
                                         kpi.proposals_by_month, strict=True)])
    counts["by_month.csv"] = len(kpi.months)
    counts.update(_open_ballots(community, files))
    access = _open_access(community)
    if access is not None:
        files["access_summary.csv"] = access
        counts["access_summary.csv"] = access.count(b"\n") - 1
    tables = {k: v for k, v in OPEN_DICTIONARY.items() if k in files or k == "pb/*.pb"}
    files["data_dictionary.csv"] = dictionary_csv(tables)
    files["README.md"] = readme("共治开放数据", "Gongzhi open data", community.name, tables,
                                counts, research=False)
    return _zip(files)


def _open_ballots(community: Community, files: dict[str, bytes]) -> dict[str, int]:
    if not apps.is_installed("gongzhi.decisions"):
        return {}
    from gongzhi.decisions import selectors as ds
    from gongzhi.decisions.models import Ballot, BallotState

    rows: list[list[Any]] = [["title", "method", "closed", "eligible", "voted",
                              "pabulib_file"]]
    for b in (Ballot.objects.filter(community=community, state=BallotState.CLOSED)
              .select_related("community").order_by("pk")):
        name = ""
        if b.is_pb:
            name = f"pb/{b.uid}.pb"
            files[name] = ds.pabulib_text(b).encode("utf-8")
        t = ds.turnout(b)
        closed = b.closed_at or b.updated_at
        rows.append([b.title, b.method, timezone.localtime(closed).date().isoformat(),
                     t["eligible"], t["voted"], name])
    files["ballots.csv"] = to_csv(rows)
    return {"ballots.csv": len(rows) - 1}


def _open_access(community: Community) -> bytes | None:
    if not apps.is_installed("gongzhi.spatial"):
        return None
    from gongzhi.spatial.selectors import access_result, public_summary
    from gongzhi.spatial.services import config_for

    if not config_for(community).public_summary:
        return None
    result = access_result(community)
    if result is None:
        return None
    s = public_summary(result)
    return to_csv([["category", "tier", "threshold_m", "covered_share", "mean_shortfall_m"],
                   *[[c["code"], c["tier"], round(c["threshold_m"], 1),
                      None if c["covered_share"] is None else round(c["covered_share"], 4),
                      None if c["mean_shortfall_m"] is None else round(c["mean_shortfall_m"], 1)]
                     for c in s["categories"]]])
