"""Activity pages: thin views over services and selectors (one action per endpoint)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.activities import forms, selectors, services
from gongzhi.activities.describe import rule_in_words
from gongzhi.activities.models import Activity, ActivityPhoto, Child, Occurrence, Registration
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import community_or_404, require_perm
from gongzhi.core.qr import qr_svg


def _activity(slug: str, pk: int) -> tuple:
    community = community_or_404(slug)
    try:
        return community, selectors.activity_page(community, pk)
    except Activity.DoesNotExist:
        raise Http404 from None


def _occurrence(slug: str, pk: int) -> tuple:
    community = community_or_404(slug)
    try:
        return community, selectors.occurrence_page(community, pk)
    except Occurrence.DoesNotExist:
        raise Http404 from None


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _week_day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("week", "")[:10])
    except ValueError:
        return timezone.localdate()


def home(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    day = _week_day(request)
    days = selectors.week(community, day)
    selectors.attach_mine(request.user, [o for _d, occs in days for o in occs])
    return render(request, "activities/home.html", {
        "community": community, "days": days, "today": timezone.localdate(),
        "prev_week": (day - dt.timedelta(days=7)).isoformat(),
        "next_week": (day + dt.timedelta(days=7)).isoformat(),
        "this_week": day - dt.timedelta(days=day.weekday()) == timezone.localdate()
        - dt.timedelta(days=timezone.localdate().weekday()),
        "activities": selectors.activity_list_rows(community),
        "mine": selectors.my_upcoming(request.user, community),
        "can_create": request.user.has_perm("activities.create", community),
    })


def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, activity = _activity(slug, pk)
    can_organise = request.user.has_perm("activities.organise", activity)
    upcoming = selectors.attach_mine(request.user,
                                     selectors.upcoming(community, activity=activity, limit=10))
    return render(request, "activities/detail.html", {
        "community": community, "activity": activity, "occurrences": upcoming,
        "rule_words": rule_in_words(activity.rrule, activity.first_start, activity.duration),
        "photos": selectors.photos(activity, consented_only=not can_organise),
        "past": selectors.past(activity),
        "can_organise": can_organise,
        "exdate_form": forms.ExdateForm() if can_organise and activity.rrule else None,
        "photo_form": forms.PhotoForm() if can_organise else None,
        "cancel_form": forms.ReasonForm(prefix="all") if can_organise else None,
    })


def _save_activity(request, community, activity=None):
    form = forms.ActivityForm(request.POST or None, community=community,
                              initial=forms.initial_for(activity) if activity else None)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                fields = form.service_fields()
                activity = services.activity_create(
                    actor=request.user, community=community, title=fields.pop("title"),
                    first_start=fields.pop("first_start"), **fields)
                messages.success(request, _("The activity is published."))
            else:
                activity = services.activity_update(actor=request.user, activity=activity,
                                                    **form.service_fields())
                messages.success(request, _("The activity is saved."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("activities:detail", slug=community.slug, pk=activity.pk)
    return render(request, "activities/form.html", {"community": community, "form": form,
                                                    "activity": activity})


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "activities.create", community)
    return _save_activity(request, community)


@login_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, activity = _activity(slug, pk)
    require_perm(request, "activities.organise", activity)
    return _save_activity(request, community, activity)


@login_required
@require_POST
def cancel_activity(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _community, activity = _activity(slug, pk)
    require_perm(request, "activities.organise", activity)
    form = forms.ReasonForm(request.POST, prefix="all")
    if form.is_valid():
        services.activity_cancel(actor=request.user, activity=activity,
                                 reason=form.cleaned_data["reason"])
        messages.success(request, _("The activity is cancelled; the people registered are "
                                    "told."))
    else:
        messages.error(request, _("Give a reason: the people registered are told."))
    return redirect("activities:detail", slug=slug, pk=pk)


@login_required
@require_POST
def exdate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _community, activity = _activity(slug, pk)
    require_perm(request, "activities.organise", activity)
    form = forms.ExdateForm(request.POST)
    if form.is_valid():
        try:
            services.exdate_add(actor=request.user, activity=activity,
                                day=form.cleaned_data["day"],
                                reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The date is left out."))
    else:
        messages.error(request, _("Give the date to leave out."))
    return redirect("activities:detail", slug=slug, pk=pk)


@login_required
@require_POST
def photo_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, activity = _activity(slug, pk)
    require_perm(request, "activities.upload_photo", activity)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(actor=request.user, activity=activity,
                               upload=form.cleaned_data["image"],
                               caption=form.cleaned_data["caption"],
                               people_consented=form.cleaned_data["people_consented"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The photo is added."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
    return redirect(reverse("activities:detail", args=[slug, pk]) + "#h-photos")


@login_required
@require_POST
def photo_consent(request: HttpRequest, slug: str, pk: int, photo: int) -> HttpResponse:
    _community, activity = _activity(slug, pk)
    obj = get_object_or_404(ActivityPhoto, activity=activity, pk=photo)
    require_perm(request, "activities.upload_photo", activity)
    services.photo_consent_set(actor=request.user, photo=obj,
                               consented=request.POST.get("consented") == "1")
    return redirect(reverse("activities:detail", args=[slug, pk]) + "#h-photos")


@login_required
@require_POST
def photo_delete(request: HttpRequest, slug: str, pk: int, photo: int) -> HttpResponse:
    _community, activity = _activity(slug, pk)
    obj = get_object_or_404(ActivityPhoto, activity=activity, pk=photo)
    require_perm(request, "activities.upload_photo", activity)
    services.photo_delete(actor=request.user, photo=obj)
    messages.success(request, _("The photo is deleted."))
    return redirect(reverse("activities:detail", args=[slug, pk]) + "#h-photos")


# --- one date --------------------------------------------------------------------------------

def occurrence(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, occ = _occurrence(slug, pk)
    user = request.user
    activity = occ.activity
    can_organise = user.has_perm("activities.organise", occ)
    mine = selectors.my_registrations(user, occ)
    taken = {r.child_id for r in mine}
    children = [c for c in selectors.children_of(user) if c.pk not in taken]
    context = {
        "community": community, "occ": occ, "activity": activity, "mine": mine,
        "rule_words": rule_in_words(activity.rrule, activity.first_start, activity.duration),
        "can_register": user.has_perm("activities.register", occ) and None not in taken,
        "can_register_child": user.has_perm("activities.register_child", occ),
        "children": children, "can_organise": can_organise,
        "show_ages": user.has_perm("activities.view_child_ages", occ),
        "needs_age_confirm": activity.min_age is not None or activity.max_age is not None,
        "can_mark": can_organise and timezone.now() >= occ.starts_at - services.CHECKIN_EARLY,
    }
    if user.has_perm("activities.view_registrants", occ):
        context["roster"] = selectors.registrants(occ)
    if can_organise:
        url = request.build_absolute_uri(reverse("activities:check_in", args=[slug, pk])
                                         + "?code=" + occ.checkin_code)
        context.update({"checkin_url": url, "checkin_qr": qr_svg(url),
                        "cancel_form": forms.ReasonForm(),
                        "move_form": forms.MoveForm(initial={
                            "starts_at": timezone.localtime(occ.starts_at),
                            "ends_at": timezone.localtime(occ.ends_at)})})
    return render(request, "activities/occurrence.html", context)


@login_required
@require_POST
def register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _community, occ = _occurrence(slug, pk)
    child = None
    if request.POST.get("child"):
        child = get_object_or_404(Child, guardian=request.user,
                                  pk=request.POST.get("child") or 0)
    try:
        reg = services.registration_create(actor=request.user, occurrence=occ, child=child,
                                           age_confirmed=request.POST.get("age_ok") == "1")
    except PermissionDenied:
        messages.error(request, _("Registration for this date is not open to you."))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if reg.status == Registration.Status.REGISTERED:
            messages.success(request, _("Registered. You will get a reminder the day before "
                                        "and an hour before."))
        else:
            messages.info(request, _("This date is full: you are on the waiting list and "
                                     "will be told when a place frees up."))
    return redirect("activities:occurrence", slug=slug, pk=pk)


@login_required
@require_POST
def unregister(request: HttpRequest, slug: str, pk: int, reg: int) -> HttpResponse:
    _community, occ = _occurrence(slug, pk)
    obj = get_object_or_404(Registration.objects.select_related("occurrence"),
                            occurrence=occ, pk=reg)
    try:
        services.registration_cancel(actor=request.user, registration=obj)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("activities:occurrence", slug=slug, pk=pk)


@login_required
@require_POST
def attendance(request: HttpRequest, slug: str, pk: int, reg: int) -> HttpResponse:
    _community, occ = _occurrence(slug, pk)
    require_perm(request, "activities.organise", occ)
    obj = get_object_or_404(Registration.objects.select_related("occurrence"),
                            occurrence=occ, pk=reg)
    try:
        services.attendance_mark(actor=request.user, registration=obj,
                                 attended=request.POST.get("attended") == "1")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(reverse("activities:occurrence", args=[slug, pk]) + "#h-roster")


@login_required
@require_POST
def occurrence_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _community, occ = _occurrence(slug, pk)
    require_perm(request, "activities.organise", occ)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        services.occurrence_cancel(actor=request.user, occurrence=occ,
                                   reason=form.cleaned_data["reason"])
        messages.success(request, _("This date is cancelled; the people registered are "
                                    "told."))
    else:
        messages.error(request, _("Give a reason: the people registered are told."))
    return redirect("activities:occurrence", slug=slug, pk=pk)


@login_required
@require_POST
def occurrence_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _community, occ = _occurrence(slug, pk)
    require_perm(request, "activities.organise", occ)
    services.occurrence_restore(actor=request.user, occurrence=occ)
    return redirect("activities:occurrence", slug=slug, pk=pk)


@login_required
@require_POST
def occurrence_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _community, occ = _occurrence(slug, pk)
    require_perm(request, "activities.organise", occ)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        try:
            services.occurrence_move(actor=request.user, occurrence=occ,
                                     starts_at=form.cleaned_data["starts_at"],
                                     ends_at=form.cleaned_data.get("ends_at"),
                                     note=form.cleaned_data["note"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The date is moved; the people registered are "
                                        "told."))
    else:
        messages.error(request, _("Give the new start as a date and time."))
    return redirect("activities:occurrence", slug=slug, pk=pk)


@login_required
def check_in(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Self check-in: the QR code at the place opens this page with ``?code=``."""
    community, occ = _occurrence(slug, pk)
    form = forms.CheckInForm(request.POST or None,
                             initial={"code": request.GET.get("code", "")[:12]})
    if request.method == "POST" and form.is_valid():
        try:
            regs = services.occurrence_check_in(actor=request.user, occurrence=occ,
                                                code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Checked in: %(n)s people. Welcome!")
                             % {"n": len(regs)})
            return redirect("activities:occurrence", slug=slug, pk=pk)
    return render(request, "activities/check_in.html", {"community": community,
                                                        "occ": occ, "form": form})


