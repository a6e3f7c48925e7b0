"""Import administrative units from any readable file; upsert by (vintage, code)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction

from gis.constants import AdminLevel
from gis.geometry import as_multipolygon, from_shapely
from gis.models import AdminUnit, AdminVintage

from .base import (
    DryRunRollback,
    ImportSummary,
    geometry_hash,
    progress,
    repair_polygons,
    require_columns,
    text,
)
from .errors import ImportFileError
from .readers import read_dataset

# Vietnamese unit-type prefixes and English level words → level. Longest prefixes first.
LEVEL_PREFIXES = [
    ("thành phố", AdminLevel.PROVINCE),
    ("tỉnh", AdminLevel.PROVINCE),
    ("quận", AdminLevel.DISTRICT),
    ("huyện", AdminLevel.DISTRICT),
    ("thị xã", AdminLevel.DISTRICT),
    ("phường", AdminLevel.WARD),
    ("xã", AdminLevel.COMMUNE),
    ("thị trấn", AdminLevel.TOWNSHIP),
    ("đặc khu", AdminLevel.SPECIAL_ZONE),
]
LEVEL_WORDS = {
    "province": AdminLevel.PROVINCE,
    "city": AdminLevel.PROVINCE,
    "district": AdminLevel.DISTRICT,
    "ward": AdminLevel.WARD,
    "commune": AdminLevel.COMMUNE,
    "town": AdminLevel.TOWNSHIP,
    "township": AdminLevel.TOWNSHIP,
    "special_zone": AdminLevel.SPECIAL_ZONE,
    "special zone": AdminLevel.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class AdminUnitColumns:
    code: str = "code"
    name: str = "name"
    name_en: str | None = None
    level: str | None = None  # column holding the level; else the name's prefix decides
    parent_code: str | None = None  # column holding the parent's code in the same vintage
    population: str | None = None
    area_km2: str | None = None
    keep: tuple[str, ...] = ()


def parse_level(value: str, *, name: str) -> AdminLevel | None:
    lowered = value.strip().lower()
    if lowered in AdminLevel.values:
        return AdminLevel(lowered)
    if lowered in LEVEL_WORDS:
        return LEVEL_WORDS[lowered]
    lowered_name = name.strip().lower()
    for prefix, level in LEVEL_PREFIXES:
        if lowered_name.startswith(prefix + " "):
            return level
    return None


def import_admin_units(
    *,
    path: str | Path,
    vintage: AdminVintage,
    columns: AdminUnitColumns,
    level: str | None = None,
    parent_code: str | None = None,
    population_year: int | None = None,
    crs: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportSummary:
    dataset = read_dataset(path, crs=crs)
    frame = dataset.frame
    source = Path(path).name
    require_columns(
        frame,
        [
            columns.code,
            columns.name,
            columns.name_en,
            columns.level,
            columns.parent_code,
            columns.population,
            columns.area_km2,
            *columns.keep,
        ],
        source=source,
    )
    summary = ImportSummary(dry_run=dry_run)
    geometries = repair_polygons(frame, summary)
    rows = _parse_rows(frame, geometries, columns, level, summary)
    if strict and summary.rejected:
        raise ImportFileError(_rejections_message(source, summary))
    try:
        with transaction.atomic():
            _upsert(
                rows,
                vintage=vintage,
                parent_code=parent_code,
                population_year=population_year,
                summary=summary,
                source=source,
            )
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return summary


def _rejections_message(source: str, summary: ImportSummary) -> str:
    details = "; ".join(f"row {row}: {reason}" for row, reason in summary.rejected[:20])
    return f"{source}: {len(summary.rejected)} row(s) rejected, nothing imported ({details})"


def _parse_rows(frame, geometries, columns: AdminUnitColumns, level, summary) -> list[dict]:
    rows, seen = [], {}
    for row, record in frame.iterrows():
        if row not in geometries:
            continue
        code, name = text(record[columns.code]), text(record[columns.name])
        if code.endswith(".0") and code[:-2].isdigit():
            code = code[:-2]
        if not code or not name:
            summary.rejected.append((row, f"{columns.code if not code else columns.name} is empty"))
            continue
        if code in seen:
            summary.rejected.append((row, f"code {code} repeats row {seen[code]}"))
            continue
        seen[code] = row
        unit_level = parse_level(
            level or text(record[columns.level]) if columns.level else level or "", name=name
        )
        if unit_level is None:
            summary.rejected.append((row, f"level of {name!r} cannot be determined; pass --level"))
            continue
        rows.append(
            {
                "row": row,
                "code": code,
                "name": name,
                "level": unit_level,
                "name_en": text(record[columns.name_en]) if columns.name_en else "",
                "parent_code": text(record[columns.parent_code]) if columns.parent_code else "",
                "population": _number(record, columns.population, int),
                "area_km2": _number(record, columns.area_km2, float),
                "attributes": {k: text(record[k]) for k in columns.keep},
                "geom": geometries[row],
            }
        )
    return rows


def _number(record, column, kind):
    if not column:
        return None
    value = pd.to_numeric(text(record[column]) or None, errors="coerce")
    return None if pd.isna(value) else kind(value)


def _upsert(rows, *, vintage, parent_code, population_year, summary, source):
    existing = {u.code: u for u in AdminUnit.objects.select_for_update().filter(vintage=vintage)}
    parents = dict(existing)
    for item in progress(rows, total=len(rows), desc=f"import {source}"):
        geom = item.pop("geom")
        geom_hash = geometry_hash(geom)
        wanted_parent_code = item.pop("parent_code") or parent_code
        parent = parents.get(wanted_parent_code) if wanted_parent_code else None
        if wanted_parent_code and parent is None:
            summary.rejected.append(
                (
                    item["row"],
                    f"parent {wanted_parent_code} is not a unit of vintage {vintage.code}",
                )
            )
            continue
        values = {
            "name": item["name"],
            "name_en": item["name_en"],
            "level": item["level"],
            "parent": parent,
            "population": item["population"],
            "population_year": population_year if item["population"] is not None else None,
            "area_km2": item["area_km2"],
            "attributes": item["attributes"],
            "geom_hash": geom_hash,
        }
        unit = existing.get(item["code"])
        if unit is None:
            unit = AdminUnit.objects.create(
                vintage=vintage,
                code=item["code"],
                geom=as_multipolygon(from_shapely(geom)),
                **values,
            )
            summary.created += 1
        elif _differs(unit, values):
            for key, value in values.items():
                setattr(unit, key, value)
            unit.geom = as_multipolygon(from_shapely(geom))
            unit.save()
            summary.updated += 1
        else:
            summary.unchanged += 1
        parents[unit.code] = unit


def _differs(unit: AdminUnit, values: dict) -> bool:
    for key, value in values.items():
        current = unit.parent_id if key == "parent" else getattr(unit, key)
        wanted = value.pk if key == "parent" and value is not None else value
        if isinstance(current, float) and isinstance(wanted, float):
            if abs(current - wanted) > 1e-9:
                return True
        elif current != wanted:
            return True
    return False
