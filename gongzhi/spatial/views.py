"""Pages: access (可达性 / 15分钟生活圈) for a community, what-if, CSV / GeoJSON downloads,
and the subdistrict overview. Thin: selectors and services do the work."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.http import community_or_404, require_perm
from gongzhi.maps.config import map_config
from gongzhi.places.models import Community, Region
from gongzhi.spatial import selectors, services
from gongzhi.spatial.labels import CATEGORY_LABELS, GROUP_LABELS, SOURCE_LABELS, TIER_LABELS
from gongzhi.spatial.models import WalkingMode


def _mode(request: HttpRequest) -> str:
    mode = request.GET.get("mode", WalkingMode.STANDARD)
    return mode if mode in WalkingMode.values else WalkingMode.STANDARD


def _name(facility: dict) -> str:
    return facility["name"] or _("unnamed (OpenStreetMap)")


def _decorate(result: dict) -> dict:
    """Labels and per-category rows for the template (no logic beyond presentation)."""
    cats = []
    for c in result["categories"]:
        s = result["summary"]["categories"][c["code"]]
        cats.append({**c, "label": CATEGORY_LABELS.get(c["code"], c["code"]),
                     "tier_label": TIER_LABELS.get(c["tier"], c["tier"]), **s})
    fac_names = {f["id"]: _name(f) for f in result["facilities"]}
    rows = []
    for b in result["buildings"]:
        rows.append({**b, "source_label": SOURCE_LABELS.get(b["population_source"], ""),
                     "cells": [{"m": b["nearest"][c["code"]], "met": b["met"][c["code"]],
                                "label": CATEGORY_LABELS.get(c["code"], c["code"]),
                                "name": fac_names.get(b["nearest_facility"][c["code"]], ""),
                                "three": [[fac_names.get(i, ""), d] for i, d in
                                          b["nearest3"][c["code"]]]}
                               for c in result["categories"]]})
    groups = None
    tg = result["summary"]["all"].get("theil_by_group")
    if tg:
        groups = [{"label": GROUP_LABELS.get(k, k), **v} for k, v in tg["groups"].items()]
    return {"categories": cats, "rows": rows, "groups": groups}


def access_page(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spatial.view_access_summary", community)
    full = request.user.has_perm("spatial.view_access", community)
    mode = _mode(request)
    result = selectors.access_result(community, mode)
    ctx: dict[str, Any] = {
        "community": community, "mode": mode, "modes": WalkingMode.choices, "full": full,
        "result": result, "network": selectors.network_info(community),
        "can_manage": request.user.has_perm("spatial.manage_access", community)}
    if result is not None:
        ctx.update(_decorate(result))
        ctx["elderly"] = (result["summary"]["all"].get("concentration") or {}).get("elderly")
        ctx["speed"] = result.get("speed")
        if full:
            ctx["facility_choices"] = [
                (str(f["id"]), "{} ({})".format(_name(f), CATEGORY_LABELS.get(f["category"],
                                                                          f["category"])))
                for f in result["facilities"]]
        ctx["map_data"] = {
            "config": map_config(request, community, picker={"mode": "none"}),
            "buildings": [{"id": b["id"], "label": b["label"], "lon": b["lon"], "lat": b["lat"],
                           "nearest": b["nearest"], "completeness": b["completeness"],
                           "fca": b["fca"]} for b in result["buildings"]] if full else [],
            "facilities": [{**f, "name": _name(f)} for f in result["facilities"]]
            if full else [],
            "categories": [{"code": c["code"], "label": str(c["label"]),
                            "threshold": c["threshold_m"]} for c in ctx["categories"]],
            "lorenz": result["summary"]["all"]["lorenz"],
            "labels": {"m": _("m"), "none": _("none reachable"), "equality": _("Equal shares"),
                       "lorenz": _("Lorenz curve"), "residents": _("Share of residents"),
                       "score": _("Share of access (2SFCA)"),
                       "within": _("within the standard"), "beyond": _("beyond the standard"),
                       "facility": _("Facility"), "completeness": _("Categories reached"),
                       "picked": _("Chosen place"),
                       "pickedFacility": _("Chosen facility: %(name)s")},
        }
    return render(request, "spatial/access.html", ctx)


def _changes_from_request(request: HttpRequest) -> list[dict]:
    action = request.GET.get("action", "")
    if action == "add":
        lon, lat = services.parse_point(request.GET.get("lon"), request.GET.get("lat"),
                                        request.GET.get("datum", "wgs84"))
        try:
            capacity = float(request.GET.get("capacity") or 10)
        except ValueError:
            raise ValidationError({"capacity": _("Capacity must be a number.")})
        if not 0 < capacity <= 100000:
            raise ValidationError({"capacity": _("Capacity must be between 1 and 100,000.")})
        name = (request.GET.get("name") or "").replace("\x00", "")[:100]
        return [{"action": "add", "category": request.GET.get("category"), "lon": lon,
                 "lat": lat, "capacity": capacity, "name": name}]
    space = (request.GET.get("space") or "").strip()
    if not space or len(space) > 40 or "\x00" in space:
        raise ValidationError({"space": _("Choose one of the facilities counted here.")})
    if action == "move":
        lon, lat = services.parse_point(request.GET.get("lon"), request.GET.get("lat"),
                                        request.GET.get("datum", "wgs84"))
        return [{"action": "move", "space": space, "lon": lon, "lat": lat}]
    if action == "close":
        return [{"action": "close", "space": space}]
    raise ValidationError({"action": _("Choose add, move or close.")})


def what_if_page(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    require_perm(request, "spatial.what_if", community)
    mode = _mode(request)
    current = selectors.access_result(community, mode)
    ctx: dict[str, Any] = {"community": community, "mode": mode, "result": current, "errors": {},
           "values": request.GET, "category_choices": [], "facility_choices": []}
    if current is not None:
        ctx["category_choices"] = [(c["code"], CATEGORY_LABELS.get(c["code"], c["code"]))
                                   for c in current["categories"]]
        ctx["facility_choices"] = [
            (f["id"], "{} ({})".format(_name(f), CATEGORY_LABELS.get(f["category"],
                                                                     f["category"])))
            for f in current["facilities"]]
    status = 200
    if current is not None and request.GET.get("action"):
        out = None
        try:
            out = services.what_if(community=community, mode=mode,
                                   changes=_changes_from_request(request))
        except ValidationError as exc:
            ctx["errors"] = exc.message_dict
            status = 400
        if out is not None:
            ctx["delta"] = [
                {"label": CATEGORY_LABELS.get(code, code), **row}
                for code, row in out["delta"]["categories"].items()]
            ctx["gini_before"] = out["delta"]["gini_before"]
            ctx["gini_after"] = out["delta"]["gini_after"]
            ctx["elderly_ci_before"] = _elderly_ci(out["before"])
            ctx["elderly_ci_after"] = _elderly_ci(out["after"])
    if request.headers.get("HX-Request"):
        # the access page's map panel: only the result block (htmx swaps it in)
        return render(request, "spatial/_what_if_result.html", ctx, status=200)
    return render(request, "spatial/what_if.html", ctx, status=status)


def _elderly_ci(result: dict) -> float | None:
    need = (result["summary"]["all"].get("concentration") or {}).get("elderly")
    return None if need is None else need["ci_2sfca"]


def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Per-community settings: life-circle distances, walking speeds, categories."""
    from gongzhi.spatial.forms import AccessSettingsForm

    community = community_or_404(slug)
    require_perm(request, "spatial.manage_access", community)
    config = services.config_for(community)
    form = AccessSettingsForm(request.POST or None, config=config)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.config_update(actor=request.user, community=community,
                                       **form.changes())
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                return redirect(reverse("spatial:settings", args=[community.slug]) + "?saved=1")
        status = 400
    tier = ("threshold_5min_m", "threshold_10min_m", "threshold_15min_m", "walking_speed",
            "elderly_walking_speed")
    other = ("catchment_m", "persons_per_household", "use_osm_facilities", "public_summary")
    return render(request, "spatial/settings.html", {
        "community": community, "form": form, "saved": request.GET.get("saved") == "1",
        "tier_fields": [form[f] for f in tier], "other_fields": [form[f] for f in other]},
        status=status)


