"""The one place that builds GEOS points: always keyword lon=/lat= in WGS 84.

Axis order is the classic GIS trap (GeoJSON is [lon, lat], people say "lat, lon"); domain code never
calls Point(a, b) positionally.
"""

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon

WGS84 = 4326
# Metric projection for Ho Chi Minh City (UTM zone 48N) used where planar metres are needed.
HCMC_METRIC_SRID = 32648
# VN-2000 / TM-3 105-45: the local 3-degree zone Ho Chi Minh City cadastral data use.
VN2000_HCMC_TM3 = "EPSG:9210"
VN2000_UTM48N = "EPSG:3405"
CRS_ALIASES = {
    "vn2000-hcmc": VN2000_HCMC_TM3,
    "vn2000-tm3-105-45": VN2000_HCMC_TM3,
    "vn2000-utm48n": VN2000_UTM48N,
    "wgs84": "EPSG:4326",
}


def make_point(*, lon: float, lat: float) -> Point:
    """A WGS 84 point. Raises ValueError for coordinates that are not on the globe."""
    lon, lat = float(lon), float(lat)
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon} is outside -180..180")
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat} is outside -90..90")
    return Point(x=lon, y=lat, srid=WGS84)


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """Coerce a (Multi)Polygon or a collection holding polygons to a MultiPolygon in WGS 84."""
    if geom.srid is None:
        geom.srid = WGS84
    if geom.srid != WGS84:
        geom = geom.transform(WGS84, clone=True)
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon(geom, srid=WGS84)
    polygons = [g for g in geom if isinstance(g, Polygon | MultiPolygon)]
    parts = []
    for g in polygons:
        parts.extend(list(g) if isinstance(g, MultiPolygon) else [g])
    if not parts:
        raise ValueError(f"{geom.geom_type} holds no polygon")
    return MultiPolygon(*parts, srid=WGS84)


def from_shapely(geom) -> GEOSGeometry:
    """A shapely geometry (WGS 84) as GEOS, via WKB."""
    return GEOSGeometry(memoryview(geom.wkb), srid=WGS84)
