"""Organisations of a community: list, register, edit, members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, acting_user, community_or_404, require_perm
from gongzhi.core.phone import normalize_phone
from gongzhi.orgs import selectors, services
from gongzhi.orgs.forms import MemberForm, OrganisationForm
from gongzhi.orgs.models import Organisation, OrgKind, OrgMember


def org_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    kind = request.GET.get("kind", "")
    orgs = selectors.organisations_of(community)
    if kind in OrgKind.values:
        orgs = orgs.filter(kind=kind)
    return render(request, "orgs/list.html", {
        "community": community, "organisations": orgs, "kind": kind, "kinds": OrgKind.choices,
        "can_manage": request.user.has_perm("orgs.manage_organisations", community),
        "show_contacts": request.user.has_perm("orgs.view_contacts", community),
    })


@login_required
def org_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "orgs.manage_organisations", community)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, community=community,
                                               **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation registered."))
            return redirect("orgs:detail", slug=slug, pk=org.pk)
    return render(request, "orgs/form.html", {"community": community, "form": form})


def org_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    org = get_object_or_404(selectors.organisations_of(community), pk=pk)
    can_manage = request.user.has_perm("orgs.manage_organisations", community)
    form = OrganisationForm(instance=org) if can_manage else None
    member_form = MemberForm() if can_manage else None
    if request.method == "POST":
        require_perm(request, "orgs.manage_organisations", community)
        actor = acting_user(request)
        if request.POST.get("action") == "member":
            member_form = MemberForm(request.POST)
            if member_form.is_valid():
                phone = normalize_phone(member_form.cleaned_data["phone"])
                person = User.objects.filter(phone=phone, deleted_at__isnull=True).first()
                if person is None:
                    member_form.add_error("phone", _("Nobody has signed up with this number "
                                                     "yet. Ask them to sign up first."))
                else:
                    services.org_member_add(
                        actor=actor, organisation=org, user=person,
                        title=member_form.cleaned_data["title"],
                        is_contact=member_form.cleaned_data["is_contact"],
                        is_representative=member_form.cleaned_data["is_representative"])
                    messages.success(request, _("Member added."))
                    return redirect("orgs:detail", slug=slug, pk=pk)
        else:
            form = OrganisationForm(request.POST, instance=Organisation.objects.get(pk=org.pk))
            if form.is_valid():
                try:
                    services.organisation_update(actor=actor, organisation=org,
                                                 **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("orgs:detail", slug=slug, pk=pk)
    return render(request, "orgs/detail.html", {
        "community": community, "org": org, "form": form, "member_form": member_form,
        "can_manage": can_manage,
        "show_contacts": request.user.has_perm("orgs.view_contacts", community),
    })


@login_required
@require_POST
def member_remove(request: AuthedRequest, slug: str, pk: int, member_pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "orgs.manage_organisations", community)
    member = get_object_or_404(OrgMember, pk=member_pk, organisation_id=pk,
                               organisation__community=community)
    services.org_member_remove(actor=request.user, member=member)
    messages.success(request, _("Member removed."))
    return redirect("orgs:detail", slug=slug, pk=pk)
