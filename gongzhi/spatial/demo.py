"""Demo: the real Siping walking network (© OpenStreetMap contributors, ODbL) for the S
and B communities, their access computed for both walking speeds.

S has no open green space of its own (its garden is still planned), so the buildings on
its far side are beyond the 5-minute (300 m) walk to the nearest green space mapped in
OpenStreetMap: a real gap, which the what-if for the S garden closes.
"""

from __future__ import annotations

from pathlib import Path

from gongzhi.core.demo import DemoContext, demo_step

SIPING_PBF = (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "osm"
              / "siping.osm.pbf")


@demo_step(92)
def access(ctx: DemoContext) -> None:
    from gongzhi.spatial import services
    from gongzhi.spatial.models import WalkingMode

    if not SIPING_PBF.exists():
        return  # no real network on this machine: the page explains how to import one
    for key in ("s", "b"):
        community = ctx.communities.get(key)
        if community is None:
            continue
        services.network_import(community=community, path=SIPING_PBF, actor=None)
        for mode in WalkingMode.values:
            services.snapshot_refresh(community=community, mode=mode)
