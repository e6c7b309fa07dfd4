"""Participation equity and loop KPIs of a community, read in a fixed number of queries.

Residents' composition comes from the household ledger (dwellings by tenure and building;
shops excluded) and, for years of residence, from verified memberships. A participant's
group is their membership's household (tenure, building) and year moved in; people without
a linked household count as "unknown".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.analytics.engine.equity import (
    GroupShare,
    duncan,
    funnel,
    gini,
    repeat_share,
    representation,
)
from gongzhi.analytics.engine.kpi import Distribution, distribution, per_thousand, share
from gongzhi.places.models import Household, Tenure

UNKNOWN = "unknown"
YEAR_BANDS = (("lt5", 0, 4), ("5to14", 5, 14), ("15plus", 15, 200))


def tenure_label(code: str) -> str:
    if code == UNKNOWN:
        return _("Unknown")
    try:
        return str(Tenure(code).label)
    except ValueError:
        return code


def years_label(code: str) -> str:
    return {"lt5": _("Under 5 years"), "5to14": _("5–14 years"),
            "15plus": _("15 years or more"), UNKNOWN: _("Unknown")}[code]


def _band(year: int | None, today: dt.date) -> str:
    if not year:
        return UNKNOWN
    n = today.year - year
    return next((b for b, lo, hi in YEAR_BANDS if lo <= n <= hi), UNKNOWN)


@dataclass
class Person:
    tenure: str
    building_id: int | None
    years: str


def people(community) -> dict[Any, Person]:
    """user id → their group in this community; ``"h:<id>"`` → a household's group (for
    household votes cast without a linked account). Two queries."""
    from gongzhi.accounts.models import Membership

    today = timezone.localdate()
    out: dict[Any, Person] = {}
    for hid, tenure, bid in (Household.objects.filter(community=community, is_shop=False)
                             .values_list("id", "tenure", "building_id")):
        out[f"h:{hid}"] = Person(tenure or UNKNOWN, bid, UNKNOWN)
    for uid, tenure, bid, year in (Membership.objects.filter(community=community)
                                   .values_list("user_id", "household__tenure",
                                                "household__building_id", "moved_in_year")):
        out[uid] = Person(tenure or UNKNOWN, bid, _band(year, today))
    return out


def activity_users(community) -> dict[str, set[int]]:
    """Activity → the ids of people who did it in this community."""
    from gongzhi.meetings.models import Attendance
    from gongzhi.projects.models import Comment, Proposal, Support, TaskSignup
    from gongzhi.reports.models import Report

    acts: dict[str, set[int]] = {
        "reported": set(Report.objects.filter(community=community, reporter__isnull=False)
                        .values_list("reporter_id", flat=True)),
        "proposed": set(Proposal.objects.filter(community=community, author__isnull=False)
                        .values_list("author_id", flat=True)),
        "commented": set(Comment.objects.filter(community=community, author__isnull=False)
                         .values_list("author_id", flat=True)),
        "supported": set(Support.objects.filter(proposal__community=community)
                         .values_list("user_id", flat=True)),
        "attended": set(Attendance.objects.filter(meeting__community=community,
                                                  user__isnull=False)
                        .values_list("user_id", flat=True)),
        "co_built": set(TaskSignup.objects.filter(task__project__community=community)
                        .values_list("user_id", flat=True)),
    }
    if apps.is_installed("gongzhi.decisions"):
        from gongzhi.decisions.models import VoterRecord

        voted: set[Any] = set()
        per_ballot: dict[int, set[Any]] = defaultdict(set)
        for bid, uid, hid, cast in (VoterRecord.objects.filter(ballot__community=community)
                                    .values_list("ballot_id", "eligibility__user_id",
                                                 "eligibility__household_id", "cast_by_id")):
            if uid or (cast and not hid):
                key: Any = uid or cast
            elif hid:
                key = f"h:{hid}"  # a household's vote (户): counted by its household
            else:
                continue
            voted.add(key)
            per_ballot[bid].add(key)
        acts["voted"] = voted
        for bid, keys in per_ballot.items():
            acts[f"ballot:{bid}"] = keys
    return acts


ACTIVITY_ORDER = ["reported", "proposed", "commented", "supported", "voted", "attended",
                  "co_built"]


def activity_label(code: str) -> str:
    return {"reported": _("Reported a problem"), "proposed": _("Made a proposal"),
            "commented": _("Commented"), "supported": _("Supported a proposal"),
            "voted": _("Voted"), "attended": _("Attended a meeting"),
            "co_built": _("Co-built (signed up for a task)"),
            "members": _("Members")}.get(code, code)


@dataclass
class Equity:
    residents_by_tenure: dict[str, int]
    by_activity: list[dict[str, Any]]
    by_years: list[dict[str, Any]]
    buildings: list[dict[str, Any]]
    building_gini: float | None
    funnel: list[Any]
    repeat: float | None
    participants: int
    notes: list[str] = field(default_factory=list)


def equity(community) -> Equity:
    residents = dict(Household.objects.filter(community=community, is_shop=False)
                     .values("tenure").annotate(n=Count("id")).values_list("tenure", "n"))
    who = people(community)
    acts = activity_users(community)
    rows = []
    ballot_codes = [k for k in acts if k.startswith("ballot:")]
    titles: dict[str, str] = {}
    if ballot_codes:
        from gongzhi.decisions.models import Ballot

        titles = {f"ballot:{pk}": t for pk, t in Ballot.objects.filter(
            pk__in=[int(k.split(":")[1]) for k in ballot_codes]).values_list("pk", "title")}
    for code in ACTIVITY_ORDER + sorted(ballot_codes):
        ids = acts.get(code)
        if ids is None:
            continue
        c = Counter(who[u].tenure if u in who else UNKNOWN for u in ids)
        known = {k: v for k, v in c.items() if k != UNKNOWN}
        shares: list[GroupShare] = representation(residents, known)
        label = (_("Voted: %(title)s") % {"title": titles.get(code, "")}
                 if code.startswith("ballot:") else activity_label(code))
        rows.append({"code": code, "label": label, "n": len(ids),
                     "unknown": c.get(UNKNOWN, 0), "shares": shares,
                     "duncan": duncan(residents, known)})
    kinds = {k: v for k, v in acts.items() if not k.startswith("ballot:")}
    everyone = set().union(*kinds.values()) if kinds else set()
    # years of residence: members as the population (the ledger has no move-in year)
    member_years = Counter(p.years for k, p in who.items() if not isinstance(k, str))
    part_years = Counter(who[u].years for u in everyone if u in who)
    by_years = [{"group": g.group, "label": years_label(g.group), "share": g}
                for g in representation(
                    {k: v for k, v in member_years.items() if k != UNKNOWN},
                    {k: v for k, v in part_years.items() if k != UNKNOWN})]
    # buildings: participants per household
    hh = dict(Household.objects.filter(community=community, is_shop=False)
              .values("building").annotate(n=Count("id")).values_list("building", "n"))
    per_b: Counter[int] = Counter(b for b in (who[u].building_id for u in everyone if u in who)
                                  if b)
    from gongzhi.places.models import Building

    names = dict(Building.objects.filter(community=community).values_list("id", "number"))
    buildings = [{"building": names.get(b, "?"), "households": n, "participants": per_b[b],
                  "rate": per_b[b] / n} for b, n in sorted(hh.items(),
                                                           key=lambda kv: names.get(kv[0], ""))
                 if n]
    counts: dict[int, int] = defaultdict(int)
    for ids in kinds.values():
        for u in ids:
            counts[u] += 1
    steps = [("members", len(who))] + [(c, len(acts[c])) for c in
                                       ("commented", "supported", "voted", "co_built")
                                       if c in acts]
    notes = [_("Viewing is not counted: Gongzhi keeps no record of who reads a page."),
             _("Age bands are not in the household ledger; meeting sign-in sheets record "
               "them only for attendees.")]
    return Equity(residents_by_tenure=residents, by_activity=rows, by_years=by_years,
                  buildings=buildings, building_gini=gini([b["rate"] for b in buildings]),
                  funnel=[(activity_label(s.step), s) for s in funnel(steps)],
                  repeat=repeat_share(counts), participants=len(everyone), notes=notes)


@dataclass
class LoopKpis:
    accept: Distribution
    resolve: Distribution
    proposals: int
    answered: float | None
    decided: float | None
    implemented: float | None
    actions_due: int
    actions_on_time: float | None
    volunteer_hours_per_1000: float | None
    memories: int | None
    months: list[str]
    reports_by_month: list[int]
    proposals_by_month: list[int]


def loop_kpis(community, *, months: int = 12) -> LoopKpis:
    from gongzhi.meetings.models import ActionItem
    from gongzhi.projects.models import Proposal, Result
    from gongzhi.reports.models import Report, ResponseTargets

    targets = ResponseTargets.objects.filter(community=community).first()
    accept_h = float(targets.accept_hours) if targets else None
    resolve_h = float(targets.resolve_days) * 24 if targets else None
    acc, res = [], []
    by_month_r: Counter[str] = Counter()
    for created, accepted, resolved in (Report.objects.filter(community=community)
                                        .values_list("created_at", "accepted_at",
                                                     "resolved_at")):
        by_month_r[timezone.localtime(created).strftime("%Y-%m")] += 1
        if accepted:
            acc.append((accepted - created).total_seconds() / 3600)
        if resolved:
            res.append((resolved - created).total_seconds() / 3600)
    props = list(Proposal.objects.filter(community=community)
                 .values_list("id", "answered_at", "answer", "created_at"))
    decided_codes = {"accepted", "rejected", "merged"}
    implemented = set(Result.objects.filter(community=community, proposal__isnull=False,
                                            status="done")
                      .values_list("proposal_id", flat=True))
    by_month_p: Counter[str] = Counter(timezone.localtime(p[3]).strftime("%Y-%m")
                                       for p in props)
    today = timezone.localdate()
    items = list(ActionItem.objects.filter(community=community, due_on__isnull=False,
                                           due_on__lte=today)
                 .values_list("status", "due_on", "completed_on"))
    on_time = sum(1 for st, due, done in items
                  if st == "done" and done and due and done <= due)
    residents = resident_estimate(community)
    hours = None
    if apps.is_installed("gongzhi.volunteers"):
        from gongzhi.volunteers import selectors as vs

        hours = per_thousand(float(vs.total_hours(community)), round(residents))
    memories = memories_contributed(community)
    labels = []
    y, m = today.year, today.month
    for _i in range(months):
        labels.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    labels.reverse()
    n = len(props)
    return LoopKpis(
        accept=distribution(acc, accept_h), resolve=distribution(res, resolve_h),
        proposals=n, answered=share(sum(1 for p in props if p[1]), n),
        decided=share(sum(1 for p in props if p[2] in decided_codes), n),
        implemented=share(sum(1 for p in props if p[0] in implemented), n),
        actions_due=len(items), actions_on_time=share(on_time, len(items)),
        volunteer_hours_per_1000=hours, memories=memories, months=labels,
        reports_by_month=[by_month_r.get(x, 0) for x in labels],
        proposals_by_month=[by_month_p.get(x, 0) for x in labels])


def resident_estimate(community) -> float:
    """Residents per the ledger: each dwelling's recorded number of residents, else the
    community's persons per household (access settings; 2.3 by default). One query."""
    from django.db.models import Sum

    pph = 2.3
    if apps.is_installed("gongzhi.spatial"):
        from gongzhi.spatial.services import config_for

        pph = float(config_for(community).persons_per_household)
    agg = Household.objects.filter(community=community, is_shop=False).aggregate(
        n=Count("id"), known=Count("residents"), people=Sum("residents"))
    return float(agg["people"] or 0) + (agg["n"] - agg["known"]) * pph


