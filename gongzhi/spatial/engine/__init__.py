"""Gongzhi's spatial-access engine: walking networks, life circles, floating-catchment
scores and inequality measures. Pure NumPy / SciPy (scipy.sparse.csgraph, cKDTree), plus
pyosmium and pyproj for reading and projecting OpenStreetMap extracts. No Django.
See docs/spatial.md.
"""

from .access import (
    DEFAULT_TIERS,
    ELDERLY_WALKING_SPEED,
    REFERENCE_WALKING_SPEED,
    AccessParams,
    AccessResult,
    Category,
    CostPairs,
    Demand,
    Supply,
    Tier,
    Weight,
    analyse,
    nearest_by_category,
    network_costs,
    snap,
    summarise,
)
from .inequality import (
    concentration_index,
    erreygers_index,
    gini,
    lorenz,
    shortfall,
    theil,
    theil_decomposition,
)
from .network import (
    Network,
    NetworkError,
    local_projection,
    project,
    read_csv_network,
    read_osm_network,
)

__all__ = [
    "DEFAULT_TIERS",
    "ELDERLY_WALKING_SPEED",
    "REFERENCE_WALKING_SPEED",
    "AccessParams",
    "AccessResult",
    "Category",
    "CostPairs",
    "Demand",
    "Network",
    "NetworkError",
    "Supply",
    "Tier",
    "Weight",
    "analyse",
    "concentration_index",
    "erreygers_index",
    "gini",
    "local_projection",
    "lorenz",
    "nearest_by_category",
    "network_costs",
    "project",
    "read_csv_network",
    "read_osm_network",
    "shortfall",
    "snap",
    "summarise",
    "theil",
    "theil_decomposition",
]
