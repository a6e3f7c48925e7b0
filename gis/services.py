"""Writes for geography: vintages, school positions, catchment versions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone

from portal.core.exceptions import InvalidInput, OutsideCoveredArea

from .constants import BASE_LEVELS, CatchmentSource, DistanceMetric, LocationSource
from .geometry import as_multipolygon, from_shapely, make_point
from .models import AdminVintage, Catchment, School, SchoolPosition
from .selectors import covered_area_contains


def vintage_ensure(
    *, code: str, name: str, valid_from: dt.date, valid_to: dt.date | None = None, source: str = ""
) -> AdminVintage:
    vintage, _ = AdminVintage.objects.update_or_create(
        code=code,
        defaults={"name": name, "valid_from": valid_from, "valid_to": valid_to, "source": source},
    )
    return vintage


def school_refresh_admin_units(
    *, school_ids: list[int] | None = None, vintage_code: str | None = None
) -> int:
    """Set each school's admin unit to the base-level unit of the vintage that contains its point,
    in one statement (the GiST index on the unit polygons does the work)."""
    vintage_code = vintage_code or settings.CURRENT_ADMIN_VINTAGE
    only = "AND s.id = ANY(%(ids)s)" if school_ids is not None else ""
    sql = f"""
        UPDATE geo_school s SET admin_unit_id = (
            SELECT u.id FROM geo_adminunit u JOIN geo_adminvintage v ON v.id = u.vintage_id
            WHERE v.code = %(vintage)s AND u.level = ANY(%(levels)s)
              AND ST_Intersects(u.geom, s.location::geometry)
            ORDER BY u.code LIMIT 1)
        WHERE TRUE {only}
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "vintage": vintage_code,
                "levels": [str(x) for x in BASE_LEVELS],
                "ids": school_ids or [],
            },
        )
        return cursor.rowcount


@transaction.atomic
def school_set_location(
    *, school: School, lon: float, lat: float, source: str = LocationSource.SURVEYED
) -> School:
    try:
        point = make_point(lon=lon, lat=lat)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="location") from exc
    if not covered_area_contains(point=point):
        raise OutsideCoveredArea("The position lies outside Ho Chi Minh City.", field="location")
    school = School.objects.select_for_update().get(pk=school.pk)
    school.location = point
    school_position_record(school=school, source=source)
    school_refresh_admin_units(school_ids=[school.pk])
    school.refresh_from_db()
    return school


@transaction.atomic
def school_position_record(*, school: School, source: str = LocationSource.STAFF) -> School:
    """A person placed the school at ``school.location``: the school shows it, marked with its
    source and today's date, and the position joins the school's history. No import overwrites
    it afterwards (see ``gis.positions``)."""
    today = timezone.localdate()
    school.location_source = source
    school.location_label = str(LocationSource(source).label)
    school.location_observed_on = today
    school.save()
    SchoolPosition.objects.update_or_create(
        school=school,
        source=source,
        source_ref="",
        observed_on=today,
        defaults={"label": school.location_label, "location": school.location},
    )
    return school


