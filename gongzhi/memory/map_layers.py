"""The "memories" layer of the community map (autodiscovered by maps)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.maps.registry import register_layer

register_layer(
    "memories", _("Memories"), "api:memory_geojson",
    style={"color": "#8a4b08", "marker": "circle", "symbol": "忆"},
    order=48,
    permission=None,  # the endpoint shows each person only what they may see
    visible=False,
    description=_("Stories, photos and recordings of the community's past, where they "
                  "happened"),
)
