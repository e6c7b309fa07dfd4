"""Deliberation pages: thin views that parse a form, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.deliberation import selectors, services
from gongzhi.deliberation.export import polis_export
from gongzhi.deliberation.forms import (
    ConversationForm,
    ModerateForm,
    StateForm,
    StatementForm,
    VoteForm,
)
from gongzhi.deliberation.models import Conversation, Statement
from gongzhi.deliberation.report_pdf import GROUP_COLOURS


def _conversation_or_404(request: HttpRequest, community, pk: int,
                         perm: str = "deliberation.view_conversation") -> Conversation:
    conversation = get_object_or_404(selectors.conversation_qs(), community=community, pk=pk)
    if not request.user.has_perm(perm, conversation):
        if not request.user.has_perm("deliberation.view_conversation", conversation):
            raise Http404  # drafts do not exist for the public
        raise PermissionDenied
    return conversation


def conversation_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "deliberation.view_conversations", community)
    from django.core.paginator import Paginator

    page = Paginator(selectors.conversation_list(request.user, community), 30).get_page(
        request.GET.get("page"))
    return render(request, "deliberation/list.html", {
        "community": community, "page": page,
        "can_manage": request.user.has_perm("deliberation.manage_conversations", community),
    })


@login_required
def conversation_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "deliberation.manage_conversations", community)
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_create(actor=request.user,
                                                        community=community,
                                                        **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The conversation was created as a draft. Open it "
                                        "when the seed statements are ready."))
            return redirect("deliberation:detail", community.slug, conversation.pk)
    return render(request, "deliberation/form.html", {"community": community, "form": form})


def _vote_context(request: HttpRequest, conversation: Conversation, snapshot=None,
                  offered: Statement | None = None) -> dict:
    user = request.user
    participant = selectors.participant_of(user, conversation)
    can_vote = user.has_perm("deliberation.vote", conversation)
    statement = offered
    if statement is None and can_vote:
        statement = selectors.next_statement(conversation, participant, snapshot)
    n_voted = len(selectors.votes_of(participant)) if participant else 0
    threshold = selectors.map_threshold(conversation)
    return {
        "conversation": conversation, "community": conversation.community,
        "statement": statement, "can_vote": can_vote, "n_voted": n_voted,
        "threshold": threshold, "remaining_to_map": max(0, threshold - n_voted),
        "participant": participant, "offered": offered is not None,
        "can_propose": user.has_perm("deliberation.propose_statement", conversation),
    }


def _map_payload(snapshot, participant) -> dict | None:
    if snapshot is None or not snapshot.data.get("participants"):
        return None
    data = snapshot.data
    index = {g["id"]: i for i, g in enumerate(data["groups"])}
    points = [[x, y, index[g]] for x, y, g in data["participants"].values() if g in index]
    me = data["participants"].get(str(participant.number)) if participant else None
    return {
        "points": points,
        "groups": [{"label": selectors.group_label(i), "size": g["size"],
                    "name": _("Group %(label)s") % {"label": selectors.group_label(i)},
                    "colour": GROUP_COLOURS[i % len(GROUP_COLOURS)], "center": g["center"]}
                   for i, g in enumerate(data["groups"])],
        "me": me[:2] if me else None,
        "labels": {"you": _("You")},
    }


def conversation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk)
    snapshot = selectors.latest_snapshot(conversation)
    ctx = _vote_context(request, conversation, snapshot)
    participant = ctx["participant"]
    me = None
    if participant is not None and snapshot is not None:
        entry = snapshot.data.get("participants", {}).get(str(participant.number))
        if entry and entry[2] >= 0:
            me = {"label": selectors.group_label(
                [g["id"] for g in snapshot.data["groups"]].index(entry[2]))}
    ctx.update({
        "snapshot": snapshot,
        "results": selectors.results(conversation, snapshot),
        "map": _map_payload(snapshot, participant),
        "me": me,
        "statement_form": StatementForm(max_length=conversation.statement_max_length),
        "can_manage": request.user.has_perm("deliberation.manage_conversation", conversation),
        "n_pending": selectors.moderation_queue(conversation).count()
        if request.user.has_perm("deliberation.moderate", conversation) else 0,
        "states": Conversation.State.choices,
    })
    return render(request, "deliberation/detail.html", ctx)


@login_required
@require_POST
def vote(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk, "deliberation.vote")
    form = VoteForm(request.POST)
    error = None
    if form.is_valid():
        statement = get_object_or_404(Statement, conversation=conversation,
                                      pk=form.cleaned_data["statement"])
        try:
            services.vote_cast(actor=request.user, statement=statement,
                               value=form.cleaned_data["value"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Choose agree, disagree or pass.")
    if request.htmx:
        ctx = _vote_context(request, conversation, selectors.latest_snapshot(conversation))
        ctx["error"] = error
        return render(request, "deliberation/_vote_card.html", ctx)
    if error:
        messages.error(request, error)
    return redirect(reverse("deliberation:detail", args=[community.slug, conversation.pk])
                    + "#vote")


@login_required
def statement_submit(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk,
                                        "deliberation.propose_statement")
    form = StatementForm(request.POST or None, max_length=conversation.statement_max_length)
    offered = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.statement_submit(actor=request.user, conversation=conversation,
                                               text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not result.duplicate:
                if result.statement.status == Statement.Status.PENDING:
                    messages.success(request, _("Thank you. A worker will look at your "
                                                "statement before it is shown."))
                else:
                    messages.success(request, _("Thank you. Your statement is now shown to "
                                                "others to vote on."))
                return redirect(reverse("deliberation:detail",
                                        args=[community.slug, conversation.pk]) + "#vote")
            offered = result.statement
    ctx = _vote_context(request, conversation, selectors.latest_snapshot(conversation),
                        offered=offered if offered and offered.status ==
                        Statement.Status.ACCEPTED else None)
    ctx.update({"statement_form": form, "similar": offered})
    return render(request, "deliberation/submit.html", ctx,
                  status=200 if request.method == "GET" or offered or form.is_valid()
                  else 400)


@login_required
def moderate(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk, "deliberation.moderate")
    form = ModerateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            statement = get_object_or_404(Statement, conversation=conversation,
                                          pk=form.cleaned_data["statement"])
            try:
                services.statement_moderate(actor=request.user, statement=statement,
                                            status=form.cleaned_data["status"],
                                            reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Statement %(n)d: saved.") % {"n": statement.number})
                return redirect("deliberation:moderate", community.slug, conversation.pk)
        else:
            messages.error(request, _("Choose to show or to hide the statement."))
    return render(request, "deliberation/moderate.html", {
        "community": community, "conversation": conversation,
        "pending": list(selectors.moderation_queue(conversation)),
        "statements": list(conversation.statements.exclude(status=Statement.Status.PENDING)
                           .order_by("number")),
        "form": form,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def set_state(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk,
                                        "deliberation.manage_conversation")
    form = StateForm(request.POST)
    if form.is_valid():
        services.conversation_update(actor=request.user, conversation=conversation,
                                     state=form.cleaned_data["state"])
        messages.success(request, _("Saved."))
    return redirect("deliberation:detail", community.slug, conversation.pk)


def report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk)
    snapshot = selectors.latest_snapshot(conversation)
    return render(request, "deliberation/report.html", {
        "community": community, "conversation": conversation, "snapshot": snapshot,
        "results": selectors.results(conversation, snapshot),
        "n_statements": selectors.shown_statements(conversation).count(),
    })


def report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from gongzhi.deliberation.report_pdf import conversation_report_pdf

    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk)
    snapshot = selectors.latest_snapshot(conversation)
    pdf = conversation_report_pdf(conversation, snapshot,
                                  selectors.results(conversation, snapshot),
                                  selectors.shown_statements(conversation).count())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="conversation-{conversation.pk}-report.pdf"')
    return response


@login_required
def export(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    conversation = _conversation_or_404(request, community, pk, "deliberation.export")
    data = polis_export(conversation, selectors.latest_snapshot(conversation))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="conversation-{conversation.pk}-polis.zip"')
    return response
