"""Reads of the round maps: the committee's map of households and the public demand aggregate.

Every query is one SQL statement in PostGIS over the expression index on
`residence_point::geometry` (migration 0008): 155,000 residences are clustered on the server, never
sent one by one (docs/adr/0022). Who may call which function is decided by the callers
(`round_get_for_committee` for the committee; the public gets `demand_hexagons` only).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from accounts.access import is_staff_of, is_staff_with
from gis.geometry import HCMC_METRIC_SRID

from .constants import ApplicationStatus, RunStatus
from .map_grid import (
    CITY_WIDE_MAX_ZOOM,
    DEMAND_HEX_EDGE_M,
    DEMAND_MIN_CHILDREN,
    HCMC_EXTENT,
    MEMBERS_FROM_ZOOM,
    MEMBERS_MAX,
    BBox,
    cluster_cell_deg,
)
from .models import AdmissionRound, AllocationRun, RoundSchool
from .selectors import staff_round_allowed

COMMITTEE_PERMISSION = "admissions.review_application"
# Applications that count as demand: submitted and still in the race (drafts, withdrawn and
# rejected applications do not).
NOT_DEMAND = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)
# Runs whose placements can be drawn.
DRAWABLE_RUNS = (RunStatus.DRY_RUN, RunStatus.REVIEWED, RunStatus.PUBLISHED)
MAP_LINES_MAX = 5000
COLOUR_MODES = ("status", "school")


def round_get_for_committee(*, school_year: int, user) -> AdmissionRound:
    """The round, for a member of its committee (accounts.access.is_staff_of with the committee
    permission). Raises PermissionDenied for anyone else and Http404 for an unknown round; the
    permission is checked first so that strangers learn nothing but "no"."""
    if not is_staff_with(user, COMMITTEE_PERMISSION):
        raise PermissionDenied
    found = AdmissionRound.objects.select_related("committee").filter(school_year=school_year)
    admission_round = found.first()
    if admission_round is None:
        raise Http404
    if not (
        is_staff_of(user, COMMITTEE_PERMISSION, admission_round.committee)
        or staff_round_allowed(user=user, admission_round=admission_round)  # its scope (ADR 0019)
    ):
        raise PermissionDenied
    return admission_round


def run_list_drawable(*, admission_round: AdmissionRound):
    return (
        AllocationRun.objects.filter(round=admission_round, status__in=DRAWABLE_RUNS)
        .defer("input_document", "result_document")  # megabytes at city scale
        .order_by("-created_at")
    )


def run_get_drawable(*, admission_round: AdmissionRound, uuid=None) -> AllocationRun | None:
    """The run whose placements the map draws: the one asked for, else the published main run,
    else the newest finished run; None before any run."""
    runs = run_list_drawable(admission_round=admission_round)
    if uuid is not None:
        run = runs.filter(uuid=uuid).first()
        if run is None:
            raise Http404
        return run
    return runs.filter(status=RunStatus.PUBLISHED).first() or runs.first()


@dataclass(frozen=True)
class MapFilters:
    """What the committee narrows the map to. `school`: placed at the school when a run is
    drawn, first choice otherwise (as in the queue)."""

    statuses: tuple[str, ...] = ()
    school_id: int | None = None
    ward_id: int | None = None
    placement: str = ""  # "", "placed", "unplaced"


@dataclass
class _Sql:
    where: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)


def _filtered(
    *, admission_round: AdmissionRound, run: AllocationRun | None, filters: MapFilters, bbox=None
) -> _Sql:
    sql = _Sql(
        where=[
            "a.round_id = %(round)s",
            "a.residence_point IS NOT NULL",
            "a.status <> 'draft'",
        ],
        params={"round": admission_round.pk, "run": run.pk if run else None},
    )
    if bbox is not None:
        sql.where.append(
            "a.residence_point::geometry && "
            "ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
        )
        sql.params.update(west=bbox.west, south=bbox.south, east=bbox.east, north=bbox.north)
    if filters.statuses:
        sql.where.append("a.status = ANY(%(statuses)s)")
        sql.params["statuses"] = list(filters.statuses)
    if filters.ward_id:
        sql.where.append("a.ward_id = %(ward)s")
        sql.params["ward"] = filters.ward_id
    if filters.school_id:
        sql.params["school"] = filters.school_id
        if run is not None:
            sql.where.append("pl.school_id = %(school)s")
        else:
            sql.where.append(
                "EXISTS (SELECT 1 FROM admissions_applicationchoice c WHERE "
                "c.application_id = a.id AND c.rank = 1 AND c.school_id = %(school)s)"
            )
    if filters.placement == "placed":
        sql.where.append("pl.school_id IS NOT NULL")
    elif filters.placement == "unplaced":
        sql.where.append("pl.id IS NOT NULL AND pl.school_id IS NULL")
    return sql


_POINTS = """
    SELECT a.id, a.uuid, a.tracking_code, a.status, pl.id AS placement_id,
           pl.school_id AS placed, a.residence_point::geometry AS g
    FROM admissions_application a
    LEFT JOIN admissions_placement pl ON pl.run_id = %(run)s AND pl.application_id = a.id
    WHERE {where}
