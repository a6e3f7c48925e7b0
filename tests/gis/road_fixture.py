"""A small hand-drawn road network beside a canal, in metres east/north of a point in District 7.

    y=+50   north bank road  (0,50) ─────────────────────────── (2000,50)
                                   A (100,60)        │ bridge (1000, -50..50)
    y=0     ~~~~~~~~~~~~~~~~~~~~~~ canal ~~~~~~~~~~~~│~~~~~~~~~~~~~~~~~~~~~~
    y=-50   south bank road  (0,-50) ────────────────┼────────── (2000,-50)
                        home (130,-60)              │
                       │ one-way lane, northbound   │ two-way road
    y=-400             (100,-400) ─── B (120,-410) ── (1000,-400)

School A is 124 m from the home in a straight line but across the canal; school B is 350 m away
on the same bank. Every distance the tests expect is worked out from this drawing by hand.
"""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

from gis.osm_extract import METRIC_CRS, _split_at_junctions

ORIGIN_LON, ORIGIN_LAT = 106.72, 10.73
_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
_TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
_X0, _Y0 = _TO_METRIC.transform(ORIGIN_LON, ORIGIN_LAT)

HOME = (130, -60)
SCHOOL_A = (100, 60)
SCHOOL_B = (120, -410)

# (way id, tags, [(node id, x, y), ...]); shared node ids are junctions
WAYS = [
    (1, {"highway": "residential"}, [(10, 0, 50), (11, 1000, 50), (12, 2000, 50)]),
    (
        2,
        {"highway": "residential"},
        [(20, 0, -50), (21, 100, -50), (22, 1000, -50), (23, 2000, -50)],
    ),
    (3, {"highway": "residential", "bridge": "yes"}, [(22, 1000, -50), (11, 1000, 50)]),
    (4, {"highway": "service", "oneway": "yes"}, [(30, 100, -400), (21, 100, -50)]),
    (5, {"highway": "residential"}, [(22, 1000, -50), (31, 1000, -400)]),
    (6, {"highway": "residential"}, [(31, 1000, -400), (30, 100, -400)]),
    (7, {"highway": "motorway"}, [(40, 0, -200), (41, 2000, -200)]),
]


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = _TO_WGS84.transform(_X0 + x, _Y0 + y)
    return float(lon), float(lat)


def canal_network():
    ways = []
    for way_id, tags, nodes in WAYS:
        refs = np.array([n for n, _, _ in nodes], np.int64)
        coords = np.array([lonlat(x, y) for _, x, y in nodes])
        ways.append((way_id, tags, refs, coords))
    return _split_at_junctions(ways)


def points(*xy) -> tuple[np.ndarray, np.ndarray]:
    pairs = [lonlat(x, y) for x, y in xy]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def install_canal_network(fingerprint: str = "canal-fixture"):
    """Make the canal the current road network of the database (inside a test's transaction:
    the real network is renamed aside and comes back on rollback)."""
    from gis.constants import ROAD_NETWORK_NAME
    from gis.importers.roads import _copy_edges
    from gis.models import RoadNetwork

    RoadNetwork.objects.filter(name=ROAD_NETWORK_NAME).update(name="hcmc-aside")
    edges = canal_network()
    network = RoadNetwork.objects.create(
        name=ROAD_NETWORK_NAME,
        source="test fixture: a canal with one bridge",
        fingerprint=fingerprint,
        n_vertices=edges.n_vertices,
        n_edges=edges.n_edges,
    )
    _copy_edges(network.pk, edges)
    return network
