"""The one parser of ``bbox=min_lon,min_lat,max_lon,max_lat`` (WGS-84 degrees).

Used by every map endpoint (spaces, buildings, reports, projects, spatial analysis)::

    from gongzhi.maps.bbox import bbox_param
    box = bbox_param(request.GET.get("bbox"))    # None, a BBox, or HttpError 400

``parse_bbox`` raises ``BBoxError`` (a ``ValueError`` whose message is a sentence for
people, translated); ``bbox_param`` turns that into a 400 problem document for the API.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

BBox = tuple[float, float, float, float]

MAX_LENGTH = 200  # a bbox is four numbers; anything longer is not one


class BBoxError(ValueError):
    """A malformed bbox parameter; ``str(err)`` is a sentence in the active language."""


def parse_bbox(raw: str) -> BBox:
    """Parse and check ``min_lon,min_lat,max_lon,max_lat``.

    Refuses: not four comma-separated numbers, NaN/infinity, longitudes outside
    [-180, 180], latitudes outside [-90, 90] (the usual sign of lat,lon order), minimum
    above maximum.
    """
    if len(raw) > MAX_LENGTH or "\x00" in raw:
        raise BBoxError(_("bbox needs four numbers: min_lon,min_lat,max_lon,max_lat."))
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 4:
        raise BBoxError(_("bbox needs four numbers: min_lon,min_lat,max_lon,max_lat."))
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BBoxError(_("bbox values must be numbers.")) from None
    if not all(math.isfinite(v) for v in values):
        raise BBoxError(_("bbox values must be finite numbers."))
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise BBoxError(_("bbox longitudes must be between -180 and 180."))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BBoxError(_("bbox latitudes must be between -90 and 90 (is the order lon,lat?)."))
    if min_lon > max_lon or min_lat > max_lat:
        raise BBoxError(_("bbox minimum must not exceed maximum."))
    return min_lon, min_lat, max_lon, max_lat


def bbox_param(raw: str | None) -> BBox | None:
    """For API endpoints: None when absent, else the parsed box or an HTTP 400."""
    if not raw:
        return None
    from ninja.errors import HttpError

    try:
        return parse_bbox(raw)
    except BBoxError as exc:
        raise HttpError(400, str(exc)) from None


def in_bbox(qs, bbox: BBox, *, prefix: str = ""):
    """Rows whose own bbox (``min_lon``…``max_lat`` columns) intersects ``bbox``."""
    min_lon, min_lat, max_lon, max_lat = bbox
    return qs.filter(**{f"{prefix}max_lon__gte": min_lon, f"{prefix}min_lon__lte": max_lon,
                        f"{prefix}max_lat__gte": min_lat, f"{prefix}min_lat__lte": max_lat})


def point_in_bbox(qs, bbox: BBox, *, lon: str = "lon", lat: str = "lat", pad: float = 0.0):
    """Rows whose point columns (``lon``/``lat`` by default) lie in ``bbox`` grown by
    ``pad`` degrees (uses the indexed columns)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    return qs.filter(**{f"{lon}__gte": min_lon - pad, f"{lon}__lte": max_lon + pad,
                        f"{lat}__gte": min_lat - pad, f"{lat}__lte": max_lat + pad})
