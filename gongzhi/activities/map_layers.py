"""The "activities this week" layer of the community map (autodiscovered by maps)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.maps.registry import register_layer

register_layer(
    "activities_week", _("Activities this week"), "api:activities_week_geojson",
    style={"color": "#a84a00", "marker": "circle", "symbol": "★"},
    order=44,
    permission=None,
    visible=False,
    description=_("Where this week's community activities take place"),
)