def _local(url: str) -> str:
    """Only a path on this site (``/c/...``), never another host."""
    return url if url.startswith("/c/") and "//" not in url and "\\" not in url else ""


# --- children ---------------------------------------------------------------------------------

@login_required
def children(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    form = forms.ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.child_add(actor=request.user, name=form.cleaned_data["name"],
                               birth_year=form.cleaned_data.get("birth_year"),
                               age_band=form.cleaned_data.get("age_band") or "")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Added. You can now register them for activities."))
            return redirect(_local(request.POST.get("next", ""))
                            or reverse("activities:children", args=[slug]))
    nxt = _local(request.GET.get("next", "") or request.POST.get("next", ""))
    return render(request, "activities/children.html", {
        "community": community, "form": form, "children": selectors.children_of(request.user),
        "next": nxt})


@login_required
@require_POST
def child_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    child = get_object_or_404(Child, guardian=request.user, pk=pk)
    services.child_remove(actor=request.user, child=child)
    messages.success(request, _("Removed, with the child's registrations."))
    return redirect("activities:children", slug=slug)


# --- calendar feeds --------------------------------------------------------------------------

def _ics_response(request, occurrences, name: str, filename: str) -> HttpResponse:
    from gongzhi.activities.ics import calendar_bytes

    body = calendar_bytes(
        occurrences, name=name, host=request.get_host().split(":")[0] or "gongzhi",
        url_for=lambda o: request.build_absolute_uri(
            reverse("activities:occurrence", args=[o.community.slug, o.pk])))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def community_ics(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    return _ics_response(request, selectors.ics_occurrences(community),
                         _("%(name)s activities") % {"name": community.name},
                         f"{community.slug}-activities.ics")


def activity_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, activity = _activity(slug, pk)
    return _ics_response(request, selectors.ics_occurrences(community, activity=activity),
                         activity.title, f"activity-{activity.pk}.ics")


ATTENDANCE_HEADERS = ["日期", "开始", "状态", "登记人", "儿童", "报名状态", "报名时间", "到场",
                      "到场方式"]


@login_required
def attendance_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    """Every date's registrations and attendance: CSV (UTF-8 with BOM) or XLSX, for the
    organisers. Children appear by first name only, never with an age."""
    from gongzhi.core.tabular import spreadsheet_response

    community, activity = _activity(slug, pk)
    require_perm(request, "activities.view_registrants", activity)

    def when(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    regs = (Registration.objects.filter(occurrence__activity=activity)
            .select_related("occurrence", "user", "child")
            .order_by("occurrence__starts_at", "queued_at", "pk"))
    rows = [[timezone.localtime(r.occurrence.starts_at).strftime("%Y-%m-%d"),
             timezone.localtime(r.occurrence.starts_at).strftime("%H:%M"),
             str(r.occurrence.get_status_display()), r.user.public_name,
             r.child.name if r.child else "", str(r.get_status_display()), when(r.queued_at),
             when(r.attended_at),
             str(r.get_attendance_method_display()) if r.attendance_method else ""]
            for r in regs]
    return spreadsheet_response(fmt, f"activity-{activity.pk}-attendance.{fmt}",
                                ATTENDANCE_HEADERS, rows, sheet=activity.title)
