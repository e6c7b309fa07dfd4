"""What the browser map needs: basemap, coordinate system, boundary, layers, labels.

Coordinates: we store and serve WGS-84. When the deployer picks a GCJ-02 basemap (AMap
and other Chinese providers), the browser converts every feature to GCJ-02 before
drawing and converts clicks back to WGS-84 (static/spaces/coords.js, a port of
gongzhi/core/geo/coords.py tested against it). Tianditu and OSM tiles are WGS-84.

``MAP_BASEMAP``:

- ``local`` (default): the community's own vector basemap, built from an OpenStreetMap
  extract (``gongzhi maps build-basemap``); works offline, needs no key. Without one the
  map says so and draws our layers on a plain background.
- ``none``: plain background, our layers only.
- ``osm`` (``MAP_TILE_URL`` or tile.openstreetmap.org), ``tianditu`` (``TIANDITU_KEY``),
  ``amap`` (GCJ-02): raster tiles from a server, for deployments with internet and keys.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.maps.registry import layers_for
from gongzhi.maps.selectors import basemap_meta

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
AMAP_TILES = ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
              "&x={x}&y={y}&z={z}")
TIANDITU = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
            "&TILECOL={x}&tk=%s")
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"


def _osm_attribution() -> str:
    return _("© OpenStreetMap contributors")


def _no_basemap(reason: str) -> dict[str, Any]:
    return {"kind": "none", "url": "", "crs": "wgs84", "notice": reason}


def basemap_config(community=None) -> dict[str, Any]:
    """The basemap as {kind, url, labelsUrl, subdomains, attribution, crs, notice}.

    ``notice`` is a sentence for the map when there is no basemap (what it fell back to).
    """
    kind = (getattr(settings, "MAP_BASEMAP", "local") or "local").lower()
    url = getattr(settings, "MAP_TILE_URL", "")
    attribution = getattr(settings, "MAP_TILE_ATTRIBUTION", "")
    if kind == "osm":
        return {"kind": kind, "url": url or OSM_TILES, "subdomains": "abc", "crs": "wgs84",
                "attribution": attribution or _osm_attribution(), "osm": not attribution}
    if kind == "tianditu":
        key = getattr(settings, "TIANDITU_KEY", "")
        if not key and not url:
            return _no_basemap(_("No basemap: Tianditu was chosen but TIANDITU_KEY is not "
                                 "set. Only the community's own layers are drawn."))
        return {"kind": kind, "url": url or TIANDITU % ("vec", "vec", key),
                "labelsUrl": "" if url else TIANDITU % ("cva", "cva", key),
                "subdomains": "01234567", "crs": "wgs84",
                "attribution": attribution or "© 天地图 Tianditu"}
    if kind == "amap":
        return {"kind": kind, "url": url or AMAP_TILES, "subdomains": "1234", "crs": "gcj02",
                "attribution": attribution or "© 高德地图 AutoNavi"}
    if kind == "none":
        return _no_basemap("")
    meta = basemap_meta(community)
    if meta is None:
        return _no_basemap(_("No basemap yet: no OpenStreetMap extract has been imported "
                             "for this community, so the map shows only its own layers on "
                             "a plain background."))
    return {
        "kind": "local", "crs": "wgs84", "osm": True,
        "url": reverse("api:maps_basemap") + "?" + urlencode(
            {"community": community.slug, "v": meta["etag"][:12]}),
        "attribution": _osm_attribution(),
        "source": meta["source"],
        "bbox": [meta["min_lon"], meta["min_lat"], meta["max_lon"], meta["max_lat"]],
    }


def labels() -> dict[str, str]:
    """Every word the map scripts show, translated on the server (no JS catalogue)."""
    return {
        "loaded": _("Map loaded."), "failed": _("Could not load layer:"),
        "details": _("Details"), "basemapFailed": _("The basemap could not be loaded."),
        "osm": _("© OpenStreetMap contributors"), "pin": _("Pin: where the problem is"),
        "pinPlaced": _("Pin placed."), "pinMoved": _("Pin moved."),
        "noGeo": _("Your browser cannot tell your location. Tap the map or describe where "
                   "it is."),
        "finding": _("Finding your location…"),
        "atLocation": _("Pin placed at your location. Move it if needed."),
        "geoFailed": _("Could not get your location. Tap the map or describe where it is."),
        "buildingShown": _("Shown on the map: %(name)s"),
        "reportHere": _("Report a problem here"),
        "reportHereHint": _("Tap the map where the problem is, then press “Report a problem "
                            "here”."),
        "chosen": _("Place chosen. Press “Report a problem here” to continue."),
        "floors": _("%(n)s floors"),
    }


def static_urls() -> dict[str, str]:
    return {
        "markerIcon": static("vendor/leaflet/images/marker-icon.png"),
        "markerIcon2x": static("vendor/leaflet/images/marker-icon-2x.png"),
        "markerShadow": static("vendor/leaflet/images/marker-shadow.png"),
    }


def map_config(request, community, *, filters: dict[str, str] | None = None,
               picker: dict[str, Any] | None = None, layers: bool = True) -> dict[str, Any]:
    """The JSON the map scripts read (put it in the page with ``json_script``)."""
    basemap = basemap_config(community)
    center = None
    if community.center_lon is not None and community.center_lat is not None:
        center = [community.center_lon, community.center_lat]
    layer_list = [] if (picker or not layers) else [
        {**layer.as_json(community), "filterable": layer.key == "spaces"}
        for layer in layers_for(request.user, community)
    ]
    return {
        "basemap": basemap,
        "crs": basemap["crs"],
        "center": center,
        "boundary": community.boundary,
        "layers": layer_list,
        "filters": {k: v for k, v in (filters or {}).items() if v},
        "picker": picker,
        "osmCopyright": OSM_COPYRIGHT,
        "static": static_urls(),
        "labels": labels(),
    }
