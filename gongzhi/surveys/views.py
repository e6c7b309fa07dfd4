"""Survey pages: thin views that parse input, call a service or selector and render."""

from __future__ import annotations

from typing import Any

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
from gongzhi.core.qr import qr_svg
from gongzhi.surveys import exports, selectors, services
from gongzhi.surveys.formdef import Choice, FormDef, Group, Question, pick
from gongzhi.surveys.forms import (
    InstrumentForm,
    PaperMetaForm,
    QuestionForm,
    SurveyForm,
    XLSFormUploadForm,
)
from gongzhi.surveys.library import LIBRARY
from gongzhi.surveys.models import Instrument, Survey
from gongzhi.surveys.scoring import compare_waves, survey_scores
from gongzhi.surveys.xlsform import write_xlsform


def _survey_or_404(request: HttpRequest, community, pk: int, perm: str) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("instrument", "community",
                                                             "pairs_with", "project"),
                               community=community, pk=pk)
    if not request.user.has_perm(perm, survey):
        if not request.user.has_perm("surveys.view_survey", survey):
            raise Http404
        raise PermissionDenied
    return survey


def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    require_perm(request, "surveys.view_surveys", community)
    surveys = list(selectors.survey_list(request.user, community)[:200])
    return render(request, "surveys/list.html", {
        "community": community, "surveys": surveys,
        "can_manage": request.user.has_perm("surveys.manage_surveys", community)})


# --------------------------------------------------------------------------- instruments


@login_required
def instrument_list(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "surveys.manage_surveys", community)
    upload = XLSFormUploadForm()
    create = InstrumentForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "library":
                inst = services.instrument_copy_from_library(
                    actor=request.user, community=community, key=request.POST.get("key", ""))
                return redirect("surveys:instrument", community.slug, inst.pk)
            if action == "import":
                upload = XLSFormUploadForm(request.POST, request.FILES)
                if upload.is_valid():
                    data = upload.cleaned_data["file"].read(services.MAX_XLSFORM_BYTES + 1)
                    inst = services.instrument_import_xlsform(
                        actor=request.user, community=community, data=data,
                        title=upload.cleaned_data["title"])
                    messages.success(request, _("Questionnaire imported."))
                    return redirect("surveys:instrument", community.slug, inst.pk)
            if action == "create":
                create = InstrumentForm(request.POST)
                if create.is_valid():
                    inst = services.instrument_create(actor=request.user, community=community,
                                                      **create.cleaned_data)
                    return redirect("surveys:instrument", community.slug, inst.pk)
        except ValidationError as exc:
            add_service_errors(upload if action == "import" else create, exc)
    library = [{"key": k, "title": pick(e.form().title), "attribution": e.attribution,
                "n": len(e.form().questions()), "wording": e.wording_included}
               for k, e in LIBRARY.items()]
    return render(request, "surveys/instruments.html", {
        "community": community, "instruments": selectors.instruments(community),
        "library": library, "upload": upload, "create": create})


def _question_from_form(data: dict) -> tuple[Question, list[Choice]]:
    q = Question(name=data["name"], type=data["type"],
                 label={k: v for k, v in (("zh", data["label_zh"]), ("en", data["label_en"]))
                        if v},
                 required=data["required"] and data["type"] != "note",
                 appearance="likert" if data["likert"] else "",
                 subscale=data["subscale"].strip(), reverse=data["reverse"])
    choices = [Choice(v, {k: t for k, t in (("zh", zh), ("en", en)) if t})
               for v, zh, en in data.get("choice_rows", [])]
    if choices:
        q.list_name = f"{q.name}_choices"
    return q, choices


@login_required
def instrument_detail(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "surveys.manage_surveys", community)
    inst = get_object_or_404(Instrument, community=community, pk=pk)
    form_def = inst.form()
    qform = QuestionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            qform = QuestionForm(request.POST)
            if qform.is_valid():
                q, choices = _question_from_form(qform.cleaned_data)
                gname = qform.cleaned_data["group"]
                group = next((g for g in form_def.groups if g.name == gname), None)
                if group is None:
                    group = Group(gname, {"zh": gname})
                    form_def.groups.append(group)
                group.questions.append(q)
                if choices:
                    form_def.choices[q.list_name] = choices
                try:
                    services.instrument_save_definition(actor=request.user, instrument=inst,
                                                        form=form_def)
                    messages.success(request, _("Question added."))
                    return redirect("surveys:instrument", community.slug, inst.pk)
                except ValidationError as exc:
                    add_service_errors(qform, exc)
        elif action == "remove":
            name = request.POST.get("name", "")
            for g in form_def.groups:
                g.questions = [q for q in g.questions if q.name != name]
            form_def.groups = [g for g in form_def.groups if g.questions]
            try:
                services.instrument_save_definition(actor=request.user, instrument=inst,
                                                    form=form_def)
                return redirect("surveys:instrument", community.slug, inst.pk)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    rows = [{"group": pick(g.label) or g.name, "q": q, "label": pick(q.label),
             "choices": [pick(c.label) for c in form_def.choices.get(q.list_name, [])]}
            for g in form_def.groups for q in g.questions]
    return render(request, "surveys/instrument.html", {
        "community": community, "instrument": inst, "rows": rows, "qform": qform,
        "groups": form_def.groups})


