"""Talent pool pages: thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import MAX_PAGE, community_or_404, require_perm
from gongzhi.talent import forms, selectors, services
from gongzhi.talent.models import TalentInvitation, TalentProfile


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


@login_required
def me(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "talent.offer", community)
    profile = selectors.my_profile(request.user, community)
    initial = {}
    if profile is not None:
        initial = {"skills": [s.skill for s in profile.skills.all()],
                   "other_skills": profile.other_skills, "description": profile.description,
                   "weekdays": profile.weekdays, "evenings": profile.evenings,
                   "weekends": profile.weekends, "consent": profile.consent_holds}
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(actor=request.user, community=community, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved. Thank you for offering your skills!"))
            return redirect("talent:me", slug=slug)
    return render(request, "talent/me.html", {
        "community": community, "profile": profile, "form": form,
        "invitations": selectors.my_invitations(profile)})


@login_required
@require_POST
def revoke(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    profile = get_object_or_404(TalentProfile, community=community, user=request.user)
    services.consent_revoke(actor=request.user, profile=profile)
    messages.success(request, _("Your consent is withdrawn: you are no longer in the talent "
                                "pool and workers can no longer see your number."))
    return redirect("talent:me", slug=slug)


@login_required
@require_POST
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    invitation = get_object_or_404(TalentInvitation, community=community, pk=pk,
                                   profile__user=request.user)
    accept = request.POST.get("accept") == "1"
    try:
        services.invitation_respond(actor=request.user, invitation=invitation, accept=accept)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Thank you! You are signed up for the task.") if accept
                         else _("You declined the invitation."))
    return redirect("talent:me", slug=slug)


@login_required
def search(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "talent.search", community)
    form = forms.SearchForm(request.GET or None, buildings=selectors.buildings(community))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.pool(community, skill=filters.get("skill", ""),
                        building=filters.get("building", ""), text=filters.get("q", ""),
                        available=filters.get("available", ""))
    try:
        number = max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except ValueError:
        number = 1
    page = Paginator(qs, 30).get_page(number)
    for p in page:
        p.building = selectors.building_of(p)  # type: ignore[attr-defined]
    return render(request, "talent/search.html", {
        "community": community, "form": form, "page": page,
        "total": selectors.pool_count(community),
        "sent": list(selectors.invitations_sent(community)[:20])})


@login_required
def talent_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One talent, for a worker: skills, availability, phone (consent holds), invite."""
    community = community_or_404(slug)
    require_perm(request, "talent.search", community)
    profile = get_object_or_404(selectors.pool(community), pk=pk)
    profile.building = selectors.building_of(profile)  # type: ignore[attr-defined]
    tasks = selectors.open_tasks(community)
    form = forms.InviteForm(request.POST or None, tasks=tasks)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(actor=request.user, profile=profile,
                                       task=form.cleaned_data["task"],
                                       message=form.cleaned_data["message"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("talent:detail", slug=slug, pk=pk)
    return render(request, "talent/detail.html", {
        "community": community, "profile": profile, "form": form,
        "show_phone": request.user.has_perm("talent.view_contact", profile),
        "invitations": list(profile.invitations.select_related("task__project")[:20])})


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "talent.search", community)
    invitation = get_object_or_404(TalentInvitation, community=community, pk=pk)
    services.invitation_withdraw(actor=request.user, invitation=invitation)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("talent:detail", slug=slug, pk=invitation.profile_id)
