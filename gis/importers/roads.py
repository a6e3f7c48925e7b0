"""Load the road network of an OpenStreetMap extract into PostGIS (pgRouting's edge layout).

Idempotent: the network remembers the fingerprint of the extract it came from and a second load
of the same file changes nothing. The parsed network is cached on disk by that fingerprint
(``DATA_CACHE_DIR``), so reloading an emptied database (tests) skips the parsing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db import connection, transaction
from pyproj import Transformer

from gis.constants import ROAD_NETWORK_NAME
from gis.models import RoadEdge, RoadNetwork
from gis.osm_extract import METRIC_CRS, ExtractError, RoadEdges, file_sha256, read_roads

from .errors import ImportFileError

LOADER_VERSION = "1"  # bump when the way the network is built changes
_COLUMNS = (
    "network_id",
    "source",
    "target",
    "length_m",
    "cost_walk",
    "reverse_cost_walk",
    "cost_drive",
    "reverse_cost_drive",
    "osm_way_id",
    "highway",
    "geom",
)


@dataclass(frozen=True)
class RoadLoadSummary:
    network: RoadNetwork
    loaded: bool

    def as_text(self) -> str:
        state = "loaded" if self.loaded else "unchanged"
        return (
            f"{state}: {self.network.n_edges} edges, {self.network.n_vertices} vertices "
            f"({self.network.source})"
        )


def extract_fingerprint(path: Path) -> str:
    return hashlib.sha256(f"{LOADER_VERSION}:{file_sha256(path)}".encode()).hexdigest()


def cached_road_edges(path: Path, fingerprint: str) -> RoadEdges:
    """The parsed network of an extract, from the cache when it holds this fingerprint."""
    cache = Path(settings.DATA_CACHE_DIR) / f"roads-{fingerprint[:24]}.npz"
    if cache.is_file():
        try:
            return RoadEdges.load(cache)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
    edges = read_roads(path)
    cache.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache.parent, suffix=".npz")
    os.close(handle)
    edges.save(Path(temporary))
    os.replace(temporary, cache)  # atomic: a concurrent reader never sees half a file
    return edges


def road_network_load(
    *,
    path: str | Path,
    source: str,
    data_date: dt.date | None = None,
    name: str = ROAD_NETWORK_NAME,
    force: bool = False,
) -> RoadLoadSummary:
    """Replace the network ``name`` by the extract's roads, unless it already holds them."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: no such OSM extract")
    fingerprint = extract_fingerprint(path)
    with transaction.atomic():
        network = RoadNetwork.objects.select_for_update().filter(name=name).first()
        if network and network.fingerprint == fingerprint and network.n_edges and not force:
            if RoadEdge.objects.filter(network=network).exists():
                return RoadLoadSummary(network=network, loaded=False)
        try:
            edges = cached_road_edges(path, fingerprint)
        except ExtractError as exc:
            raise ImportFileError(str(exc)) from exc
        if network is None:
            network = RoadNetwork(name=name)
        else:
            RoadEdge.objects.filter(network=network).delete()
        network.source = source
        network.data_date = data_date
        network.fingerprint = fingerprint
        network.n_vertices = edges.n_vertices
        network.n_edges = edges.n_edges
        network.save()
        _copy_edges(network.pk, edges)
    return RoadLoadSummary(network=network, loaded=True)


def _copy_edges(network_id: int, edges: RoadEdges) -> None:
    lon, lat = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True).transform(
        edges.x, edges.y
    )
    counts = np.diff(edges.coord_ptr)
    lines = shapely.linestrings(
        np.column_stack([lon, lat]), indices=np.repeat(np.arange(edges.n_edges), counts)
    )
    wkb = shapely.to_wkb(shapely.set_srid(lines, 4326), hex=True, include_srid=True)
    length = edges.length_m
    walk = np.where(edges.walk, length, -1.0)
    forward = np.where(edges.forward, length, -1.0)
    backward = np.where(edges.backward, length, -1.0)
    sql = f"COPY geo_roadedge ({', '.join(_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for i in range(edges.n_edges):
            copy.write_row(
                (
                    network_id,
                    int(edges.source[i]),
                    int(edges.target[i]),
                    float(length[i]),
                    float(walk[i]),
                    float(walk[i]),
                    float(forward[i]),
                    float(backward[i]),
                    int(edges.way_id[i]),
                    str(edges.highway[i]),
                    wkb[i],
                )
            )
