"""Pages for problem reports: map + list, report form, detail with timeline, my reports,
the work queue, statistics (charts, tables, CSV) and response targets."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.middleware import form_reports_bad_input
from gongzhi.core.paging import id_page
from gongzhi.core.urlcache import reverse as kept_reverse
from gongzhi.orgs.selectors import organisation_choices, organisation_in
from gongzhi.reports import drawing, selectors, services
from gongzhi.reports.forms import HideForm, ReportForm, TargetsForm, TransitionForm
from gongzhi.reports.models import Category, Status
from gongzhi.reports.workflow import TRANSITIONS, actions_for

PAGE_SIZE = 20


def _spaces(community):
    try:
        from gongzhi.spaces.models import Space
    except ImportError:  # pragma: no cover - spaces not installed
        return []
    return list(Space.objects.filter(community=community, is_public=True)
                .order_by("name").only("pk", "name")[:300])


def _organisations(community):
    return organisation_choices(community)


def _map_context(request: HttpRequest, community) -> dict:
    """The shared map configuration (gongzhi.maps.config): basemap, boundary, labels."""
    from gongzhi.maps.config import map_config

    return {"map_config": map_config(request, community, layers=False)}


def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "reports.view", community)
    status = request.GET.get("status", "open")
    category = request.GET.get("category", "")
    qs = selectors.report_list(request.user, community, status=status, category=category)
    page = id_page(qs, request.GET.get("page"), PAGE_SIZE, rows=selectors.with_list_data)
    ctx = {
        "community": community, "page": page, "reports": page.object_list,
        "status": status, "category": category, "statuses": Status.choices,
        "categories": Category.choices,
        "can_create": request.user.has_perm("reports.create", community),
        "geojson_url": reverse("api:reports_geojson") + "?" + urlencode(
            {"community": community.slug}),
        **_map_context(request, community),
    }
    return render(request, "reports/list.html", ctx)


def _start_point(request: HttpRequest, community) -> tuple[float | None, float | None]:
    """Where the pin starts: ``?lat=&lon=`` from "report a problem here" on the community
    map when both are numbers in range, else the community centre."""
    import math

    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return community.center_lat, community.center_lon
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        return round(lat, 7), round(lon, 7)
    return community.center_lat, community.center_lon


@login_required
@form_reports_bad_input
def report_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "reports.create", community)
    spaces = _spaces(community)
    lat, lon = _start_point(request, community)
    initial = {"lat": lat, "lon": lon, "category": request.GET.get("category", "")}
    form = ReportForm(request.POST or None, request.FILES or None, spaces=spaces,
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        space = None
        if data.get("space"):
            space = next((s for s in spaces if s.pk == data["space"]), None)
        try:
            report = services.report_create(
                actor=request.user, community=community, category=data["category"],
                description=data["description"], lat=data["lat"], lon=data["lon"],
                location_text=data["location_text"], anonymous=data["anonymous"],
                photos=data["photos"], keep_location=data["keep_location"], space=space)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Your report #%(id)s was sent; you will "
                                        "be told of every step.") % {"id": report.pk})
            return redirect("reports:detail", slug=slug, pk=report.pk)
    return render(request, "reports/form.html", {
        "community": community, "form": form, **_map_context(request, community),
    })


def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx partial: open reports of the same category within 30 m ("is it one of these?")."""
    community = community_or_404(slug)
    require_perm(request, "reports.view", community)
    category = request.GET.get("category", "")
    lat: float | None
    lon: float | None
    try:
        lat = float(request.GET.get("lat", ""))
        lon = float(request.GET.get("lon", ""))
    except ValueError:
        lat = lon = None
    found = []
    if category in Category.values and lat is not None and lon is not None \
            and -90 <= lat <= 90 and -180 <= lon <= 180:
        found = selectors.nearby_open(community, category=category, lat=lat, lon=lon)
    return render(request, "reports/_similar.html", {
        "community": community, "similar": found,
        "can_me_too": request.user.has_perm("reports.me_too", community)})


def _detail_context(request, community, report, transition_form=None, hide_form=None):
    user = request.user
    actions = actions_for(user, report)
    organisations = (_organisations(community) if any(t.action in drawing.WITH_ORG
                                                      for t in actions) else [])
    can_moderate = user.has_perm("reports.moderate", report)
    forms = drawing.action_forms(actions, organisations, report, transition_form)
    # a step refused that has no form here any more (the page was old: someone else took
    # the report on): its errors are said above the forms
    step_errors = (drawing.form_errors(transition_form) if transition_form is not None
                   and not any(f.errors for f in forms) else ())
    return {
        "community": community, "report": report,
        "events": selectors.timeline(user, report),
        "photos": selectors.photos(report),
        "next_step": drawing.next_step_html(request, community, report, forms, step_errors),
        "hide_form": hide_form or (HideForm() if can_moderate else None),
        "can_moderate": can_moderate,
        "moderate_url": (kept_reverse("reports:moderate", args=[community.slug, report.pk])
                         if can_moderate else ""),
        "show_reporter": user.has_perm("reports.view_reporter", report),
        "can_me_too": (report.is_open and not report.is_hidden
                       and user.has_perm("reports.me_too", report)
                       and report.reporter_id != user.pk),
        "has_me_too": selectors.has_me_too(user, report),
        "is_overdue": report.is_overdue(),
    }


