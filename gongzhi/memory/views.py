"""Memory archive pages: thin views over services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import add_service_errors
from gongzhi.core.http import community_or_404, require_perm
from gongzhi.memory import forms, selectors, services
from gongzhi.memory.models import (
    Collection,
    Kind,
    MemoryItem,
    PersonTag,
    Status,
    TakedownRequest,
)


def _item(request, slug: str, pk: int) -> tuple:
    community = community_or_404(slug)
    try:
        return community, selectors.item_page(request.user, community, pk)
    except MemoryItem.DoesNotExist:
        raise Http404 from None


def _map_config(request, community) -> dict:
    from gongzhi.maps.config import map_config

    return map_config(request, community, layers=False)


def museum(request: HttpRequest, slug: str) -> HttpResponse:
    """The community museum: the public front door of the archive."""
    community = community_or_404(slug)
    user = request.user
    counts = selectors.decade_counts(user, community)
    return render(request, "memory/museum.html", {
        "community": community,
        "featured": selectors.collections(user, community, featured_only=True),
        "recent": selectors.recent_items(user, community, limit=8),
        "decades": counts, "decade_max": max((n for _d, n in counts), default=0),
        "can_contribute": user.has_perm("memory.contribute", community),
        "can_record": user.has_perm("memory.record_on_behalf", community),
        "can_moderate": user.has_perm("memory.moderate", community),
        "map_config": _map_config(request, community),
        "geojson_url": reverse("api:memory_geojson") + "?community=" + community.slug,
    })


def item_list(request: HttpRequest, slug: str) -> HttpResponse:
    """All published items, or search results (?q=) ranked best first."""
    community = community_or_404(slug)
    query = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    result = None
    if query:
        result = selectors.search(request.user, community, query)
        items = [i for i in result.items if not kind or i.kind == kind]
        page = None
    else:
        qs = selectors.published_items(request.user, community)
        if kind:
            qs = qs.filter(kind=kind)
        page = Paginator(qs.order_by("-published_at", "-id"), 24).get_page(
            request.GET.get("page"))
        items = list(page.object_list)
    return render(request, "memory/list.html", {
        "community": community, "items": items, "page": page, "q": query, "kind": kind,
        "kinds": Kind.choices, "result": result})


def item_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, item = _item(request, slug, pk)
    user = request.user
    tags = item.all_tags
    mine = next((t for t in tags if user.is_authenticated and t.person_id == user.pk), None)
    can_tag = user.has_perm("memory.tag", item)
    context = {
        "community": community, "item": item,
        "accepted": [t for t in tags if t.state == PersonTag.State.ACCEPTED],
        "pending_tags": [t for t in tags if t.state == PersonTag.State.PENDING] if can_tag
        else [],
        "my_tag": mine, "can_tag": can_tag,
        "can_moderate": user.has_perm("memory.moderate", item),
        "can_takedown": user.has_perm("memory.request_takedown", item),
        "moderate_form": forms.ModerateForm(),
    }
    if context["can_moderate"]:
        context["collections"] = list(Collection.objects.filter(community=community))
    if can_tag and request.GET.get("who"):
        context["candidates"] = selectors.tag_candidates(community, request.GET["who"])
        context["who"] = request.GET["who"][:40]
    if item.point:
        context["map_config"] = _map_config(request, community)
        context["point"] = {"lat": item.point[0], "lon": item.point[1], "name": item.title}
    return render(request, "memory/item.html", context)


def _place_choices(community):
    from gongzhi.places.models import Building
    from gongzhi.spaces.models import Space

    return (list(Space.objects.filter(community=community).order_by("name")[:300]),
            list(Building.objects.filter(community=community).order_by("number")[:500]))


def _resolve_place(community, data: dict) -> dict:
    from gongzhi.places.models import Building
    from gongzhi.spaces.models import Space

    space = building = None
    if data.get("space"):
        space = Space.objects.filter(community=community, pk=data["space"]).first()
    if data.get("building"):
        building = Building.objects.filter(community=community, pk=data["building"]).first()
    return {"space": space, "building": building, "lat": data.get("lat"),
            "lon": data.get("lon"), "place_text": data.get("place_text", "")}


def _project(community, pk):
    from gongzhi.projects.models import Project

    if not pk:
        return None
    return Project.objects.filter(community=community, pk=pk).first()


def _submit(request: HttpRequest, slug: str, *, on_behalf: bool) -> HttpResponse:
    community = community_or_404(slug)
    perm = "memory.record_on_behalf" if on_behalf else "memory.contribute"
    require_perm(request, perm, community)
    spaces, buildings = _place_choices(community)
    form_class = forms.OralHistoryForm if on_behalf else forms.MemoryForm
    project = _project(community, request.GET.get("project") or request.POST.get("project"))
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, spaces=spaces, buildings=buildings)
        if form.is_valid():
            d = form.cleaned_data
            extra = {}
            if on_behalf:
                extra = {"on_behalf": True, "narrator_name": d["narrator_name"],
                         "narrator_consent": d["narrator_consent"],
                         "narrator_consent_note": d["narrator_consent_note"],
                         "transcript": d["transcript"]}
            try:
                item = services.item_create(
                    actor=request.user, community=community, kind=d["kind"],
                    title=d["title"], body=d["body"], era_text=d["era_text"],
                    licence=d["licence"], keep_location=d["keep_location"], project=project,
                    files=[services.Upload(f, d["caption"]) for f in d["files"]],
                    **_resolve_place(community, d), **extra)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("Sharing stories is not open to you in this project "
                                       "now."))
            else:
                if item.status == Status.APPROVED:
                    messages.success(request, _("Thank you! Your memory is published."))
                else:
                    messages.success(request, _("Thank you! A community worker will look at "
                                                "it soon; you will be told when it is "
                                                "published."))
                return redirect("memory:item", slug=slug, pk=item.pk)
        if request.FILES:
            messages.info(request, _("Please choose the files again: browsers do not keep "
                                     "them when a form comes back."))
    else:
        form = form_class(spaces=spaces, buildings=buildings,
                          initial={"project": getattr(project, "pk", None)})
    return render(request, "memory/submit.html", {
        "community": community, "form": form, "on_behalf": on_behalf, "project": project,
        "map_config": _map_config(request, community)})


@login_required
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    return _submit(request, slug, on_behalf=False)


@login_required
def record(request: HttpRequest, slug: str) -> HttpResponse:
    return _submit(request, slug, on_behalf=True)


def timeline(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    decades, undated = selectors.timeline(request.user, community, kind=kind)
    return render(request, "memory/timeline.html", {
        "community": community, "decades": decades, "undated": undated, "kind": kind,
        "kinds": Kind.choices})


def map_view(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    return render(request, "memory/map.html", {
        "community": community, "map_config": _map_config(request, community),
        "geojson_url": reverse("api:memory_geojson") + "?community=" + community.slug,
        "count": len(selectors.items_geojson(request.user, community)["features"])})


def collection_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    try:
        col, items, photos = selectors.collection_page(request.user, community, pk)
    except Collection.DoesNotExist:
        raise Http404 from None
    return render(request, "memory/collection.html", {
        "community": community, "collection": col, "items": items, "photos": photos,
        "can_manage": request.user.has_perm("memory.manage_collections", community)})


def collection_poster(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from gongzhi.memory.poster import poster_pdf

    community = community_or_404(slug)
    try:
        col, items, photos = selectors.collection_page(request.user, community, pk)
    except Collection.DoesNotExist:
        raise Http404 from None
    url = request.build_absolute_uri(reverse("memory:collection", args=[slug, pk]))
    pdf = poster_pdf(collection=col, items=items, project_photos=photos, url=url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="memory-poster-{col.pk}.pdf"'
    return response


@login_required
def collection_new(request: HttpRequest, slug: str) -> HttpResponse:
    from gongzhi.projects.models import Project

    community = community_or_404(slug)
    require_perm(request, "memory.manage_collections", community)
    projects = list(Project.objects.filter(community=community).order_by("-id")[:100])
    form = forms.CollectionForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            col = services.collection_create(
                actor=request.user, community=community, title=d["title"], kind=d["kind"],
                description=d["description"], is_featured=d["is_featured"],
                project=_project(community, d["project"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("memory:collection", slug=slug, pk=col.pk)
    return render(request, "memory/collection_form.html", {"community": community,
                                                           "form": form})


@login_required
@require_POST
def collection_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add the item ``pk`` to (or remove it from) a collection."""
    community, item = _item(request, slug, pk)
    col = get_object_or_404(Collection, community=community, pk=request.POST.get("collection")
                            or 0)
    if request.POST.get("remove"):
        services.collection_remove(actor=request.user, collection=col, item=item)
        messages.success(request, _("Removed from the collection."))
    else:
        services.collection_add(actor=request.user, collection=col, item=item)
        messages.success(request, _("Added to the collection."))
    return redirect("memory:item", slug=slug, pk=pk)


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "memory.moderate", community)
    pending, takedowns = selectors.moderation_queue(community)
    return render(request, "memory/moderation.html", {
        "community": community, "pending": pending, "takedowns": takedowns})


