"""Meeting pages: thin views that parse a form, call a service and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.phone import normalize_phone
from gongzhi.core.qr import qr_svg
from gongzhi.meetings import selectors, services
from gongzhi.meetings.forms import (
    ActionItemForm,
    ActionStatusForm,
    AgendaItemForm,
    CheckInForm,
    DecisionForm,
    InvitationForm,
    ManualAttendanceForm,
    MeetingForm,
    MeetingSetForm,
    MinutesForm,
    RegisterForm,
)
from gongzhi.meetings.models import ActionItem, Meeting, MeetingKind


def _meeting_or_404(request: HttpRequest, community, pk: int, perm: str = "meetings.view_meeting"
                    ) -> Meeting:
    meeting = get_object_or_404(selectors.meeting_detail_qs(), community=community, pk=pk)
    if not request.user.has_perm(perm, meeting):
        if not request.user.has_perm("meetings.view_meeting", meeting):
            raise Http404  # drafts do not exist for the public
        raise PermissionDenied
    return meeting


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "meetings.view_meetings", community)
    when = request.GET.get("when", "")
    kind = request.GET.get("kind", "")
    qs = selectors.meeting_list(request.user, community, when=when)
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    from django.core.paginator import Paginator

    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "meetings/list.html", {
        "community": community, "page": page, "when": when, "kind": kind,
        "kinds": MeetingKind.choices,
        "can_manage": request.user.has_perm("meetings.manage_meetings", community),
        "invitations": list(selectors.invitations_for(request.user, community)[:20]),
    })


@login_required
def meeting_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "meetings.manage_meetings", community)
    form = MeetingForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, community=community,
                                              **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting saved as a draft. Add the agenda and "
                                        "invitations, then announce it."))
            return redirect("meetings:manage", slug=slug, pk=meeting.pk)
    return render(request, "meetings/form.html", {"community": community, "form": form})


@login_required
def meeting_edit(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk, "meetings.manage_meeting")
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk),
                       community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:manage", slug=slug, pk=pk)
    return render(request, "meetings/form.html", {"community": community, "form": form,
                                                  "meeting": meeting})


def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk)
    user = request.user
    registration = selectors.registration_of(meeting, user)
    can_minutes = user.has_perm("meetings.view_minutes", meeting)
    can_manage = user.has_perm("meetings.manage_meeting", meeting)
    action_items = list(meeting.action_items.all()) if can_minutes else []
    my_org_ids = selectors.org_ids_of(user) if action_items and not can_manage else set()
    return render(request, "meetings/detail.html", {
        "community": community, "meeting": meeting,
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration) if registration
        else None,
        "attendance": selectors.attendance_of(meeting, user),
        "can_register": user.has_perm("meetings.register", meeting),
        "can_check_in": user.has_perm("meetings.check_in", meeting),
        "can_manage": can_manage,
        "can_minutes": can_minutes,
        "groups": selectors.attendance_by_group(meeting) if can_minutes else None,
        "register_form": RegisterForm(),
        "decisions": list(meeting.decisions.all()) if can_minutes else [],
        "action_items": action_items,
        "updatable_ids": {a.pk for a in action_items
                          if can_manage or a.responsible_org_id in my_org_ids},
        "status_form": ActionStatusForm(),
    })


@login_required
@require_POST
def register(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk)
    form = RegisterForm(request.POST)
    age_band = form.cleaned_data["age_band"] if form.is_valid() else ""
    try:
        reg = services.registration_create(actor=request.user, meeting=meeting,
                                           age_band=age_band)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if reg.status == reg.Status.REGISTERED:
            messages.success(request, _("You are registered."))
        else:
            messages.info(request, _("The meeting is full: you are on the waitlist and will "
                                     "be told if a place becomes free."))
    return redirect("meetings:detail", slug=slug, pk=pk)


@login_required
@require_POST
def cancel_registration(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk)
    services.registration_cancel(actor=request.user, meeting=meeting)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("meetings:detail", slug=slug, pk=pk)


@login_required
def check_in(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """Self check-in: the QR at the venue opens this page with ``?code=``."""
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk)
    existing = selectors.attendance_of(meeting, request.user)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_check_in(actor=request.user, meeting=meeting,
                                         code=form.cleaned_data["code"],
                                         age_band=form.cleaned_data["age_band"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("meetings:detail", slug=slug, pk=pk)
    elif request.method == "POST":
        pass
    elif not request.user.has_perm("meetings.check_in", meeting) and existing is None:
        raise PermissionDenied
    return render(request, "meetings/checkin.html", {"community": community,
                                                     "meeting": meeting, "form": form,
                                                     "existing": existing})


MANAGE_ACTIONS = ("publish", "held", "cancel", "renew_code", "agenda", "invite", "attend",
                  "minutes", "decision", "action", "cancel_registration")


@login_required
def manage(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """The worker's desk for one meeting: agenda, invitations, attendance, minutes,
    decisions and action items."""
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk, "meetings.manage_meeting")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if action else None
    forms = {
        "agenda": AgendaItemForm(data if action == "agenda" else None, community=community),
        "invite": InvitationForm(data if action == "invite" else None, community=community),
        "attend": ManualAttendanceForm(data if action == "attend" else None,
                                       community=community),
        "minutes": MinutesForm(data if action == "minutes" else None,
                               initial={"minutes": meeting.minutes,
                                        "publish": meeting.minutes_published}),
        "decision": DecisionForm(data if action == "decision" else None, meeting=meeting),
        "action": ActionItemForm(data if action == "action" else None, meeting=meeting),
    }
    if action:
        if action not in MANAGE_ACTIONS:
            raise Http404
        done = _manage_action(request, meeting, action, forms)
        if done:
            return redirect(reverse("meetings:manage", args=[slug, pk]) + f"#{action}")
    checkin_address = _absolute(request, reverse("meetings:check_in", args=[slug, pk]))
    checkin_url = f"{checkin_address}?code={meeting.checkin_code}"
    return render(request, "meetings/manage.html", {
        "community": community, "meeting": meeting, "forms": forms,
        "registrations": list(selectors.registrations_of(meeting)),
        "attendances": list(selectors.attendances_of(meeting)),
        "groups": selectors.attendance_by_group(meeting),
        "checkin_address": checkin_address, "checkin_qr": qr_svg(checkin_url),
        "status_form": ActionStatusForm(),
    })


def _manage_action(request: AuthedRequest, meeting: Meeting, action: str, forms: dict) -> bool:
    """Run one button or form of the manage page; False: show the page again (errors)."""
    actor = request.user
    try:
        button = _BUTTONS.get(action)
        if button is not None:
            messages.success(request, button(request, actor, meeting))
            return True
        form = forms[action]
        if not form.is_valid() or not _FORM_ACTIONS[action](actor, meeting, form):
            return False
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        if action in forms:
            add_service_errors(forms[action], exc)
        else:
            messages.error(request, " ".join(exc.messages))
        return False
    return True


def _cancel(request: AuthedRequest, actor: User, meeting: Meeting) -> str:
    services.meeting_cancel(actor=actor, meeting=meeting,
                            reason=request.POST.get("reason", "")[:500])
    return _("The meeting is cancelled; registered people are told.")


def _cancel_registration(request: AuthedRequest, actor: User, meeting: Meeting) -> str:
    user = get_object_or_404(User, pk=request.POST.get("user", "0") or 0)
    services.registration_cancel(actor=actor, meeting=meeting, user=user)
    return _("Registration cancelled.")


def _publish(request: AuthedRequest, actor: User, meeting: Meeting) -> str:
    services.meeting_publish(actor=actor, meeting=meeting)
    return _("The meeting is announced.")


def _held(request: AuthedRequest, actor: User, meeting: Meeting) -> str:
    services.meeting_mark_held(actor=actor, meeting=meeting)
    return _("Marked as held.")


def _renew_code(request: AuthedRequest, actor: User, meeting: Meeting) -> str:
    services.checkin_code_renew(actor=actor, meeting=meeting)
    return _("A new check-in code is set.")


# Buttons without a form: each does its step and says what happened.
_BUTTONS: dict[str, Callable[[AuthedRequest, User, Meeting], str]] = {
    "publish": _publish, "held": _held, "cancel": _cancel, "renew_code": _renew_code,
    "cancel_registration": _cancel_registration,
}


def _attend(actor: User, meeting: Meeting, form) -> bool:
    """A person checked in by hand: a registered person by phone, or a walk-in by name."""
    data = form.cleaned_data
    person = None
    if data["phone"]:
        person = User.objects.filter(phone=normalize_phone(data["phone"]),
                                     deleted_at__isnull=True).first()
        if person is None:
            form.add_error("phone", _("Nobody has signed up with this number."))
            return False
    services.attendance_record(
        actor=actor, meeting=meeting, user=person, name=data["name"],
        organisation=data["organisation"], age_band=data["age_band"],
        tenure=data["tenure"], moved_in_year=data["moved_in_year"])
    return True


def _with_data(service: Callable[..., object]) -> Callable[[User, Meeting, Any], bool]:
    def run(actor: User, meeting: Meeting, form) -> bool:
        service(actor=actor, meeting=meeting, **form.cleaned_data)
        return True
    return run


# Forms of the manage page: each saves its valid data (False: an error was added).
_FORM_ACTIONS: dict[str, Callable[[User, Meeting, Any], bool]] = {
    "agenda": _with_data(services.agenda_item_add),
    "invite": _with_data(services.invitation_add),
    "attend": _attend,
    "minutes": _with_data(services.minutes_save),
    "decision": _with_data(services.decision_record),
    "action": _with_data(services.action_item_create),
}


@login_required
@require_POST
def action_status(request: AuthedRequest, slug: str, item_pk: int) -> HttpResponse:
    community = community_or_404(slug)
    item = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=item_pk,
                             community=community)
    require_perm(request, "meetings.update_action_item", item)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_item_set_status(actor=request.user, item=item,
                                        status=form.cleaned_data["status"])
        messages.success(request, _("Status updated."))
    return redirect("meetings:detail", slug=slug, pk=item.meeting_id)


def notice(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A printable A4 notice for the notice board, with a QR code to the meeting page."""
    community = community_or_404(slug)
    meeting = _meeting_or_404(request, community, pk)
    url = _absolute(request, reverse("meetings:detail", args=[slug, pk]))
    return render(request, "meetings/notice.html", {
        "community": community, "meeting": meeting, "meeting_url": url,
        "qr": qr_svg(url, box_size=10),
    })