"""


def colour_key_sql(mode: str) -> str:
    """The category a pin is coloured by: its status, or (after a run) its placed school's id,
    `unplaced` for a child the run could not place, `none` for one not in the run."""
    if mode == "school":
        return (
            "CASE WHEN placement_id IS NULL THEN 'none' "
            "WHEN placed IS NULL THEN 'unplaced' ELSE placed::text END"
        )
    return "status"


@dataclass(frozen=True)
class Cluster:
    lon: float
    lat: float
    count: int
    counts: dict[str, int]
    members: list[dict] | None  # [{uuid, code, key}] for small clusters at street zoom


def map_clusters(
    *,
    admission_round: AdmissionRound,
    run: AllocationRun | None,
    zoom: int,
    bbox: BBox,
    filters: MapFilters = MapFilters(),
    mode: str = "status",
) -> list[Cluster]:
    """Residences in `bbox` grouped on the zoom's grid (map_grid.cluster_cell_deg): per cell the
    number of children, their mean position, the count per colour key and, for small cells at
    street zoom, the applications themselves. Up to CITY_WIDE_MAX_ZOOM the answer covers the
    whole city (`bbox` ignored) and is cached until an application of the round changes."""
    if zoom <= CITY_WIDE_MAX_ZOOM:
        asked = (
            f"{_demand_fingerprint(admission_round)}:{run.pk if run else 0}:{zoom}:{mode}:{filters}"
        )
        key = "roundmap:clusters:" + hashlib.sha256(asked.encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            cached = _clusters(admission_round, run, zoom, BBox(*HCMC_EXTENT), filters, mode)
            cache.set(key, cached, 600)
        return cached
    if bbox.is_empty:
        return []
    return _clusters(admission_round, run, zoom, bbox, filters, mode)


def _clusters(admission_round, run, zoom, bbox, filters, mode) -> list[Cluster]:
    cell = cluster_cell_deg(zoom)
    sql = _filtered(admission_round=admission_round, run=run, filters=filters, bbox=bbox)
    with_members = zoom >= MEMBERS_FROM_ZOOM
    query = f"""
        WITH pts AS ({_POINTS.format(where=" AND ".join(sql.where))}),
        keyed AS (
            SELECT floor(ST_X(g) / %(cell)s)::bigint AS cx, floor(ST_Y(g) / %(cell)s)::bigint AS cy,
                   {colour_key_sql(mode)} AS k, count(*) AS n,
                   sum(ST_X(g)) AS sx, sum(ST_Y(g)) AS sy,
                   jsonb_agg(jsonb_build_object('uuid', uuid, 'code', tracking_code)
                             ORDER BY tracking_code) FILTER (WHERE %(with_members)s) AS members
            FROM pts GROUP BY 1, 2, 3
        )
        SELECT sum(n)::int, sum(sx) / sum(n), sum(sy) / sum(n), jsonb_object_agg(k, n),
               array_agg(k ORDER BY k), array_agg(members ORDER BY k)
        FROM keyed GROUP BY cx, cy ORDER BY cx, cy
    """
    params = {
        **sql.params,
        "cell": cell,
        "with_members": with_members,
        "members_max": MEMBERS_MAX,
    }
    clusters = []
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for count, lon, lat, counts, keys, member_lists in cursor.fetchall():
            members = None
            if with_members and count <= MEMBERS_MAX:
                members = [
                    {**m, "key": key}
                    for key, listed in zip(keys, member_lists, strict=True)
                    for m in _json(listed or [])
                ]
            clusters.append(
                Cluster(
                    lon=float(lon),
                    lat=float(lat),
                    count=count,
                    counts={k: int(v) for k, v in _json(counts).items()},
                    members=members,
                )
            )
    return clusters


def map_extent(
    *,
    admission_round: AdmissionRound,
    run: AllocationRun | None,
    filters: MapFilters = MapFilters(),
) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the residences the filters keep; None when there are none."""
    sql = _filtered(admission_round=admission_round, run=run, filters=filters)
    query = f"""
        SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
        FROM (SELECT ST_Extent(g) AS e FROM ({_POINTS.format(where=" AND ".join(sql.where))}) p) x
    """
    with connection.cursor() as cursor:
        cursor.execute(query, sql.params)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else tuple(float(v) for v in row)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Line:
    uuid: str
    code: str
    school_id: int
    school_name: str
    distance_m: float
    home: tuple[float, float]  # lon, lat
    school: tuple[float, float]