@transaction.atomic
def catchment_save_version(
    *,
    school: School,
    school_year: int,
    geom: GEOSGeometry,
    source: str = CatchmentSource.DRAWN,
    note: str = "",
    user=None,
) -> Catchment:
    """Store a new version of a school's catchment for a school year; the old one stays as history.
    The school row is locked so two editors cannot both create version N+1."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    try:
        polygon = as_multipolygon(geom)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="geom") from exc
    if not polygon.valid:
        polygon = as_multipolygon(polygon.make_valid())
    latest = (
        Catchment.objects.filter(school=school, school_year=school_year)
        .order_by("-version")
        .first()
    )
    Catchment.objects.filter(school=school, school_year=school_year, is_current=True).update(
        is_current=False
    )
    return Catchment.objects.create(
        school=school,
        school_year=school_year,
        version=(latest.version + 1) if latest else 1,
        is_current=True,
        geom=polygon,
        source=source,
        note=note,
        created_by=user,
    )


@transaction.atomic
def catchments_generate_drafts(
    *,
    school_year: int,
    level: str = "primary",
    only_missing: bool = False,
    user=None,
    metric: str = DistanceMetric.STRAIGHT,
) -> int:
    """Drafts for every located school of a level, clipped to the covered area: Voronoi cells
    (straight line), or with a road metric the area whose roads lead soonest to the school."""
    from shapely import wkb as shapely_wkb  # geometry maths stays out of module import time

    from .selectors import admin_unit_list, school_list
    from .voronoi import voronoi_catchments

    schools = [s for s in school_list(level=level) if s.location is not None]
    if only_missing:
        have = set(
            Catchment.objects.filter(school_year=school_year, is_current=True).values_list(
                "school_id", flat=True
            )
        )
        targets = {s.pk for s in schools if s.pk not in have}
    else:
        targets = {s.pk for s in schools}
    if not schools:
        raise ValueError(f"no located {level} school to build catchments from")
    area = admin_unit_list().aggregate(u=Union("geom"))["u"]
    if area is None:
        raise ValueError("no administrative units loaded: run load_hcmc_data first")
    area = shapely_wkb.loads(bytes(area.wkb))
    if metric == DistanceMetric.STRAIGHT:
        cells = voronoi_catchments([(s.pk, s.location.x, s.location.y) for s in schools], area)
        source, note = CatchmentSource.VORONOI, "Voronoi draft"
    else:
        cells = _road_cells(schools, area, metric)
        source, note = CatchmentSource.ROAD, f"Road draft ({metric})"
    by_pk = {s.pk: s for s in schools}
    created = 0
    for pk, cell in cells.items():
        if pk in targets:
            catchment_save_version(
                school=by_pk[pk],
                school_year=school_year,
                geom=from_shapely(cell),
                source=source,
                note=note,
                user=user,
            )
            created += 1
    return created


def _road_cells(schools, area, metric: str) -> dict:
    """School pk → the part of the area whose road junctions reach that school first by road
    (junctions no school reaches within the limit go to the nearest in a straight line)."""
    import numpy as np
    from scipy.spatial import cKDTree

    from .selectors import road_router
    from .voronoi import labelled_cells

    router = road_router(mode=metric)
    if router is None:
        raise ValueError("no road network loaded: run load_hcmc_data or import_osm_extract first")
    lon = np.array([s.location.x for s in schools])
    lat = np.array([s.location.y for s in schools])
    x, y, label = router.nearest_school_per_vertex(
        lon, lat, max_distance_m=settings.ROAD_MAX_DISTANCE_M
    )
    unreached = label < 0
    if unreached.any():
        sx, sy = router.project(lon, lat)
        _, nearest = cKDTree(np.column_stack([sx, sy])).query(
            np.column_stack([x[unreached], y[unreached]])
        )
        label[unreached] = nearest
    return {schools[i].pk: cell for i, cell in labelled_cells(x, y, label, area).items()}


@transaction.atomic
def schools_place_for_demo(*, seed: int = 0) -> int:
    """Give every school without a position a *demo* position: a reproducible random point inside
    the ward its source reports. Each is marked `demo_placed` (drawn apart, with a note, on the
    map) and stays on the staff list of schools to place. Never used for real data."""
    import hashlib

    import numpy as np
    import shapely
    from shapely import wkb as shapely_wkb

    schools = (
        School.objects.select_for_update()
        .filter(location__isnull=True, reported_admin_unit__isnull=False)
        .select_related("reported_admin_unit")
    )
    placed = 0
    for school in schools:
        polygon = shapely_wkb.loads(bytes(school.reported_admin_unit.geom.wkb))
        digest = hashlib.sha256(f"{seed}:{school.code}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
        minx, miny, maxx, maxy = polygon.bounds
        while True:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if polygon.contains(shapely.Point(lon, lat)):
                break
        school.location = make_point(lon=lon, lat=lat)
        school.location_source = LocationSource.DEMO_PLACED
        school.save(update_fields=["location", "location_source", "updated_at"])
        placed += 1
    school_refresh_admin_units()
    return placed
