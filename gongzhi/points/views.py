"""Points and rewards pages: thin views over services and selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import MAX_PAGE, community_or_404, require_perm
from gongzhi.core.tabular import spreadsheet_response
from gongzhi.points import forms, selectors, services
from gongzhi.points.models import PointsEntry, Redemption, Reward


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _page(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except ValueError:
        return 1


def _month(request) -> dt.date:
    try:
        return dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


# --- residents ------------------------------------------------------------------------------

@login_required
def me(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.view_own", community)
    page = Paginator(selectors.history(request.user, community), 30).get_page(_page(request))
    account = selectors.account(request.user, community)
    return render(request, "points/me.html", {
        "community": community, "account": account, "page": page,
        "balance": account.balance if account else 0,
        "rules": services.rules_for(community),
        "open_redemptions": selectors.my_redemptions(request.user, community)
        .filter(status=Redemption.Status.REQUESTED).count(),
    })


def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    user = request.user
    return render(request, "points/catalogue.html", {
        "community": community, "rewards": list(selectors.catalogue(community)),
        "balance": selectors.balance(user, community) if user.is_authenticated else None,
        "can_manage": user.has_perm("points.manage", community),
    })


def reward_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    try:
        reward = selectors.reward(community, pk)
    except Reward.DoesNotExist:
        raise Http404 from None
    user = request.user
    if not reward.is_available() and not user.has_perm("points.manage", community):
        raise Http404
    balance = selectors.balance(user, community) if user.is_authenticated else None
    return render(request, "points/reward.html", {
        "community": community, "reward": reward, "balance": balance,
        "can_redeem": user.has_perm("points.redeem", community),
        "short": max(0, reward.price - (balance or 0)),
    })


@login_required
@require_POST
def redeem(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    reward = get_object_or_404(Reward, community=community, pk=pk)
    try:
        r = services.redemption_request(actor=request.user, reward=reward)
    except PermissionDenied:
        messages.error(request, _("Only members of this community can redeem rewards."))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Done! Show the code %(code)s when you collect it.")
                         % {"code": r.code})
        return redirect("points:my_redemptions", slug=slug)
    return redirect("points:reward", slug=slug, pk=pk)


@login_required
def my_redemptions(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.view_own", community)
    return render(request, "points/my_redemptions.html", {
        "community": community,
        "redemptions": list(selectors.my_redemptions(request.user, community)[:200]),
    })


@login_required
@require_POST
def redemption_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    r = get_object_or_404(Redemption, community=community, pk=pk, user=request.user)
    try:
        services.redemption_cancel(actor=request.user, redemption=r)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Cancelled. Your points are back."))
    return redirect("points:my_redemptions", slug=slug)


TOP_BUILDINGS = 10


def leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    period = request.GET.get("period", "month")
    since = None
    if period == "month":
        start, _end = selectors.month_bounds(timezone.localdate())
        since = start
    else:
        period = "all"
    account = selectors.account(request.user, community)
    buildings = [b for b in selectors.leaderboard_by_building(community, since=since)
                 if b.total]
    return render(request, "points/leaderboard.html", {
        "community": community, "period": period,
        "teams": selectors.leaderboard_by_team(community, since=since),
        "buildings": buildings[:TOP_BUILDINGS],
        "more_buildings": len(buildings) - TOP_BUILDINGS if len(buildings) > TOP_BUILDINGS
        else 0,
        "account": account,
        "can_choose": request.user.has_perm("points.view_own", community),
    })


@login_required
@require_POST
def leaderboard_choice(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    show = request.POST.get("show") == "1"
    services.leaderboard_choose(actor=request.user, community=community, show=show)
    messages.success(request, _("Your name is now shown on the leaderboards.") if show
                     else _("Your name is no longer shown; your points are counted without "
                            "it."))
    return redirect("points:leaderboard", slug=slug)


# --- workers ----------------------------------------------------------------------------------

@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    month = timezone.localdate().replace(day=1)
    return render(request, "points/manage.html", {
        "community": community, "rules": services.rules_for(community),
        "summary": selectors.month_summary(community, month), "month": month,
        "waiting": selectors.queue(request.user, community).count(),
        "low_stock": list(selectors.catalogue(community).filter(stock__lte=3)[:20]),
    })


@login_required
def rules_edit(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    rules = services.rules_for(community)
    form = forms.RulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_update(actor=request.user, community=community,
                                  **{f: form.cleaned_data[f] for f in services.RULE_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The points rules are saved. They apply to activity "
                                        "confirmed from now on."))
            return redirect("points:manage", slug=slug)
    return render(request, "points/rules.html", {"community": community, "form": form})


def _find_member(community, text: str):
    from gongzhi.accounts.models import Membership, User
    from gongzhi.core.phone import normalize_phone

    text = text.strip()
    members = User.objects.filter(memberships__community=community,
                                  memberships__status__in=[Membership.Status.VERIFIED,
                                                           Membership.Status.PENDING],
                                  deleted_at__isnull=True)
    try:
        phone = normalize_phone(text)
    except (ValueError, ValidationError):
        phone = None
    found = list(members.filter(phone=phone)[:2]) if phone else []
    if not found:
        found = list(members.filter(display_name=text)[:2])
    if len(found) != 1:
        raise ValidationError({"person": _("No member of this community with this number or "
                                           "name.") if not found else
                               _("Several members have this name; give the mobile number.")})
    return found[0]


@login_required
def adjust(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    form = forms.AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = _find_member(community, form.cleaned_data["person"])
            services.adjustment_create(actor=request.user, community=community, user=person,
                                       amount=form.cleaned_data["amount"],
                                       reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Points adjusted for %(name)s.")
                             % {"name": person.public_name})
            return redirect("points:adjust", slug=slug)
    recent = (PointsEntry.objects.filter(community=community, kind=PointsEntry.Kind.ADJUST)
              .select_related("user", "actor").order_by("-created_at")[:20])
    return render(request, "points/adjust.html", {"community": community, "form": form,
                                                  "recent": recent})


@login_required
def stock(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    from django.db.models import Count, Q

    rewards = (selectors.catalogue(community, include_inactive=True)
               .annotate(waiting=Count("redemptions", filter=Q(
                   redemptions__status=Redemption.Status.REQUESTED)),
                   given=Count("redemptions", filter=Q(
                       redemptions__status=Redemption.Status.HANDED_OVER))))
    return render(request, "points/stock.html", {"community": community,
                                                 "rewards": list(rewards)})


@login_required
def reward_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    reward = get_object_or_404(Reward, community=community, pk=pk) if pk else None
    form = forms.RewardForm(request.POST or None, request.FILES or None, instance=reward,
                            community=community)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.REWARD_FIELDS}
        picture = form.cleaned_data.get("picture") or None
        try:
            if reward is None:
                services.reward_create(actor=request.user, community=community,
                                       picture=picture, **data)
            else:
                services.reward_update(actor=request.user, reward=reward, picture=picture,
                                       **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reward is saved."))
            return redirect("points:stock", slug=slug)
    return render(request, "points/reward_form.html", {"community": community, "form": form,
                                                       "reward": reward})


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.view_queue", community)
    status = request.GET.get("status", Redemption.Status.REQUESTED)
    if status not in Redemption.Status.values:
        status = Redemption.Status.REQUESTED
    page = Paginator(selectors.queue(request.user, community, status=status), 50) \
        .get_page(_page(request))
    return render(request, "points/queue.html", {
        "community": community, "page": page, "status": status,
        "statuses": Redemption.Status.choices,
        "can_manage": request.user.has_perm("points.manage", community)})


@login_required
@require_POST
def queue_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    r = get_object_or_404(Redemption.objects.select_related("reward"), community=community,
                          pk=pk)
    require_perm(request, "points.hand_over", r)
    try:
        if request.POST.get("action") == "hand_over":
            services.redemption_hand_over(actor=request.user, redemption=r,
                                          code=request.POST.get("code", "")[:8])
            messages.success(request, _("Handed over."))
        elif request.POST.get("action") == "reject":
            services.redemption_reject(actor=request.user, redemption=r,
                                       reason=request.POST.get("reason", "")[:300])
            messages.success(request, _("Refused; the points went back to the resident."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("points:queue", slug=slug)


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    month = _month(request)
    return render(request, "points/report.html", {
        "community": community, "month": month,
        "summary": selectors.month_summary(community, month),
        "prev": (month - dt.timedelta(days=1)).replace(day=1),
        "next": (month + dt.timedelta(days=32)).replace(day=1),
    })


REPORT_HEADERS = ["时间", "居民", "类型", "规则", "积分", "余额", "事项", "活动日期", "经办人",
                  "说明"]


@login_required
def report_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The month's ledger: CSV (UTF-8 with BOM, for Excel) or XLSX."""
    community = community_or_404(slug)
    require_perm(request, "points.manage", community)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    month = _month(request)
    name = f"points-{community.slug}-{month:%Y-%m}.{fmt}"
    return spreadsheet_response(fmt, name, REPORT_HEADERS, _report_rows(community, month),
                                sheet=f"{month:%Y-%m}")


def _report_rows(community, month):
    return [[timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"), e.user.public_name,
             str(e.get_kind_display()), str(e.get_rule_display()) if e.rule else "", e.amount,
             e.balance_after, e.source_label,
             e.occurred_on.isoformat() if e.occurred_on else "",
             e.actor.public_name if e.actor else "", e.note]
            for e in selectors.month_entries(community, month)]