def memories_contributed(community) -> int | None:
    """Published items of the collective-memory archive, or None when that app is not
    installed (it is being built in parallel; the reports say "not yet available")."""
    if not apps.is_installed("gongzhi.memory"):
        return None
    try:
        item = apps.get_model("memory", "MemoryItem")
    except LookupError:  # pragma: no cover - an older memory app
        return None
    return item.objects.filter(community=community, status="approved").count()


def belonging_by_participation(after_survey) -> list[dict[str, Any]]:
    """For an 'after' wave: each subscale's paired change, split by whether and how the
    respondent took part. Participants are matched to keys by hashing their ids with the
    survey's secret, so the analysis never holds an identity."""
    from gongzhi.surveys import selectors as ss
    from gongzhi.surveys.keys import respondent_key
    from gongzhi.surveys.scoring import compare_waves

    before = after_survey.pairs_with
    if before is None:
        return []
    form = after_survey.instrument.form()
    acts = activity_users(after_survey.community)
    secret = after_survey.key_secret
    key_acts: dict[str, set[str]] = defaultdict(set)
    for code, ids in acts.items():
        for u in ids:
            # response_dicts carries the first 16 hex digits of the key (64 bits)
            key_acts[respondent_key(secret, u)[:16]].add(code)
    b = [(r["respondent_key"], r["answers"]) for r in ss.response_dicts(before)]
    a = [(r["respondent_key"], r["answers"]) for r in ss.response_dicts(after_survey)]
    groups = {
        "took_part": lambda k: bool(key_acts.get(k)),
        "did_not": lambda k: not key_acts.get(k),
        "voted": lambda k: "voted" in key_acts.get(k, ()),
        "attended": lambda k: "attended" in key_acts.get(k, ()),
        "co_built": lambda k: "co_built" in key_acts.get(k, ()),
    }
    labels = {"took_part": _("Took part"), "did_not": _("Did not take part"),
              "voted": _("Voted"), "attended": _("Attended a meeting"),
              "co_built": _("Co-built")}
    out = []
    for g, pred in groups.items():
        comps = compare_waves(form, [x for x in b if pred(x[0])], [x for x in a if pred(x[0])])
        out.append({"group": g, "label": labels[g], "comparisons": comps})
    return out
