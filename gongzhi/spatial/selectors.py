"""Reads of the access analysis, scoped by permission.

`access_result(community, mode)` returns the cached snapshot's result, recomputing it
first when its inputs changed (a community's analysis takes milliseconds; the background
task keeps it fresh so pages rarely wait). `access_summary(community)` is the section the
community and subdistrict reports include. `project_access_effect(project)` is what a
proposal would do for access.
"""

from __future__ import annotations

from typing import Any

from gongzhi.places.models import Community
from gongzhi.spatial import services
from gongzhi.spatial.models import AccessSnapshot, WalkingMode, WalkNetwork


def network_info(community: Community) -> WalkNetwork | None:
    return (WalkNetwork.objects.filter(community=community)
            .defer("data").first())


def access_result(community: Community, mode: str = WalkingMode.STANDARD
                  ) -> dict[str, Any] | None:
    snap = services.snapshot_refresh(community=community, mode=mode)
    if snap is None:
        return None
    result = dict(snap.result)
    result["computed_at"] = snap.computed_at
    result["elapsed_ms"] = snap.elapsed_ms
    return result


def cached_result(community: Community, mode: str = WalkingMode.STANDARD
                  ) -> dict[str, Any] | None:
    """The stored snapshot without checking freshness (one query)."""
    snap = AccessSnapshot.objects.filter(community=community, mode=mode).first()
    return None if snap is None else snap.result


def public_summary(result: dict[str, Any]) -> dict[str, Any]:
    """Coverage per category (with the share of residents below the standard and their
    mean shortfall) and overall figures; no building or household detail."""
    summary = result["summary"]
    cats = []
    for c in result["categories"]:
        s = summary["categories"][c["code"]]
        sf = s.get("shortfall") or {}
        cats.append({"code": c["code"], "tier": c["tier"], "threshold_m": c["threshold_m"],
                     "covered_share": s["covered_share"], "median_m": s["median_m"],
                     "below_share": _finite(sf.get("share_below")),
                     "mean_shortfall_m": _finite(sf.get("mean_shortfall"))})
    tiers: dict[str, list[str]] = {}
    for c in result["categories"]:
        tiers.setdefault(c["tier"], []).append(c["code"])
    return {
        "mode": result["mode"],
        "residents": summary["residents"],
        "categories": cats,
        "tiers": [{"tier": t, "threshold_m": result["tiers"].get(t), "categories": codes}
                  for t, codes in sorted(tiers.items(), key=lambda kv: int(kv[0][:-3]))],
        "gini_2sfca": summary["all"]["gini_2sfca"],
        "theil_2sfca": summary["all"].get("theil_2sfca"),
        "mean_completeness": summary["all"]["mean_completeness"],
        "full_completeness_share": summary["all"]["full_completeness_share"],
        "elderly": (summary["all"].get("concentration") or {}).get("elderly"),
        "buildings": len(result["buildings"]),
    }


def _finite(x: Any) -> float | None:
    return None if x is None or x != x else float(x)


def area_access(communities: list[Community], user=None) -> dict[str, Any]:
    """The subdistrict's access: each community's public summary, and, over all their
    buildings, the Theil index of the 2SFCA score split between and within communities,
    the Gini, and the concentration index against the share of residents aged 60+."""
    from gongzhi.spatial.engine import concentration_index, gini, theil_decomposition

    rows: list[dict[str, Any]] = []
    values: list[float] = []
    weights: list[float] = []
    groups: list[str] = []
    need: list[float] = []
    for c in communities:
        if user is not None and not user.has_perm("spatial.view_access", c):
            continue
        result = access_result(c)
        rows.append({"community": c, "summary": None if result is None
                     else public_summary(result)})
        for b in (result or {}).get("buildings", []):
            values.append(b["fca"])
            weights.append(b["population"])
            groups.append(c.slug)
            share = b.get("elderly_share")
            need.append(float("nan") if share is None else share)
    out: dict[str, Any] = {"rows": rows, "theil": None, "gini": None, "elderly_ci": None}
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    if values and total > 0:
        out["gini"] = _finite(gini(values, weights))
        if len(set(groups)) > 1:
            t = theil_decomposition(values, weights, groups).as_dict()
            names = {c.slug: c.name for c in communities}
            t["rows"] = [{"name": names.get(k, k), **v} for k, v in t["groups"].items()]
            out["theil"] = t
        if sum(1 for x in need if x == x) >= 2:
            out["elderly_ci"] = _finite(concentration_index(values, need, weights))
    return out


def access_summary(community: Community, user=None) -> dict[str, Any] | None:
    """For the community / subdistrict reports: the public summary of the standard-speed
    result, or None (no network, or the user may not see it)."""
    if user is not None and not user.has_perm("spatial.view_access_summary", community):
        return None
    result = access_result(community)
    return None if result is None else public_summary(result)


def project_access_effect(project, user=None) -> dict[str, Any] | None:
    """What opening the planned facility spaces of a project (its `spaces`) or a proposal
    (its `space`) would change, or None (nothing to open, no network, not allowed)."""
    from gongzhi.spaces.models import SpaceState

    # Cheapest checks first, so pages without anything to show pay no query: a project's
    # spaces are prefetched on its page; a proposal without a space has nothing to open.
    if hasattr(project, "spaces"):
        spaces = list(project.spaces.all())
    else:
        spaces = [project.space] if getattr(project, "space_id", None) else []
    if not any(s.state != SpaceState.OPEN for s in spaces):
        return None
    community = project.community
    if user is not None and not user.has_perm("spatial.view_access_summary", community):
        return None
    if not WalkNetwork.objects.filter(community=community).exists():
        return None
    changes = services.project_changes(project, services.config_for(community))
    if not changes:
        return None
    out = services.what_if(community=community, mode=WalkingMode.STANDARD, changes=changes)
    if out is None:
        return None
    from gongzhi.spatial.labels import category_label

    rows = [{"code": code, "label": category_label(code), **row}
            for code, row in out["delta"]["categories"].items()]
    return {"changes": changes, "delta": out["delta"], "rows": rows}
