"""Writes for maps: build (or rebuild) a community's offline basemap from an OSM extract."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record
from gongzhi.core.geo.basemap import build_basemap
from gongzhi.core.geo.measure import bbox as geometry_bbox
from gongzhi.core.geo.measure import nearby_bbox
from gongzhi.maps.geojson import dumps
from gongzhi.maps.models import Basemap

# How far beyond the community boundary the basemap reaches: enough to see the streets
# around the compound and the nearest bus stops.
DEFAULT_MARGIN_M = 400.0


def basemap_area(community, margin_m: float = DEFAULT_MARGIN_M
                 ) -> tuple[float, float, float, float]:
    """The box the basemap covers: the community boundary grown by ``margin_m``."""
    if community.boundary:
        min_lon, min_lat, max_lon, max_lat = geometry_bbox(community.boundary)
        a = nearby_bbox(min_lon, min_lat, margin_m)
        b = nearby_bbox(max_lon, max_lat, margin_m)
        return (a[0], a[1], b[2], b[3])
    if community.center_lon is not None and community.center_lat is not None:
        return nearby_bbox(community.center_lon, community.center_lat, 500 + margin_m)
    raise ValidationError(_("The community has neither a boundary nor a centre, so the "
                            "basemap has no area. Draw the boundary first."), code="no_area")


def basemap_build(*, actor, community, path: str | os.PathLike[str],
                  margin_m: float = DEFAULT_MARGIN_M) -> Basemap:
    """Read ``path`` (.osm / .osm.pbf), keep what lies in the community's area and store it
    as the community's basemap, replacing the previous one. Audited."""
    if actor is not None and not actor.has_perm("maps.build_basemap", community):
        raise PermissionDenied
    area = basemap_area(community, margin_m)
    try:
        result = build_basemap(path, area)
    except FileNotFoundError:
        raise ValidationError(_("The OpenStreetMap file was not found."),
                              code="not_found") from None
    except RuntimeError as exc:  # libosmium: not an OSM file
        raise ValidationError(_("This is not a readable OpenStreetMap file (%(reason)s)."),
                              code="unreadable", params={"reason": str(exc)[:200]}) from None
    if not result.features:
        raise ValidationError(_("The OpenStreetMap file has nothing inside this community's "
                                "area."), code="empty")
    text = dumps(result.feature_collection())
    raw = text.encode()
    etag = hashlib.sha256(raw).hexdigest()[:32]
    values = {
        "source": Path(path).name[:200], "attribution": result.attribution,
        "min_lon": area[0], "min_lat": area[1], "max_lon": area[2], "max_lat": area[3],
        "geojson": text, "geojson_gz": gzip.compress(raw, 9, mtime=0), "etag": etag,
        "feature_count": len(result.features), "counts": result.counts,
        "named_roads": result.named_roads,
        "built_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    with transaction.atomic():
        before = Basemap.objects.select_for_update().filter(community=community).values(
            "etag", "source", "feature_count").first()
        basemap, _created = Basemap.objects.update_or_create(community=community,
                                                             defaults=values)
        audit_record(actor=actor, action="maps.basemap_build", community=community,
                     target=basemap, before=dict(before) if before else None,
                     after={"etag": etag, "source": values["source"],
                            "feature_count": values["feature_count"]})
    return basemap


def basemap_delete(*, actor, community) -> bool:
    if actor is not None and not actor.has_perm("maps.build_basemap", community):
        raise PermissionDenied
    with transaction.atomic():
        row = Basemap.objects.select_for_update().filter(community=community).first()
        if row is None:
            return False
        audit_record(actor=actor, action="maps.basemap_delete", community=community,
                     before={"etag": row.etag, "source": row.source})
        row.delete()
    return True
