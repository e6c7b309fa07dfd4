"""Pages: community map, spaces registry, space detail, worker editing and imports."""

from __future__ import annotations

import json
import os
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import AuthedRequest, community_or_404, require_perm
from gongzhi.maps.config import map_config
from gongzhi.maps.registry import layers_for
from gongzhi.spaces import selectors, services
from gongzhi.spaces.forms import (
    CareLogForm,
    DutyForm,
    EventForm,
    GeoJSONImportForm,
    OsmImportForm,
    PhotoForm,
    SpaceForm,
)
from gongzhi.spaces.models import MaintenanceDuty, Space, SpaceKind, SpaceState

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> dict[str, str]:
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    return {"kind": kind if kind in SpaceKind.values else "",
            "state": state if state in SpaceState.values else "",
            "q": request.GET.get("q", "").strip()[:100]}


def _space_list_context(request: HttpRequest, community) -> dict:
    f = _filters(request)
    qs = selectors.spaces_filtered(
        selectors.spaces_visible(user=request.user, community=community),
        kind=f["kind"], state=f["state"], query=f["q"],
    ).order_by("kind", "name", "id").only("id", "name", "kind", "state", "area_m2", "length_m",
                                          "is_public", "community_id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"community": community, "page": page, "spaces": page.object_list, "filters": f,
            "kinds": SpaceKind.choices, "states": SpaceState.choices,
            "can_manage": request.user.has_perm("spaces.manage_spaces", community)}


def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.view_spaces", community)
    ctx = _space_list_context(request, community)
    f = ctx["filters"]
    ctx["layers"] = layers_for(request.user, community)
    ctx["map_config"] = map_config(request, community,
                                   filters={"kind": f["kind"], "state": f["state"]})
    buildings = selectors.building_choices(community)
    focus = request.GET.get("building", "")
    found = next((b for b in buildings if str(b["id"]) == focus), None)
    ctx["buildings"] = buildings
    ctx["focus_building"] = found
    ctx["map_config"]["focusBuilding"] = found["id"] if found else None
    ctx["basemap"] = ctx["map_config"]["basemap"]
    ctx["can_report"] = (not request.user.is_authenticated
                         or request.user.has_perm("reports.create", community))
    return render(request, "spaces/map.html", ctx)