def _full_result(request: HttpRequest, slug: str) -> tuple[Community, dict]:
    community = community_or_404(slug)
    require_perm(request, "spatial.view_access", community)
    result = selectors.access_result(community, _mode(request))
    if result is None:
        raise PermissionDenied
    return community, result


def access_csv(request: HttpRequest, slug: str) -> HttpResponse:
    community, result = _full_result(request, slug)
    buf = io.StringIO()
    buf.write("\ufeff")  # UTF-8 BOM: Excel opens Chinese text correctly
    writer = csv.writer(buf)
    cats = [c["code"] for c in result["categories"]]
    writer.writerow([_("building"), _("residents"), _("residents from"),
                     *[_("%(category)s, nearest (m)") % {"category": CATEGORY_LABELS.get(c, c)}
                       for c in cats],
                     *[_("%(category)s, standard met") % {"category": CATEGORY_LABELS.get(c, c)}
                       for c in cats],
                     _("categories reached"), "2SFCA", "E2SFCA", _("gravity")])
    for b in result["buildings"]:
        writer.writerow([b["label"], b["population"],
                         str(SOURCE_LABELS.get(b["population_source"], "")),
                         *["" if b["nearest"][c] is None else b["nearest"][c] for c in cats],
                         *[_("yes") if b["met"][c] else _("no") for c in cats],
                         b["completeness"], f"{b['fca']:.6g}", f"{b['e2sfca']:.6g}",
                         f"{b['gravity']:.6g}"])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-{community.slug}.csv"'
    return response


