"""Demo: each demo community's offline basemap, built from the Siping extract shipped in
gongzhi/maps/data (© OpenStreetMap contributors, ODbL). Without it the maps say they have
no basemap, and the console says what the demo fell back to."""

from __future__ import annotations

from gongzhi.core.demo import DemoContext, demo_step
from gongzhi.maps.demo_places import PACKAGED, extract_path


@demo_step(12)
def basemaps(ctx: DemoContext) -> None:
    from gongzhi.maps.services import basemap_build

    path = extract_path()
    if path is None:
        ctx.note(f"No OpenStreetMap extract at {PACKAGED} (or GONGZHI_DEMO_OSM): the demo "
                 "maps have NO basemap and show only the communities' own layers on a plain "
                 "background, with a notice saying so.")
        return
    for community in ctx.communities.values():
        basemap = basemap_build(actor=None, community=community, path=path)
        ctx.note(f"{community.name}: basemap from {path.name}: {basemap.feature_count} "
                 f"features, {basemap.named_roads} named streets (© OpenStreetMap "
                 "contributors, ODbL).")
