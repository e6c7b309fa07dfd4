from __future__ import annotations

from pathlib import Path

import pytest

EXTRACT = Path(__file__).resolve().parents[1] / "data" / "siping.osm.pbf"
S_CENTER = (121.5035, 31.2835)


@pytest.fixture
def extract() -> Path:
    return EXTRACT


@pytest.fixture
def siping_community(personas):
    """The persona community moved onto the demo S community's real area."""
    from gongzhi.places.demo import square

    c = personas.community
    c.boundary = square(*S_CENTER, 260)
    c.center_lon, c.center_lat = S_CENTER
    c.save()
    return c


@pytest.fixture
def basemap(siping_community, extract):
    from gongzhi.maps.services import basemap_build

    return basemap_build(actor=None, community=siping_community, path=extract)