def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "reports.view", community)
    report = selectors.report_detail(request.user, community, pk)
    if report is None:
        raise Http404
    return render(request, "reports/detail.html",
                  _detail_context(request, community, report))


@login_required
@require_POST
def report_act(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    report = selectors.report_detail(request.user, community, pk)
    if report is None:
        raise Http404
    action = request.POST.get("action", "")
    transition = TRANSITIONS.get(action)
    if transition is None or transition.perm is None:
        raise Http404
    require_perm(request, transition.perm, report)
    orgs = _organisations(community)
    form = TransitionForm(request.POST, request.FILES, organisations=orgs)
    if form.is_valid():
        data = form.cleaned_data
        org = organisation_in(community, data.get("organisation"))
        try:
            services.report_transition(actor=request.user, report=report, action=action,
                                       organisation=org, note=data["note"],
                                       photos=data["photos"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": transition.label})
            return redirect("reports:detail", slug=slug, pk=pk)
    form.failed_action = action
    ctx = _detail_context(request, community, report, transition_form=form)
    return render(request, "reports/detail.html", ctx, status=400)


@login_required
@require_POST
def me_too(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    report = selectors.report_detail(request.user, community, pk)
    if report is None:
        raise Http404
    try:
        _obj, created = services.report_me_too(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thanks: you will be told of every step.") if created
                         else _("You already said “me too” for this report."))
    return redirect("reports:detail", slug=slug, pk=pk)


@login_required
@require_POST
def moderate(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    report = selectors.report_detail(request.user, community, pk)
    if report is None:
        raise Http404
    require_perm(request, "reports.moderate", report)
    if request.POST.get("unhide"):
        services.report_unhide(actor=request.user, report=report)
        messages.success(request, _("The report is public again."))
        return redirect("reports:detail", slug=slug, pk=pk)
    form = HideForm(request.POST)
    if form.is_valid():
        services.report_hide(actor=request.user, report=report,
                             reason=form.cleaned_data["reason"])
        messages.success(request, _("The report is hidden from the public."))
        return redirect("reports:detail", slug=slug, pk=pk)
    return render(request, "reports/detail.html",
                  _detail_context(request, community, report, hide_form=form), status=400)


@login_required
def my_reports(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    page = Paginator(selectors.my_reports(request.user, community), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "reports/mine.html", {"community": community, "page": page,
                                                 "reports": page.object_list})


@login_required
def queue(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "reports.view_queue", community)
    is_worker = request.user.has_perm("reports.view_hidden", community)
    raw_org = request.GET.get("organisation", "")
    org_id = int(raw_org) if raw_org.isdigit() and len(raw_org) <= 12 else None
    qs = selectors.work_queue(request.user, community, organisation_id=org_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/queue.html", {
        "community": community, "page": page, "reports": page.object_list,
        "organisations": _organisations(community) if is_worker else [],
        "organisation_id": org_id, "is_worker": is_worker,
        "can_manage_targets": request.user.has_perm("reports.manage_targets", community),
    })


def _stats(request, community):
    require_perm(request, "reports.view_stats", community)
    return selectors.monthly_statistics(community)


def _hours(value) -> str:
    return "" if value is None else f"{value:.1f}"


@login_required
def statistics(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    stats = _stats(request, community)
    months = stats["months"]
    cat_series: dict[str, dict[str, int]] = {}
    for row in stats["by_category"]:
        cat_series.setdefault(row["label"], {})[row["month"]] = row["count"]
    overall = {row["month"]: row for row in stats["by_month"]}
    chart = {
        "months": months,
        "series": [{"name": label, "data": [by_month.get(m, 0) for m in months]}
                   for label, by_month in cat_series.items()],
        "accept": [overall[m]["accept_median_h"] for m in months],
        "resolve": [overall[m]["resolve_median_h"] for m in months],
        "labels": {"count": _("Reports per month by category"),
                   "accept": _("Median hours to accept"),
                   "resolve": _("Median hours to resolve")},
    }
    return render(request, "reports/stats.html", {
        "community": community, "stats": stats, "chart": chart,
    })


CSV_HEADERS = ["月份", "分组", "名称", "报事数", "已受理", "已解决", "受理时长中位数(小时)",
               "受理时长P90(小时)", "解决时长中位数(小时)", "解决时长P90(小时)"]


@login_required
def statistics_csv(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    stats = _stats(request, community)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reports-{community.slug}.csv"'
    response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8 (Chinese intact)
    writer = csv.writer(response)
    writer.writerow(CSV_HEADERS)
    for group, rows in (("类别", stats["by_category"]), ("单位", stats["by_organisation"])):
        for r in rows:
            writer.writerow([r["month"], group, r["label"] or "未分派", r["count"], r["accepted"],
                             r["resolved"], _hours(r["accept_median_h"]),
                             _hours(r["accept_p90_h"]), _hours(r["resolve_median_h"]),
                             _hours(r["resolve_p90_h"])])
    return response


@login_required
def targets(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "reports.manage_targets", community)
    current = services.targets_for(community)
    form = TargetsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_targets_update(actor=request.user, community=community,
                                             **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Response targets saved."))
            return redirect("reports:targets", slug=slug)
    return render(request, "reports/targets.html", {"community": community, "form": form})

