"""Maps API, mounted at /api/v1/maps/: the community's offline basemap."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from gongzhi.core.http import community_or_404
from gongzhi.maps import selectors
from gongzhi.maps.geojson import GEOJSON, FeatureCollectionOut

router = Router(tags=["maps"])


@router.get("/basemap", response=FeatureCollectionOut, auth=None, url_name="maps_basemap",
            summary="A community's offline basemap (OpenStreetMap vector layers)")
def basemap(request: HttpRequest, community: str, v: str = ""):
    """Streets, paths, water, green space, buildings and points of interest around the
    community as one GeoJSON FeatureCollection (WGS-84). Every feature has
    `properties.layer`, `properties.class` and, when OSM has one, `properties.name`.
    Answered gzip-compressed when the client accepts it; cached (ETag, and for a year
    when `v` matches the current version). © OpenStreetMap contributors, ODbL."""
    found = community_or_404(community)
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    got = selectors.basemap_body(found, gzip=accepts_gzip)
    if got is None:
        raise HttpError(404, _("This community has no basemap yet."))
    etag, body = got
    quoted = f'"{etag}"'
    response: HttpResponse
    if request.headers.get("If-None-Match") == quoted:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=GEOJSON)
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = quoted
    response["Vary"] = "Accept-Encoding"
    fresh = v and etag.startswith(v)
    response["Cache-Control"] = ("public, max-age=31536000, immutable" if fresh
                                 else "public, max-age=300")
    return response