def space_list(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.view_spaces", community)
    return render(request, "spaces/list.html", _space_list_context(request, community))


def _space_or_404(request: HttpRequest, community, pk: int) -> Space:
    space = get_object_or_404(Space.objects.select_related("community"), community=community,
                              pk=pk)
    if not request.user.has_perm("spaces.view_space", space):
        raise Http404
    return space


def _detail_context(request: HttpRequest, community, space: Space) -> dict:
    can_manage = request.user.has_perm("spaces.manage_spaces", space)
    today = timezone.localdate()
    return {
        "community": community, "space": space, "can_manage": can_manage, "today": today,
        "photos": space.photos.filter(event__isnull=True),
        "timeline": selectors.space_timeline(space),
        "duties": list(space.duties.select_related("organisation")
                       .prefetch_related("logs").order_by("next_due")),
        "photo_form": PhotoForm() if can_manage else None,
        "event_form": EventForm(initial={"happened_on": today}) if can_manage else None,
        "duty_form": DutyForm(community=community) if can_manage else None,
        "care_form": CareLogForm(initial={"done_on": today}) if can_manage else None,
    }


def space_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    return render(request, "spaces/detail.html", _detail_context(request, community, space))


def _picker_config(request, community):
    return map_config(request, community, picker={"textarea": "id_geometry"})


@login_required
def space_create(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.manage_spaces", community)
    form = SpaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        geometry = data.pop("geometry")
        try:
            space = services.space_create(actor=request.user, community=community,
                                          geometry=geometry, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Space registered."))
            return redirect("spaces:detail", slug=slug, pk=space.pk)
    return render(request, "spaces/form.html", {
        "community": community, "form": form, "space": None,
        "map_config": _picker_config(request, community)})


@login_required
def space_edit(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.manage_spaces", space)
    initial = {f: getattr(space, f) for f in services.EDITABLE_FIELDS}
    initial["geometry"] = json.dumps(space.geometry)
    form = SpaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        geometry = data.pop("geometry")
        try:
            services.space_update(actor=request.user, space=space, geometry=geometry, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("spaces:detail", slug=slug, pk=space.pk)
    return render(request, "spaces/form.html", {
        "community": community, "form": form, "space": space,
        "map_config": _picker_config(request, community)})



def _render_detail(request, community, space, forms: dict) -> HttpResponse:
    """The detail page again with a form that had errors (kept as typed)."""
    ctx = _detail_context(request, community, space)
    ctx.update(forms)
    return render(request, "spaces/detail.html", ctx, status=400)


@login_required
@require_POST
def photo_add(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.manage_spaces", space)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.space_photo_add(actor=request.user, space=space,
                                     upload=form.cleaned_data["image"],
                                     caption=form.cleaned_data["caption"],
                                     role=form.cleaned_data["role"],
                                     keep_location=form.cleaned_data["keep_location"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect("spaces:detail", slug=slug, pk=pk)
    return _render_detail(request, community, space, {"photo_form": form})


@login_required
@require_POST
def event_add(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.manage_spaces", space)
    form = EventForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.space_event_record(
                actor=request.user, space=space, kind=d["kind"], happened_on=d["happened_on"],
                title=d["title"], description=d["description"], to_state=d["to_state"],
                project_id=d["project_id"],
                before_photos=[d["before_photo"]] if d["before_photo"] else [],
                after_photos=[d["after_photo"]] if d["after_photo"] else [])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("History entry added."))
            return redirect("spaces:detail", slug=slug, pk=pk)
    return _render_detail(request, community, space, {"event_form": form})


@login_required
@require_POST
def duty_add(request: AuthedRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.manage_spaces", space)
    form = DutyForm(request.POST, community=community)
    if form.is_valid():
        try:
            services.duty_create(actor=request.user, space=space, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Maintenance duty added."))
            return redirect("spaces:detail", slug=slug, pk=pk)
    return _render_detail(request, community, space, {"duty_form": form})


@login_required
@require_POST
def care_log_add(request: AuthedRequest, slug: str, pk: int, duty_id: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.log_care", space)
    duty = get_object_or_404(MaintenanceDuty, pk=duty_id, space=space)
    form = CareLogForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.care_log_add(actor=request.user, duty=duty, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Care recorded."))
            return redirect("spaces:detail", slug=slug, pk=pk)
    return _render_detail(request, community, space, {"care_form": form})


@login_required
def duties_overdue(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.view_duties", community)
    duties = selectors.duties_overdue(community=community)
    page = Paginator(duties, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "spaces/duties_overdue.html", {
        "community": community, "page": page, "duties": page.object_list,
        "today": timezone.localdate()})


@login_required
def export_geojson(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.export_spaces", community)
    data = services.spaces_export_geojson(actor=request.user, community=community)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                            content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{community.slug}-spaces.geojson"'
    return response


@login_required
def import_geojson(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.import_spaces", community)
    form = GeoJSONImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            report = services.spaces_import_geojson(
                actor=request.user, community=community, data=upload.read(),
                dry_run=form.cleaned_data["dry_run"])
            if report.error:
                form.add_error("file", report.error)
    return render(request, "spaces/import_geojson.html", {
        "community": community, "form": form, "report": report})


@login_required
def import_osm(request: AuthedRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spaces.import_spaces", community)
    form = OsmImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        from gongzhi.spaces.osm import osm_import

        upload = form.cleaned_data["file"]
        suffix = ".osm.pbf" if upload.name.lower().endswith("pbf") else ".osm"
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "upload" + suffix)
            with open(path, "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            report = osm_import(actor=request.user, community=community, path=path,
                                dry_run=form.cleaned_data["dry_run"])
        report.source = upload.name
        if report.error:
            form.add_error("file", report.error)
    return render(request, "spaces/import_osm.html", {
        "community": community, "form": form, "report": report})


@login_required
@require_POST
def photo_remove(request: AuthedRequest, slug: str, pk: int, photo_id: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.manage_spaces", space)
    photo = get_object_or_404(space.photos, pk=photo_id)
    services.space_photo_remove(actor=request.user, photo=photo,
                                reason=request.POST.get("reason", "")[:500])
    messages.success(request, _("Photo removed."))
    return redirect("spaces:detail", slug=slug, pk=pk)


@login_required
@require_POST
def duty_toggle(request: AuthedRequest, slug: str, pk: int, duty_id: int) -> HttpResponse:
    community = community_or_404(slug)
    space = _space_or_404(request, community, pk)
    require_perm(request, "spaces.manage_spaces", space)
    duty = get_object_or_404(space.duties, pk=duty_id)
    resume = not duty.is_active
    services.duty_set_active(actor=request.user, duty=duty, active=resume,
                             next_due=timezone.localdate() if resume else None)
    messages.success(request, _("Duty resumed.") if resume else _("Duty paused."))
    return redirect("spaces:detail", slug=slug, pk=pk)
