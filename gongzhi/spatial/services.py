"""Writes of the spatial app, and the one place that turns the registry into engine inputs.

`network_import` stores a community's walking network (audited). `config_update` changes
the categories / catchment / public flag (audited). `snapshot_refresh` recomputes the
cached result for a walking speed when its input fingerprint changed (derived data: no
audit entry). `what_if` runs the same analysis with facilities added, moved or closed and
writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record
from gongzhi.core.geo.coords import gcj02_to_wgs84
from gongzhi.core.geo.measure import centroid, geodesic_area_m2
from gongzhi.places.models import Building, Community, Household, Tenure
from gongzhi.spaces.models import Space, SpaceState
from gongzhi.spatial.engine import (
    AccessParams,
    Category,
    Demand,
    Network,
    Supply,
    Tier,
    Weight,
    analyse,
    project,
    read_osm_network,
    summarise,
)
from gongzhi.spatial.models import (
    DEFAULT_CATEGORIES,
    AccessConfig,
    AccessSnapshot,
    WalkingMode,
    WalkNetwork,
    default_categories,
    mode_speed,
    tier_thresholds,
)

TIERS = ("5min", "10min", "15min")
TIER_MINUTES = {"5min": 5, "10min": 10, "15min": 15}
# Estimate when the ledger has no households: floor area per resident in Shanghai
# (人均住房建筑面积, about 37 m² in 2020) and 6 floors when the building does not say.
FLOOR_AREA_PER_PERSON_M2 = 37.0
DEFAULT_FLOORS = 6
ENGINE_VERSION = "2"  # 2: ledger residents and elderly counts, configurable tiers/speeds


def _check(actor, perm: str, obj) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied


_CONFIG_CACHE = "_access_config"  # kept on the community instance for the request


def config_for(community: Community) -> AccessConfig:
    config: AccessConfig | None = getattr(community, _CONFIG_CACHE, None)
    if config is None:
        config = AccessConfig.objects.filter(community=community).first() or AccessConfig(
            community=community, categories=default_categories())
        setattr(community, _CONFIG_CACHE, config)
    return config


# ------------------------------------------------------------------- writes


@transaction.atomic
def network_import(*, community: Community, path: str | os.PathLike[str], actor=None,
                   margin_m: float = 1500.0) -> WalkNetwork:
    """Read the walking network around `community` from an OSM extract and store it."""
    _check(actor, "spatial.manage_access", community)
    bbox = _community_bbox(community, margin_m)
    network = read_osm_network(path, bbox=bbox)
    facilities = osm_facilities(path, bbox)
    data = network.to_npz_bytes()
    fp = hashlib.sha256(data).hexdigest()
    obj, _created = WalkNetwork.objects.update_or_create(
        community=community,
        defaults={"data": data, "fingerprint": fp, "source": os.path.basename(str(path))[:200],
                  "nodes": network.n_nodes, "edges": network.n_edges,
                  "length_m": network.total_length_m, "osm_facilities": facilities})
    audit_record(actor=actor, action="spatial.network_import", community=community, target=obj,
                 after={"source": obj.source, "nodes": obj.nodes, "edges": obj.edges,
                        "osm_facilities": len(facilities)})
    transaction.on_commit(lambda: schedule_refresh(community.pk))
    return obj


def osm_facilities(path: str | os.PathLike[str], bbox: tuple[float, float, float, float]
                   ) -> list[dict[str, Any]]:
    """Amenities of the extract inside `bbox` that some category may count (by space kind)."""
    from gongzhi.core.geo.osm_import import read_osm

    out = []
    for a in read_osm(path).amenities:
        lon, lat = a.centroid
        if a.kind == "other" or not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
            continue
        out.append({"ref": a.ref, "name": a.name, "kind": a.kind, "tag": a.osm_tag,
                    "lon": round(lon, 7), "lat": round(lat, 7),
                    "area_m2": round(a.area_m2, 1) if a.area_m2 else None})
    return out


def _community_bbox(community: Community, margin_m: float) -> tuple[float, float, float, float]:
    lons: list[float] = []
    lats: list[float] = []
    if community.boundary:
        from gongzhi.core.geo.measure import bbox as geom_bbox

        b = geom_bbox(community.boundary)
        lons += [b[0], b[2]]
        lats += [b[1], b[3]]
    for lon, lat in Building.objects.filter(community=community, lon__isnull=False,
                                            lat__isnull=False).values_list("lon", "lat"):
        if lon is not None and lat is not None:
            lons.append(lon)
            lats.append(lat)
    if not lons and community.center_lon is not None and community.center_lat is not None:
        lons.append(community.center_lon)
        lats.append(community.center_lat)
    if not lons:
        raise ValidationError(_("The community has no boundary, centre or located buildings."))
    dlat = margin_m / 111_320.0
    dlon = margin_m / (111_320.0 * np.cos(np.radians(np.mean(lats))))
    return (min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat)


CONFIG_FIELDS = ("catchment_m", "public_summary", "persons_per_household", "categories",
                 "use_osm_facilities", "threshold_5min_m", "threshold_10min_m",
                 "threshold_15min_m", "walking_speed", "elderly_walking_speed")


def config_errors(config: AccessConfig) -> dict[str, str]:
    """What is wrong with these settings, field → message in the user's language."""
    errors: dict[str, str] = {}
    if not 100 <= config.catchment_m <= 5000:
        errors["catchment_m"] = _("Choose a catchment between 100 and 5,000 metres.")
    if not 0 < config.persons_per_household <= 10:
        errors["persons_per_household"] = _("Choose between 0.1 and 10 persons.")
    t5, t10, t15 = config.threshold_5min_m, config.threshold_10min_m, config.threshold_15min_m
    if not 50 <= t5 < t10 < t15 <= 3000:
        errors["threshold_15min_m"] = _(
            "The life circles must grow: 5 minutes < 10 minutes < 15 minutes, between 50 and "
            "3,000 metres.")
    if not 0.3 <= config.elderly_walking_speed < config.walking_speed <= 2.0:
        errors["elderly_walking_speed"] = _(
            "The elderly walking speed must be slower than the standard one, and both between "
            "0.3 and 2.0 m/s.")
    cats = config.categories
    if not isinstance(cats, dict) or not cats:
        errors["categories"] = _("Keep at least one facility category.")
    elif any(not isinstance(spec, dict) or spec.get("tier") not in TIERS
             or not isinstance(spec.get("kinds"), list) for spec in cats.values()):
        errors["categories"] = _("Each category needs space kinds and a life circle.")
    return errors


