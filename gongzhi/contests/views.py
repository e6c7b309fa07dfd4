"""Contest pages: thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.contests import forms, selectors, services
from gongzhi.contests.models import Contest, Entry, Stage
from gongzhi.core.http import community_or_404, require_perm


def _contest(request: HttpRequest, slug: str, pk: int) -> Contest:
    community = community_or_404(slug)
    try:
        return selectors.contest_page(community, request.user, pk)
    except Contest.DoesNotExist:
        raise Http404 from None


def _entry(request: HttpRequest, contest: Contest, pk: int) -> Entry:
    try:
        return selectors.entry_page(contest, request.user, pk)
    except Entry.DoesNotExist:
        raise Http404 from None


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def contest_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    return render(request, "contests/list.html", {
        "community": community, "contests": selectors.contest_list(community, request.user),
        "can_create": request.user.has_perm("contests.create", community)})


@login_required
def contest_create(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "contests.create", community)
    form = forms.ContestForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            contest = services.contest_create(actor=request.user, community=community,
                                              title=data.pop("title"), kind=data.pop("kind"),
                                              **data)
        except ValidationError as exc:
            _to_form(form, exc)
        else:
            messages.success(request, _("The contest is saved as a draft. Publish it when "
                                        "it is ready."))
            return redirect("contests:detail", slug=slug, pk=contest.pk)
    return render(request, "contests/form.html", {"community": community, "form": form})


@login_required
def contest_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    require_perm(request, "contests.manage", contest)
    form = forms.ContestForm(request.POST or None, instance=contest,
                             community=contest.community)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.service_fields().items()
                if k in form.changed_data or k == "jury_criteria"}
        try:
            services.contest_update(actor=request.user, contest=contest, **data)
        except ValidationError as exc:
            _to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("contests:detail", slug=slug, pk=pk)
    return render(request, "contests/form.html", {"community": contest.community,
                                                  "form": form, "contest": contest})


def contest_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    user = request.user
    can_manage = user.has_perm("contests.manage", contest)
    return render(request, "contests/detail.html", {
        "community": contest.community, "contest": contest, "stage": contest.stage,
        "entries": list(selectors.gallery(contest)), "mine": selectors.my_entries(contest, user),
        "can_enter": user.has_perm("contests.enter", contest),
        "can_vote": user.has_perm("contests.vote", contest),
        "can_results": user.has_perm("contests.view_results", contest),
        "can_manage": can_manage, "counts": selectors.counts(contest) if can_manage else None,
        "jury": list(contest.jury.select_related("user")) if can_manage else [],
        "jury_form": forms.JuryAddForm() if can_manage and contest.has_jury else None,
        "Stage": Stage})


@login_required
def entry_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    if not request.user.has_perm("contests.enter", contest):
        messages.error(request, _("Entries are not open to you in this contest."))
        return redirect("contests:detail", slug=slug, pk=pk)
    form = forms.EntryForm(request.POST or None, request.FILES or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.entry_submit(
                actor=request.user, contest=contest, title=d["title"],
                statement=d["statement"], licence=d["licence"],
                consent_publish=d["consent_publish"], image=d.get("image"),
                alt_text=d.get("alt_text", ""), proposed_name=d.get("proposed_name", ""),
                space=d.get("space"), show_name=d.get("show_name", False))
        except ValidationError as exc:
            _to_form(form, exc)
        else:
            messages.success(request, _("Thank you! Your entry will appear in the gallery "
                                        "once a worker has looked at it."))
            return redirect("contests:detail", slug=slug, pk=pk)
    return render(request, "contests/enter.html", {"community": contest.community,
                                                   "contest": contest, "form": form})


def entry_detail(request: HttpRequest, slug: str, pk: int, entry_pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    entry = _entry(request, contest, entry_pk)
    user = request.user
    gallery_ids = list(selectors.gallery(contest).values_list("pk", flat=True))
    prev_id = next_id = None
    if entry.pk in gallery_ids:
        i = gallery_ids.index(entry.pk)
        prev_id = gallery_ids[i - 1] if i > 0 else None
        next_id = gallery_ids[i + 1] if i + 1 < len(gallery_ids) else None
    score_form = None
    can_score = user.has_perm("contests.jury_score", contest)
    if can_score and entry.status == Entry.Status.APPROVED:
        mine = selectors.my_jury_scores(contest, user).get(entry.pk, {})
        score_form = forms.jury_score_form(contest, initial=mine,
                                           data=request.POST if request.method == "POST"
                                           else None)
        if request.method == "POST" and score_form.is_valid():
            scores = {c: score_form.cleaned_data[f"c{i}"]
                      for i, c in enumerate(contest.jury_criteria)}
            try:
                services.jury_scores_set(actor=user, entry=entry, scores=scores)
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("Your scores are saved."))
                return redirect("contests:entry", slug=slug, pk=pk, entry_pk=entry.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "contests/entry.html", {
        "community": contest.community, "contest": contest, "entry": entry,
        "prev_id": prev_id, "next_id": next_id, "score_form": score_form,
        "can_withdraw": user.has_perm("contests.withdraw_entry", entry),
        "position": gallery_ids.index(entry.pk) + 1 if entry.pk in gallery_ids else None,
        "total": len(gallery_ids)})


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, slug: str, pk: int, entry_pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    entry = _entry(request, contest, entry_pk)
    try:
        services.entry_withdraw(actor=request.user, entry=entry)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Your entry is withdrawn."))
    return redirect("contests:detail", slug=slug, pk=pk)


@login_required
def moderation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    require_perm(request, "contests.moderate", contest)
    return render(request, "contests/moderate.html", {
        "community": contest.community, "contest": contest,
        "queue": list(selectors.moderation_queue(contest)), "reject_form": forms.RejectForm()})


@login_required
@require_POST
def moderate_entry(request: HttpRequest, slug: str, pk: int, entry_pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    require_perm(request, "contests.moderate", contest)
    entry = _entry(request, contest, entry_pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.entry_moderate(actor=request.user, entry=entry, approve=approve,
                                reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Entry accepted into the gallery.") if approve
                         else _("Entry not accepted; the entrant is told why."))
    return redirect("contests:moderate", slug=slug, pk=pk)


def _staff_action(request: HttpRequest, slug: str, pk: int, fn, done: str) -> HttpResponse:
    contest = _contest(request, slug, pk)
    require_perm(request, "contests.manage", contest)
    try:
        fn(actor=request.user, contest=contest)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, done)
    return redirect("contests:detail", slug=slug, pk=pk)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _staff_action(request, slug, pk, services.contest_publish,
                         _("The contest is published and residents are told."))


@login_required
@require_POST
def open_voting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _staff_action(request, slug, pk, services.contest_voting_open,
                         _("Voting is open."))


@login_required
@require_POST
def announce(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _staff_action(request, slug, pk, services.contest_announce,
                         _("The result is announced."))


@login_required
@require_POST
def jury_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from gongzhi.accounts.models import User
    from gongzhi.core.phone import normalize_phone

    contest = _contest(request, slug, pk)
    require_perm(request, "contests.manage", contest)
    form = forms.JuryAddForm(request.POST)
    user = None
    if form.is_valid():
        user = User.objects.filter(phone=normalize_phone(form.cleaned_data["phone"]),
                                   deleted_at__isnull=True).first()
    if user is None:
        messages.error(request, _("Nobody with this mobile number has an account."))
    else:
        services.jury_member_add(actor=request.user, contest=contest, user=user)
        messages.success(request, _("%(name)s is on the jury.") % {"name": user.public_name})
    return redirect("contests:detail", slug=slug, pk=pk)


def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The gallery as a ballot paper; the form posts to the decisions app's ballot page,
    which records the vote and shows the receipt."""
    contest = _contest(request, slug, pk)
    if contest.ballot is None:
        messages.info(request, _("Voting has not opened yet."))
        return redirect("contests:detail", slug=slug, pk=pk)
    from gongzhi.decisions import selectors as decisions

    mine = decisions.my_vote(contest.ballot, request.user) \
        if request.user.is_authenticated else None
    return render(request, "contests/vote.html", {
        "community": contest.community, "contest": contest,
        "entries": list(selectors.gallery(contest)), "mine": mine,
        "can_vote": request.user.has_perm("contests.vote", contest),
        "single": contest.method == "plurality"})


def results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    contest = _contest(request, slug, pk)
    require_perm(request, "contests.view_results", contest)
    rows = selectors.result_rows(contest) if contest.result else []
    preview = None
    if not rows and request.user.has_perm("contests.manage", contest):
        preview = services.compute_result(contest) if contest.ballot is not None and \
            contest.ballot.result else None
    return render(request, "contests/results.html", {
        "community": contest.community, "contest": contest, "rows": rows,
        "preview": preview, "max_votes": max([r["votes"] for r in rows] or [1]) or 1})
