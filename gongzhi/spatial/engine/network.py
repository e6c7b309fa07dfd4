"""Walking networks: an undirected graph with node coordinates in projected metres.

Built from plain arrays (`Network.from_edges`, CSV via `read_csv_network`) or from an
OpenStreetMap extract (`read_osm_network`, .osm or .osm.pbf through pyosmium), projected
with pyproj to a local Transverse Mercator centred on the extract, so that straight-line
distances and edge lengths are in metres (scale error below 1e-4 within 50 km of the
centre). No Django here.

OSM data is © OpenStreetMap contributors, ODbL 1.0.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

__all__ = [
    "NON_WALKABLE_HIGHWAYS",
    "Network",
    "NetworkError",
    "local_projection",
    "read_csv_network",
    "read_osm_network",
]

# highway=* values people cannot walk along (motorways, their ramps, planned roads).
NON_WALKABLE_HIGHWAYS = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",  # in Chinese cities: elevated expressways (高架) and their ramps
        "trunk_link",
        "construction",
        "proposed",
        "abandoned",
        "platform",
        "raceway",
        "bus_guideway",
        "elevator",
        "services",
        "rest_area",
        "escape",
    }
)
_NO_FOOT = frozenset({"no", "private", "use_sidepath"})


class NetworkError(ValueError):
    """Malformed network input (CSV rows, unknown node ids, negative lengths)."""


@dataclass
class Network:
    """An undirected network. `graph` is a symmetric CSR matrix of edge lengths (m).

    `node_ids` are the caller's identifiers (OSM node ids or CSV ids, as strings), `x`,
    `y` projected metres. `lon`, `lat` (WGS-84) and `crs` (a PROJ string) are set for
    networks read from OSM, so results can be drawn on a map.
    """

    node_ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    graph: sparse.csr_matrix
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    crs: str = ""
    source: str = ""
    _component: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_nodes(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.graph.nnz // 2)

    @property
    def total_length_m(self) -> float:
        return float(self.graph.sum() / 2)

    @classmethod
    def from_edges(
        cls,
        node_ids: Any,
        x: Any,
        y: Any,
        u: Any,
        v: Any,
        length: Any,
        **extra: Any,
    ) -> Network:
        """Build from node arrays and edges given as node *positions* (0..n-1).

        Parallel edges keep the shortest length; self-loops are dropped (they never
        shorten a path). Lengths must be finite and >= 0.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n = x.shape[0]
        u = np.asarray(u, dtype=np.int64)
        v = np.asarray(v, dtype=np.int64)
        length = np.asarray(length, dtype=np.float64)
        if not (u.shape == v.shape == length.shape):
            raise NetworkError("edge arrays differ in length")
        if length.size and (not np.all(np.isfinite(length)) or length.min() < 0):
            raise NetworkError("edge lengths must be finite and non-negative")
        if u.size and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
            raise NetworkError("edge refers to a node that does not exist")
        keep = u != v
        u, v, length = u[keep], v[keep], length[keep]
        a = np.minimum(u, v)
        b = np.maximum(u, v)
        # Shortest of parallel edges: sort by (a, b, length), keep the first of each pair.
        order = np.lexsort((length, b, a))
        a, b, length = a[order], b[order], length[order]
        if a.size:
            first = np.ones(a.size, dtype=bool)
            first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
            a, b, length = a[first], b[first], length[first]
        # csgraph treats explicit zeros as "no edge": a zero-length edge (two OSM nodes
        # at one spot) becomes a tiny positive length so it stays connected.
        length = np.where(length == 0, 1e-9, length)
        rows = np.concatenate([a, b])
        cols = np.concatenate([b, a])
        data = np.concatenate([length, length])
        graph = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))
        graph.sort_indices()
        return cls(
            node_ids=np.asarray(node_ids).astype(str), x=x, y=y, graph=graph, **extra
        )

    def components(self) -> np.ndarray:
        """Connected-component label of every node (cached)."""
        if self._component is None:
            _, labels = csgraph.connected_components(self.graph, directed=False)
            self._component = labels
        return self._component

    def largest_component_mask(self) -> np.ndarray:
        labels = self.components()
        if labels.size == 0:
            return np.zeros(0, dtype=bool)
        return labels == np.bincount(labels).argmax()

    def summary(self) -> dict[str, Any]:
        labels = self.components()
        return {
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "length_km": round(self.total_length_m / 1000, 3),
            "components": int(labels.max() + 1) if labels.size else 0,
            "largest_component_nodes": int(self.largest_component_mask().sum()),
            "crs": self.crs,
            "source": self.source,
        }

    # -- storage (npz: plain arrays, no pickle)

    def to_npz_bytes(self) -> bytes:
        import io

        coo = sparse.triu(self.graph, k=1).tocoo()
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            node_ids=self.node_ids.astype(str),
            x=self.x,
            y=self.y,
            u=coo.row.astype(np.int64),
            v=coo.col.astype(np.int64),
            length=coo.data,
            lon=self.lon if self.lon is not None else np.zeros(0),
            lat=self.lat if self.lat is not None else np.zeros(0),
            crs=np.array(self.crs),
            source=np.array(self.source),
        )
        return buf.getvalue()

    @classmethod
    def from_npz_bytes(cls, data: bytes) -> Network:
        import io

        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            lon = npz["lon"] if npz["lon"].size else None
            lat = npz["lat"] if npz["lat"].size else None
            return cls.from_edges(
                npz["node_ids"],
                npz["x"],
                npz["y"],
                npz["u"],
                npz["v"],
                npz["length"],
                lon=lon,
                lat=lat,
                crs=str(npz["crs"]),
                source=str(npz["source"]),
            )


