"""News pages: announcements, read confirmations, the feed. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.feed import feed_sources
from gongzhi.core.http import community_or_404, require_perm
from gongzhi.news import forms, selectors, services
from gongzhi.news.models import Announcement, FeedPreference


def _announcement(request: HttpRequest, slug: str, pk: int) -> Announcement:
    community = community_or_404(slug)
    try:
        return selectors.announcement_page(community, request.user, pk)
    except Announcement.DoesNotExist:
        raise Http404 from None


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def announcement_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    user = request.user
    past = request.GET.get("all") == "1" and user.has_perm("news.create", community)
    items = list(selectors.visible(community, user, include_past=past)[:200])
    return render(request, "news/list.html", {
        "community": community, "items": items, "read": selectors.read_ids(user, items),
        "can_create": user.has_perm("news.create", community), "past": past,
        "place": selectors.user_place(user, community)})


@login_required
def announcement_create(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "news.create", community)
    form = forms.AnnouncementForm(request.POST or None, community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = services.announcement_create(
                actor=request.user, community=community, organisation=d["organisation"],
                title=d["title"], body=d["body"], audience=d["audience"],
                buildings=d["buildings"], units=d["units"], important=d["important"],
                pinned=d.get("pinned", False), expires_at=d["expires_at"],
                publish=d["publish"])
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("The announcement is published.") if d["publish"]
                             else _("The announcement is saved as a draft."))
            return redirect("news:detail", slug=slug, pk=a.pk)
    return render(request, "news/form.html", {"community": community, "form": form})


def announcement_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    user = request.user
    mine = (a.receipts.filter(user=user).first() if user.is_authenticated and a.important
            else None)
    can_receipts = user.has_perm("news.view_receipts", a)
    return render(request, "news/detail.html", {
        "community": a.community, "a": a, "mine": mine,
        "can_confirm": user.has_perm("news.confirm_read", a),
        "can_receipts": can_receipts,
        "summary": selectors.receipt_report(a) if can_receipts else None,
        "can_pin": user.has_perm("news.pin", a.community),
        "can_publish": user.has_perm("news.publish", a) and a.published_at is None,
        "can_withdraw": user.has_perm("news.withdraw", a) and a.withdrawn_at is None,
        "withdraw_form": forms.WithdrawForm()})


@login_required
@require_POST
def confirm_read(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    try:
        services.read_confirm(actor=request.user, announcement=a)
    except PermissionDenied:
        messages.error(request, _("This notice does not ask you for a confirmation."))
    else:
        messages.success(request, _("Thank you — marked as read."))
    if request.headers.get("HX-Request"):
        return render(request, "news/_read_state.html", {"a": a, "mine": True,
                                                         "community": a.community})
    return redirect("news:detail", slug=slug, pk=pk)


@login_required
def receipts(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    require_perm(request, "news.view_receipts", a)
    return render(request, "news/receipts.html", {
        "community": a.community, "a": a, "report": selectors.receipt_report(a),
        "can_remind": request.user.has_perm("news.remind", a)})


@login_required
@require_POST
def remind(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    try:
        n = services.remind_unread(actor=request.user, announcement=a)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("A reminder went to %(n)s people who have not read it "
                                    "yet.") % {"n": n})
    return redirect("news:receipts", slug=slug, pk=pk)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    try:
        services.announcement_publish(actor=request.user, announcement=a)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The announcement is published."))
    return redirect("news:detail", slug=slug, pk=pk)


@login_required
@require_POST
def pin(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    services.announcement_pin(actor=request.user, announcement=a,
                              pinned=request.POST.get("pinned") == "1")
    return redirect("news:detail", slug=slug, pk=pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    a = _announcement(request, slug, pk)
    try:
        services.announcement_withdraw(actor=request.user, announcement=a,
                                       reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The announcement is withdrawn."))
    return redirect("news:detail", slug=slug, pk=pk)


def feed(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    following = request.GET.get("show") == "following" and request.user.is_authenticated
    labels = {s.key: s.label for s in feed_sources()}
    events = selectors.feed_for(community, request.user, following_only=following, limit=50)
    return render(request, "news/feed.html", {
        "community": community, "following": following,
        "events": [(e, labels.get(e.source, e.source)) for e in events]})


@login_required
def feed_settings(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    sources = feed_sources()
    if request.method == "POST":
        choices = {s.key: request.POST.get(f"src_{s.key}", "") for s in sources}
        choices = {k: ("" if v == "default" else v) for k, v in choices.items()}
        try:
            services.feed_preferences_save(actor=request.user, community=community,
                                           choices=choices)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Your feed settings are saved."))
            return redirect("news:feed", slug=slug)
    prefs = selectors.preferences(request.user, community)
    rows = [{"key": s.key, "label": s.label, "choice": prefs.get(s.key, "default")}
            for s in sources]
    return render(request, "news/feed_settings.html", {
        "community": community, "rows": rows, "Choice": FeedPreference.Choice})


def feed_atom(request: HttpRequest, slug: str) -> HttpResponse:
    """Public events of the community as Atom (what an anonymous visitor may see)."""
    community = community_or_404(slug)
    url = request.build_absolute_uri(f"/c/{community.slug}/")
    atom = Atom1Feed(title=_("%(name)s — what is happening") % {"name": community.name},
                     link=url, description="", language=request.LANGUAGE_CODE,
                     feed_url=request.build_absolute_uri())
    from gongzhi.core.feed import community_feed

    for e in community_feed(community, AnonymousUser(), limit=50):
        atom.add_item(title=e.title, link=request.build_absolute_uri(e.url),
                      description=e.summary, pubdate=e.at, updateddate=e.at,
                      unique_id=request.build_absolute_uri(e.url) + f"#{e.source}-{e.kind}")
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    atom.write(response, "utf-8")
    return response
