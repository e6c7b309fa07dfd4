"""Project pages: thin views that parse a form, call a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import ratelimit
from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.core.middleware import form_reports_bad_input
from gongzhi.core.paging import id_page
from gongzhi.projects import forms, phase_actions, phases, selectors, services
from gongzhi.projects.models import (
    Amendment,
    Comment,
    Donation,
    Project,
    Proposal,
    Result,
    Task,
)

PAGE_SIZE = 20


def _project(request: HttpRequest, slug: str, pk: int):
    community = community_or_404(slug)
    # signed in, the permission checks of the page read the phases: with the project
    project = (selectors.project_with_phases(community, pk)
               if request.user.is_authenticated else None)
    if project is None:
        project = selectors.project_in(community, pk)
        if project is None:
            raise Http404
    require_perm(request, "projects.view_project", project)
    return community, project


def _proposal(request, slug, pk, proposal_pk):
    community, project = _project(request, slug, pk)
    try:
        proposal = selectors.proposal_page(project, proposal_pk, user=request.user)
    except Proposal.DoesNotExist:
        raise Http404
    proposal.project = project
    return community, project, proposal


def _map(request: HttpRequest, community) -> dict:
    """The shared map configuration (gongzhi.maps.config): the community basemap, boundary
    and labels, read by projects.js."""
    from gongzhi.maps.config import map_config

    return {"map_config": map_config(request, community, layers=False)}


def _space_points(project) -> list[dict]:
    return [{"name": s.name, "lat": s.lat, "lon": s.lon, "geometry": s.geometry}
            for s in project.spaces.all()]


def _service_error(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    projects = list(selectors.projects_visible(community, request.user))
    for p in projects:
        p.now = phases.current_phase(p)
    return render(request, "projects/list.html", {
        "community": community, "projects": projects,
        "can_create": request.user.has_perm("projects.create_project", community),
    })


@login_required
def project_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "projects.create_project", community)
    form = forms.ProjectCreateForm(request.POST or None, community=community,
                                   initial={"template": request.GET.get("template")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.user, community=community, template=data["template"],
                title=data["title"], summary=data["summary"], description=data["description"],
                goals=data["goals"], budget=data["budget"], starts_on=data["starts_on"],
                spaces=list(data["spaces"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project created with its phases."))
            return redirect("projects:detail", slug=slug, pk=project.pk)
    return render(request, "projects/form.html", {"community": community, "form": form,
                                                  "title": _("New project")})


def project_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, project = _project(request, slug, pk)
    project = selectors.project_page(project)
    user = request.user
    current = phases.current_phase(project)
    can_manage = user.has_perm("projects.manage_project", project)
    open_to_you = phase_actions.open_to_user(user, project) if current else []
    photos = list(project.photos.all())
    return render(request, "projects/detail.html", {
        "community": community, "project": project, "current": current,
        "timeline": phases.timeline(project),
        "open_actions": selectors.open_to_labels(current) if current else [],
        "open_to_you": open_to_you,
        # the sections each app registers for the actions this project's phases open
        "blocks": phase_actions.blocks(request, project, current),
        "results": selectors.project_results(project),
        "photos": photos,
        "show_photos": bool(photos) or (can_manage and selectors.has_build_stage(project)),
        "can_manage": can_manage,
        "space_points": _space_points(project),
        "photo_form": forms.PhotoForm() if can_manage else None, **_map(request, community),
    })


@login_required
def project_manage(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    """Edit the project, its stakeholders and team (workers and the coordinator)."""
    community, project = _project(request, slug, pk)
    require_perm(request, "projects.manage_project", project)
    action = request.POST.get("action", "edit") if request.method == "POST" else ""
    initial = {f: getattr(project, f) for f in ("title", "summary", "description", "goals",
                                                "budget", "status", "report_threshold")}
    initial["spaces"] = list(project.spaces.all())
    form = forms.ProjectEditForm(request.POST if action == "edit" else None,
                                 community=community, initial=initial)
    org_form = forms.StakeholderForm(request.POST if action == "stakeholder" else None,
                                     community=community, prefix="s")
    team_form = forms.TeamMemberForm(request.POST if action == "team" else None, prefix="t")
    phase_forms = []
    for phase in project.phases.order_by("order"):
        bound = action == "phase" and request.POST.get("phase") == str(phase.pk)
        phase_forms.append((phase, forms.PhaseForm(request.POST if bound else None,
                                                   phase=phase, prefix=f"p{phase.pk}")))
    try:
        for phase, pform in phase_forms:
            if pform.is_bound and pform.is_valid():
                try:
                    services.phase_update(actor=request.user, phase=phase,
                                          name=pform.cleaned_data["name"],
                                          starts_on=pform.cleaned_data["starts_on"],
                                          ends_on=pform.cleaned_data["ends_on"],
                                          actions=pform.actions())
                except ValidationError as exc:
                    add_service_errors(pform, exc)
                else:
                    messages.success(request, _("Phase saved."))
                    return redirect("projects:manage", slug=slug, pk=pk)
        if action == "edit" and form.is_valid():
            data = dict(form.cleaned_data)
            spaces = list(data.pop("spaces"))
            services.project_update(actor=request.user, project=project, spaces=spaces, **data)
            messages.success(request, _("Saved."))
            return redirect("projects:manage", slug=slug, pk=pk)
        if action == "stakeholder" and org_form.is_valid():
            services.stakeholder_add(actor=request.user, project=project,
                                     **org_form.cleaned_data)
            messages.success(request, _("Organisation added."))
            return redirect("projects:manage", slug=slug, pk=pk)
        if action == "team" and team_form.is_valid():
            from gongzhi.accounts.models import User
            from gongzhi.core.phone import normalize_phone

            person = User.objects.filter(phone=normalize_phone(team_form.cleaned_data["phone"]),
                                         deleted_at__isnull=True).first()
            if person is None:
                team_form.add_error("phone", _("Nobody has signed up with this number yet."))
            else:
                services.team_member_add(actor=request.user, project=project, user=person,
                                         role=team_form.cleaned_data["role"])
                messages.success(request, _("Team member added."))
                return redirect("projects:manage", slug=slug, pk=pk)
    except ValidationError as exc:
        target = {"edit": form, "stakeholder": org_form, "team": team_form}.get(action)
        if target is None:
            raise
        add_service_errors(target, exc)
    project = selectors.project_page(project)
    return render(request, "projects/manage.html", {
        "community": community, "project": project, "form": form, "org_form": org_form,
        "team_form": team_form, "timeline": phases.timeline(project),
        "phase_forms": phase_forms})


@login_required
@require_POST
def phase_advance(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _community, project = _project(request, slug, pk)
    nxt = services.phase_advance(actor=request.user, project=project,
                                 reason=request.POST.get("reason", ""))
    messages.success(request, _("Phase advanced: now %(p)s.") % {"p": nxt.display_name} if nxt
                     else _("The last phase is closed."))
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
@require_POST
def evaluate(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    form = forms.EvaluationForm(request.POST)
    if form.is_valid():
        services.evaluation_submit(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, _("Thank you for your evaluation."))
    else:
        messages.error(request, _("Choose a score from 1 to 5."))
    return redirect("projects:detail", slug=slug, pk=pk)


def proposal_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, project = _project(request, slug, pk)
    g = request.GET
    try:
        space = int(g.get("space") or 0) or None
    except ValueError:
        space = None
    qs = selectors.proposals_for(project, user=request.user, kind=g.get("kind", ""),
                                 answer=g.get("answer", ""), space=space, q=g.get("q", "")[:100],
                                 order=g.get("order", "new"))
    page = id_page(qs, g.get("page"), PAGE_SIZE, rows=selectors.with_my_support(request.user))
    return render(request, "projects/proposal_list.html", {
        "community": community, "project": project, "page": page,
        "supported": selectors.supported_ids(request.user, page.object_list),
        "answers": Proposal.Answer.choices[1:], "kinds": Proposal.Kind.choices,
        "filters": g, "can_propose": request.user.has_perm("projects.propose", project),
    })


@login_required
@form_reports_bad_input
def proposal_create(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community, project = _project(request, slug, pk)
    require_perm(request, "projects.propose", project)
    form = forms.ProposalForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposal = services.proposal_create(
                actor=request.user, project=project, kind=d["kind"], title=d["title"],
                description=d["description"], space=d["space"], lat=d["lat"], lon=d["lon"],
                location_text=d["location_text"], cost_estimate=d["cost_estimate"],
                images=d["images"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Your proposal is published."))
            return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal.pk)
    return render(request, "projects/form.html", {
        "community": community, "project": project, "form": form, "multipart": True,
        "title": _("New idea or proposal"), "map_picker": True, **_map(request, community),
        "space_points": _space_points(project)})


def proposal_detail(request: HttpRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    community, project, proposal = _proposal(request, slug, pk, proposal_pk)
    user = request.user
    can_moderate = user.has_perm("projects.moderate", proposal)
    if not proposal.is_visible and not can_moderate and proposal.author_id != user.pk:
        raise Http404
    return _proposal_page(request, community, project, proposal, can_moderate=can_moderate)


def _proposal_page(request: HttpRequest, community, project: Project, proposal: Proposal, *,
                   can_moderate: bool | None = None,
                   comment_form: forms.CommentForm | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    if can_moderate is None:
        can_moderate = user.has_perm("projects.moderate", proposal)
    return render(request, "projects/proposal.html", {
        "community": community, "project": project, "proposal": proposal,
        "comments": selectors.comment_tree(proposal, project, show_hidden=can_moderate),
        "supported": selectors.supported(user, proposal),
        "can_support": user.has_perm("projects.support", proposal),
        "can_comment": user.has_perm("projects.comment", proposal),
        "can_amend": user.has_perm("projects.amend_proposal", proposal),
        "can_edit": user.has_perm("projects.edit_proposal", proposal),
        "can_decide": user.has_perm("projects.decide_amendment", proposal),
        "can_report": user.has_perm("projects.report_abuse", proposal),
        "can_moderate": can_moderate,
        "can_answer": user.has_perm("projects.answer_proposal", proposal),
        "comment_form": comment_form or forms.CommentForm(), "answer_form": forms.AnswerForm(),
        "merge_form": forms.MergeForm(), "moderate_form": forms.ModerateForm(),
        "report_form": forms.ReportForm(),
        # the pin on the community basemap, not two numbers a resident cannot read
        **(_pin_map(request, community, proposal) if proposal.lat is not None else {}),
    }, status=status)


def _pin_map(request: HttpRequest, community, proposal: Proposal) -> dict:
    return {"pin_points": [{"name": proposal.title, "lat": proposal.lat, "lon": proposal.lon,
                            "geometry": None}], **_map(request, community)}


@login_required
@require_POST
def proposal_support(request: AuthedRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    _c, _p, proposal = _proposal(request, slug, pk, proposal_pk)
    if request.POST.get("retract"):
        services.support_remove(actor=request.user, proposal=proposal)
        messages.success(request, _("Your support is withdrawn."))
    else:
        services.support_add(actor=request.user, proposal=proposal)
        messages.success(request, _("You support this proposal."))
    return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)


@login_required
@require_POST
def proposal_comment(request: AuthedRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    community, project, proposal = _proposal(request, slug, pk, proposal_pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = get_object_or_404(Comment, pk=form.cleaned_data["parent"], project=project)
        try:
            services.comment_create(actor=request.user, project=project, proposal=proposal,
                                    parent=parent, body=form.cleaned_data["body"])
        except ratelimit.RateLimited as exc:
            # the page again, with what was written kept in the form (answered 429)
            form.add_error("body", exc)
            return _proposal_page(request, community, project, proposal, comment_form=form,
                                  status=429)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Comment posted."))
    else:
        messages.error(request, _("Write something first."))
    return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)


def _proposal_or_comment(project: Project, kind: str, pk: int) -> Proposal | Comment:
    if kind == "proposal":
        return get_object_or_404(Proposal.objects.select_related("project"), project=project,
                                 pk=pk)
    return get_object_or_404(Comment.objects.select_related("project"), project=project, pk=pk)


@login_required
@require_POST
def report(request: AuthedRequest, slug: str, pk: int, kind: str, target_pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    target = _proposal_or_comment(project, kind, target_pk)
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        try:
            services.abuse_report_create(actor=request.user, target=target,
                                         reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
    else:
        messages.error(request, _("Say briefly what is wrong."))
    proposal_pk = target.pk if isinstance(target, Proposal) else target.proposal_id
    if proposal_pk:
        return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
@require_POST
def moderate(request: AuthedRequest, slug: str, pk: int, kind: str, target_pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    target = _proposal_or_comment(project, kind, target_pk)
    require_perm(request, "projects.moderate", target)
    form = forms.ModerateForm(request.POST)
    if form.is_valid():
        services.content_moderate(actor=request.user, target=target,
                                  decision=form.cleaned_data["decision"],
                                  reason=form.cleaned_data["reason"])
        messages.success(request, _("Moderation recorded."))
    else:
        messages.error(request, _("Give a reason for this moderation decision."))
    if request.POST.get("back") == "queue":
        return redirect("projects:moderation", slug=slug)
    proposal_pk = target.pk if isinstance(target, Proposal) else target.proposal_id
    if proposal_pk:
        return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
def moderation_queue(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "projects.moderate", community)
    return render(request, "projects/moderation.html", {
        "community": community, **selectors.pending_moderation(community),
        "moderate_form": forms.ModerateForm()})


@login_required
def amendment_create(request: AuthedRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    community, project, proposal = _proposal(request, slug, pk, proposal_pk)
    require_perm(request, "projects.amend_proposal", proposal)
    form = forms.AmendmentForm(request.POST or None, initial={
        "title": proposal.title, "description": proposal.description,
        "cost_estimate": proposal.cost_estimate})
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_create(actor=request.user, proposal=proposal,
                                      **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your suggested change was sent to the author."))
            return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)
    return render(request, "projects/form.html", {
        "community": community, "project": project, "form": form,
        "title": _("Suggest a change to “%(t)s”") % {"t": proposal.title}})


@login_required
def proposal_edit(request: AuthedRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    """The author edits their proposal while proposing is open (history is kept)."""
    community, project, proposal = _proposal(request, slug, pk, proposal_pk)
    require_perm(request, "projects.edit_proposal", proposal)
    form = forms.ProposalEditForm(request.POST or None, initial={
        "title": proposal.title, "description": proposal.description,
        "cost_estimate": proposal.cost_estimate})
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_edit(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved. The earlier version is kept."))
            return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)
    return render(request, "projects/form.html", {
        "community": community, "project": project, "form": form,
        "title": _("Edit “%(t)s”") % {"t": proposal.title}})


@login_required
@require_POST
def amendment_decide(request: AuthedRequest, slug: str, pk: int, proposal_pk: int,
                     amendment_pk: int) -> HttpResponse:
    _c, _p, proposal = _proposal(request, slug, pk, proposal_pk)
    amendment = get_object_or_404(Amendment, proposal=proposal, pk=amendment_pk)
    try:
        services.amendment_decide(actor=request.user, amendment=amendment,
                                  accept=request.POST.get("decision") == "accept",
                                  note=request.POST.get("note", ""))
    except ValidationError as exc:
        _service_error(request, exc)
    return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)


@login_required
@require_POST
def proposal_answer(request: AuthedRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    _c, _p, proposal = _proposal(request, slug, pk, proposal_pk)
    require_perm(request, "projects.answer_proposal", proposal)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_answer(actor=request.user, proposal=proposal,
                                     answer=form.cleaned_data["answer"],
                                     text=form.cleaned_data["text"])
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Answer published; the author and supporters are "
                                        "told."))
    return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)


@login_required
@require_POST
def proposal_merge(request: AuthedRequest, slug: str, pk: int, proposal_pk: int) -> HttpResponse:
    _c, project, proposal = _proposal(request, slug, pk, proposal_pk)
    require_perm(request, "projects.merge_proposals", proposal)
    form = forms.MergeForm(request.POST)
    if form.is_valid():
        target = get_object_or_404(Proposal, project=project, pk=form.cleaned_data["target"])
        try:
            services.proposal_merge(actor=request.user, source=proposal, target=target,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Merged."))
            return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=target.pk)
    return redirect("projects:proposal", slug=slug, pk=pk, proposal_pk=proposal_pk)


@login_required
@require_POST
def task_create(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    require_perm(request, "projects.manage_project", project)
    form = forms.TaskForm(request.POST)
    if form.is_valid():
        try:
            services.task_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Task added."))
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, str(e))
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
@require_POST
def task_signup(request: AuthedRequest, slug: str, pk: int, task_pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    task = get_object_or_404(Task, project=project, pk=task_pk)
    if request.POST.get("cancel"):
        services.task_signup_cancel(actor=request.user, task=task)
        messages.success(request, _("You are no longer signed up."))
    else:
        try:
            services.task_signup(actor=request.user, task=task)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("You are signed up. Thank you!"))
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
@require_POST
def donation_create(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    form = forms.DonationForm(request.POST)
    if form.is_valid():
        try:
            services.donation_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Thank you for your pledge."))
    else:
        messages.error(request, _("Please give the item and a quantity."))
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
@require_POST
def donation_advance(request: AuthedRequest, slug: str, pk: int, donation_pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    donation = get_object_or_404(Donation, project=project, pk=donation_pk)
    form = forms.DonationAdvanceForm(request.POST)
    if form.is_valid():
        try:
            services.donation_advance(actor=request.user, donation=donation,
                                      **form.cleaned_data)
        except ValidationError as exc:
            _service_error(request, exc)
    return redirect("projects:detail", slug=slug, pk=pk)


@login_required
@require_POST
def photo_add(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    _c, project = _project(request, slug, pk)
    require_perm(request, "projects.manage_project", project)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.project_photo_add(actor=request.user, project=project,
                                       **form.cleaned_data)
        except ValidationError as exc:
            _service_error(request, exc)
        else:
            messages.success(request, _("Photo added."))
    else:
        messages.error(request, _("Choose a photo (JPEG, PNG or WebP)."))
    return redirect("projects:detail", slug=slug, pk=pk)


def result_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    qs = selectors.results_for(community)
    if not request.user.has_perm("projects.manage_project", community):
        qs = qs.exclude(project__status=Project.Status.DRAFT)
    status = request.GET.get("status", "")
    if status in Result.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/result_list.html", {
        "community": community, "page": page, "status": status,
        "statuses": Result.Status.choices})


def result_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    try:
        result = selectors.result_page(community, pk)
    except Result.DoesNotExist:
        raise Http404
    if result.project is not None and not request.user.has_perm("projects.view_project",
                                                                result.project):
        raise PermissionDenied
    can_update = request.user.has_perm("projects.update_result", result)
    form = milestone_form = None
    if can_update:
        form = forms.ResultUpdateForm(request.POST or None, request.FILES or None,
                                      result=result)
        milestone_form = forms.MilestoneForm(request.POST or None, prefix="m")
        if request.method == "POST":
            try:
                if request.POST.get("action") == "milestone":
                    if milestone_form.is_valid():
                        services.milestone_add(actor=request.user, result=result,
                                               **milestone_form.cleaned_data)
                        messages.success(request, _("Milestone added."))
                        return redirect("projects:result", slug=slug, pk=pk)
                elif form.is_valid():
                    d = form.cleaned_data
                    services.result_update_post(
                        actor=request.user, result=result, text=d["text"],
                        progress=d["progress"], spent_cost=d["spent_cost"],
                        status=d["status"] or None, milestone=d["milestone"],
                        photo=d["photo"])
                    messages.success(request, _("Update published; followers are told."))
                    return redirect("projects:result", slug=slug, pk=pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "projects/result.html", {
        "community": community, "result": result, "form": form,
        "milestone_form": milestone_form, "today": phases.today()})


@login_required
def my_input(request: AuthedRequest) -> HttpResponse:
    return render(request, "projects/my_input.html", selectors.my_input(request.user))

