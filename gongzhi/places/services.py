"""Writes to the region tree and the household ledger."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gongzhi.core.audit import audit_record
from gongzhi.places.ledger import LedgerReport, parse_ledger
from gongzhi.places.models import Building, Community, Compound, Household, Unit


def ledger_import(*, actor, community: Community, filename: str, data: bytes,
                  dry_run: bool) -> LedgerReport:
    """Check the whole file; if every row is valid and not ``dry_run``, write it in one
    transaction. Existing households (same building/unit/room) are updated, not duplicated."""
    if not actor.has_perm("places.import_ledger", community):
        raise PermissionDenied
    report = parse_ledger(filename, data)
    if not report.ok or dry_run:
        return report
    counts = {"buildings": 0, "units": 0, "households_created": 0, "households_updated": 0}
    with transaction.atomic():
        compounds = {c.name: c for c in Compound.objects.filter(community=community)}
        buildings = {b.number: b for b in Building.objects.filter(community=community)}
        units = {(u.building_id, u.number): u
                 for u in Unit.objects.filter(building__community=community)}
        existing = {
            (h.building_id, h.unit_id, h.room): h
            for h in Household.objects.filter(community=community)
        }
        to_create: list[Household] = []
        to_update: list[Household] = []
        for row in report.rows:
            compound = None
            if row.compound:
                compound = compounds.get(row.compound)
                if compound is None:
                    compound = Compound.objects.create(community=community, name=row.compound)
                    compounds[row.compound] = compound
            building = buildings.get(row.building)
            if building is None:
                building = Building.objects.create(community=community, number=row.building,
                                                   compound=compound)
                buildings[row.building] = building
                counts["buildings"] += 1
            unit = None
            if row.unit:
                unit = units.get((building.pk, row.unit))
                if unit is None:
                    unit = Unit.objects.create(building=building, number=row.unit)
                    units[(building.pk, row.unit)] = unit
                    counts["units"] += 1
            current = existing.get((building.pk, unit.pk if unit else None, row.room))
            fields = {"floor_area_m2": row.floor_area_m2, "tenure": row.tenure,
                      "owner_key": row.owner_key, "is_shop": row.is_shop, "note": row.note,
                      "residents": row.residents, "elderly": row.elderly}
            if current is None:
                to_create.append(Household(community=community, building=building, unit=unit,
                                           room=row.room, **fields))
            else:
                for k, v in fields.items():
                    setattr(current, k, v)
                to_update.append(current)
        Household.objects.bulk_create(to_create, batch_size=1000)
        Household.objects.bulk_update(to_update, ["floor_area_m2", "tenure", "owner_key",
                                                  "is_shop", "note", "residents", "elderly"],
                                    batch_size=1000)
        counts["households_created"] = len(to_create)
        counts["households_updated"] = len(to_update)
        audit_record(actor=actor, action="ledger.import", community=community,
                     target=community, after={"file": filename, **counts})
    report.created = counts
    return report
