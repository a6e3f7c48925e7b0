"""Load the road network of an OpenStreetMap extract into PostGIS (pgRouting's edge layout).

Idempotent: the network remembers the fingerprint of the extract it came from and a second load
of the same file changes nothing. The parsed network comes from the on-disk cache
(``extract_cache``), so reloading an emptied database (tests) skips the parsing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.db import connection, transaction
from pyproj import Transformer

from gis.constants import ROAD_NETWORK_NAME
from gis.models import RoadEdge, RoadNetwork
from gis.osm_extract import METRIC_CRS, ExtractError, RoadEdges

from .errors import ImportFileError
from .extract_cache import cached_road_edges, extract_fingerprint

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
        current = network and network.fingerprint == fingerprint and network.n_edges
        if current and not force and RoadEdge.objects.filter(network=network).exists():
            return RoadLoadSummary(network=network, loaded=False)
        try:
            edges = cached_road_edges(path)
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
