"""Reads for maps: the community's basemap."""

from __future__ import annotations

from typing import Any

from gongzhi.core.compiled import CompiledQuery
from gongzhi.maps.models import Basemap

META_FIELDS = ("etag", "source", "attribution", "feature_count", "named_roads", "counts",
               "built_at", "min_lon", "min_lat", "max_lon", "max_lat")


def basemap_meta(community) -> dict[str, Any] | None:
    """What the map page needs to know about the basemap (never the body): one query."""
    if community is None or community.pk is None:
        return None
    row = _BASEMAP_META.first(community_id=community.pk)
    return dict(zip(META_FIELDS, row, strict=True)) if row is not None else None


# read on every page with a map: compiled once (core/compiled.py)
_BASEMAP_META = CompiledQuery(
    lambda community_id: Basemap.objects.filter(community_id=community_id).order_by("pk")
    .values_list(*META_FIELDS)[:1], community_id=int)


def basemap_body(community, *, gzip: bool) -> tuple[str, bytes | str] | None:
    """(etag, body) of the community's basemap FeatureCollection, gzip bytes or text."""
    field = "geojson_gz" if gzip else "geojson"
    row = Basemap.objects.filter(community=community).values("etag", field).first()
    if row is None:
        return None
    body = row[field]
    if isinstance(body, memoryview):
        body = body.tobytes()
    return row["etag"], body