def _lines(query: str, params: dict) -> list[Line]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [
            Line(
                uuid=str(uuid),
                code=code,
                school_id=school_id,
                school_name=name,
                distance_m=float(distance or 0),
                home=(hx, hy),
                school=(sx, sy),
            )
            for uuid, code, school_id, name, distance, hx, hy, sx, sy in cursor.fetchall()
        ]


_LINE_COLUMNS = """
    p.uuid, p.tracking_code AS code, s.id AS school_id, s.name AS school_name, pl.distance_m,
    ST_X(p.g) AS hx, ST_Y(p.g) AS hy, ST_X(s.location::geometry) AS sx,
    ST_Y(s.location::geometry) AS sy
"""


def map_placement_lines(
    *,
    admission_round: AdmissionRound,
    run: AllocationRun,
    bbox: BBox,
    filters: MapFilters = MapFilters(),
    limit: int = MAP_LINES_MAX,
) -> tuple[list[Line], bool]:
    """Each placed child living in `bbox` with a line to the school of the run; at most `limit`
    lines, in tracking-code order. Returns the lines and whether some were left out."""
    if bbox.is_empty:
        return [], False
    sql = _filtered(admission_round=admission_round, run=run, filters=filters, bbox=bbox)
    query = f"""
        WITH p AS ({_POINTS.format(where=" AND ".join(sql.where))})
        SELECT {_LINE_COLUMNS}
        FROM p JOIN admissions_placement pl ON pl.id = p.placement_id
        JOIN geo_school s ON s.id = pl.school_id AND s.location IS NOT NULL
        ORDER BY code LIMIT %(limit)s
    """
    lines = _lines(query, {**sql.params, "limit": limit + 1})
    return lines[:limit], len(lines) > limit


def map_farthest_placements(
    *,
    admission_round: AdmissionRound,
    run: AllocationRun,
    per_school: int = 3,
    filters: MapFilters = MapFilters(),
) -> list[Line]:
    """The `per_school` placements farthest from their school, for every school of the run."""
    sql = _filtered(admission_round=admission_round, run=run, filters=filters)
    query = f"""
        WITH p AS ({_POINTS.format(where=" AND ".join(sql.where))}),
        ranked AS (
            SELECT {_LINE_COLUMNS},
                   row_number() OVER (PARTITION BY s.id ORDER BY pl.distance_m DESC NULLS LAST,
                                      p.tracking_code) AS nth
            FROM p JOIN admissions_placement pl ON pl.id = p.placement_id
            JOIN geo_school s ON s.id = pl.school_id AND s.location IS NOT NULL
        )
        SELECT uuid, code, school_id, school_name, distance_m, hx, hy, sx, sy
        FROM ranked WHERE nth <= %(per_school)s ORDER BY school_name, distance_m DESC
    """
    return _lines(query, {**sql.params, "per_school": per_school})


@dataclass(frozen=True)
class CatchmentDemand:
    school_id: int
    school_code: str
    school_name: str
    seats: int
    demand: int
    geojson: dict


def _demand_fingerprint(admission_round: AdmissionRound) -> str:
    """Changes whenever an application of the round is saved (its `updated_at`), any application
    changes status (the append-only history grows) or a catchment version is added. Three index
    look-ups, not a scan of the round."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT max(updated_at) FROM admissions_application WHERE round_id = %s),
                   (SELECT max(id) FROM admissions_applicationstatuschange),
                   (SELECT max(id) FROM geo_catchment)
            """,
            [admission_round.pk],
        )
        last_saved, last_change, last_catchment = cursor.fetchone()
    saved = last_saved.isoformat() if last_saved else ""
    return f"{admission_round.pk}:{saved}:{last_change or 0}:{last_catchment or 0}"


