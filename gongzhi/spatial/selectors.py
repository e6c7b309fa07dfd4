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
    """Coverage per category and overall figures; no building or household detail."""
    summary = result["summary"]
    return {
        "mode": result["mode"],
        "residents": summary["residents"],
        "categories": [
            {"code": c["code"], "tier": c["tier"], "threshold_m": c["threshold_m"],
             "covered_share": summary["categories"][c["code"]]["covered_share"],
             "median_m": summary["categories"][c["code"]]["median_m"]}
            for c in result["categories"]],
        "gini_2sfca": summary["all"]["gini_2sfca"],
        "mean_completeness": summary["all"]["mean_completeness"],
        "full_completeness_share": summary["all"]["full_completeness_share"],
    }


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