@transaction.atomic
def config_update(*, actor, community: Community, **changes: Any) -> AccessConfig:
    """Change any of CONFIG_FIELDS; all are checked together and nothing is saved if one
    is wrong (ValidationError with a message per field). Audited."""
    _check(actor, "spatial.manage_access", community)
    unknown = set(changes) - set(CONFIG_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    config, _created = AccessConfig.objects.select_for_update().get_or_create(community=community)
    before = {f: getattr(config, f) for f in CONFIG_FIELDS}
    for name, value in changes.items():
        if value is not None:
            setattr(config, name, value)
    errors = config_errors(config)
    if errors:
        raise ValidationError(errors)
    config.save()
    setattr(community, _CONFIG_CACHE, config)
    audit_record(actor=actor, action="spatial.config_update", community=community, target=config,
                 before=before, after={f: getattr(config, f) for f in CONFIG_FIELDS})
    transaction.on_commit(lambda: schedule_refresh(community.pk))
    return config


def schedule_refresh(community_id: int) -> None:
    """Enqueue the background recomputation (both walking speeds)."""
    from gongzhi.spatial.tasks import refresh_access

    refresh_access.enqueue(community_id)


# ------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    buildings: list[dict[str, Any]] = field(default_factory=list)
    facilities: list[dict[str, Any]] = field(default_factory=list)

    def fingerprint(self, network_fp: str, config: AccessConfig, mode: str) -> str:
        payload = json.dumps({
            "v": ENGINE_VERSION, "network": network_fp, "mode": mode,
            "catchment": config.catchment_m, "pph": config.persons_per_household,
            "osm": config.use_osm_facilities, "tiers": tier_thresholds(config),
            "speed": mode_speed(config, mode),
            "categories": config.categories, "buildings": self.buildings,
            "facilities": self.facilities,
        }, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def kind_to_category(config: AccessConfig) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, spec in config.categories.items():
        for kind in spec.get("kinds", []):
            out.setdefault(kind, code)
    return out


def gather_inputs(community: Community, config: AccessConfig,
                  extract: list[dict[str, Any]] | None = None) -> Inputs:
    """Residential buildings (with residents from the ledger or an estimate) and the open
    facilities of the categories, from this community and the public ones of its
    neighbours in the same subdistrict (people walk across boundaries). Three queries."""
    inputs = Inputs()
    per_building = _ledger_counts(community, config.persons_per_household)
    for b in Building.objects.filter(community=community).order_by("number", "pk"):
        lon, lat = b.lon, b.lat
        if (lon is None or lat is None) and b.footprint:
            lon, lat = centroid(b.footprint)
        if lon is None or lat is None:
            continue
        row = per_building.get(b.pk)
        elderly_share = None
        if row and row["n"]:
            population = row["population"]
            source = "ledger"
            renter_share = row["renters"] / row["n"]
            group = ("renters" if row["renters"] * 2 > row["n"] else
                     "owners" if row["owners"] * 2 > row["n"] else "mixed")
            if row["elderly_base"]:
                elderly_share = round(row["elderly"] / row["elderly_base"], 6)
        elif b.footprint:
            area = geodesic_area_m2(b.footprint) * (b.floors or DEFAULT_FLOORS)
            population = round(area / FLOOR_AREA_PER_PERSON_M2, 1)
            source = "estimate"
            renter_share = None
            group = "unknown"
        else:
            continue
        inputs.buildings.append({
            "id": b.pk, "label": b.name or b.number, "lon": round(lon, 7), "lat": round(lat, 7),
            "population": population, "population_source": source,
            "renter_share": renter_share, "elderly_share": elderly_share, "group": group,
        })
    mapping = kind_to_category(config)
    spaces = (Space.objects.filter(kind__in=list(mapping), state=SpaceState.OPEN)
              .filter(Q(community=community) | Q(community__subdistrict_id=community.subdistrict_id,
                                                 is_public=True)
                      if community.subdistrict_id else Q(community=community))
              .order_by("pk"))
    for s in spaces.only("pk", "name", "kind", "lon", "lat", "capacity", "area_m2",
                         "community_id", "is_public"):
        inputs.facilities.append(_facility_row(s, mapping[s.kind], community))
    if config.use_osm_facilities:
        for a in extract or []:
            if a["kind"] in mapping:
                inputs.facilities.append({
                    "id": "osm:" + a["ref"], "name": a["name"],
                    "kind": a["kind"], "category": mapping[a["kind"]], "lon": a["lon"],
                    "lat": a["lat"], "capacity": max(1.0, (a["area_m2"] or 100.0) / 10.0),
                    "own": False})
    return inputs


def _ledger_counts(community: Community, pph: float) -> dict[int, dict[str, Any]]:
    """Per building: dwellings, tenants, owners, residents (the ledger's count where
    recorded, else `pph` per dwelling) and, over the dwellings whose elderly count is
    recorded, the residents aged 60+ and the residents they are a share of. One query."""
    out: dict[int, dict[str, Any]] = {}
    rows = (Household.objects.filter(building__community=community, is_shop=False)
            .values_list("building_id", "tenure", "residents", "elderly"))
    for bid, tenure, residents, elderly in rows:
        row = out.setdefault(bid, {"n": 0, "renters": 0, "owners": 0, "population": 0.0,
                                   "elderly": 0, "elderly_base": 0.0})
        size = float(residents) if residents is not None else pph
        row["n"] += 1
        row["renters"] += tenure in (Tenure.PUBLIC_RENTAL, Tenure.PRIVATE_RENTAL)
        row["owners"] += tenure == Tenure.OWNER
        row["population"] += size
        if elderly is not None:
            row["elderly"] += elderly
            row["elderly_base"] += max(size, float(elderly))
    for row in out.values():
        row["population"] = round(row["population"], 1)
    return out


def _facility_row(space: Space, category: str, community: Community) -> dict[str, Any]:
    return {"id": space.pk, "name": space.name, "kind": space.kind, "category": category,
            "lon": round(space.lon, 7), "lat": round(space.lat, 7),
            "capacity": float(space.capacity or max(1.0, (space.area_m2 or 100.0) / 10.0)),
            "own": space.community_id == community.pk}


# ----------------------------------------------------------------- analysis


def load_network(community: Community) -> tuple[Network, str, list] | None:
    row = (WalkNetwork.objects.filter(community=community)
           .only("data", "fingerprint", "osm_facilities").first())
    if row is None:
        return None
    cache_key = (row.pk, row.fingerprint)
    cached = _NETWORK_CACHE.get(cache_key)
    if cached is None:
        cached = Network.from_npz_bytes(bytes(row.data))
        _NETWORK_CACHE.clear()
        _NETWORK_CACHE[cache_key] = cached
    return cached, row.fingerprint, row.osm_facilities


_NETWORK_CACHE: dict[tuple[int, str], Network] = {}


def run_analysis(network: Network, inputs: Inputs, config: AccessConfig, mode: str
                 ) -> dict[str, Any]:
    """The engine on these inputs, as a JSON-ready dict (what the snapshot stores)."""
    speed = mode_speed(config, mode)
    # PostgreSQL's jsonb does not keep key order: the standard categories in their own order,
    # then the community's own, alphabetically
    standard = list(DEFAULT_CATEGORIES)
    codes = sorted(config.categories, key=lambda c: (standard.index(c) if c in standard
                                                     else len(standard), c))
    categories = [Category(code, config.categories[code]["tier"]) for code in codes]
    tiers = tuple(Tier(code, TIER_MINUTES[code], metres)
                  for code, metres in tier_thresholds(config).items())
    params = AccessParams(catchment_m=float(config.catchment_m), search_m=2000.0,
                          walking_speed=speed, reference_speed=float(config.walking_speed),
                          tiers=tiers,
                          e2sfca_weight=Weight("gaussian", sigma=config.catchment_m / 2))
    bx, by = project([b["lon"] for b in inputs.buildings], [b["lat"] for b in inputs.buildings],
                     network.crs)
    fac = inputs.facilities
    fx, fy = project([f["lon"] for f in fac], [f["lat"] for f in fac], network.crs)
    demand = Demand([str(b["id"]) for b in inputs.buildings], bx, by,
                    np.array([b["population"] for b in inputs.buildings], dtype=float))
    supply = Supply([str(f["id"]) for f in fac], fx, fy,
                    np.array([f["capacity"] for f in fac], dtype=float),
                    [f["category"] for f in fac])
    result = analyse(network, demand, supply, params, categories=categories,
                     snap_mask=network.largest_component_mask())
    need = np.array([np.nan if b["renter_share"] is None else b["renter_share"]
                     for b in inputs.buildings], dtype=float)
    elderly = np.array([np.nan if b.get("elderly_share") is None else b["elderly_share"]
                        for b in inputs.buildings], dtype=float)
    groups = [b["group"] for b in inputs.buildings]
    summary = summarise(result, groups=groups if len(set(groups)) > 1 else None,
                        need=need if np.isfinite(need).sum() >= 2 else None,
                        needs={"elderly": elderly} if np.isfinite(elderly).sum() >= 2 else None)
    rows = []
    fac_ids = [f["id"] for f in fac]
    for i, b in enumerate(inputs.buildings):
        nearest = result.nearest_json(i)
        three = {}
        for c, code in enumerate(result.categories):
            three[code] = [[fac_ids[s], round(float(d), 1)] for s, d in
                           zip(result.k_nearest_supply[i, c], result.k_nearest_m[i, c],
                               strict=True) if s >= 0]
        rows.append({
            "id": b["id"], "label": b["label"], "lon": b["lon"], "lat": b["lat"],
            "population": b["population"], "population_source": b["population_source"],
            "group": b["group"], "elderly_share": b.get("elderly_share"),
            "nearest": {k: (round(v, 1) if v is not None else None) for k, v in nearest.items()},
            "nearest_facility": {code: (fac_ids[int(result.nearest_supply[i, c])]
                                        if result.nearest_supply[i, c] >= 0 else None)
                                 for c, code in enumerate(result.categories)},
            "nearest3": three,
            "tiers": {t: int(result.tier_met[t][i].sum()) for t in TIERS},
            "met": {code: bool(result.nearest_m[i, c] <= params.tier_metres(
                config.categories[code]["tier"])) for c, code in enumerate(result.categories)},
            "completeness": int(result.completeness[i]),
            "fca": float(result.fca["all"][i]), "e2sfca": float(result.e2sfca["all"][i]),
            "gravity": float(result.gravity["all"][i]),
            "snap_m": round(float(result.demand_snap_m[i]), 1),
        })
    return {
        "mode": str(mode), "speed": speed, "catchment_m": config.catchment_m,
        "categories": [{"code": c.code, "tier": c.tier, "threshold_m":
                        round(params.tier_metres(c.tier), 1)} for c in categories],
        "tiers": {t: round(params.tier_metres(t), 1) for t in TIERS},
        "buildings": rows, "facilities": fac, "summary": summary,
        "estimated_population": sum(1 for b in inputs.buildings
                                    if b["population_source"] == "estimate"),
    }


def snapshot_refresh(*, community: Community, mode: str = WalkingMode.STANDARD,
                     force: bool = False) -> AccessSnapshot | None:
    """Recompute the cached result if its inputs changed. None without a network."""
    loaded = load_network(community)
    if loaded is None:
        return None
    network, network_fp, extract = loaded
    config = config_for(community)
    inputs = gather_inputs(community, config, extract)
    fp = inputs.fingerprint(network_fp, config, mode)
    current = AccessSnapshot.objects.filter(community=community, mode=mode).first()
    if current is not None and current.fingerprint == fp and not force:
        return current
    start = time.perf_counter()
    result = run_analysis(network, inputs, config, mode)
    elapsed = (time.perf_counter() - start) * 1000
    snap, _created = AccessSnapshot.objects.update_or_create(
        community=community, mode=mode,
        defaults={"fingerprint": fp, "result": result, "elapsed_ms": elapsed})
    return snap


# ------------------------------------------------------------------ what if

WHAT_IF_ACTIONS = ("add", "move", "close")


def parse_point(lon: Any, lat: Any, datum: str) -> tuple[float, float]:
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValidationError({"lon": _("Give the place as longitude and latitude numbers.")})
    if not (-180 <= lon_f <= 180 and -90 <= lat_f <= 90):
        raise ValidationError({"lon": _("Longitude or latitude is out of range.")})
    if datum == "gcj02":
        lon_f, lat_f = gcj02_to_wgs84(lon_f, lat_f)
    elif datum != "wgs84":
        raise ValidationError({"datum": _("Choose WGS-84 or GCJ-02.")})
    return lon_f, lat_f


def what_if(*, community: Community, mode: str, changes: list[dict[str, Any]]
            ) -> dict[str, Any] | None:
    """Before/after figures for a list of changes: {"action": "add", "category", "lon",
    "lat", "capacity", "name"} · {"action": "move", "space": id, "lon", "lat"} ·
    {"action": "close", "space": id}. Coordinates WGS-84. Writes nothing."""
    loaded = load_network(community)
    if loaded is None:
        return None
    network, _fp, extract = loaded
    config = config_for(community)
    inputs = gather_inputs(community, config, extract)
    before = run_analysis(network, inputs, config, mode)
    after_inputs = Inputs(buildings=inputs.buildings, facilities=[dict(f) for f in
                                                                   inputs.facilities])
    by_id = {str(f["id"]): f for f in after_inputs.facilities}
    for n, change in enumerate(changes):
        action = change.get("action")
        if action == "add":
            if change.get("category") not in config.categories:
                raise ValidationError({"category": _("Choose a category from the list.")})
            after_inputs.facilities.append({
                "id": f"new-{n + 1}", "name": change.get("name") or _("Planned facility"),
                "kind": "", "category": change["category"], "lon": change["lon"],
                "lat": change["lat"], "capacity": float(change.get("capacity") or 10.0),
                "own": True})
        elif action in ("move", "close"):
            target = by_id.get(str(change.get("space")))
            if target is None:
                raise ValidationError({"space": _("Choose one of the facilities counted here.")})
            if action == "close":
                after_inputs.facilities.remove(target)
            else:
                target["lon"], target["lat"] = change["lon"], change["lat"]
        else:
            raise ValidationError({"action": _("Choose add, move or close.")})
    after = run_analysis(network, after_inputs, config, mode)
    return {"before": before, "after": after, "changes": changes,
            "delta": compare(before, after)}


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Per category: covered share before/after and the buildings that gain or lose."""
    out: dict[str, Any] = {"categories": {}}
    b_rows = {r["id"]: r for r in before["buildings"]}
    for cat in before["categories"]:
        code = cat["code"]
        gained = [r for r in after["buildings"]
                  if r["met"][code] and not b_rows[r["id"]]["met"][code]]
        lost = [r for r in after["buildings"]
                if not r["met"][code] and b_rows[r["id"]]["met"][code]]
        sb = before["summary"]["categories"][code]
        sa = after["summary"]["categories"][code]
        out["categories"][code] = {
            "covered_before": sb["covered_share"], "covered_after": sa["covered_share"],
            "gini_before": sb["gini_2sfca"], "gini_after": sa["gini_2sfca"],
            "gained": [r["label"] for r in gained], "lost": [r["label"] for r in lost],
            "residents_gained": round(sum(r["population"] for r in gained), 1),
            "residents_lost": round(sum(r["population"] for r in lost), 1),
        }
    out["gini_before"] = before["summary"]["all"]["gini_2sfca"]
    out["gini_after"] = after["summary"]["all"]["gini_2sfca"]
    return out


def project_changes(project, config: AccessConfig) -> list[dict[str, Any]]:
    """What a project (its `spaces`) or a proposal (its `space`) would do: each space whose
    kind counts as a facility and that is not open yet opens (a planned garden becomes a
    garden)."""
    mapping = kind_to_category(config)
    changes = []
    if hasattr(project, "spaces"):
        spaces = list(project.spaces.all())
    else:
        spaces = [project.space] if getattr(project, "space_id", None) else []
    for space in spaces:
        if space.kind in mapping and space.state != SpaceState.OPEN:
            changes.append({"action": "add", "category": mapping[space.kind], "lon": space.lon,
                            "lat": space.lat, "capacity": space.capacity or max(
                                1.0, (space.area_m2 or 100.0) / 10.0), "name": space.name})
    return changes


def group_counts(rows: list[dict[str, Any]]) -> Counter:
    return Counter(r["group"] for r in rows)


def by_category(rows: list[dict[str, Any]]) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for r in rows:
        out[r["category"]].append(r)
    return out