def access_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    community, result = _full_result(request, slug)
    features = [{"type": "Feature", "geometry": {"type": "Point",
                                                 "coordinates": [b["lon"], b["lat"]]},
                 "properties": {k: b[k] for k in ("id", "label", "population",
                                                  "population_source", "nearest", "met",
                                                  "completeness", "fca", "e2sfca", "gravity")}}
                for b in result["buildings"]]
    body = {"type": "FeatureCollection", "features": features,
            "properties": {"attribution": "© OpenStreetMap contributors",
                           "mode": result["mode"], "categories": result["categories"]}}
    response = HttpResponse(json.dumps(body, ensure_ascii=False),
                            content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="access-{community.slug}.geojson"'
    return response


def area_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Subdistrict overview: each community's coverage, and Theil between communities."""
    region = get_object_or_404(Region, pk=pk)
    communities = [c for c in Community.objects.filter(subdistrict=region, is_active=True)
                   .order_by("name") if request.user.has_perm("spatial.view_access", c)]
    if not communities:
        raise PermissionDenied
    rows: list[dict[str, Any]] = []
    values, weights, groups = [], [], []
    for c in communities:
        result = selectors.access_result(c)
        if result is None:
            rows.append({"community": c, "result": None})
            continue
        rows.append({"community": c, "result": result, **_decorate(result)})
        for b in result["buildings"]:
            values.append(b["fca"])
            weights.append(b["population"])
            groups.append(c.slug)
    theil = None
    if len(set(groups)) > 1 and sum(v * w for v, w in zip(values, weights, strict=True)) > 0:
        from gongzhi.spatial.engine import theil_decomposition

        theil = theil_decomposition(values, weights, groups).as_dict()
    return render(request, "spatial/area.html", {"region": region, "rows": rows,
                                                 "theil": theil})
