"""The "volunteer shifts" layer of the community map (autodiscovered by spaces)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.maps.registry import register_layer

register_layer(
    "volunteer_shifts", _("Volunteer shifts"), "api:volunteers_shifts_geojson",
    style={"color": "#1b6e3a", "marker": "circle", "symbol": "+"},
    order=45,
    permission=None,
    visible=False,
    description=_("Places where volunteers are wanted in the coming days"),
)
