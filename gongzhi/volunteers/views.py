"""Volunteer pages: thin views over services and selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.qr import qr_svg
from gongzhi.core.tabular import spreadsheet_response
from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.models import Shift, ShiftSignup, Team


def _shift(slug: str, pk: int) -> tuple:
    community = community_or_404(slug)
    try:
        return community, selectors.shift_page(community, pk)
    except Shift.DoesNotExist:
        raise Http404 from None


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _can_create(user, community) -> bool:
    return user.has_perm("volunteers.manage", community) or (
        user.is_authenticated and Team.objects.filter(community=community,
                                                      leader=user).exists())


@login_required
def opportunity_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Workers (any team) and team leaders (their own teams) create an opportunity with its
    first shifts."""
    from gongzhi.volunteers.forms import OpportunityForm

    community = community_or_404(slug)
    if not _can_create(request.user, community):
        raise PermissionDenied
    form = OpportunityForm(request.POST or None, community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            shifts = services.opportunity_with_shifts_create(
                actor=request.user, community=community, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The opportunity is open for sign-up."))
            return redirect("volunteers:shift", slug=slug, pk=shifts[0].pk)
    return render(request, "volunteers/opportunity_form.html",
                  {"community": community, "form": form})


@login_required
def shift_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """More shifts for an existing opportunity (a worker or the team's leader)."""
    from gongzhi.volunteers.forms import ShiftForm
    from gongzhi.volunteers.models import Opportunity

    community = community_or_404(slug)
    opp = get_object_or_404(Opportunity.objects.select_related("team"), community=community,
                            pk=pk)
    require_perm(request, "volunteers.lead", opp)
    form = ShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shifts = services.shifts_create_weekly(actor=request.user, opportunity=opp,
                                                   **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Shifts added: %(n)s.") % {"n": len(shifts)})
            return redirect("volunteers:shift", slug=slug, pk=shifts[0].pk)
    return render(request, "volunteers/shift_form.html",
                  {"community": community, "form": form, "opportunity": opp})


def home(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    user = request.user
    shifts = selectors.attach_mine(user, list(selectors.upcoming_shifts(community, limit=100)))
    home_point = selectors.home_point(user, community)
    near = request.GET.get("sort") == "near" and home_point is not None
    selectors.attach_distance(shifts, home_point, nearest_first=near)
    return render(request, "volunteers/home.html", {
        "community": community, "shifts": shifts, "near": near,
        "can_sort_near": home_point is not None,
        "corps": selectors.corps_with_teams(community),
        "my_hours": selectors.confirmed_hours(user, community=community)
        if user.is_authenticated else None,
        "can_manage": user.has_perm("volunteers.manage", community),
        "can_create": _can_create(user, community),
    })


def shift_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, shift = _shift(slug, pk)
    user = request.user
    can_lead = user.has_perm("volunteers.lead", shift)
    mine = None
    if user.is_authenticated:
        mine = (ShiftSignup.objects.filter(shift=shift, user=user)
                .exclude(status=ShiftSignup.Status.CANCELLED).first())
    context = {"community": community, "shift": shift, "opportunity": shift.opportunity,
               "mine": mine, "can_sign_up": user.has_perm("volunteers.sign_up", shift),
               "can_add_shifts": user.has_perm("volunteers.lead", shift.opportunity),
               "can_lead": can_lead}
    if can_lead:
        url = request.build_absolute_uri(reverse("volunteers:check_in", args=[slug, pk])
                                         + "?code=" + shift.checkin_code)
        context.update({"roster": selectors.roster(shift), "checkin_url": url,
                        "checkin_qr": qr_svg(url)})
    return render(request, "volunteers/shift.html", context)


@login_required
@require_POST
def sign_up(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _community, shift = _shift(slug, pk)
    try:
        signup = services.shift_signup(actor=request.user, shift=shift,
                                       age_confirmed=request.POST.get("age_ok") == "1")
    except PermissionDenied:
        messages.error(request, _("This shift is not open to you."))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if signup.status == ShiftSignup.Status.REGISTERED:
            messages.success(request, _("You are signed up. Thank you!"))
        else:
            messages.info(request, _("The shift is full: you are on the waiting list and "
                                     "will be told when a place frees up."))
    return redirect("volunteers:shift", slug=slug, pk=pk)


@login_required
@require_POST
def cancel(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _community, shift = _shift(slug, pk)
    try:
        services.shift_signup_cancel(actor=request.user, shift=shift)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("volunteers:shift", slug=slug, pk=pk)


@login_required
def check_in(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """Self check-in: the QR code at the place opens this page with ``?code=``."""
    community, shift = _shift(slug, pk)
    code = (request.POST.get("code") or request.GET.get("code") or "")[:12]
    if request.method == "POST":
        try:
            if request.POST.get("out"):
                services.shift_check_out(actor=request.user, shift=shift)
                messages.success(request, _("Checked out. Thank you for your service!"))
            else:
                services.shift_check_in(actor=request.user, shift=shift, code=code)
                messages.success(request, _("Checked in. Thank you!"))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("volunteers:shift", slug=slug, pk=pk)
    return render(request, "volunteers/check_in.html", {"community": community,
                                                       "shift": shift, "code": code})


@login_required
@require_POST
def roster_action(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """The leader checks people in or out, or confirms their hours."""
    _community, shift = _shift(slug, pk)
    require_perm(request, "volunteers.lead", shift)
    signup = get_object_or_404(ShiftSignup.objects.select_related("user", "shift"),
                               shift=shift, pk=request.POST.get("signup") or 0)
    action = request.POST.get("action", "")
    try:
        if action == "in":
            services.shift_check_in(actor=request.user, shift=shift, user=signup.user)
        elif action == "out":
            services.shift_check_out(actor=request.user, shift=shift, user=signup.user)
        elif action == "confirm":
            raw = (request.POST.get("hours") or "").strip()
            try:
                hours = Decimal(raw) if raw else None
            except InvalidOperation:
                raise ValidationError({"hours": _("Give the hours as a number, e.g. 2.5.")}) \
                    from None
            services.hours_confirm(actor=request.user, signup=signup, hours=hours)
            messages.success(request, _("Hours confirmed."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("volunteers:shift", slug=slug, pk=pk)


@login_required
def my_service(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    rows = selectors.my_service(request.user, community=community)
    return render(request, "volunteers/me.html", {
        "community": community, "rows": rows,
        "total": sum((r.counted_hours for r in rows), Decimal(0)),
    })


@login_required
def certificate(request: AuthedRequest, slug: str) -> HttpResponse:
    from gongzhi.volunteers.certificate import certificate_pdf

    community = community_or_404(slug)
    rows = [r for r in selectors.my_service(request.user, community=community)
            if r.confirmed_at is not None]
    if not rows:
        messages.info(request, _("A certificate needs at least one confirmed shift."))
        return redirect("volunteers:me", slug=slug)
    pdf = certificate_pdf(user=request.user, community=community, rows=rows)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="volunteer-hours.pdf"'
    return response


REPORT_HEADERS = ["日期", "服务项目", "志愿者", "签到", "签退", "确认时长(小时)", "已确认"]


def _month(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def team_report(request: AuthedRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    """The monthly team report: CSV (UTF-8 with BOM, for Excel) or XLSX."""
    community = community_or_404(slug)
    team = get_object_or_404(Team, community=community, pk=pk)
    require_perm(request, "volunteers.lead", team)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    month = _month(request)
    rows = selectors.team_month_rows(team, month)

    def cells(r):
        def t(v):
            return timezone.localtime(v).strftime("%H:%M") if v else ""
        return [r["date"].isoformat(), r["opportunity"], r["volunteer"], t(r["checked_in"]),
                t(r["checked_out"]), float(r["hours"]) if r["hours"] is not None else "",
                "是" if r["confirmed"] else "否"]

    name = f"team-{team.pk}-{month:%Y-%m}.{fmt}"
    return spreadsheet_response(fmt, name, REPORT_HEADERS, [cells(r) for r in rows],
                                sheet=f"{month:%Y-%m}")
