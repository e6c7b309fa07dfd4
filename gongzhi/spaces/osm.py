"""Import buildings, footpaths and amenities from an OpenStreetMap extract.

Reading is done by `gongzhi.core.geo.osm_import.read_osm` (pyosmium) clipped to the
community boundary; this module turns the result into a report for workers and, unless
it is a dry run, into `places.Building` rows and `Space` rows. Features already imported
(same OSM id in the community) are skipped, so running it twice adds nothing.
OSM data is © OpenStreetMap contributors (ODbL): the report and map carry the attribution.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record
from gongzhi.places.models import Building, Community
from gongzhi.spaces.models import Space, SpaceKind, SpaceState

SKIP_LABELS = {
    "invalid_geometry": "Invalid geometry",
    "outside_boundary": "Outside the community",
    "untagged": "No tags",
    "unmapped": "Not a kind we import",
    "building_part": "Building part",
}


@dataclass
class OsmReportRow:
    ref: str
    what: str  # building / footpath / amenity kind
    name: str
    status: str  # "new", "exists", "refused"
    detail: str = ""


@dataclass
class OsmImportReport:
    source: str
    dry_run: bool
    buildings: int = 0
    footpaths: int = 0
    amenities: int = 0
    amenity_kinds: dict[str, int] = field(default_factory=dict)
    already_there: int = 0
    created_buildings: int = 0
    created_spaces: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    refused: list[OsmReportRow] = field(default_factory=list)
    rows: list[OsmReportRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    attribution: str = "© OpenStreetMap contributors"
    error: str = ""
    basemap_features: int = 0

    def summary(self) -> str:
        return (f"buildings={self.buildings} footpaths={self.footpaths} "
                f"amenities={self.amenities} already_there={self.already_there} "
                f"created_buildings={self.created_buildings} "
                f"created_spaces={self.created_spaces} skipped={sum(self.skipped.values())}")


def _summarise(report: OsmImportReport, result) -> None:
    """What the file holds, and what was skipped and why."""
    report.attribution = result.attribution
    report.warnings = list(result.warnings)
    report.skipped = dict(Counter(s.reason for s in result.skipped))
    report.refused = [
        OsmReportRow(f"{s.osm_type[0]}{s.osm_id}", s.reason, "", "refused", s.detail)
        for s in result.skipped if s.reason in ("invalid_geometry", "outside_boundary")
    ][:500]
    report.buildings = len(result.buildings)
    report.footpaths = len(result.footpaths)
    report.amenities = len(result.amenities)
    report.amenity_kinds = dict(Counter(a.kind for a in result.amenities))


def _compare_with_registry(report: OsmImportReport, result, community: Community
                           ) -> tuple[list, list[tuple[str, str, dict, str]]]:
    """A report row per feature, new or already imported (by OSM id); the new ones."""
    known_buildings = set(Building.objects.filter(community=community)
                          .exclude(osm_id="").values_list("osm_id", flat=True))
    known_spaces = set(Space.objects.filter(community=community).exclude(osm_id="")
                       .values_list("osm_id", flat=True))
    new_buildings = []
    for b in result.buildings:
        status = "exists" if b.ref in known_buildings else "new"
        report.rows.append(OsmReportRow(b.ref, "building", b.name, status,
                                        f"{round(b.area_m2)} m²"))
        if status == "new":
            new_buildings.append(b)
    new_spaces: list[tuple[str, str, dict, str]] = []
    for p in result.footpaths:
        status = "exists" if p.ref in known_spaces else "new"
        report.rows.append(OsmReportRow(p.ref, "footpath", p.name, status,
                                        f"{round(p.length_m)} m"))
        if status == "new":
            new_spaces.append(("footpath", p.name or _("Footpath"), p.geometry, p.ref))
    for a in result.amenities:
        status = "exists" if a.ref in known_spaces else "new"
        report.rows.append(OsmReportRow(a.ref, a.kind, a.name, status, a.osm_tag))
        if status == "new":
            kind = a.kind if a.kind in SpaceKind.values else SpaceKind.OTHER
            new_spaces.append((kind, a.name or str(SpaceKind(kind).label), a.geometry, a.ref))
    return new_buildings, new_spaces


def _create(report: OsmImportReport, community: Community, new_buildings: list,
            new_spaces: list[tuple[str, str, dict, str]]) -> None:
    """Buildings in bulk, spaces one by one through the spaces service (checked)."""
    from gongzhi.spaces.services import space_create

    rows = []
    for b in new_buildings:
        rows.append(Building(
            community=community, number=f"OSM-{b.ref}"[:30], name=b.name[:100],
            floors=b.levels if b.levels and 0 < b.levels < 200 else None,
            footprint=b.geometry, lon=round(b.centroid[0], 7), lat=round(b.centroid[1], 7),
            osm_id=b.ref,
        ))
    Building.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    report.created_buildings = len(rows)
    for kind, name, geometry, ref in new_spaces:
        try:
            space_create(actor=None, community=community, geometry=geometry, kind=kind,
                         name=name[:120], state=SpaceState.OPEN, osm_id=ref,
                         description=_("Imported from OpenStreetMap (%(ref)s).")
                         % {"ref": ref})
        except ValidationError as exc:
            report.refused.append(OsmReportRow(ref, kind, name, "refused",
                                               "; ".join(exc.messages)))
            continue
        report.created_spaces += 1


def osm_import(*, actor, community: Community, path: str | os.PathLike[str],
               dry_run: bool = True) -> OsmImportReport:
    if actor is not None and not actor.has_perm("spaces.import_spaces", community):
        raise PermissionDenied
    from gongzhi.core.geo.osm_import import read_osm

    report = OsmImportReport(source=os.path.basename(str(path)), dry_run=dry_run)
    if not community.boundary:
        report.error = _("This community has no boundary yet; draw it before importing.")
        return report
    try:
        result = read_osm(path, boundary=community.boundary)
    except FileNotFoundError:
        report.error = _("The file was not found.")
        return report
    except (RuntimeError, ValueError) as exc:  # osmium raises RuntimeError on bad files
        report.error = _("The file could not be read as OpenStreetMap data: %(error)s") % {
            "error": str(exc)[:200]}
        return report
    _summarise(report, result)
    new_buildings, new_spaces = _compare_with_registry(report, result, community)
    report.already_there = sum(1 for r in report.rows if r.status == "exists")
    if dry_run:
        return report


    with transaction.atomic():
        _create(report, community, new_buildings, new_spaces)
        audit_record(actor=actor, action="spaces.osm_import", community=community,
                     after={"source": report.source, "created_buildings":
                            report.created_buildings, "created_spaces": report.created_spaces})
    # The same extract becomes the community's offline basemap (streets, water, green).
    from gongzhi.maps.services import basemap_build

    try:
        basemap = basemap_build(actor=actor, community=community, path=path)
    except ValidationError as exc:
        report.warnings.append(_("No basemap was built: %(reason)s")
                               % {"reason": " ".join(exc.messages)})
    else:
        report.basemap_features = basemap.feature_count
    return report
