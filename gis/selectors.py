"""Reads for geography. Every spatial query of the portal lives here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.db import connection
from django.db.models import F, Func, Q, QuerySet

from .constants import BASE_LEVELS, LocationSource, SchoolLevel
from .models import AdminUnit, Catchment, School


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