@login_required
def instrument_xlsform(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "surveys.manage_surveys", community)
    inst = get_object_or_404(Instrument, community=community, pk=pk)
    resp = HttpResponse(write_xlsform(inst.form()), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    resp["Content-Disposition"] = f'attachment; filename="{inst.key}.xlsx"'
    return resp


# --------------------------------------------------------------------------- surveys


@login_required
def survey_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "surveys.manage_surveys", community)
    form = SurveyForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            s = services.survey_create(actor=request.user, community=community,
                                       **form.cleaned_data)
            return redirect("surveys:detail", community.slug, s.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "surveys/form.html", {"community": community, "form": form})


def survey_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    survey = _survey_or_404(request, community, pk, "surveys.view_survey")
    can_manage = request.user.has_perm("surveys.manage_surveys", survey)
    link = request.build_absolute_uri(reverse("surveys:short", args=[survey.link_token]))
    ctx: dict[str, Any] = {
        "community": community, "survey": survey, "can_manage": can_manage,
        "can_respond": request.user.has_perm("surveys.respond", survey),
        "answered": services.has_answered(survey, request.user),
        "can_results": request.user.has_perm("surveys.view_results", survey),
        "can_raw": request.user.has_perm("surveys.view_raw", survey),
        "n_responses": survey.responses.count(),
    }
    if can_manage:
        ctx.update(link=link, qr=qr_svg(link), rates=selectors.response_rates_by_building(survey),
                   n_paper_pending=survey.paper_sheets.exclude(state="matched").count())
    return render(request, "surveys/detail.html", ctx)


