"""Participation-equity and governance-KPI pages (aggregates only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from gongzhi.analytics import selectors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm


def _chart(eq) -> dict:
    groups = list(dict.fromkeys(s.group for r in eq.by_activity for s in r["shares"]))
    return {
        "activities": [r["label"] for r in eq.by_activity],
        "series": [{"name": selectors.tenure_label(g),
                    "data": [next((round(s.ratio, 3) for s in r["shares"]
                                   if s.group == g and s.ratio is not None), None)
                             for r in eq.by_activity]} for g in groups],
    }


def _waves(community) -> list[dict]:
    from gongzhi.surveys.models import Survey

    return [{"survey": s, "groups": selectors.belonging_by_participation(s)}
            for s in (Survey.objects.filter(community=community, pairs_with__isnull=False)
                      .select_related("instrument", "pairs_with", "community", "project")
                      .order_by("-created_at")[:3])]


@login_required
def report_pdf(request: AuthedRequest, slug: str) -> HttpResponse:
    from gongzhi.analytics.report_pdf import community_report_pdf

    community = community_or_404(slug)
    require_perm(request, "analytics.view_dashboard", community)
    pdf = community_report_pdf(community, selectors.equity(community),
                               selectors.loop_kpis(community), _waves(community))
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{community.slug}-report.pdf"'
    return resp


@login_required
def dashboard(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "analytics.view_dashboard", community)
    eq = selectors.equity(community)
    kpi = selectors.loop_kpis(community)
    waves = _waves(community)
    groups = [{"code": g, "label": selectors.tenure_label(g)}
              for g in dict.fromkeys(s.group for r in eq.by_activity for s in r["shares"])]
    import json

    from django.utils.translation import gettext as _

    trend_labels = json.dumps([_("Reports"), _("Proposals")], ensure_ascii=False)
    return render(request, "analytics/dashboard.html", {
        "trend_labels": trend_labels,
        "community": community, "eq": eq, "kpi": kpi, "waves": waves, "groups": groups,
        "chart": _chart(eq), "trend_rows": list(zip(kpi.months, kpi.reports_by_month,
                                                    kpi.proposals_by_month, strict=True)),
        "trend": {"months": kpi.months, "reports": kpi.reports_by_month,
                                       "proposals": kpi.proposals_by_month}})


@login_required
def area(request: AuthedRequest, pk: int) -> HttpResponse:
    from gongzhi.accounts.models import AreaRole
    from gongzhi.places.models import Community, Region

    region = get_object_or_404(Region, pk=pk)
    allowed = request.user.is_superuser or AreaRole.objects.filter(
        user=request.user, region__in=[r.pk for r in region.path()]).exists()
    if not allowed:
        raise PermissionDenied
    ids = [region.pk]
    frontier = [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk",
                                                                                flat=True))
        ids += frontier
    rows = []
    for c in Community.objects.filter(subdistrict_id__in=ids, is_active=True).order_by("name"):
        eq = selectors.equity(c)
        kpi = selectors.loop_kpis(c)
        voted = next((r for r in eq.by_activity if r["code"] == "voted"), None)
        rows.append({"community": c, "participants": eq.participants,
                     "gini": eq.building_gini, "duncan_vote": voted and voted["duncan"],
                     "accept_median": kpi.accept.median, "resolve_median": kpi.resolve.median,
                     "answered": kpi.answered, "implemented": kpi.implemented,
                     "actions_on_time": kpi.actions_on_time})
    return render(request, "analytics/area.html", {"region": region, "rows": rows})
