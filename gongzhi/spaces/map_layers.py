"""The spaces app's layers of the community map (autodiscovered by gongzhi.maps.registry).

``register_layer``, ``layers_for``, ``MapLayer`` … live in ``gongzhi.maps.registry``; the
names are re-exported here for code written before the move.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.maps.registry import (  # noqa: F401 - backward-compatible names
    MapLayer,
    all_layers,
    discover,
    layers_for,
    register_layer,
    unregister_layer,
)

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