@login_required
@require_POST
def survey_status(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    survey = _survey_or_404(request, community, pk, "surveys.manage_surveys")
    try:
        services.survey_set_status(actor=request.user, survey=survey,
                                   status=request.POST.get("status", ""))
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("surveys:detail", community.slug, survey.pk)


@login_required
@require_POST
def survey_remind(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    survey = _survey_or_404(request, community, pk, "surveys.manage_surveys")
    try:
        n = services.survey_remind(actor=request.user, survey=survey)
        messages.success(request, _("Reminder sent to %(n)s residents.") % {"n": n})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", community.slug, survey.pk)


def short_link(request: HttpRequest, token: str) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("community"), link_token=token)
    return redirect("surveys:respond", survey.community.slug, survey.pk)


# --------------------------------------------------------------------------- responding


def _fields(form_def: FormDef, group: Group, answers: dict, raw: dict | None,
            errors: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for q in group.questions:
        if q.type == "calculate" or not form_def.visible(q, answers, group):
            continue
        if raw is not None:
            value = raw.get(q.name, [] if q.type == "select_multiple" else "")
        else:
            value = answers.get(q.name, [] if q.type == "select_multiple" else "")
        chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
        options = [{"value": c.name, "label": pick(c.label) or c.name,
                    "checked": c.name in chosen}
                   for c in form_def.options(q, answers)] if q.list_name else []
        out.append({"q": q, "id": f"q-{q.name}", "label": pick(q.label), "hint": pick(q.hint),
                    "value": "" if isinstance(value, list) else value, "options": options,
                    "error": errors.get(q.name, "")})
    return out


def _raw_from_post(group: Group, post) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in group.questions:
        if q.type == "select_multiple":
            raw[q.name] = post.getlist(q.name)
        elif q.name in post:
            raw[q.name] = post.get(q.name, "")
    return raw


def respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    survey = get_object_or_404(Survey.objects.select_related("instrument", "community"),
                               community=community, pk=pk)
    if not request.user.has_perm("surveys.respond", survey):
        if not request.user.is_authenticated and not survey.anonymous:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        return render(request, "surveys/closed.html", {"community": community,
                                                       "survey": survey}, status=403)
    if services.has_answered(survey, request.user):
        return render(request, "surveys/thanks.html", {"community": community,
                                                       "survey": survey, "again": True})
    form_def = survey.instrument.form()
    skey = f"survey-answers:{survey.pk}"
    answers: dict[str, Any] = dict(request.session.get(skey, {}))
    pages = [g for g in form_def.groups if form_def.page_visible(g, answers)]
    try:
        index = max(0, min(int(request.GET.get("p", "0")), len(pages) - 1))
    except ValueError:
        index = 0
    group = pages[index]
    errors: dict[str, str] = {}
    raw = None
    if request.method == "POST":
        raw = _raw_from_post(group, request.POST)
        new, errors = form_def.clean_page(group, raw, answers)
        if request.POST.get("nav") == "back":
            request.session[skey] = new if not errors else answers
            return redirect(f"{reverse('surveys:respond', args=[slug, pk])}?p={index - 1}")
        if not errors:
            request.session[skey] = new
            pages = [g for g in form_def.groups if form_def.page_visible(g, new)]
            pos = next((i for i, g in enumerate(pages) if g.name == group.name), index)
            if pos + 1 < len(pages):
                return redirect(f"{reverse('surveys:respond', args=[slug, pk])}?p={pos + 1}")
            try:
                services.response_submit(survey=survey, user=request.user, answers=new)
            except ValidationError as exc:
                if getattr(exc, "code", "") == "already_answered":
                    request.session.pop(skey, None)
                    return render(request, "surveys/thanks.html", {
                        "community": community, "survey": survey, "again": True})
                errors = {k: " ".join(v) for k, v in getattr(exc, "message_dict", {}).items()}
                errors = errors or {"": " ".join(exc.messages)}
            else:
                request.session.pop(skey, None)
                return render(request, "surveys/thanks.html", {"community": community,
                                                               "survey": survey})
    return render(request, "surveys/respond.html", {
        "community": community, "survey": survey, "group_label": pick(group.label),
        "fields": _fields(form_def, group, answers, raw, errors), "errors": errors,
        "index": index, "n_pages": len(pages), "last": index == len(pages) - 1,
        "attribution": survey.instrument.attribution})


# --------------------------------------------------------------------------- paper entry


@login_required
def paper_entry(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    survey = _survey_or_404(request, community, pk, "surveys.enter_paper")
    form_def = survey.instrument.form()
    meta = PaperMetaForm(request.POST or None, community=community)
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    if request.method == "POST":
        for g in form_def.groups:
            raw.update(_raw_from_post(g, request.POST))
        raw = {k: v for k, v in raw.items() if v not in ("", [])}
        if meta.is_valid():
            try:
                sheet = services.paper_entry_add(
                    actor=request.user, survey=survey, serial=meta.cleaned_data["serial"],
                    answers=raw, building=meta.cleaned_data["building"],
                    respondent_code=meta.cleaned_data["respondent_code"])
                messages.success(request, _("Entered. Sheet %(serial)s: %(state)s.")
                                 % {"serial": sheet.serial,
                                    "state": sheet.get_state_display()})
                return redirect("surveys:paper", community.slug, survey.pk)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for k, v in exc.message_dict.items():
                        if k in meta.fields:
                            meta.add_error(k, v)
                        else:
                            errors[k] = " ".join(v)
                else:
                    meta.add_error(None, exc)
    pages = [{"label": pick(g.label), "fields": _fields(form_def, g, raw, raw, errors)}
             for g in form_def.groups]
    return render(request, "surveys/paper.html", {
        "community": community, "survey": survey, "meta": meta, "pages": pages,
        "sheets": survey.paper_sheets.order_by("-created_at")[:30]})


# --------------------------------------------------------------------------- results


def results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    survey = _survey_or_404(request, community, pk, "surveys.view_results")
    form_def = survey.instrument.form()
    rows = selectors.response_dicts(survey)
    answers = [r["answers"] for r in rows]
    counts = selectors.choice_counts(form_def, answers)
    scores = survey_scores(form_def, answers)
    comparison = []
    if survey.pairs_with is not None:
        before = [(r["respondent_key"], r["answers"])
                  for r in selectors.response_dicts(survey.pairs_with)]
        after = [(r["respondent_key"], r["answers"]) for r in rows]
        comparison = compare_waves(form_def, before, after)
    chart = {"questions": [{"name": c["label"][:40], "labels": [o["label"] for o in c["options"]],
                            "counts": [o["count"] for o in c["options"]]} for c in counts[:30]],
             "subscales": [s.label for s in scores.subscales],
             "means": [s.mean for s in scores.subscales]}
    return render(request, "surveys/results.html", {
        "community": community, "survey": survey, "n": len(rows), "counts": counts,
        "scores": scores, "comparison": comparison, "chart": chart,
        "can_raw": request.user.has_perm("surveys.view_raw", survey)})


def export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    community = community_or_404(slug)
    survey = _survey_or_404(request, community, pk, "surveys.view_raw")
    form_def = survey.instrument.form()
    header, data, cols = exports.rows(form_def, selectors.response_dicts(survey))
    name = f"survey-{survey.pk}"
    if fmt == "csv":
        resp = HttpResponse(exports.to_csv(header, data), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        resp = HttpResponse(exports.to_xlsx(header, data, cols), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    elif fmt == "sav":
        resp = HttpResponse(exports.to_sav(header, data, cols),
                            content_type="application/x-spss-sav")
    else:
        raise Http404
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp
