"""Reads for geography. Every spatial query of the portal lives here."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import F, Func, Q, QuerySet

from .constants import (
    BASE_LEVELS,
    ROAD_NETWORK_NAME,
    LocationSource,
    RoadFallbackReason,
    SchoolLevel,
)
from .geometry import HCMC_METRIC_SRID
from .models import AdminUnit, Catchment, RoadNetwork, School
from .osm_extract import RoadEdges
from .routing import RoadRouter, RoadTable, geodesic_m


def admin_unit_list(*, vintage_code: str | None = None, levels=BASE_LEVELS) -> QuerySet[AdminUnit]:
    return (
        AdminUnit.objects.filter(
            vintage__code=vintage_code or settings.CURRENT_ADMIN_VINTAGE,
            level__in=[str(x) for x in levels],
        )
        .select_related("vintage", "parent")
        .order_by("name")
    )


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=4326)


def admin_unit_list_simplified(*, vintage_code: str | None = None, tolerance_deg: float = 0.0005):
    """Base-level units with geometry simplified for display (≈50 m at 0.0005°) as GeoJSON text."""
    return (
        admin_unit_list(vintage_code=vintage_code)
        .annotate(
            geojson=AsGeoJSON(SimplifyPreserveTopology(F("geom"), tolerance_deg), precision=5)
        )
        .defer("geom")
    )


def admin_unit_containing(*, point, vintage_code: str | None = None) -> AdminUnit | None:
    return (
        admin_unit_list(vintage_code=vintage_code)
        .filter(geom__intersects=point)
        .order_by("code")
        .first()
    )


def covered_area_contains(*, point) -> bool:
    """The portal covers the base-level units of the current vintage (the 168 wards of HCMC)."""
    return admin_unit_list().filter(geom__intersects=point).exists()


def school_list(
    *,
    ward_code: str | None = None,
    level: str | None = None,
    bbox: Polygon | None = None,
    vintage_code: str | None = None,
) -> QuerySet[School]:
    schools = School.objects.select_related("admin_unit").order_by("name")
    if level:
        schools = schools.filter(level=level)
    if ward_code:
        vintage_code = vintage_code or settings.CURRENT_ADMIN_VINTAGE
        if vintage_code == settings.CURRENT_ADMIN_VINTAGE:
            schools = schools.filter(
                admin_unit__code=ward_code, admin_unit__vintage__code=vintage_code
            )
        else:  # older vintages: the unit's polygon decides
            unit = AdminUnit.objects.filter(vintage__code=vintage_code, code=ward_code).first()
            schools = schools.filter(location__intersects=unit.geom) if unit else schools.none()
    if bbox is not None:
        schools = schools.filter(location__intersects=bbox)
    return schools


def school_list_unplaced(*, level: str | None = None) -> QuerySet[School]:
    """Schools whose real position is unknown (none, or only a demo placement): staff must place
    them on the map."""
    schools = School.objects.filter(
        Q(location__isnull=True) | Q(location_source=LocationSource.DEMO_PLACED)
    ).select_related("reported_admin_unit")
    return schools.filter(level=level) if level else schools


@dataclass(frozen=True)
class NearbySchool:
    school: School
    distance_m: float


def school_nearest(*, point, k: int, level: str | None = SchoolLevel.PRIMARY) -> list[NearbySchool]:
    """The k schools nearest to a point, by geodesic distance in metres (WGS 84 spheroid).

    The KNN operator `<->` walks the GiST index on the geography column (sphere distance); a
    margin of extra candidates is then re-ranked by the exact spheroid distance."""
    candidates = k + 10
    level_filter = "AND level = %(level)s" if level else ""
    sql = f"""
        SELECT id, ST_Distance(location, ST_GeogFromText(%(wkt)s)) AS distance_m FROM (
            SELECT id, location FROM geo_school WHERE location IS NOT NULL {level_filter}
            ORDER BY location <-> ST_GeogFromText(%(wkt)s) LIMIT %(candidates)s
        ) c ORDER BY distance_m, id LIMIT %(k)s
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"wkt": f"SRID=4326;{point.wkt}", "level": level, "candidates": candidates, "k": k}
        )
        ranked = cursor.fetchall()
    schools = School.objects.select_related("admin_unit").in_bulk([pk for pk, _ in ranked])
    return [NearbySchool(school=schools[pk], distance_m=float(d)) for pk, d in ranked]


