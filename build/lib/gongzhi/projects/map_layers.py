"""The "ideas and proposals" layer of the community map (autodiscovered by spaces)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.spaces.map_layers import register_layer

register_layer(
    "project_ideas", _("Ideas and proposals"), "api:projects_ideas_geojson",
    style={"color": "#1d4ed8", "marker": "circle", "symbol": "?"},
    order=40,
    permission=None,
    visible=False,
    description=_("Ideas residents pinned for the community's projects"),
)
