"""The community map's layer registry.

Any app adds a layer from its own ``map_layers.py`` (autodiscovered, like ``nav.py``)::

    from gongzhi.spaces.map_layers import register_layer

    register_layer(
        "reports", _("Open problem reports"),
        "api:reports_geojson",            # URL name (gets ?community=<slug>) or a callable
        style={"color": "#b3261e", "marker": "circle", "symbol": "!"},
        order=30,
        permission="reports.view_reports",  # perm name, predicate (user, community) or None
    )

The map page asks each visible layer for GeoJSON at its URL, following ``next`` links,
and draws points clustered and lines/polygons as shapes. Feature properties used by the
map if present: ``name``, ``kind``/``kind_label``, ``state``/``state_label``, ``url``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

UrlSpec = str | Callable[[Any], str]
Permission = str | Callable[[Any, Any], bool] | None


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: Any
    url: UrlSpec
    style: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    permission: Permission = None
    visible: bool = True  # shown when the page opens
    description: Any = ""

    def url_for(self, community) -> str:
        if callable(self.url):
            return self.url(community)
        if self.url.startswith("/"):
            return self.url.format(slug=community.slug, community_id=community.pk)
        try:
            base = reverse(self.url)
        except NoReverseMatch:
            base = reverse(self.url, kwargs={"slug": community.slug})
            return base
        return base + "?" + urlencode({"community": community.slug})

    def allowed(self, user, community) -> bool:
        if self.permission is None:
            return True
        if isinstance(self.permission, str):
            return bool(user.has_perm(self.permission, community))
        return bool(self.permission(user, community))

    def as_json(self, community) -> dict[str, Any]:
        return {"key": self.key, "label": str(self.label), "url": self.url_for(community),
                "style": self.style, "order": self.order, "visible": self.visible,
                "description": str(self.description)}


_layers: dict[str, MapLayer] = {}
_discovered = False


def register_layer(key: str, label: Any, url: UrlSpec, *, style: dict[str, Any] | None = None,
                   order: int = 50, permission: Permission = None, visible: bool = True,
                   description: Any = "") -> MapLayer:
    """Add (or replace, by key) a layer of the community map."""
    layer = MapLayer(key=key, label=label, url=url, style=dict(style or {}), order=order,
                     permission=permission, visible=visible, description=description)
    _layers[key] = layer
    return layer


def unregister_layer(key: str) -> None:
    _layers.pop(key, None)


def discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("map_layers")
        _discovered = True


def all_layers() -> list[MapLayer]:
    discover()
    return sorted(_layers.values(), key=lambda layer: (layer.order, layer.key))


def layers_for(user, community) -> list[MapLayer]:
    """The layers `user` may see on `community`'s map, in drawing order."""
    return [layer for layer in all_layers() if layer.allowed(user, community)]


# The spaces app's own layers.
register_layer(
    "buildings", _("Buildings"), "api:buildings_geojson", order=10,
    style={"color": "#5f6368", "fill": "#dadce0", "weight": 1},
    description=_("Building footprints"),
)
register_layer(
    "spaces", _("Public spaces and facilities"), "api:spaces_geojson", order=20,
    style={"color": "#1e6b3a", "fill": "#8bc49d", "marker": "circle", "byState": True},
    permission="spaces.view_spaces",
    description=_("Gardens, paths, lamps, bike sheds, courts and more"),
)
