"""Shared import steps: column checks, geometry repair, the summary and the progress bar."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from tqdm import tqdm

from .errors import ImportFileError


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    repaired: list[int] = field(default_factory=list)
    dry_run: bool = False

    def as_text(self) -> str:
        head = "DRY RUN (nothing saved): " if self.dry_run else ""
        text = (
            f"{head}created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejected)}"
        )
        if self.repaired:
            text += f"; repaired geometry in rows {', '.join(map(str, self.repaired))}"
        return text


class DryRunRollback(Exception):
    """Raised inside the import transaction to roll a dry run back."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str | None], *, source: str) -> None:
    missing = [c for c in columns if c and c not in frame.columns]
    if missing:
        raise ImportFileError(
            f"{source}: missing required column(s): {', '.join(missing)} "
            f"(the file has: {', '.join(map(str, frame.columns))})"
        )


def text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def repair_polygons(frame: gpd.GeoDataFrame, summary: ImportSummary) -> dict[int, object]:
    """Row number → valid (Multi)Polygon. Invalid shapes are repaired with make_valid; rows whose
    geometry is missing or holds no polygon after repair are rejected with their row number."""
    result = {}
    for row, geom in frame.geometry.items():
        if geom is None or geom.is_empty:
            summary.rejected.append((row, "geometry is missing"))
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
            summary.repaired.append(row)
        polygonal = _polygonal_part(geom)
        if polygonal is None:
            summary.rejected.append((row, f"geometry is a {geom.geom_type}, not a polygon"))
            continue
        result[row] = polygonal
    return result


def _polygonal_part(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon") and g.area > 0]
        if parts:
            return shapely.union_all(parts)
    return None


def geometry_hash(geom) -> str:
    """Stable hash of a geometry at ~1 cm precision, to tell unchanged rows from updates."""
    normalized = shapely.set_precision(geom, 1e-7).normalize()
    return hashlib.sha256(shapely.to_wkb(normalized, hex=False)).hexdigest()


def progress(rows: Iterable, *, total: int, desc: str) -> Iterator:
    # disable=None shows the bar on a terminal only, so logs and CI stay clean.
    return iter(tqdm(rows, total=total, desc=desc, unit="row", disable=None, leave=False))