@login_required
def meeting_set_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "meetings.manage_meetings", community)
    initial = {"proposal": request.GET.get("proposal")}
    form = MeetingSetForm(request.POST or None, community=community, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lists = {} if data["use_defaults"] else {
            "stakeholders": list(data["stakeholders"]), "concerned": list(data["concerned"]),
            "implementers": list(data["implementers"])}
        try:
            dossier = services.meeting_set_create(
                actor=request.user, proposal=data["proposal"], hearing_at=data["hearing_at"],
                coordination_at=data["coordination_at"], evaluation_at=data["evaluation_at"],
                place=data["place"], publish=data["publish"], **lists)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The hearing, coordination and evaluation meetings "
                                        "are created."))
            return redirect("meetings:dossier", slug=slug, pk=dossier.pk)
    return render(request, "meetings/dossier_form.html", {"community": community,
                                                          "form": form})


def dossier(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """一图三会: the proposal's map and its three meetings on one page."""
    community = community_or_404(slug)
    meeting_set = selectors.meeting_set_detail(community, pk)
    meetings = [m for m in meeting_set.meetings.all()
                if request.user.has_perm("meetings.view_meeting", m)]
    if not meetings:
        raise Http404
    return render(request, "meetings/dossier.html", {
        "community": community, "meeting_set": meeting_set, "meetings": meetings,
        "proposal": meeting_set.proposal,
        "location": selectors.proposal_location(meeting_set.proposal),
    })
