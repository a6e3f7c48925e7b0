"""Import the old→new administrative unit mapping (one row per receiving unit)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.db import transaction

from gis.models import AdminUnit, AdminUnitMapping, AdminVintage

from .base import DryRunRollback, ImportSummary, require_columns, text
from .errors import ImportFileError

REQUIRED = ["old_ward_code", "old_ward", "new_ward_code_2025", "is_divided"]
TRUE_VALUES = {"true", "1", "yes", "có"}


def import_admin_mapping(
    *, path: str | Path, old_vintage: AdminVintage, new_vintage: AdminVintage, dry_run: bool = False
) -> ImportSummary:
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ImportFileError(f"{path.name}: cannot be read as CSV ({exc})") from exc
    table.index = pd.RangeIndex(1, len(table) + 1)
    require_columns(table, REQUIRED, source=path.name)
    summary = ImportSummary(dry_run=dry_run)
    new_units = {u.code: u for u in AdminUnit.objects.filter(vintage=new_vintage)}
    old_units = {u.code: u for u in AdminUnit.objects.filter(vintage=old_vintage)}
    try:
        with transaction.atomic():
            existing = {
                (m.old_code, m.new_unit_id): m
                for m in AdminUnitMapping.objects.select_for_update().filter(
                    old_vintage=old_vintage
                )
            }
            for row, record in table.iterrows():
                new_unit = new_units.get(text(record["new_ward_code_2025"]))
                if new_unit is None:
                    summary.rejected.append(
                        (
                            row,
                            f"new unit {record['new_ward_code_2025']} is not in "
                            f"vintage {new_vintage.code}",
                        )
                    )
                    continue
                old_code = text(record["old_ward_code"])
                values = {
                    "old_name": text(record["old_ward"]),
                    "old_district_name": text(record.get("old_district", "")),
                    "old_province_name": text(record.get("old_province", "")),
                    "old_unit": old_units.get(old_code),
                    "is_merged": text(record.get("is_merged", "")).lower() in TRUE_VALUES,
                    "is_divided": text(record["is_divided"]).lower() in TRUE_VALUES,
                }
                mapping = existing.get((old_code, new_unit.pk))
                if mapping is None:
                    AdminUnitMapping.objects.create(
                        old_vintage=old_vintage, old_code=old_code, new_unit=new_unit, **values
                    )
                    summary.created += 1
                elif any(getattr(mapping, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(mapping, key, value)
                    mapping.save()
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return summary