def school_distances(*, point, school_ids: list[int]) -> dict[int, float]:
    """Geodesic metres (WGS 84 spheroid) from a point to each of the given schools that has a
    position."""
    if point is None or not school_ids:
        return {}
    sql = """
        SELECT id, ST_Distance(location, ST_GeogFromText(%(wkt)s)) FROM geo_school
        WHERE id = ANY(%(ids)s) AND location IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"wkt": f"SRID=4326;{point.wkt}", "ids": list(school_ids)})
        return {pk: float(d) for pk, d in cursor.fetchall()}


def catchment_list_current(*, school_year: int) -> QuerySet[Catchment]:
    return Catchment.objects.filter(school_year=school_year, is_current=True).select_related(
        "school"
    )


def catchment_containing(*, point, school_year: int) -> Catchment | None:
    return (
        catchment_list_current(school_year=school_year)
        .filter(geom__intersects=point)
        .order_by("school__code")
        .first()
    )


def catchment_latest_school_year() -> int | None:
    latest = Catchment.objects.filter(is_current=True).order_by("-school_year").first()
    return latest.school_year if latest else None


def school_points(*, school_ids: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, lon, lat) arrays of located schools, for vectorised distance computations."""
    rows = School.objects.filter(pk__in=school_ids, location__isnull=False).values_list(
        "pk", "location"
    )
    ids, lons, lats = [], [], []
    for pk, location in rows:
        ids.append(pk)
        lons.append(location.x)
        lats.append(location.y)
    return np.array(ids, dtype=np.int64), np.array(lons), np.array(lats)


def catchment_list_current_geojson(*, school_year: int, tolerance_deg: float = 0.0001):
    return (
        catchment_list_current(school_year=school_year)
        .annotate(
            geojson=AsGeoJSON(SimplifyPreserveTopology(F("geom"), tolerance_deg), precision=5)
        )
        .defer("geom")
    )


# --- roads --------------------------------------------------------------------------------------

_ROUTERS: dict[tuple[str, str], RoadRouter] = {}
_ROUTERS_LOCK = threading.Lock()


def road_network_current(*, name: str = ROAD_NETWORK_NAME) -> RoadNetwork | None:
    return RoadNetwork.objects.filter(name=name, n_edges__gt=0).first()


def road_edges_export(*, network: RoadNetwork) -> RoadEdges:
    """The network's edges as arrays (metric coordinates), in one query."""
    sql = """
        SELECT source, target, length_m, cost_walk >= 0, cost_drive >= 0,
               reverse_cost_drive >= 0, osm_way_id, highway,
               ST_AsBinary(ST_Transform(geom, %(srid)s))
        FROM geo_roadedge WHERE network_id = %(network)s ORDER BY id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"srid": HCMC_METRIC_SRID, "network": network.pk})
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    lines = shapely.from_wkb([bytes(g) for g in columns[8]])
    coords = shapely.get_coordinates(lines)
    counts = shapely.get_num_coordinates(lines)
    return RoadEdges(
        source=np.array(columns[0], np.int64),
        target=np.array(columns[1], np.int64),
        length_m=np.array(columns[2], np.float64),
        walk=np.array(columns[3], bool),
        forward=np.array(columns[4], bool),
        backward=np.array(columns[5], bool),
        way_id=np.array(columns[6], np.int64),
        highway=np.array(columns[7], dtype="U32"),
        coord_ptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        x=coords[:, 0].copy(),
        y=coords[:, 1].copy(),
        n_vertices=network.n_vertices,
    )


def road_router(*, mode: str, network: RoadNetwork | None = None) -> RoadRouter | None:
    """The current network's router for a travel mode, built once per process and network
    version (its fingerprint); None when no network is loaded."""
    network = network or road_network_current()
    if network is None:
        return None
    key = (network.fingerprint, mode)
    with _ROUTERS_LOCK:
        router = _ROUTERS.get(key)
        if router is None:
            for stale in [k for k in _ROUTERS if k[0] != network.fingerprint]:
                del _ROUTERS[stale]
            router = RoadRouter(
                road_edges_export(network=network), mode, max_snap_m=settings.ROAD_MAX_SNAP_M
            )
            _ROUTERS[key] = router
    return router


@dataclass(frozen=True)
class NearbySchoolByRoad:
    school: School
    distance_m: float  # straight line (geodesic)
    road_distance_m: float | None  # None: not reachable by road within the limit


@dataclass(frozen=True)
class NearestByRoad:
    metric: str
    results: list[NearbySchoolByRoad]
    fallback_reason: str  # "" when every distance is by road


def school_nearest_by_road(
    *, point, k: int, metric: str, level: str | None = SchoolLevel.PRIMARY
) -> NearestByRoad:
    """The k schools nearest to a point by road (walking or driving), each with its straight
    distance too. A road is never shorter than the straight line, so the candidates are every
    located school within the distance limit in a straight line. A point that cannot be routed
    falls back to the k nearest in a straight line, with the reason."""
    router = road_router(mode=metric)
    if router is None:
        return _straight_fallback(point=point, k=k, level=level, metric=metric, reason="no_network")
    limit = float(settings.ROAD_MAX_DISTANCE_M)
    candidates = School.objects.filter(location__isnull=False).filter(
        location__dwithin=(point, D(m=limit))
    )
    if level:
        candidates = candidates.filter(level=level)
    # positions only: whole schools (with their ward's polygon) just for the k answers
    rows = list(candidates.values_list("pk", "location"))
    lon = np.array([location.x for _, location in rows])
    lat = np.array([location.y for _, location in rows])
    road, reason = router.from_point(point.x, point.y, lon, lat, max_distance_m=limit)
    if reason or not rows:
        return _straight_fallback(
            point=point, k=k, level=level, metric=metric, reason=reason or "unreachable"
        )
    straight = geodesic_m(point.x, point.y, lon, lat)
    order = [i for i in np.argsort(road, kind="stable")[:k] if np.isfinite(road[i])]
    schools = (
        School.objects.select_related("admin_unit")
        .defer("admin_unit__geom")
        .in_bulk([rows[i][0] for i in order])
    )
    results = [
        NearbySchoolByRoad(schools[rows[i][0]], float(straight[i]), round(float(road[i]), 1))
        for i in order
    ]
    return NearestByRoad(metric=metric, results=results, fallback_reason="")


def road_distance_table(
    *,
    mode: str,
    child_lon,
    child_lat,
    school_lon,
    school_lat,
    k: int = 5,
    within_m: float = 0.0,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    max_distance_m: float | None = None,
) -> tuple[RoadTable, str]:
    """Bulk road metres for an allocation (``RoadRouter.distance_table``: one limited
    shortest-path tree per school, children snapped to the network) and the network's
    fingerprint. Without a loaded network every child gets the reason ``no_network``."""
    network = road_network_current()
    router = road_router(mode=mode, network=network) if network else None
    n = np.asarray(child_lon).size
    if router is None:
        empty = np.zeros(0, np.int64)
        reason = np.full(n, RoadFallbackReason.NO_NETWORK.value, dtype="U20")
        return RoadTable(empty, empty, np.zeros(0), reason), ""
    table = router.distance_table(
        child_lon,
        child_lat,
        school_lon,
        school_lat,
        k=k,
        within_m=within_m,
        pairs=pairs,
        max_distance_m=float(max_distance_m or settings.ROAD_MAX_DISTANCE_M),
    )
    return table, network.fingerprint


def _straight_fallback(*, point, k, level, metric, reason) -> NearestByRoad:
    nearest = school_nearest(point=point, k=k, level=level)
    results = [NearbySchoolByRoad(n.school, n.distance_m, None) for n in nearest]
    return NearestByRoad(metric=metric, results=results, fallback_reason=reason)
