"""Participation-equity and governance-KPI pages (aggregates only)."""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from gongzhi.analytics import selectors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm


def _access(community, user) -> dict | None:
    """The access section (docs/spatial.md), or None (no network / not allowed)."""
    if not apps.is_installed("gongzhi.spatial"):
        return None
    from gongzhi.spatial.selectors import access_summary

    return access_summary(community, user)


def _access_rows(access: dict | None) -> list[dict]:
    if not access:
        return []
    from gongzhi.spatial.labels import TIER_LABELS, category_label

    return [{**c, "label": category_label(c["code"]),
             "tier_label": TIER_LABELS.get(c["tier"], c["tier"])} for c in access["categories"]]


def _access_points(community, user) -> list[dict] | None:
    """Buildings (lon, lat, share of categories reached) for the PDF's small map; only for
    those who may see per-building figures."""
    if not apps.is_installed("gongzhi.spatial") or not user.has_perm("spatial.view_access",
                                                                     community):
        return None
    from gongzhi.spatial.selectors import cached_result

    result = cached_result(community)
    if not result:
        return None
    n = max(len(result["categories"]), 1)
    return [{"lon": b["lon"], "lat": b["lat"], "reached": b["completeness"] / n}
            for b in result["buildings"]]


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
                               selectors.loop_kpis(community), _waves(community),
                               access=_access(community, request.user),
                               points=_access_points(community, request.user))
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
    trend_labels = json.dumps([_("Reports"), _("Proposals")], ensure_ascii=False)
    access = _access(community, request.user)
    return render(request, "analytics/dashboard.html", {
        "trend_labels": trend_labels, "access": access,
        "can_research": request.user.has_perm("analytics.research_export", community),
        "access_chart": _access_chart(access),
        "access_categories": _access_rows(access),
        "community": community, "eq": eq, "kpi": kpi, "waves": waves, "groups": groups,
        "chart": _chart(eq), "trend_rows": list(zip(kpi.months, kpi.reports_by_month,
                                                    kpi.proposals_by_month, strict=True)),
        "trend": {"months": kpi.months, "reports": kpi.reports_by_month,
                                       "proposals": kpi.proposals_by_month}})


def _area_or_403(request: HttpRequest, pk: int):
    from gongzhi.analytics.subdistrict import can_view_area
    from gongzhi.places.models import Region

    region = get_object_or_404(Region, pk=pk)
    if not can_view_area(request.user, region):
        raise PermissionDenied
    return region


def _access_chart(access: dict | None) -> dict | None:
    """Coverage per category for the chart (the tables carry the same numbers)."""
    if not access:
        return None
    from gongzhi.spatial.labels import category_label

    return {"categories": [category_label(c["code"]) for c in access["categories"]],
            "covered": [None if c["covered_share"] is None else round(c["covered_share"], 3)
                        for c in access["categories"]]}


@login_required
def area(request: HttpRequest, pk: int) -> HttpResponse:
    """The subdistrict report (HTML): the communities of a region compared."""
    from gongzhi.analytics.subdistrict import subdistrict_report, trend_series

    region = _area_or_403(request, pk)
    report = subdistrict_report(region, request.user)
    access_rows = (report.access or {}).get("rows", [])
    chart = {"communities": [r.community.name for r in report.rows],
             "per_1000": [round(r.eq.participants * 1000 / r.residents, 1) if r.residents
                          else None for r in report.rows],
             "answered": [r.kpi.answered for r in report.rows],
             "decided": [r.kpi.decided for r in report.rows],
             "implemented": [r.kpi.implemented for r in report.rows],
             "trend": trend_series(report),
             "access": _area_access_chart(access_rows)}
    return render(request, "analytics/area.html", {
        "region": region, "report": report, "chart": chart,
        "category_codes": _area_categories(access_rows),
        "labels": json.dumps({"answered": _("Answered"), "decided": _("Decided"),
                              "implemented": _("Implemented"),
                              "per1000": _("Participants per 1,000 residents"),
                              "reports": _("Reports"), "covered": _("Residents within the "
                                                                   "standard")},
                             ensure_ascii=False)})


def _area_categories(access_rows: list[dict]) -> list[dict]:
    from gongzhi.spatial.labels import category_label

    codes: dict[str, str] = {}
    for r in access_rows:
        for c in (r["summary"] or {}).get("categories", []):
            codes.setdefault(c["code"], category_label(c["code"]))
    return [{"code": k, "label": v} for k, v in codes.items()]


def _area_access_chart(access_rows: list[dict]) -> dict:
    cats = _area_categories(access_rows)
    series = []
    for cat in cats:
        data = []
        for r in access_rows:
            found = next((c for c in (r["summary"] or {}).get("categories", [])
                          if c["code"] == cat["code"]), None)
            data.append(None if not found or found["covered_share"] is None
                        else round(found["covered_share"], 3))
        series.append({"name": str(cat["label"]), "data": data})
    return {"communities": [r["community"].name for r in access_rows], "series": series}


@login_required
def area_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from gongzhi.analytics.report_pdf import subdistrict_report_pdf
    from gongzhi.analytics.subdistrict import subdistrict_report

    region = _area_or_403(request, pk)
    pdf = subdistrict_report_pdf(subdistrict_report(region, request.user))
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="subdistrict-{region.pk}-report.pdf"'
    return resp


def open_data(request: HttpRequest, slug: str) -> HttpResponse:
    """Open data of a community (anyone): public spaces, counts, closed ballots, Pabulib."""
    from gongzhi.analytics.exports import open_data_zip

    community = community_or_404(slug)
    require_perm(request, "analytics.open_data", community)
    resp = HttpResponse(open_data_zip(community), content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="{community.slug}-open-data.zip"'
    return resp


def _research_response(request: HttpRequest, communities: list, *, scope: str, target,
                       community, filename: str) -> HttpResponse:
    from gongzhi.analytics.exports import research_zip
    from gongzhi.core.audit import audit_record

    data, counts = research_zip(communities, scope=scope)
    audit_record(actor=request.user, action="analytics.research_export", community=community,
                 target=target, after={"scope": scope, "rows": counts,
                                       "communities": [c.slug for c in communities]})
    resp = HttpResponse(data, content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["Cache-Control"] = "no-store"
    return resp


@login_required
def research(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "analytics.research_export", community)
    return _research_response(request, [community], scope=community.name, target=community,
                              community=community,
                              filename=f"{community.slug}-research.zip")


@login_required
def area_research(request: HttpRequest, pk: int) -> HttpResponse:
    from gongzhi.analytics.subdistrict import area_communities

    region = _area_or_403(request, pk)
    return _research_response(request, area_communities(region), scope=region.name,
                              target=region, community=None,
                              filename=f"subdistrict-{region.pk}-research.zip")
