"""Import schools from an OpenStreetMap extract: points and grounds polygons.

1. Objects of the extract that are one school (a point inside or near a polygon with the same
   normalised name) are merged first.
2. Each is matched to a school already loaded: by OSM object (any position recorded from it, or
   the OSM node a point import came from), else by normalised name within ``MATCH_DISTANCE_M``
   (or, for a school without a position, inside the ward its source reported). A school is
   never created twice; a renamed school keeps its id.
3. Every position is recorded with its source and date (``SchoolPosition``). The school takes
   it only when it wins: staff corrections and surveys are never overwritten, a placeholder
   always is, otherwise the newer date wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.db import connection, transaction

from gis.constants import LocationSource
from gis.geometry import as_multipolygon, from_shapely, make_point
from gis.models import AdminVintage, School, SchoolPosition
from gis.names import clean_school_name
from gis.osm_extract import ExtractError, OsmSchool
from gis.positions import position_wins
from gis.routing import geodesic_m
from gis.school_names import level_from_tags_and_name, normalised_name
from gis.services import school_refresh_admin_units

from .base import DryRunRollback, ImportSummary
from .errors import ImportFileError
from .extract_cache import cached_schools

MATCH_DISTANCE_M = 500.0
CODE_PREFIX = {"node": "OSM-", "way": "OSM-W", "relation": "OSM-R"}


@dataclass
class OsmSchoolSummary(ImportSummary):
    matched_by_ref: int = 0
    matched_by_name: int = 0
    positions_kept: int = 0  # a better position (staff, survey or newer) stayed
    merged_in_extract: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def as_text(self) -> str:
        skipped = ", ".join(f"{why} {n}" for why, n in sorted(self.skipped.items()))
        return (
            f"{super().as_text()}; matched by OSM id {self.matched_by_ref}, by name "
            f"{self.matched_by_name}; better position kept {self.positions_kept}; point+area "
            f"merged {self.merged_in_extract}" + (f"; skipped: {skipped}" if skipped else "")
        )


@dataclass
class _Candidate:
    """One school of the extract after merging its point and polygon objects."""

    refs: list[str]
    source_name: str
    name: str
    key: str
    level: str
    lon: float
    lat: float
    grounds: object | None  # shapely (Multi)Polygon
    tags: dict[str, str]


def positions_label(data_date: dt.date | None) -> str:
    return f"OpenStreetMap {data_date.year}" if data_date else "OpenStreetMap"


def import_osm_schools(
    *,
    path: str | Path,
    vintage: AdminVintage,
    data_date: dt.date | None = None,
    dry_run: bool = False,
) -> OsmSchoolSummary:
    try:
        extract = cached_schools(Path(path))
    except ExtractError as exc:
        raise ImportFileError(str(exc)) from exc
    data_date = data_date or extract.data_date
    label = positions_label(data_date)
    summary = OsmSchoolSummary(dry_run=dry_run)
    candidates = _merge_in_extract(_named(extract.schools, summary), summary)
    inside = _inside_wards(candidates, vintage)
    summary.skipped["outside the covered area"] = int((~inside).sum())
    candidates = [c for c, ok in zip(candidates, inside, strict=True) if ok]
    try:
        with transaction.atomic():
            touched = _upsert(candidates, vintage, label, data_date, summary)
            school_refresh_admin_units(school_ids=touched)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return summary


def _named(schools: list[OsmSchool], summary) -> list[_Candidate]:
    out = []
    for item in schools:
        name = clean_school_name(item.name)
        if not name:
            summary.skipped["no name"] = summary.skipped.get("no name", 0) + 1
            continue
        grounds = shapely.from_wkb(item.grounds_wkb) if item.grounds_wkb else None
        out.append(
            _Candidate(
                refs=[item.ref],
                source_name=item.name,
                name=name,
                key=normalised_name(name),
                level=level_from_tags_and_name(item.tags, item.name),
                lon=item.lon,
                lat=item.lat,
                grounds=grounds,
                tags=item.tags,
            )
        )
    return out


def _near(a: _Candidate, lon: float, lat: float, grounds) -> bool:
    if a.grounds is not None and a.grounds.covers(shapely.Point(lon, lat)):
        return True
    if grounds is not None and grounds.covers(shapely.Point(a.lon, a.lat)):
        return True
    return float(geodesic_m(a.lon, a.lat, lon, lat)) <= MATCH_DISTANCE_M


def _merge_in_extract(candidates: list[_Candidate], summary) -> list[_Candidate]:
    """One candidate per school: objects with the same normalised name close together (a point
    on its grounds, or the grounds drawn twice) become one. Grounds are kept; the position is a
    point object inside the grounds if there is one, else the point on the grounds' surface."""
    merged: list[_Candidate] = []
    by_key: dict[str, list[_Candidate]] = {}
    # areas first, so points join the grounds they stand on
    for cand in sorted(candidates, key=lambda c: (c.grounds is None, c.refs[0])):
        group = by_key.setdefault(cand.key, [])
        host = next((g for g in group if _near(g, cand.lon, cand.lat, cand.grounds)), None)
        if host is None:
            group.append(cand)
            merged.append(cand)
            continue
        summary.merged_in_extract += 1
        host.refs.append(cand.refs[0])
        if cand.grounds is not None:
            host.grounds = (
                cand.grounds if host.grounds is None else shapely.union(host.grounds, cand.grounds)
            )
        elif host.grounds is not None and host.grounds.covers(shapely.Point(cand.lon, cand.lat)):
            host.lon, host.lat = cand.lon, cand.lat  # the mapper's own point on the grounds
        if host.level == "other":
            host.level = cand.level
    return merged