def local_projection(lon0: float, lat0: float) -> str:
    """PROJ string of a Transverse Mercator centred on (lon0, lat0), metres, WGS-84."""
    return (
        f"+proj=tmerc +lat_0={lat0:.6f} +lon_0={lon0:.6f} +k=1 +x_0=0 +y_0=0 "
        "+ellps=WGS84 +units=m +no_defs"
    )


def project(lon: Any, lat: Any, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 lon/lat → projected x, y metres in `crs`."""
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = transformer.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _walkable(tags: Any) -> bool:
    highway = tags.get("highway")
    if highway is None or highway in NON_WALKABLE_HIGHWAYS:
        return False
    if tags.get("area") == "yes":
        return False
    foot = tags.get("foot")
    if foot in _NO_FOOT:
        return False
    # access=no/private closes a way to walkers unless foot=* opens it again
    return not (tags.get("access") in {"no", "private"}
                and foot not in {"yes", "designated", "permissive"})


def _node_position(node, bbox: tuple[float, float, float, float] | None,
                   ref_to_pos: dict[int, int], lons: list[float], lats: list[float]) -> int:
    """The node's index in the network (added the first time), or -1 where the way is cut:
    a node without a location or outside ``bbox``."""
    if not node.location.valid():
        return -1
    lon, lat = node.location.lon, node.location.lat
    if bbox is not None and not (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
        return -1
    pos = ref_to_pos.get(node.ref)
    if pos is None:
        pos = len(lons)
        ref_to_pos[node.ref] = pos
        lons.append(lon)
        lats.append(lat)
    return pos


def read_osm_network(
    path: str | os.PathLike[str],
    *,
    bbox: tuple[float, float, float, float] | None = None,
    crs: str | None = None,
    all_highways: bool = False,
) -> Network:
    """The walking network of an .osm / .osm.pbf extract.

    Every way with a walkable `highway=*` (everything but motorways, trunk roads, which
    in Chinese cities are elevated expressways, and planned or closed roads; not
    `foot=no`) becomes edges between consecutive nodes, each as long as the straight
    segment in the local projection. With `bbox` (min_lon, min_lat, max_lon, max_lat)
    only segments with both ends inside are kept. `crs` defaults to a Transverse
    Mercator centred on the nodes' bounding box. `all_highways=True` keeps every
    `highway=*` way (the whole road graph, for benchmarks).
    """
    import osmium

    file_path = Path(path)
    if not file_path.is_file():
        raise FileNotFoundError(f"OSM file not found: {file_path}")
    ref_to_pos: dict[int, int] = {}
    lons: list[float] = []
    lats: list[float] = []
    us: list[int] = []
    vs: list[int] = []
    entities = osmium.osm.NODE | osmium.osm.WAY
    processor = osmium.FileProcessor(str(file_path), entities).with_locations()
    for way in processor:
        if not isinstance(way, osmium.osm.Way):
            continue
        if not (_walkable(way.tags) or (all_highways and "highway" in way.tags)):
            continue
        prev = -1
        for node in way.nodes:
            pos = _node_position(node, bbox, ref_to_pos, lons, lats)
            if pos >= 0 and prev >= 0:
                us.append(prev)
                vs.append(pos)
            prev = pos
    if not lons:
        raise NetworkError(f"no walkable ways in {file_path}")
    lon_arr = np.asarray(lons)
    lat_arr = np.asarray(lats)
    if crs is None:
        crs = local_projection(
            (lon_arr.min() + lon_arr.max()) / 2, (lat_arr.min() + lat_arr.max()) / 2
        )
    x, y = project(lon_arr, lat_arr, crs)
    u = np.asarray(us, dtype=np.int64)
    v = np.asarray(vs, dtype=np.int64)
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    ids = np.empty(len(lons), dtype=object)
    for ref, pos in ref_to_pos.items():
        ids[pos] = str(ref)
    return Network.from_edges(
        ids, x, y, u, v, length, lon=lon_arr, lat=lat_arr, crs=crs, source=file_path.name
    )


def _read_rows(path: str | os.PathLike[str], columns: tuple[str, ...]) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise NetworkError(f"{Path(path).name}: missing column(s) {', '.join(missing)}")
        return list(reader)


def _float(value: str, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NetworkError(f"{what}: {value!r} is not a number")
    if not np.isfinite(number):
        raise NetworkError(f"{what}: {value!r} is not finite")
    return number


def read_csv_network(
    nodes_path: str | os.PathLike[str], edges_path: str | os.PathLike[str]
) -> Network:
    """NODES.csv (`id,x,y`, projected metres) and EDGES.csv (`u,v,length`, undirected)."""
    nodes = _read_rows(nodes_path, ("id", "x", "y"))
    edges = _read_rows(edges_path, ("u", "v", "length"))
    pos: dict[str, int] = {}
    x = np.empty(len(nodes))
    y = np.empty(len(nodes))
    for i, row in enumerate(nodes, start=2):
        node_id = row["id"].strip()
        if node_id in pos:
            raise NetworkError(f"nodes line {i}: duplicate id {node_id!r}")
        pos[node_id] = len(pos)
        x[pos[node_id]] = _float(row["x"], f"nodes line {i} x")
        y[pos[node_id]] = _float(row["y"], f"nodes line {i} y")
    u = np.empty(len(edges), dtype=np.int64)
    v = np.empty(len(edges), dtype=np.int64)
    length = np.empty(len(edges))
    for i, row in enumerate(edges):
        for arr, key in ((u, "u"), (v, "v")):
            ref = row[key].strip()
            if ref not in pos:
                raise NetworkError(f"edges line {i + 2}: unknown node {ref!r}")
            arr[i] = pos[ref]
        length[i] = _float(row["length"], f"edges line {i + 2} length")
        if length[i] < 0:
            raise NetworkError(f"edges line {i + 2}: negative length")
    return Network.from_edges(list(pos), x, y, u, v, length, source=Path(nodes_path).name)
