"""Import schools from any readable file; upsert by school code. The administrative unit is computed
from the point afterwards, never read from the file (a reported ward is kept separately)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from django.db import transaction

from gis.constants import LocationSource, SchoolLevel
from gis.geometry import make_point
from gis.models import AdminUnit, AdminVintage, School
from gis.names import clean_school_name
from gis.services import school_refresh_admin_units

from .base import DryRunRollback, ImportSummary, progress, require_columns, text
from .errors import ImportFileError
from .readers import read_dataset

LEVEL_LABELS = {
    "tiểu học": SchoolLevel.PRIMARY,
    "th": SchoolLevel.PRIMARY,
    "primary": SchoolLevel.PRIMARY,
    "thcs": SchoolLevel.LOWER_SECONDARY,
    "trung học cơ sở": SchoolLevel.LOWER_SECONDARY,
    "thpt": SchoolLevel.UPPER_SECONDARY,
    "trung học phổ thông": SchoolLevel.UPPER_SECONDARY,
    "liên cấp": SchoolLevel.MULTI_LEVEL,
    "mầm non": SchoolLevel.KINDERGARTEN,
}


@dataclass(frozen=True)
class SchoolColumns:
    name: str = "name"
    code: str | None = "code"
    name_en: str | None = None
    level: str | None = None
    address: tuple[str, ...] = ()
    reported_ward: str | None = None
    grade1_classes: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None


def parse_school_level(value: str) -> SchoolLevel:
    lowered = value.strip().lower()
    if lowered in SchoolLevel.values:
        return SchoolLevel(lowered)
    return LEVEL_LABELS.get(lowered, SchoolLevel.OTHER)


def generated_code(*, prefix: str, ward_code: str, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.encode("ascii", "ignore").decode().lower()).strip(
        "-"
    )
    return f"{prefix}{ward_code}-{slug}"[:80]


def import_schools(
    *,
    path: str | Path,
    columns: SchoolColumns,
    vintage: AdminVintage,
    level: str | None = None,
    code_prefix: str = "",
    location_source: str = LocationSource.SURVEYED,
    data_source: str = "",
    crs: str | None = None,
    without_geometry: bool = False,
    only_levels: tuple[str, ...] = (),
    only_wards: tuple[str, ...] = (),
    dry_run: bool = False,
    strict: bool = False,
) -> ImportSummary:
    source = Path(path).name
    frame = _read(path, crs=crs, without_geometry=without_geometry)
    require_columns(
        frame,
        [
            columns.name,
            columns.code,
            columns.name_en,
            columns.level,
            *columns.address,
            columns.reported_ward,
            columns.grade1_classes,
            columns.phone,
            columns.email,
            columns.website,
        ],
        source=source,
    )
    summary = ImportSummary(dry_run=dry_run)
    wards = {u.code: u for u in AdminUnit.objects.filter(vintage=vintage)}
    rows = _parse_rows(
        frame,
        columns,
        level=level,
        code_prefix=code_prefix,
        wards=wards,
        only_levels=only_levels,
        only_wards=only_wards,
        summary=summary,
    )
    if strict and summary.rejected:
        details = "; ".join(f"row {r}: {why}" for r, why in summary.rejected[:20])
        raise ImportFileError(
            f"{source}: {len(summary.rejected)} row(s) rejected, nothing imported ({details})"
        )
    try:
        with transaction.atomic():
            touched = _upsert(
                rows,
                location_source=location_source,
                data_source=data_source,
                summary=summary,
                source=source,
            )
            school_refresh_admin_units(school_ids=touched)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return summary


def _read(path, *, crs, without_geometry) -> pd.DataFrame:
    path = Path(path)
    if not without_geometry:
        return read_dataset(path, crs=crs).frame
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    reader = pd.read_csv if path.suffix.lower() == ".csv" else pd.read_excel
    try:
        frame = reader(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise ImportFileError(f"{path.name}: cannot be read as a table ({exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    frame["geometry"] = None
    return frame


def _parse_rows(
    frame, columns: SchoolColumns, *, level, code_prefix, wards, only_levels, only_wards, summary
) -> list[dict]:
    rows, seen = [], {}
    for row, record in frame.iterrows():
        name = text(record[columns.name])
        if not name:
            summary.rejected.append((row, f"{columns.name} is empty"))
            continue
        school_level = parse_school_level(
            level or (text(record[columns.level]) if columns.level else "")
        )
        if only_levels and school_level not in only_levels:
            continue
        ward_code = text(record[columns.reported_ward]) if columns.reported_ward else ""
        if only_wards and ward_code not in only_wards:
            continue
        raw_code = text(record[columns.code]) if columns.code else ""
        code = (
            f"{code_prefix}{raw_code}"
            if raw_code
            else generated_code(prefix=code_prefix, ward_code=ward_code, name=name)
        )
        if code in seen:
            summary.rejected.append((row, f"code {code} repeats row {seen[code]}"))
            continue
        seen[code] = row
        geom = record.get("geometry")
        location = None
        if isinstance(geom, shapely.Geometry) and not geom.is_empty:
            if geom.geom_type != "Point":
                summary.rejected.append((row, f"geometry is a {geom.geom_type}, not a point"))
                continue
            try:
                location = make_point(lon=geom.x, lat=geom.y)
            except ValueError as exc:
                summary.rejected.append((row, str(exc)))
                continue
        classes = text(record[columns.grade1_classes]) if columns.grade1_classes else ""
        if classes and not classes.isdigit():
            summary.rejected.append(
                (row, f"{columns.grade1_classes} {classes!r} is not a whole number")
            )
            continue
        address = ", ".join(p for p in (text(record[c]) for c in columns.address) if p)
        rows.append(
            {
                "row": row,
                "code": code,
                "name": clean_school_name(name),
                "source_name": name,
                "level": school_level,
                "location": location,
                "name_en": text(record[columns.name_en]) if columns.name_en else "",
                "address": address,
                "reported_admin_unit": wards.get(ward_code),
                "grade1_classes": int(classes) if classes else None,
                "phone": text(record[columns.phone]) if columns.phone else "",
                "email": text(record[columns.email]) if columns.email else "",
                "website": text(record[columns.website]) if columns.website else "",
                "source_ref": raw_code,
            }
        )
    return rows


def _upsert(rows, *, location_source, data_source, summary, source) -> list[int]:
    codes = [r["code"] for r in rows]
    existing = {s.code: s for s in School.objects.select_for_update().filter(code__in=codes)}
    touched = []
    for item in progress(rows, total=len(rows), desc=f"import {source}"):
        item.pop("row")
        values = {k: v for k, v in item.items() if k != "code"}
        values["location_source"] = (
            location_source if values["location"] is not None else LocationSource.UNKNOWN
        )
        values["source"] = data_source
        school = existing.get(item["code"])
        if school is None:
            school = School.objects.create(code=item["code"], **values)
            summary.created += 1
        elif _differs(school, values):
            if values["location"] is None and school.location is not None:
                # A file without a position never erases one that staff placed.
                values.pop("location")
                values["location_source"] = school.location_source
            for key, value in values.items():
                setattr(school, key, value)
            school.save()
            summary.updated += 1
        else:
            summary.unchanged += 1
            continue
        touched.append(school.pk)
    return touched


def _differs(school: School, values: dict) -> bool:
    for key, wanted in values.items():
        current = getattr(school, key)
        if key == "location":
            if (current is None) != (wanted is None):
                if wanted is None and school.location_source != LocationSource.UNKNOWN:
                    continue
                return True
            if current is not None and (
                abs(current.x - wanted.x) > 1e-7 or abs(current.y - wanted.y) > 1e-7
            ):
                return True
        elif key == "location_source" and values.get("location") is None:
            continue
        elif current != wanted:
            return True
    return False