def _inside_wards(candidates: list[_Candidate], vintage: AdminVintage) -> np.ndarray:
    if not candidates:
        return np.zeros(0, bool)
    sql = """
        SELECT p.i FROM unnest(%(lon)s::float8[], %(lat)s::float8[]) WITH ORDINALITY
            AS p(lon, lat, i)
        WHERE EXISTS (SELECT 1 FROM geo_adminunit u WHERE u.vintage_id = %(vintage)s
            AND u.level <> 'province'
            AND ST_Intersects(u.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "lon": [c.lon for c in candidates],
                "lat": [c.lat for c in candidates],
                "vintage": vintage.pk,
            },
        )
        found = {row[0] - 1 for row in cursor.fetchall()}
    return np.array([i in found for i in range(len(candidates))], bool)


class _Matcher:
    """Finds the loaded school a candidate is: by OSM object, then by name nearby."""

    def __init__(self, vintage: AdminVintage):
        self.by_ref: dict[str, School] = {}
        schools = list(
            School.objects.select_for_update(of=("self",)).select_related("reported_admin_unit")
        )
        by_pk = {s.pk: s for s in schools}
        for school in schools:
            if school.code.startswith("OSM-") and school.source_ref.isdigit():
                self.by_ref[f"node/{school.source_ref}"] = school  # from a point export
        for ref, school_id in SchoolPosition.objects.exclude(source_ref="").values_list(
            "source_ref", "school_id"
        ):
            self.by_ref.setdefault(ref, by_pk[school_id])
        self.by_key: dict[str, list[School]] = {}
        for school in schools:
            self.by_key.setdefault(normalised_name(school.name), []).append(school)
            if school.source_name:
                self.by_key.setdefault(normalised_name(school.source_name), []).append(school)

    def match(self, cand: _Candidate) -> tuple[School | None, str]:
        for ref in cand.refs:
            if ref in self.by_ref:
                return self.by_ref[ref], "ref"
        best, best_d = None, np.inf
        point = make_point(lon=cand.lon, lat=cand.lat)
        for school in self.by_key.get(cand.key, []):
            if school.location is not None and school.location_source != "demo_placed":
                d = float(geodesic_m(cand.lon, cand.lat, school.location.x, school.location.y))
                inside = school.grounds is not None and school.grounds.covers(point)
                if (d <= MATCH_DISTANCE_M or inside) and d < best_d:
                    best, best_d = school, d
            elif best is None and _reported_ward_covers(school, point):
                best, best_d = school, MATCH_DISTANCE_M
        return best, ("name" if best else "")

    def remember(self, cand: _Candidate, school: School) -> None:
        for ref in cand.refs:
            self.by_ref[ref] = school
        self.by_key.setdefault(cand.key, []).append(school)


def _reported_ward_covers(school: School, point) -> bool:
    unit = school.reported_admin_unit
    return unit is not None and unit.geom.covers(point)


def _upsert(candidates, vintage, label, data_date, summary) -> list[int]:
    """Match and update in memory, then write: new schools and positions in bulk."""
    matcher = _Matcher(vintage)
    touched: list[int] = []
    created: list[School] = []
    positions: list[SchoolPosition] = []
    for cand in candidates:
        school, how = matcher.match(cand)
        point = make_point(lon=cand.lon, lat=cand.lat)
        grounds = as_multipolygon(from_shapely(cand.grounds)) if cand.grounds is not None else None
        if school is None:
            school = School(
                code=_code(cand.refs[0]),
                name=cand.name,
                source_name=cand.source_name,
                level=cand.level,
                location=point,
                location_source=LocationSource.OSM,
                location_label=label,
                location_observed_on=data_date,
                grounds=grounds,
                address=_address(cand.tags),
                name_en=cand.tags.get("name:en", "")[:255],
                source="© OpenStreetMap contributors, ODbL 1.0",
                source_ref=cand.refs[0],
            )
            created.append(school)
            summary.created += 1
            changed = False  # written with the others below
        else:
            summary.matched_by_ref += how == "ref"
            summary.matched_by_name += how == "name"
            changed = _update(school, cand, point, grounds, label, data_date, summary)
            summary.updated += changed
            summary.unchanged += not changed
        matcher.remember(cand, school)
        positions += [
            SchoolPosition(
                school=school,
                source=LocationSource.OSM,
                source_ref=ref,
                observed_on=data_date,
                label=label,
                location=point,
                grounds=grounds,
                source_name=cand.source_name,
            )
            for ref in cand.refs
        ]
        if changed:
            touched.append(school.pk)
    School.objects.bulk_create(created)
    _record_positions(positions, data_date)
    return touched + [s.pk for s in created]


def _update(school: School, cand, point, grounds, label, data_date, summary) -> bool:
    fields: list[str] = []
    wins = position_wins(
        current_source=school.location_source
        if school.location is not None
        else LocationSource.UNKNOWN,
        current_date=school.location_observed_on,
        new_source=LocationSource.OSM,
        new_date=data_date,
    )
    if wins:
        moved = school.location is None or (
            abs(school.location.x - point.x) > 1e-7 or abs(school.location.y - point.y) > 1e-7
        )
        if moved or school.location_label != label or school.location_observed_on != data_date:
            school.location = point
            school.location_source = LocationSource.OSM
            school.location_label = label
            school.location_observed_on = data_date
            fields += ["location", "location_source", "location_label", "location_observed_on"]
        if cand.name != school.name:  # renamed in the newer source: same school, same id
            school.name, school.source_name = cand.name, cand.source_name
            fields += ["name", "source_name"]
    elif school.location is None or school.location.distance(point) > 1e-7:
        summary.positions_kept += 1
    new_grounds = grounds is not None and (
        school.grounds is None or (wins and not school.grounds.equals_exact(grounds, 1e-7))
    )
    if new_grounds:
        school.grounds = grounds
        fields.append("grounds")
    if school.level == "other" and cand.level != "other":
        school.level = cand.level
        fields.append("level")
    if fields and school.pk is not None:  # a school new in this import is written later
        school.save(update_fields=[*fields, "updated_at"])
    return bool(fields) and school.pk is not None


def _record_positions(positions: list[SchoolPosition], data_date) -> None:
    """Store the positions not recorded yet (one per school, object and date)."""
    known = set(
        SchoolPosition.objects.filter(
            source=LocationSource.OSM,
            observed_on=data_date,
            source_ref__in={p.source_ref for p in positions},
        ).values_list("school_id", "source_ref")
    )
    fresh: dict[tuple[int, str], SchoolPosition] = {}
    for position in positions:
        key = (position.school.pk, position.source_ref)
        if key not in known:
            fresh.setdefault(key, position)
    SchoolPosition.objects.bulk_create(fresh.values())


def _code(ref: str) -> str:
    kind, number = ref.split("/")
    return f"{CODE_PREFIX[kind]}{number}"


def _address(tags: dict[str, str]) -> str:
    parts = [tags.get(k, "") for k in ("addr:housenumber", "addr:street", "addr:full")]
    return ", ".join(p.strip() for p in parts if p and p.strip())[:500]
