"""Reads for the subdistrict report: the communities of a region compared side by side.

Who may read it: the region's area admins (a subdistrict admin, or a district admin above
it — `AreaRole` on the region or one of its ancestors) and superusers; see
`can_view_area`. Everything is counts and shares; no person is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from gongzhi.analytics import selectors
from gongzhi.places.models import Community, Region


def can_view_area(user, region: Region) -> bool:
    from gongzhi.accounts.models import AreaRole

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return AreaRole.objects.filter(user=user, region__in=[r.pk for r in region.path()]).exists()


def area_communities(region: Region) -> list[Community]:
    """The active communities of `region` and of every region below it (one query per
    level of the region tree, then one for the communities)."""
    ids = [region.pk]
    frontier = [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier)
                        .values_list("pk", flat=True))
        ids += frontier
    return list(Community.objects.filter(subdistrict_id__in=ids, is_active=True)
                .select_related("subdistrict").order_by("name"))


@dataclass
class CommunityRow:
    community: Community
    eq: selectors.Equity
    kpi: selectors.LoopKpis
    residents: float
    voted_duncan: float | None
    belonging: list[dict[str, Any]] = field(default_factory=list)
    access: dict[str, Any] | None = None


@dataclass
class AreaReport:
    region: Region
    rows: list[CommunityRow]
    months: list[str]
    access: dict[str, Any] | None
    notes: list[str]

    @property
    def memory_installed(self) -> bool:
        return apps.is_installed("gongzhi.memory")


def belonging_summary(community: Community) -> list[dict[str, Any]]:
    """For the latest paired 'after' wave: each scale's paired change among those who took
    part and those who did not (from `selectors.belonging_by_participation`)."""
    from gongzhi.surveys.models import Survey

    survey = (Survey.objects.filter(community=community, pairs_with__isnull=False)
              .select_related("instrument", "pairs_with", "community")
              .order_by("-created_at").first())
    if survey is None:
        return []
    out = []
    for g in selectors.belonging_by_participation(survey):
        if g["group"] not in ("took_part", "did_not"):
            continue
        for c in g["comparisons"]:
            if c.change is not None:
                out.append({"survey": survey.title, "group": g["label"], "scale": c.label,
                            "n": c.change.n, "before": c.change.mean_before,
                            "after": c.change.mean_after, "change": c.change.mean_diff,
                            "d_z": c.change.d_z})
    return out


def subdistrict_report(region: Region, user=None) -> AreaReport:
    communities = area_communities(region)
    rows = []
    for c in communities:
        eq = selectors.equity(c)
        kpi = selectors.loop_kpis(c)
        voted = next((r for r in eq.by_activity if r["code"] == "voted"), None)
        rows.append(CommunityRow(community=c, eq=eq, kpi=kpi,
                                 residents=selectors.resident_estimate(c),
                                 voted_duncan=voted["duncan"] if voted else None,
                                 belonging=belonging_summary(c)))
    access = None
    if apps.is_installed("gongzhi.spatial"):
        from gongzhi.spatial.selectors import area_access

        access = area_access(communities, user)
        by_pk = {r["community"].pk: r["summary"] for r in access["rows"]}
        for row in rows:
            row.access = by_pk.get(row.community.pk)
    notes = [_("Residents are the household ledger's recorded numbers, else persons per "
               "household × dwellings.")]
    if not apps.is_installed("gongzhi.memory"):
        notes.append(_("Memories contributed: not yet available (the memory archive is not "
                       "installed on this site)."))
    months = rows[0].kpi.months if rows else []
    return AreaReport(region=region, rows=rows, months=months, access=access, notes=notes)


def trend_series(report: AreaReport) -> dict[str, Any]:
    """Reports and proposals per month, one series per community (for the charts)."""
    return {"months": report.months,
            "reports": [{"name": r.community.name, "data": r.kpi.reports_by_month}
                        for r in report.rows],
            "proposals": [{"name": r.community.name, "data": r.kpi.proposals_by_month}
                          for r in report.rows]}