@login_required
@require_POST
def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, item = _item(request, slug, pk)
    require_perm(request, "memory.moderate", item)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")[:300]
    try:
        if action == "approve":
            services.item_moderate(actor=request.user, item=item, approve=True)
            messages.success(request, _("Published. The contributor is told."))
        elif action == "reject":
            services.item_moderate(actor=request.user, item=item, approve=False,
                                   reason=reason)
            messages.success(request, _("Not published. The contributor is told why."))
        elif action == "take_down":
            services.item_take_down(actor=request.user, item=item, reason=reason)
            messages.success(request, _("Taken down. The contributor is told why."))
        else:
            raise Http404
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    nxt = request.POST.get("next", "")
    if nxt == "queue":
        return redirect("memory:moderation", slug=slug)
    return redirect("memory:item", slug=slug, pk=pk)


@login_required
def takedown(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community, item = _item(request, slug, pk)
    require_perm(request, "memory.request_takedown", item)
    form = forms.TakedownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.takedown_request(actor=request.user, item=item,
                                      reason=form.cleaned_data["reason"],
                                      details=form.cleaned_data["details"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request is with the community workers. You "
                                        "will be told what they decide."))
            return redirect("memory:item", slug=slug, pk=pk)
    return render(request, "memory/takedown.html", {"community": community, "item": item,
                                                    "form": form})


@login_required
@require_POST
def takedown_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    req = get_object_or_404(TakedownRequest.objects.select_related("item__community"),
                            item__community=community, pk=pk)
    require_perm(request, "memory.take_down", req.item)
    try:
        services.takedown_decide(actor=request.user, request=req,
                                 uphold=request.POST.get("action") == "uphold",
                                 note=request.POST.get("note", "")[:300])
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Decided. The person who asked is told."))
    return redirect("memory:moderation", slug=slug)


@login_required
@require_POST
def tag_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from gongzhi.accounts.models import User

    community, item = _item(request, slug, pk)
    require_perm(request, "memory.tag", item)
    person = get_object_or_404(User, pk=request.POST.get("person") or 0)
    try:
        services.tag_add(actor=request.user, item=item, person=person)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("We asked %(name)s; they are shown once they agree.")
                         % {"name": person.public_name})
    return redirect("memory:item", slug=slug, pk=pk)


