"""Read GeoJSON, (zipped) Shapefile, GeoPackage, CSV and XLSX into a GeoDataFrame in WGS 84.

CRS handling: a file that declares its CRS (Shapefile .prj, GeoPackage, GeoJSON) is transformed from
it with pyproj; a CSV/XLSX has none, so it is taken from --crs, or assumed WGS 84 when every
coordinate is a plausible longitude/latitude. VN-2000 aliases are in gis.geometry.CRS_ALIASES.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from gis.geometry import CRS_ALIASES
from gis.srs import ALLOWED_EPSG, SpatialReferenceRefused, epsg_code

from .errors import ImportFileError

VECTOR_SUFFIXES = {".geojson", ".json", ".shp", ".gpkg", ".zip", ".fgb"}
TABLE_SUFFIXES = {".csv", ".xlsx", ".xls"}
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "kinh_do", "kinh độ")
LAT_NAMES = ("lat", "latitude", "y", "vi_do", "vĩ độ")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom")


@dataclass(frozen=True)
class Dataset:
    frame: gpd.GeoDataFrame  # EPSG:4326, index = 1-based row number in the source
    source_crs: str


def resolve_crs(value: str | None) -> CRS | None:
    """An alias or an allow-listed EPSG code; never a PROJ string or WKT (gis.srs)."""
    if not value:
        return None
    try:
        code = epsg_code(CRS_ALIASES.get(value.strip().lower(), value.strip()))
        return CRS.from_epsg(code)
    except (CRSError, SpatialReferenceRefused) as exc:
        raise ImportFileError(f"--crs: {exc}") from exc


def _declared_crs_allowed(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A file's own CRS (.prj, GeoPackage, GeoJSON) must be an allow-listed EPSG one."""
    code = frame.crs.to_epsg() if frame.crs is not None else None
    if code not in ALLOWED_EPSG:
        raise ImportFileError(
            f"{path.name}: its coordinate reference system is not an allowed EPSG code "
            f"({str(frame.crs)[:80]}); reproject it or pass --crs with an allowed code"
        )


def read_dataset(
    path: str | Path,
    *,
    crs: str | None = None,
    lon_field: str | None = None,
    lat_field: str | None = None,
    wkt_field: str | None = None,
) -> Dataset:
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    override = resolve_crs(crs)
    if suffix in VECTOR_SUFFIXES:
        frame = _read_vector(path, override)
    elif suffix in TABLE_SUFFIXES:
        frame = _read_table(
            path, override, lon_field=lon_field, lat_field=lat_field, wkt_field=wkt_field
        )
    else:
        raise ImportFileError(
            f"{path.name}: unsupported format {suffix or '(none)'}; use GeoJSON, zipped Shapefile, "
            "GeoPackage, CSV or XLSX"
        )
    source_crs = frame.crs.to_string() if frame.crs is not None else "EPSG:4326"
    if frame.crs is None:
        raise ImportFileError(f"{path.name}: coordinate reference system unknown; pass --crs")
    if not frame.crs.equals(CRS.from_epsg(4326)):
        frame = frame.to_crs(epsg=4326)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return Dataset(frame=frame, source_crs=source_crs)


def _read_vector(path: Path, override: CRS | None) -> gpd.GeoDataFrame:
    target = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        frame = gpd.read_file(target, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several DataSourceError/DataLayerError types
        raise ImportFileError(f"{path.name}: cannot be read as a vector dataset ({exc})") from exc
    if override is not None:
        frame = frame.set_crs(override, allow_override=True)
    elif frame.crs is None:
        frame = _assume_wgs84_if_plausible(frame, path)
    else:
        _declared_crs_allowed(frame, path)
    return frame


def _read_table(path: Path, override: CRS | None, *, lon_field, lat_field, wkt_field):
    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            table = pd.read_excel(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise ImportFileError(f"{path.name}: cannot be read as a table ({exc})") from exc
    table.columns = [str(c).strip() for c in table.columns]
    wkt_col = wkt_field or _find_column(table, WKT_NAMES)
    lon_col = lon_field or _find_column(table, LON_NAMES)
    lat_col = lat_field or _find_column(table, LAT_NAMES)
    if wkt_col and wkt_col in table.columns:
        geometry = _parse_wkt(table[wkt_col], path)
        table = table.drop(columns=[wkt_col])
    elif lon_col and lat_col and lon_col in table.columns and lat_col in table.columns:
        geometry = _parse_lon_lat(table[lon_col], table[lat_col], path)
    else:
        raise ImportFileError(
            f"{path.name}: no geometry columns; expected a WKT column ({', '.join(WKT_NAMES)}) or "
            f"longitude/latitude columns ({'/'.join(LON_NAMES[:4])} and {'/'.join(LAT_NAMES[:2])})"
        )
    frame = gpd.GeoDataFrame(table, geometry=geometry)
    if override is not None:
        return frame.set_crs(override)
    return _assume_wgs84_if_plausible(frame, path)


def _find_column(table: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in table.columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _parse_wkt(values: pd.Series, path: Path) -> gpd.GeoSeries:
    geoms = []
    for row, text in enumerate(values, start=1):
        text = (text or "").strip()
        if not text:
            geoms.append(None)
            continue
        try:
            geoms.append(shapely.from_wkt(text))
        except shapely.errors.GEOSException as exc:
            raise ImportFileError(f"{path.name}: row {row}: WKT cannot be parsed ({exc})") from exc
    return gpd.GeoSeries(geoms)


def _parse_lon_lat(lons: pd.Series, lats: pd.Series, path: Path) -> gpd.GeoSeries:
    lon = pd.to_numeric(lons.str.replace(",", ".", regex=False).replace("", None), errors="coerce")
    lat = pd.to_numeric(lats.str.replace(",", ".", regex=False).replace("", None), errors="coerce")
    bad = (lon.isna() != lat.isna()) | ((lons != "") & lon.isna()) | ((lats != "") & lat.isna())
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise ImportFileError(f"{path.name}: row {row}: longitude/latitude is not a number")
    points = [
        shapely.Point(x, y) if pd.notna(x) and pd.notna(y) else None
        for x, y in zip(lon, lat, strict=True)
    ]
    return gpd.GeoSeries(points)


def _assume_wgs84_if_plausible(frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    present = frame.geometry.dropna()
    if present.empty:
        return frame.set_crs(epsg=4326)
    minx, miny, maxx, maxy = present.total_bounds
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        return frame.set_crs(epsg=4326)
    raise ImportFileError(
        f"{path.name}: coordinates are not longitude/latitude and the file declares no CRS; pass "
        "--crs (e.g. vn2000-hcmc for VN-2000 / TM-3 105°45′, EPSG:3405 for VN-2000 / UTM 48N)"
    )
