from __future__ import annotations

import hashlib

import numpy as np
import pytest
from pyproj import Transformer

from gongzhi.places.demo import offset
from gongzhi.spaces.services import space_create
from gongzhi.spatial.engine import Network, local_projection
from gongzhi.spatial.models import WalkNetwork
from gongzhi.testing.factories import BuildingFactory, HouseholdFactory

CENTER = (121.5035, 31.2835)


def square(center, east, north, d=10.0) -> dict:
    corners = [offset(center, east + dx, north + dy)
               for dx, dy in ((-d, -d), (d, -d), (d, d), (-d, d), (-d, -d))]
    return {"type": "Polygon", "coordinates": [[list(c) for c in corners]]}


def grid_network(community, *, side: int = 21, spacing: float = 50.0) -> WalkNetwork:
    """A regular street grid, `side` × `side` nodes `spacing` m apart, centred on the
    community; stored like an imported network."""
    crs = local_projection(*CENTER)
    half = (side - 1) * spacing / 2
    gx, gy = np.meshgrid(np.arange(side) * spacing - half, np.arange(side) * spacing - half)
    x, y = gx.ravel(), gy.ravel()
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    net = Network.from_edges(np.arange(x.size), x, y, u, v, np.full(u.size, spacing),
                             lon=np.asarray(lon), lat=np.asarray(lat), crs=crs, source="grid")
    data = net.to_npz_bytes()
    return WalkNetwork.objects.create(community=community, data=data,
                                      fingerprint=hashlib.sha256(data).hexdigest(),
                                      source="grid", nodes=net.n_nodes, edges=net.n_edges,
                                      length_m=net.total_length_m)


@pytest.fixture
def town(personas):
    """personas.community with a grid network, 4 residential buildings east–west along
    the centre line and two open facilities: a pocket park at the west end and a
    playground in the middle."""
    community = personas.community
    community.center_lon, community.center_lat = CENTER
    community.save()
    grid_network(community)
    buildings = []
    for i, east in enumerate((-400, -150, 150, 400)):
        lon, lat = offset(CENTER, east, 0)
        b = BuildingFactory(community=community, number=f"{i + 10}", lon=lon, lat=lat)
        for n in range(4):
            HouseholdFactory(building=b, room=f"{n + 1}01",
                             tenure="private_rental" if i >= 2 else "owner")
        buildings.append(b)
    park = space_create(actor=None, community=community, kind="pocket_park", name="口袋公园",
                        geometry=square(CENTER, -450, 0))
    play = space_create(actor=None, community=community, kind="playground", name="游乐场",
                        geometry=square(CENTER, 0, 0))
    return {"community": community, "buildings": buildings, "park": park, "play": play}
