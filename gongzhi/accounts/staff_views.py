"""Community staff pages: the verification queue and role management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import selectors, services
from gongzhi.accounts.forms import ApproveForm, RefuseForm, RoleForm
from gongzhi.accounts.models import Membership, Role, User
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.places.models import Household


@login_required
def verification_queue(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "accounts.view_verification_queue", community)
    status = request.GET.get("status", Membership.Status.PENDING)
    if status not in Membership.Status.values:
        status = Membership.Status.PENDING
    counts = selectors.membership_status_counts(community=community)
    page = Paginator(selectors.memberships_for_review(community=community, status=status),
                     30).get_page(request.GET.get("page"))
    return render(request, "accounts/staff/queue.html", {
        "community": community, "page": page, "status": status,
        "can_bulk": status == Membership.Status.PENDING
        and request.user.has_perm("accounts.verify_resident", community),
        "tabs": [(value, label, counts.get(value, 0))
                 for value, label in Membership.Status.choices],
    })


@login_required
def verification_bulk(request: AuthedRequest, slug: str) -> HttpResponse:
    """Approve every request that matches the ledger: a confirmation page listing who,
    then one click."""
    community = community_or_404(slug)
    require_perm(request, "accounts.verify_resident", community)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("membership") if i.isdigit()]
        if not ids:
            messages.error(request, _("Tick at least one person to approve."))
        else:
            approved = services.memberships_approve_matching(
                actor=request.user, community=community, membership_ids=ids)
            messages.success(request, _("%(n)s residents verified.") % {"n": len(approved)})
            return redirect("members:queue", slug=slug)
    return render(request, "accounts/staff/bulk.html", {
        "community": community,
        "matching": selectors.memberships_matching_ledger(community=community),
    })


@login_required
def verification_decide(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "accounts.verify_resident", community)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "household__building", "household__unit"),
        pk=pk, community=community,
    )
    approve_form = ApproveForm(initial={"household": membership.household_id})
    refuse_form = RefuseForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                approve_form = ApproveForm(request.POST)
                if approve_form.is_valid():
                    hh_id = approve_form.cleaned_data["household"]
                    household = None
                    if hh_id:
                        household = Household.objects.filter(pk=hh_id,
                                                             community=community).first()
                        if household is None:
                            raise ValidationError({"household": _("Choose a household of this "
                                                                  "community.")})
                    services.membership_approve(actor=request.user, membership=membership,
                                                household=household)
                    messages.success(request, _("%(name)s is now verified.")
                                     % {"name": membership.user.public_name})
                    return redirect("members:queue", slug=slug)
            elif action == "refuse":
                refuse_form = RefuseForm(request.POST)
                if refuse_form.is_valid():
                    services.membership_refuse(actor=request.user, membership=membership,
                                               reason=refuse_form.cleaned_data["reason"])
                    messages.success(request, _("The request was refused and the resident "
                                                "was told why."))
                    return redirect("members:queue", slug=slug)
        except ValidationError as exc:
            add_service_errors(approve_form if action == "approve" else refuse_form, exc)
    candidates = selectors.household_candidates(membership=membership)
    return render(request, "accounts/staff/decide.html", {
        "community": community, "membership": membership, "candidates": candidates,
        "approve_form": approve_form, "refuse_form": refuse_form,
        "show_phone": request.user.has_perm("accounts.view_member_contact", community),
    })


@login_required
def members(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "accounts.manage_roles", community)
    q = request.GET.get("q", "")
    role = request.GET.get("role", "")
    page = Paginator(selectors.community_people(community=community, query=q, role=role),
                     40).get_page(request.GET.get("page"))
    return render(request, "accounts/staff/members.html", {
        "community": community, "page": page, "q": q, "role": role, "roles": Role.choices,
        "role_form": RoleForm(),
    })


@login_required
@require_POST
def role_change(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "accounts.manage_roles", community)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person and a role."))
        return redirect("members:members", slug=slug)
    person = get_object_or_404(User, pk=form.cleaned_data["user_id"])
    role = form.cleaned_data["role"]
    try:
        if request.POST.get("op") == "revoke":
            services.role_revoke(actor=request.user, user=person, community=community, role=role)
            messages.success(request, _("Role removed."))
        else:
            services.role_grant(actor=request.user, user=person, community=community, role=role)
            messages.success(request, _("Role granted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    back = request.POST.get("back", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("members:members", slug=slug)
