"""Ballot pages: list, create, detail with the vote form, receipt, results, verification,
paper entry, exports and Pabulib import. Thin: parse, call a service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.middleware import form_reports_bad_input
from gongzhi.decisions import chain, selectors, services
from gongzhi.decisions.forms import (
    KINDS,
    MAX_OPTIONS,
    BallotBasicsForm,
    BallotMethodForm,
    OptionFormSet,
    PabulibImportForm,
    PaperEntryForm,
    PaperVoterForm,
    ReceiptCheckForm,
    image_token,
)
from gongzhi.decisions.models import RANKED_METHODS, Ballot, Method
from gongzhi.decisions.templatetags import ballots as readable


def _ballot(request: HttpRequest, slug: str, pk: int) -> Ballot:
    community = community_or_404(slug)
    ballot = get_object_or_404(Ballot.objects.select_related("community"), pk=pk,
                               community=community)
    if not request.user.has_perm("decisions.view_ballot", ballot):
        raise Http404
    return ballot


def _receipt_page(request: HttpRequest, ballot: Ballot, *, code: str | None = None,
                  digest: str | None = None, content=None) -> HttpResponse:
    """The receipt page. Right after voting it carries the receipt code, shown this once:
    the code is never stored (not in the session, not in a URL, not in a log), so the
    response must not be cached either."""
    mine = selectors.my_vote(ballot, request.user)
    if digest is None and mine and mine["record"] and mine["record"].receipt_hash:
        digest = mine["record"].receipt_hash
    if content is None:
        content = (mine or {}).get("content")
    status = selectors.receipt_status(ballot, digest) if digest else None
    response = render(request, "decisions/receipt.html", {
        "community": ballot.community, "ballot": ballot, "mine": mine, "code": code,
        "digest": digest, "content": content, "status": status,
        "labels": {o.key: o.label for o in ballot.options.all()},
    })
    response["Cache-Control"] = "no-store"
    return response


def ballot_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    ballots = selectors.ballots_of(community, request.user)
    return render(request, "decisions/list.html", {
        "community": community, "ballots": ballots,
        "can_manage": request.user.has_perm("decisions.manage_ballot", community),
    })


def _suppress_errors(*forms_) -> None:
    """Keep what was typed but show no errors (the worker only asked for another row)."""
    from django.forms.utils import ErrorDict, ErrorList

    for f in forms_:
        if isinstance(f, BaseFormSet):
            # Private attributes of Django's formset, which django-stubs leaves out.
            f._errors, f._non_form_errors = [], ErrorList()  # type: ignore[attr-defined]
            _suppress_errors(*f.forms)
        else:
            f._errors, f.cleaned_data = ErrorDict(), {}


def _stage_option_images(formset, data, files) -> None:
    """Store each row's new picture at once (checked and re-encoded by the service) and
    carry it on as a signed token, so it survives the preview, an added row or an error
    elsewhere in the form. A picture that fails its check stays in ``files``: the row
    then shows why, with everything else that was typed."""
    for form in formset.forms:
        key = form.add_prefix("image")
        upload = files.get(key)
        if not upload:
            continue
        try:
            name = services.option_image_stage(upload=upload)
        except ValidationError:
            continue
        data[form.add_prefix("image_token")] = image_token(name)
        data.pop(form.add_prefix("image_clear"), None)
        del files[key]


def _preview_ballot(community, basics, method_form, options: list[dict]):
    """An unsaved ballot and its options, to show the ballot exactly as voters will."""
    from gongzhi.decisions.models import Option

    params = method_form.params()
    ballot = Ballot(community=community, title=basics.cleaned_data["title"],
                    question=basics.cleaned_data["question"], **params)
    if ballot.method == Method.MAJORITY:
        options = [{"key": "yes", "label": _("Yes")}, {"key": "no", "label": _("No")},
                   {"key": "abstain", "label": _("Abstain")}]
    elif ballot.method == Method.ART278:
        options = [{"key": "agree", "label": _("Agree")},
                   {"key": "disagree", "label": _("Disagree")},
                   {"key": "abstain", "label": _("Abstain")}]
    rows = [Option(key=o["key"], label=o["label"], description=o.get("description", ""),
                   cost=o.get("cost") or 0, image=o.get("image") or "") for o in options]
    kind = ballot.pb_vote_type if ballot.is_pb else ballot.method
    return {"ballot": ballot, "options": rows, "kind": kind, "chosen_keys": set(),
            "ranked": ballot.method in RANKED_METHODS
            or (ballot.is_pb and ballot.pb_vote_type == "ordinal")}


@login_required
@form_reports_bad_input
def ballot_create(request: AuthedRequest, slug: str) -> HttpResponse:
    """The ballot wizard: 1. the kind of decision in plain words; 2. only what that kind
    needs, options as rows; 3. a preview exactly as voters will see it; then a draft."""
    community = community_or_404(slug)
    require_perm(request, "decisions.manage_ballot", community)
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    if kind not in KINDS:
        return render(request, "decisions/wizard_kind.html", {
            "community": community, "kinds": KINDS.items()})
    spec = KINDS[kind]
    data = request.POST.copy() if request.method == "POST" else None
    files = request.FILES.copy() if request.method == "POST" else None
    action = request.POST.get("action", "")
    if data is not None and action == "add_row":
        raw_total = data.get("options-TOTAL_FORMS") or "0"
        total = int(raw_total) if raw_total.isdigit() else 0  # the formset refuses the rest
        data["options-TOTAL_FORMS"] = str(min(total + 1, MAX_OPTIONS))
    basics = BallotBasicsForm(data, kind=kind, community=community)
    method_form = BallotMethodForm(data, kind=kind)
    formset = None
    if spec["options"]:
        initial: list[dict[str, Any]] | None = None if data is not None else [{}, {}, {}]
        formset = OptionFormSet(data, files, prefix="options", initial=initial,
                                with_cost=bool(spec.get("cost")))
        if data is not None:
            _stage_option_images(formset, data, files)
    preview = None
    if data is not None and action == "add_row":
        _suppress_errors(basics, method_form, *([formset] if formset else []))
    elif data is not None and basics.is_valid() & method_form.is_valid() & (
            formset is None or formset.is_valid()):
        options = formset.options() if formset else []
        if action == "create":
            b = basics.cleaned_data
            try:
                ballot = services.ballot_create(
                    actor=request.user, community=community, title=b["title"],
                    question=b["question"], options=options, eligibility=b["eligibility"],
                    secrecy="secret" if b.get("secret") else "open",
                    allow_change=b["allow_change"], opens_at=b["opens_at"],
                    closes_at=b["closes_at"], building=b["building"], meeting=b["meeting"],
                    project=b["project"], **method_form.params())
            except ValidationError as exc:
                target = method_form if hasattr(exc, "error_dict") and set(
                    exc.error_dict) & set(method_form.fields) else basics
                add_service_errors(target, exc)
            else:
                messages.success(request, _("Ballot created as a draft. Check it below, "
                                            "then open it."))
                return redirect("decisions:detail", slug=slug, pk=ballot.pk)
        else:
            preview = _preview_ballot(community, basics, method_form, options)
    return render(request, "decisions/form.html", {
        "community": community, "kind": kind, "spec": spec, "basics": basics,
        "method_form": method_form, "formset": formset, "preview": preview,
        "max_options": MAX_OPTIONS,
    })


def _parse_vote(ballot: Ballot, post) -> dict:
    """Turn the vote form into a content (validated by the service)."""
    kind = ballot.pb_vote_type if ballot.is_pb else ballot.method
    options = list(ballot.options.all())
    if kind in ("plurality", "choose-1", "majority", "art278"):
        return {"choice": post.get("choice")}
    if kind == "approval":
        return {"approve": post.getlist("approve")}
    if kind == "score":
        return {"scores": {o.key: post.get(f"score_{o.key}") for o in options
                           if post.get(f"score_{o.key}", "").strip() != ""}}
    if kind == "cumulative":
        return {"points": {o.key: post.get(f"points_{o.key}") for o in options
                           if post.get(f"points_{o.key}", "").strip() not in ("", "0")}}
    ranks = []
    for o in options:
        raw = post.get(f"rank_{o.key}", "").strip()
        if raw:
            try:
                ranks.append((int(raw), o.key))
            except ValueError:
                return {"ranking": "invalid"}
    return {"ranking": [k for _r, k in sorted(ranks)]}


def ballot_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    user = request.user
    options = list(ballot.options.all())
    mine = selectors.my_vote(ballot, user) if user.is_authenticated else None
    error = None
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect("accounts:login")
        require_perm(request, "decisions.vote", ballot)
        content = _parse_vote(ballot, request.POST)
        code = request.POST.get("receipt_code", "").strip() or None
        try:
            if mine and mine["record"]:
                receipt = services.vote_change(user=user, ballot=ballot, content=content,
                                               receipt_code=code)
                messages.success(request, _("Your vote has been changed."))
            else:
                receipt = services.vote_cast(user=user, ballot=ballot, content=content)
                messages.success(request, _("Your vote has been recorded."))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            # Rendered directly (no redirect): the code is on this response only.
            return _receipt_page(request, ballot, code=receipt.code or code,
                                 digest=receipt.receipt_hash, content=receipt.content)
    chosen = (mine or {}).get("content") or {}
    ranking = chosen.get("ranking", [])
    for o in options:  # pre-fill the change form
        o.current_rank = ranking.index(o.key) + 1 if o.key in ranking else ""
        o.current_points = chosen.get("points", {}).get(o.key, "")
        o.current_score = chosen.get("scores", {}).get(o.key, "")
    progress = None
    if user.has_perm("decisions.view_progress", ballot):
        progress = selectors.live_result(ballot).get("progress")
    return render(request, "decisions/detail.html", {
        "community": ballot.community, "ballot": ballot, "options": options,
        "mine": mine, "error": error, "posted": request.POST if error else None,
        "can_vote": user.has_perm("decisions.vote", ballot),
        "can_manage": user.has_perm("decisions.manage_ballot", ballot.community),
        "can_paper": user.has_perm("decisions.enter_paper", ballot),
        "can_results": user.has_perm("decisions.view_results", ballot),
        "turnout": selectors.turnout(ballot), "progress": progress,
        "kind": ballot.pb_vote_type if ballot.is_pb else ballot.method,
        "ranked": ballot.method in RANKED_METHODS or ballot.pb_vote_type == "ordinal"
        and ballot.is_pb,
        "chosen_keys": set(chosen.get("approve", [])) | {chosen.get("choice")},
        "chosen_json": json.dumps(chosen), "has_code": False,
    })


@login_required
@require_POST
def vote_withdraw(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    require_perm(request, "decisions.vote", ballot)
    code = request.POST.get("receipt_code", "").strip() or None
    try:
        if services.vote_withdraw(user=request.user, ballot=ballot, receipt_code=code):
            messages.success(request, _("Your vote has been withdrawn."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("decisions:detail", slug=slug, pk=pk)


@login_required
def receipt(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """Whether the user voted (and on open ballots what); a secret ballot's receipt code
    was shown once, on the response to the vote."""
    return _receipt_page(request, _ballot(request, slug, pk))


def results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    if request.user.has_perm("decisions.view_results", ballot) and ballot.result is not None:
        result, final = ballot.result, True
    elif request.user.has_perm("decisions.view_progress", ballot):
        result, final = selectors.live_result(ballot), False
    else:
        raise PermissionDenied
    engine = result.get("engine", {})
    details = engine.get("details", {}) if isinstance(engine, dict) else {}
    return render(request, "decisions/results.html", {
        "community": ballot.community, "ballot": ballot, "result": result, "final": final,
        "details": details, "turnout": selectors.turnout(ballot),
        "winner_labels": [readable.row_label(r) for r in result.get("rows", [])
                          if r["key"] in result.get("winners", [])],
        "chart": {"labels": [readable.row_label(r) for r in result.get("rows", [])],
                  "values": [r["value"] for r in result.get("rows", [])],
                  "name": readable.value_heading(result, ballot)},
    })


def receipts(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    require_perm(request, "decisions.view_receipts", ballot)
    # POST, so the code never appears in a URL or an access log.
    form = ReceiptCheckForm(request.POST if request.method == "POST" else None)
    check = None
    if form.is_bound and form.is_valid():
        digest = chain.receipt_hash(str(ballot.uid), form.cleaned_data["code"])
        check = {"digest": digest, **selectors.receipt_status(ballot, digest)}
    return render(request, "decisions/receipts.html", {
        "community": ballot.community, "ballot": ballot, "form": form, "check": check,
        "rows": selectors.receipts_list(ballot)[:2000],
    })


def export_json(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    require_perm(request, "decisions.export", ballot)
    response = JsonResponse(selectors.export(ballot), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}.json"'
    return response


def export_pb(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    require_perm(request, "decisions.export", ballot)
    if not ballot.is_pb:
        raise Http404
    response = HttpResponse(selectors.pabulib_text(ballot),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}.pb"'
    return response


@login_required
@require_POST
def ballot_state(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    require_perm(request, "decisions.manage_ballot", ballot.community)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.ballot_open(actor=request.user, ballot=ballot)
            messages.success(request, _("The ballot is open. Who may vote is now fixed."))
        elif action == "close":
            services.ballot_close(actor=request.user, ballot=ballot)
            messages.success(request, _("The ballot is closed and counted."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("decisions:detail", slug=slug, pk=pk)


@login_required
def paper(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    ballot = _ballot(request, slug, pk)
    require_perm(request, "decisions.enter_paper", ballot)
    form = PaperEntryForm(request.POST if request.POST.get("action") == "entry" else None)
    voter_form = PaperVoterForm(request.POST if request.POST.get("action") == "voter" else None)
    if request.method == "POST":
        try:
            if form.is_bound and form.is_valid():
                p = services.paper_entry_add(actor=request.user, ballot=ballot,
                                             serial=form.cleaned_data["serial"],
                                             content=_parse_vote(ballot, request.POST))
                messages.success(request, _("Paper ballot %(s)s entered: %(state)s.") % {
                    "s": p.serial, "state": p.get_state_display()})
                return redirect("decisions:paper", slug=slug, pk=pk)
            if voter_form.is_bound and voter_form.is_valid():
                services.paper_voter_mark(actor=request.user, ballot=ballot,
                                          voter_key=voter_form.cleaned_data["voter_key"])
                messages.success(request, _("Marked as voted on paper."))
                return redirect("decisions:paper", slug=slug, pk=pk)
        except ValidationError as exc:
            add_service_errors(form if form.is_bound else voter_form, exc)
    return render(request, "decisions/paper.html", {
        "community": ballot.community, "ballot": ballot, "form": form,
        "voter_form": voter_form, "papers": selectors.paper_ballots(ballot),
        "options": list(ballot.options.all()),
        "kind": ballot.pb_vote_type if ballot.is_pb else ballot.method,
        "ranked": ballot.method in RANKED_METHODS or ballot.pb_vote_type == "ordinal"
        and ballot.is_pb, "chosen_keys": set(), "posted": None,
    })


@login_required
def pabulib_import(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "decisions.manage_ballot", community)
    form = PabulibImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
            ballot = services.ballot_import_pabulib(
                actor=request.user, community=community, text=text,
                title=form.cleaned_data["title"], rule=form.cleaned_data["rule"] or None)
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Imported and counted."))
            defects = getattr(ballot, "import_defects", [])
            if defects:
                messages.warning(request, _(
                    "The file has %(n)d defect(s) whose meaning is clear; they were repaired "
                    "as follows: %(list)s") % {"n": len(defects),
                                                "list": "; ".join(defects[:10])})
            return redirect("decisions:results", slug=slug, pk=ballot.pk)
    return render(request, "decisions/import.html", {"community": community, "form": form})


__all__ = ["Method"]
