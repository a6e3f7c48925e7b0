"""First-draft catchments: Voronoi cells of school points, clipped to the city. Pure (no ORM).

Computed in a metric projection (UTM 48N) so that cell edges are true perpendicular bisectors in
metres, then returned in WGS 84. Staff are expected to edit these drafts on the map.
"""

from __future__ import annotations

import numpy as np
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


def labelled_cells(x, y, labels, clip_to) -> dict[int, object]:
    """Catchments from labelled sample points (metric x/y, e.g. road junctions labelled with
    their nearest school by road): each point's Voronoi cell, dissolved by label, clipped to
    ``clip_to`` (WGS 84). Returns label → shapely (Multi)Polygon in WGS 84; label -1 is dropped."""
    boundary = shapely.transform(clip_to, _TO_METRIC.transform, interleaved=False)
    points = shapely.points(np.column_stack([x, y]))
    _, first = np.unique(np.column_stack([x, y]), axis=0, return_index=True)
    first = np.sort(first)  # one sample per position: Voronoi keeps a single cell for duplicates
    cells = shapely.voronoi_polygons(
        shapely.MultiPoint(points[first]),
        extend_to=boundary.envelope.buffer(10_000),
        ordered=True,
    )
    cell_of = np.array(cells.geoms, dtype=object)
    kept_labels = np.asarray(labels)[first]
    result = {}
    for label in np.unique(kept_labels):
        if label < 0:
            continue
        merged = shapely.coverage_union_all(cell_of[kept_labels == label])
        clipped = merged.intersection(boundary)
        if not clipped.is_empty:
            result[int(label)] = shapely.transform(clipped, _TO_WGS84.transform, interleaved=False)
    return result
