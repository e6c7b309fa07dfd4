"""Analytics API, mounted at /api/v1/analytics/: a community's participation equity and loop
KPIs as numbers (the dashboard's figures; aggregates only, never a person), for the
workers, admins and subdistrict admins who may see the dashboard."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.analytics import selectors
from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404

router = Router(tags=["analytics"])


class ShareOut(Schema):
    group: str
    label: str
    residents: int
    participants: int
    resident_share: float
    participant_share: float
    ratio: float | None


class ActivityOut(Schema):
    code: str
    label: str
    people: int
    unknown_tenure: int
    duncan: float | None
    shares: list[ShareOut]


class BuildingOut(Schema):
    building: str
    households: int
    participants: int
    rate: float


class EquityOut(Schema):
    community: str
    participants: int
    residents_by_tenure: dict[str, int]
    building_gini: float | None
    repeat_share: float | None
    by_activity: list[ActivityOut]
    buildings: list[BuildingOut]
    notes: list[str]


class DistributionOut(Schema):
    n: int
    median_hours: float | None
    p90_hours: float | None
    target_hours: float | None
    within_target: float | None


class KpisOut(Schema):
    community: str
    accept: DistributionOut
    resolve: DistributionOut
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


def _dashboard_community(request: HttpRequest, slug: str):
    user = require_user(request)
    community = community_or_404(slug)
    if not user.has_perm("analytics.view_dashboard", community):
        raise PermissionDenied
    return community


def _share(s) -> dict:
    return {"group": s.group, "label": str(selectors.tenure_label(s.group)),
            "residents": s.residents, "participants": s.participants,
            "resident_share": s.resident_share, "participant_share": s.participant_share,
            "ratio": s.ratio}


@router.get("/communities/{slug}/equity", response=EquityOut,
            summary="Participation equity: who takes part, by tenure and by building")
def equity(request: HttpRequest, slug: str):
    community = _dashboard_community(request, slug)
    eq = selectors.equity(community)
    return {"community": community.slug, "participants": eq.participants,
            "residents_by_tenure": eq.residents_by_tenure, "building_gini": eq.building_gini,
            "repeat_share": eq.repeat,
            "by_activity": [{"code": r["code"], "label": str(r["label"]), "people": r["n"],
                             "unknown_tenure": r["unknown"], "duncan": r["duncan"],
                             "shares": [_share(s) for s in r["shares"]]}
                            for r in eq.by_activity],
            "buildings": [{"building": str(b["building"]), "households": b["households"],
                           "participants": b["participants"], "rate": b["rate"]}
                          for b in eq.buildings],
            "notes": [str(n) for n in eq.notes]}


def _dist(d) -> dict:
    return {"n": d.n, "median_hours": d.median, "p90_hours": d.p90,
            "target_hours": d.target, "within_target": d.within_target}


@router.get("/communities/{slug}/kpis", response=KpisOut,
            summary="Loop KPIs: time to accept and resolve, proposals answered, decided "
                    "and implemented, action items on time, volunteer hours, memories")
def kpis(request: HttpRequest, slug: str):
    community = _dashboard_community(request, slug)
    k = selectors.loop_kpis(community)
    return {"community": community.slug, "accept": _dist(k.accept),
            "resolve": _dist(k.resolve), "proposals": k.proposals, "answered": k.answered,
            "decided": k.decided, "implemented": k.implemented, "actions_due": k.actions_due,
            "actions_on_time": k.actions_on_time,
            "volunteer_hours_per_1000": k.volunteer_hours_per_1000, "memories": k.memories,
            "months": k.months, "reports_by_month": k.reports_by_month,
            "proposals_by_month": k.proposals_by_month}