@login_required
@require_POST
def tag_respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = community_or_404(slug)
    tag = get_object_or_404(PersonTag.objects.select_related("item__community"),
                            item__community=community, pk=pk)
    action = request.POST.get("action", "")
    if action == "remove":
        services.tag_remove(actor=request.user, tag=tag)
        messages.success(request, _("The tag is removed."))
    else:
        services.tag_respond(actor=request.user, tag=tag, accept=action == "accept")
        messages.success(request, _("Thank you, your answer is saved."))
    if request.POST.get("next") == "item":
        return redirect("memory:item", slug=slug, pk=tag.item_id)
    return redirect("memory:me", slug=slug)


@login_required
def me(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    return render(request, "memory/me.html", {
        "community": community, "tags": selectors.my_tags(request.user, community),
        "items": selectors.my_items(request.user, community)})


@login_required
def offered(request: HttpRequest, slug: str) -> HttpResponse:
    """Photos from contests and activities offered to the archive; a worker takes them in."""
    from gongzhi.memory import sources

    community = community_or_404(slug)
    require_perm(request, "memory.moderate", community)
    if request.method == "POST":
        try:
            item = sources.take_in(actor=request.user, community=community,
                                   key=request.POST.get("key", "")[:60])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Taken into the archive: %(title)s")
                             % {"title": item.title})
        return redirect("memory:offered", community.slug)
    return render(request, "memory/offered.html", {
        "community": community, "candidates": sources.candidates(community)[:100]})
