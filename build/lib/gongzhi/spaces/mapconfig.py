"""What the browser map needs: basemap, coordinate system, boundary, layers.

Coordinates: we store and serve WGS-84. When the deployer picks a GCJ-02 basemap (AMap
and other Chinese providers), the browser converts every feature to GCJ-02 before
drawing and converts clicks back to WGS-84 (static/spaces/coords.js, a port of
gongzhi/core/geo/coords.py tested against it). Tianditu and OSM tiles are WGS-84.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongzhi.spaces.map_layers import layers_for

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
AMAP_TILES = ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
              "&x={x}&y={y}&z={z}")
TIANDITU = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
            "&TILECOL={x}&tk=%s")


def basemap_config() -> dict[str, Any]:
    """The deployer's basemap as {url, labelsUrl, subdomains, attribution, crs}."""
    kind = (getattr(settings, "MAP_BASEMAP", "none") or "none").lower()
    url = getattr(settings, "MAP_TILE_URL", "")
    attribution = getattr(settings, "MAP_TILE_ATTRIBUTION", "")
    if kind == "osm":
        return {"kind": kind, "url": url or OSM_TILES, "subdomains": "abc", "crs": "wgs84",
                "attribution": attribution or "© OpenStreetMap contributors"}
    if kind == "tianditu":
        key = getattr(settings, "TIANDITU_KEY", "")
        if not key and not url:
            return {"kind": "none", "url": "", "crs": "wgs84"}
        return {"kind": kind, "url": url or TIANDITU % ("vec", "vec", key),
                "labelsUrl": "" if url else TIANDITU % ("cva", "cva", key),
                "subdomains": "01234567", "crs": "wgs84",
                "attribution": attribution or "© 天地图 Tianditu"}
    if kind == "amap":
        return {"kind": kind, "url": url or AMAP_TILES, "subdomains": "1234", "crs": "gcj02",
                "attribution": attribution or "© 高德地图 AutoNavi"}
    return {"kind": "none", "url": "", "crs": "wgs84"}


def map_config(request, community, *, filters: dict[str, str] | None = None,
               picker: dict[str, Any] | None = None) -> dict[str, Any]:
    basemap = basemap_config()
    center = None
    if community.center_lon is not None and community.center_lat is not None:
        center = [community.center_lon, community.center_lat]
    layers = [] if picker else [
        {**layer.as_json(community), "filterable": layer.key == "spaces"}
        for layer in layers_for(request.user, community)
    ]
    return {
        "basemap": basemap,
        "crs": basemap["crs"],
        "center": center,
        "boundary": community.boundary,
        "layers": layers,
        "filters": {k: v for k, v in (filters or {}).items() if v},
        "picker": picker,
        "osmAttribution": "© OpenStreetMap contributors",
        "labels": {"loaded": _("Map loaded."), "failed": _("Could not load layer:")},
    }
