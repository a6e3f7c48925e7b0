"""Grids of the round maps (pure: no ORM, no Django).

The committee's map clusters residences on a square grid in degrees whose cell is a fixed number of
screen pixels at the requested zoom (Web Mercator: 256-pixel tiles, 2^z tiles round the world), so
the number of clusters on a screen stays bounded whatever the number of children. Near the equator
(Ho Chi Minh City lies at 10.8° N) a degree of latitude is 0.98 of its Mercator height: the cells
are square enough for a cluster map.

The public demand map counts children per hexagon of a fixed size in metres (UTM 48N), numbered
as PostGIS's ST_Hexagon numbers them, so that PostGIS draws the very hexagon counted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_ZOOM = 8
MAX_ZOOM = 19
CLUSTER_CELL_PX = 60
# Up to this zoom a cluster answer covers the whole city whatever box was asked for, so it can
# be cached and panning needs no new request (a screen at zoom 12 is most of the old city).
CITY_WIDE_MAX_ZOOM = 12
# Members (links to each application) are listed for clusters this small, from this zoom on.
MEMBERS_MAX = 10
MEMBERS_FROM_ZOOM = 15

# Public demand: hexagons of this edge length (metres, UTM 48N); cells with fewer children than
# DEMAND_MIN_CHILDREN are not published at all (docs/adr/0022).
DEMAND_HEX_EDGE_M = 500.0
DEMAND_MIN_CHILDREN = 10

# Bounding boxes are clipped to the city since 2025 (with Côn Đảo) and a margin.
HCMC_EXTENT = (105.9, 8.4, 107.8, 11.7)


def cluster_cell_deg(zoom: int) -> float:
    """Side of a cluster cell in degrees at `zoom` (CLUSTER_CELL_PX screen pixels)."""
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom {zoom} is outside {MIN_ZOOM}..{MAX_ZOOM}")
    return CLUSTER_CELL_PX * 360.0 / (256 * 2**zoom)


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """`west,south,east,north` in degrees (WGS 84), clipped to the city's surroundings.
        Raises ValueError with a reason a person can act on."""
        parts = [p.strip() for p in (text or "").split(",")]
        if len(parts) != 4:
            raise ValueError("expected four numbers: west,south,east,north")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise ValueError("expected four numbers: west,south,east,north") from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ValueError("expected four finite numbers")
        if west >= east or south >= north:
            raise ValueError("west must be less than east and south less than north")
        ew, es, ee, en = HCMC_EXTENT
        return cls(max(west, ew), max(south, es), min(east, ee), min(north, en))

    @property
    def is_empty(self) -> bool:
        return self.west >= self.east or self.south >= self.north


def hexagon_of(x: float, y: float, edge: float) -> tuple[int, int]:
    """(i, j) of the flat-topped hexagon of edge `edge` holding the planar point (x, y), in the
    numbering of PostGIS ST_Hexagon(edge, i, j) with origin (0, 0): column i has its centre at
    x = 1.5·edge·i, row j at y = √3·edge·j, odd columns shifted up by half a row.

    The SQL of the demand map does the same arithmetic; this is its reference, tested against
    PostGIS."""
    height = math.sqrt(3) * edge
    column = math.floor(x / (1.5 * edge))
    best = None
    for i in (column, column + 1):
        shift = height / 2 if i % 2 else 0.0
        j = round((y - shift) / height)
        cx, cy = 1.5 * edge * i, height * j + shift
        d = (x - cx) ** 2 + (y - cy) ** 2
        if best is None or d < best[0]:
            best = (d, i, j)
    return best[1], best[2]
