"""Spatial references from outside the code are EPSG codes from an allow-list, never a definition.

Debian 12's GDAL 3.6 can be made to read files or the network by a crafted spatial-reference
definition (gis.W001, docs/adr/0004). Nothing a person types or uploads reaches GDAL or PROJ as
such a definition: import commands take an alias or an allow-listed EPSG code, imported files must
declare an allow-listed CRS, and geometry form fields (the admin's maps) refuse a GeoJSON ``crs``
member, GML/KML and EWKT/EWKB with another SRID (docs/adr/0019)."""

from __future__ import annotations

import json
import re

from django.contrib.gis.forms import GeometryField
from django.core.exceptions import ValidationError

#: WGS 84, Web Mercator, WGS 84 / UTM 48N, VN-2000 (geographic), VN-2000 / UTM 48N,
#: VN-2000 / TM-3 105°45′ (Ho Chi Minh City's cadastral zone).
ALLOWED_EPSG = frozenset({4326, 3857, 32648, 4756, 3405, 9210})
_EPSG = re.compile(r"^(?:EPSG:)?(\d{4,5})$", re.IGNORECASE)
_EWKT_SRID = re.compile(r"^\s*SRID=(\d+)\s*;", re.IGNORECASE)


class SpatialReferenceRefused(ValueError):
    pass


def epsg_code(value: str | int) -> int:
    """The EPSG code of ``4326`` / ``EPSG:4326`` when it is allow-listed."""
    match = _EPSG.match(str(value).strip())
    if not match or int(match.group(1)) not in ALLOWED_EPSG:
        allowed = ", ".join(f"EPSG:{c}" for c in sorted(ALLOWED_EPSG))
        raise SpatialReferenceRefused(
            f"{str(value)[:60]!r} is not an allowed coordinate reference system "
            f"(allowed: {allowed})"
        )
    return int(match.group(1))


def check_geometry_text(text: str) -> None:
    """Refuse geometry input that carries a spatial-reference definition."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError as exc:
            raise SpatialReferenceRefused("not valid GeoJSON") from exc
        if not isinstance(document, dict) or "crs" in document:
            raise SpatialReferenceRefused("a GeoJSON crs member is not accepted")
        return
    if stripped.startswith("<"):
        raise SpatialReferenceRefused("GML and KML are not accepted")
    match = _EWKT_SRID.match(stripped)
    if match:
        epsg_code(match.group(1))


_original_to_python = GeometryField.to_python


def _safe_to_python(self, value):
    if isinstance(value, str) and value not in self.empty_values:
        try:
            check_geometry_text(value)
        except SpatialReferenceRefused as exc:
            raise ValidationError(self.error_messages["invalid_geom"], code="invalid_geom") from exc
    geometry = _original_to_python(self, value)
    if geometry is not None and geometry.srid and geometry.srid not in ALLOWED_EPSG:
        raise ValidationError(self.error_messages["invalid_geom"], code="invalid_geom")
    return geometry


def install() -> None:
    """Guard every geometry form field (admin maps included) once, at start-up."""
    if GeometryField.to_python is not _safe_to_python:
        GeometryField.to_python = _safe_to_python
