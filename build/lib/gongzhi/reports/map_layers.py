"""The "open problem reports" layer of the community map (autodiscovered by spaces)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.spaces.map_layers import register_layer

register_layer(
    "reports", _("Open problem reports"), "api:reports_geojson",
    style={"color": "#b3261e", "marker": "circle", "symbol": "!"},
    order=30,
    permission="reports.view",
    description=_("Problems residents reported that are not fixed yet"),
)