def catchment_demand(*, admission_round: AdmissionRound) -> list[CatchmentDemand]:
    """Every current catchment of the round's school year with the number of children applying
    this round who live inside it (NOT_DEMAND excluded) against the school's grade-1 seats.
    Overlapping catchments each count a child living in both. Cached until an application of
    the round changes."""
    key = f"roundmap:catchments:{_demand_fingerprint(admission_round)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    seats = {
        rs.school_id: rs.seats
        for rs in RoundSchool.objects.filter(round=admission_round).select_related("round")
    }
    query = """
        SELECT s.id, s.code, s.name,
               ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, 0.0001), 5),
               (SELECT count(*) FROM admissions_application a
                WHERE a.round_id = %(round)s AND a.residence_point IS NOT NULL
                  AND NOT a.status = ANY(%(not_demand)s)
                  AND a.residence_point::geometry && c.geom
                  AND ST_Intersects(c.geom, a.residence_point::geometry))
        FROM geo_catchment c JOIN geo_school s ON s.id = c.school_id
        WHERE c.school_year = %(year)s AND c.is_current
        ORDER BY s.name, s.id
    """
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            {
                "round": admission_round.pk,
                "year": admission_round.school_year,
                "not_demand": list(NOT_DEMAND),
            },
        )
        found = [
            CatchmentDemand(
                school_id=school_id,
                school_code=code,
                school_name=name,
                seats=seats.get(school_id, 0),
                demand=int(demand),
                geojson=json.loads(geojson),
            )
            for school_id, code, name, geojson, demand in cursor.fetchall()
        ]
    cache.set(key, found, 600)
    return found


@dataclass(frozen=True)
class DemandCell:
    i: int
    j: int
    count: int
    geojson: dict


def demand_hexagons(*, admission_round: AdmissionRound) -> list[DemandCell]:
    """The public aggregate: children applying this round (NOT_DEMAND excluded) per hexagon of
    DEMAND_HEX_EDGE_M metres; hexagons with fewer than DEMAND_MIN_CHILDREN are left out
    entirely. The hexagon of a residence is found by arithmetic (map_grid.hexagon_of) and drawn
    by ST_Hexagon, so the published shapes are the grid's, never a household's position."""
    # Public and costly (seconds at city scale): recomputed at most every ten minutes, whatever
    # the number of submissions meanwhile.
    key = f"roundmap:demand:{admission_round.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    edge = DEMAND_HEX_EDGE_M
    height = math.sqrt(3) * edge
    query = f"""
        WITH p AS MATERIALIZED (
            SELECT ST_X(t) AS x, ST_Y(t) AS y, floor(ST_X(t) / (1.5 * %(edge)s))::int AS c0
            FROM (SELECT ST_Transform(a.residence_point::geometry, {HCMC_METRIC_SRID}) AS t
                  FROM admissions_application a
                  WHERE a.round_id = %(round)s AND a.residence_point IS NOT NULL
                    AND NOT a.status = ANY(%(not_demand)s)) q
        ),
        cand AS MATERIALIZED (
            SELECT x, y, c0 AS i0, c0 + 1 AS i1,
                   round((y - CASE WHEN mod(c0, 2) <> 0 THEN %(h)s / 2 ELSE 0 END) / %(h)s)::int
                       AS j0,
                   round((y - CASE WHEN mod(c0 + 1, 2) <> 0 THEN %(h)s / 2 ELSE 0 END) / %(h)s)::int
                       AS j1
            FROM p
        ),
        cells AS MATERIALIZED (
            SELECT CASE WHEN d0 <= d1 THEN i0 ELSE i1 END AS i,
                   CASE WHEN d0 <= d1 THEN j0 ELSE j1 END AS j
            FROM (
                SELECT i0, j0, i1, j1,
                    power(x - 1.5 * %(edge)s * i0, 2) + power(y - (%(h)s * j0 +
                        CASE WHEN mod(i0, 2) <> 0 THEN %(h)s / 2 ELSE 0 END), 2) AS d0,
                    power(x - 1.5 * %(edge)s * i1, 2) + power(y - (%(h)s * j1 +
                        CASE WHEN mod(i1, 2) <> 0 THEN %(h)s / 2 ELSE 0 END), 2) AS d1
                FROM cand
            ) d
        )
        SELECT i, j, count(*)::int AS n,
               ST_AsGeoJSON(ST_Transform(ST_Hexagon(%(edge)s, i, j,
                   ST_SetSRID(ST_MakePoint(0, 0), {HCMC_METRIC_SRID})), 4326), 5)
        FROM cells GROUP BY i, j HAVING count(*) >= %(min_children)s ORDER BY i, j
    """
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            {
                "round": admission_round.pk,
                "not_demand": list(NOT_DEMAND),
                "edge": edge,
                "h": height,
                "min_children": DEMAND_MIN_CHILDREN,
            },
        )
        found = [
            DemandCell(i=i, j=j, count=n, geojson=json.loads(geojson))
            for i, j, n, geojson in cursor.fetchall()
        ]
    cache.set(key, found, 600)
    return found


def round_for_public_demand(*, school_year: int | None) -> AdmissionRound | None:
    rounds = AdmissionRound.objects.all()
    if school_year:
        return rounds.filter(school_year=school_year).first()
    return rounds.order_by("-school_year").first()
