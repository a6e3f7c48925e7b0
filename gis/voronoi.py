"""First-draft catchments: Voronoi cells of school points, clipped to the city. Pure (no ORM).

Computed in a metric projection (UTM 48N) so that cell edges are true perpendicular bisectors in
metres, then returned in WGS 84. Staff are expected to edit these drafts on the map.
"""

from __future__ import annotations

import shapely
from pyproj import Transformer

_TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
_TO_WGS84 = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)


def voronoi_catchments(schools: list[tuple[object, float, float]], clip_to) -> dict[object, object]:
    """schools: (key, lon, lat) tuples; clip_to: shapely (Multi)Polygon in WGS 84.
    Returns key → shapely (Multi)Polygon in WGS 84. Schools sharing a point share one cell and
    each gets it."""
    if not schools:
        return {}
    boundary = shapely.transform(clip_to, _TO_METRIC.transform, interleaved=False)
    metric_points = {}
    for key, lon, lat in schools:
        x, y = _TO_METRIC.transform(lon, lat)
        metric_points[key] = shapely.Point(x, y)
    unique = shapely.MultiPoint(list({(p.x, p.y): p for p in metric_points.values()}.values()))
    cells = shapely.voronoi_polygons(unique, extend_to=boundary.envelope.buffer(10_000))
    result = {}
    for key, point in metric_points.items():
        cell = next(c for c in cells.geoms if c.intersects(point))
        clipped = cell.intersection(boundary)
        if not clipped.is_empty:
            result[key] = shapely.transform(clipped, _TO_WGS84.transform, interleaved=False)
    return result
