"""Home, community overview, community switcher, audit log, area overview, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.accounts.access import community_roles
from gongzhi.accounts.models import AreaRole
from gongzhi.core import selectors
from gongzhi.core.audit_actions import area_choices
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.middleware import COMMUNITY_SESSION_KEY
from gongzhi.core.now import community_now
from gongzhi.core.templatetags.audit import name_related
from gongzhi.places.models import Community, Region


def home(request: HttpRequest) -> HttpResponse:
    current = None
    if request.user.is_authenticated:
        communities = selectors.switcher_communities(request.user)
        chosen = request.session.get(COMMUNITY_SESSION_KEY)
        current = next((c for c in communities if c.pk == chosen), None)
        if current is None and len(communities) == 1:
            current = communities[0]
        if current is not None:
            return redirect("core:community", slug=current.slug)
    return render(request, "core/home.html", {
        "communities": selectors.public_communities().order_by("name")[:100],
        "area_roles": AreaRole.objects.filter(user=request.user).select_related("region")
        if request.user.is_authenticated else [],
    })


def community(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    # remembered for the switcher; written only when it changes (a session save is an
    # UPDATE and a commit on every visit otherwise)
    if request.user.is_authenticated and \
            request.session.get(COMMUNITY_SESSION_KEY) != community.pk:
        request.session[COMMUNITY_SESSION_KEY] = community.pk
    roles = community_roles(request.user, community)
    return render(request, "core/community.html", {
        "community": community,
        "roles": roles,
        "stats": selectors.community_stats(community),
        "organisations": selectors.community_org_summary(community),
        "membership": selectors.membership_of(request.user, community),
        "now_blocks": community_now(request, community),
    })


@require_POST
def switch_community(request: HttpRequest) -> HttpResponse:
    target = get_object_or_404(Community, pk=request.POST.get("community") or 0, is_active=True)
    request.session[COMMUNITY_SESSION_KEY] = target.pk
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("core:community", slug=target.slug)


@login_required
def audit_log(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "core.view_audit_log", community)
    action = request.GET.get("action", "").strip()
    entries = selectors.audit_entries(community=community, action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    name_related(page.object_list)
    return render(request, "core/audit_log.html",
                  {"community": community, "page": page, "action": action,
                   "areas": area_choices()})


@login_required
def area(request: AuthedRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region, pk=pk)
    allowed = request.user.is_superuser or AreaRole.objects.filter(
        user=request.user, region__in=[r.pk for r in region.path()]).exists()
    if not allowed:
        raise PermissionDenied
    return render(request, "core/area.html", {
        "region": region, "rows": selectors.area_overview(region),
    })


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception as exc:  # report, don't crash: load balancers read this
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)},
                            status=503)
    return JsonResponse({"status": "ok", "database": db, "vendor": connection.vendor})
