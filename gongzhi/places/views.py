"""The household ledger: search, import with a dry run, households and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts import services as account_services
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.qr import qr_svg
from gongzhi.places import selectors, services
from gongzhi.places.forms import InviteForm, LedgerUploadForm
from gongzhi.places.models import Household, LedgerUpload


@login_required
def ledger(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    q = request.GET.get("q", "")
    households = selectors.ledger_households(user=request.user, community=community, query=q)
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    return render(request, "places/ledger.html", {
        "community": community, "page": page, "q": q,
        "can_import": request.user.has_perm("places.import_ledger", community),
    })


@login_required
def ledger_template(request: AuthedRequest, slug: str) -> HttpResponse:
    """The XLSX template with the headers the import reads and an example row."""
    community = community_or_404(slug)
    require_perm(request, "places.import_ledger", community)
    from gongzhi.places.ledger import template_workbook

    response = HttpResponse(
        template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = ("attachment; filename=\"ledger-template.xlsx\"; "
                                       "filename*=UTF-8''%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx")
    return response


@login_required
def ledger_import(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "places.import_ledger", community)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    report = upload = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        data = f.read()
        report = services.ledger_import(actor=request.user, community=community,
                                        filename=f.name, data=data, dry_run=True)
        if report.ok:
            upload = LedgerUpload.objects.create(community=community,
                                                 uploaded_by=request.user, filename=f.name,
                                                 data=data)
    return render(request, "places/ledger_import.html", {
        "community": community, "form": form, "report": report, "upload": upload,
    })


@login_required
@require_POST
def ledger_import_confirm(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "places.import_ledger", community)
    upload = get_object_or_404(LedgerUpload, pk=pk, community=community,
                               uploaded_by=request.user, imported_at__isnull=True)
    report = services.ledger_import(actor=request.user, community=community,
                                    filename=upload.filename, data=bytes(upload.data),
                                    dry_run=False)
    if report.ok:
        LedgerUpload.objects.filter(pk=upload.pk).update(imported_at=timezone.now(), data=b"")
        messages.success(request, _(
            "Imported: %(created)s new households, %(updated)s updated, %(buildings)s new "
            "buildings.") % {"created": report.created["households_created"],
                             "updated": report.created["households_updated"],
                             "buildings": report.created["buildings"]})
        return redirect("places:ledger", slug=slug)
    return render(request, "places/ledger_import.html", {
        "community": community, "form": LedgerUploadForm(), "report": report,
    })


@login_required
def household(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "places.view_ledger", community)
    hh = get_object_or_404(Household.objects.select_related("building", "unit"), pk=pk,
                           community=community)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.invite_create(actor=request.user, household=hh,
                                           **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation created. Print it or show the QR code."))
            return redirect("places:household", slug=slug, pk=pk)
    invites = []
    for invite in hh.invites.filter(revoked_at__isnull=True).order_by("-created_at")[:5]:
        url = request.build_absolute_uri(reverse("accounts:invite_code", args=[invite.code]))
        invites.append({"invite": invite, "url": url, "qr": qr_svg(url),
                        "active": invite.expires_at > timezone.now()
                        and invite.uses < invite.max_uses})
    members = hh.memberships.select_related("user")
    return render(request, "places/household.html", {
        "community": community, "household": hh, "form": form, "invites": invites,
        "members": members,
    })
