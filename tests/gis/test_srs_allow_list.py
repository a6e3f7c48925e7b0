"""No spatial-reference definition from outside the code reaches GDAL/PROJ: EPSG codes from an
allow-list only (import commands, imported files, every geometry form field)."""

import geopandas as gpd
import pytest
import shapely
from django.contrib.gis import forms
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from gis.importers.errors import ImportFileError
from gis.importers.readers import read_dataset, resolve_crs
from gis.srs import ALLOWED_EPSG, epsg_code

DEFINITIONS = [
    "+proj=longlat +datum=WGS84 +init=/etc/passwd",
    'GEOGCS["x",DATUM["y",SPHEROID["z",6378137,298.257223563]],PRIMEM["G",0],UNIT["d",0.0174]]',
    "http://example.invalid/crs.wkt",
    "EPSG:2000",
    "urn:ogc:def:crs:EPSG::4326",
]


@pytest.mark.parametrize("value", DEFINITIONS)
def test_import_commands_take_no_definition(value):
    with pytest.raises(ImportFileError, match="not an allowed coordinate reference system"):
        resolve_crs(value)


def test_aliases_and_allow_listed_codes_resolve():
    assert resolve_crs("vn2000-hcmc").to_epsg() == 9210
    assert resolve_crs("EPSG:3405").to_epsg() == 3405
    assert resolve_crs("4326").to_epsg() == 4326
    assert epsg_code("epsg:32648") == 32648 and 32648 in ALLOWED_EPSG


@pytest.mark.django_db
def test_the_command_line_refuses_a_proj_string(tmp_path):
    (tmp_path / "s.csv").write_text("name,x,y\nA,600000,1190000\n")
    with pytest.raises(CommandError, match="not an allowed"):
        call_command("import_schools", str(tmp_path / "s.csv"), "--crs", DEFINITIONS[0])


def test_a_file_declaring_another_crs_is_refused(tmp_path):
    path = tmp_path / "units.gpkg"
    frame = gpd.GeoDataFrame(
        {"name": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="+proj=merc +lon_0=105"
    )
    frame.to_file(path, engine="pyogrio")
    with pytest.raises(ImportFileError, match="not an allowed EPSG code"):
        read_dataset(path)


@pytest.mark.parametrize(
    "value",
    [
        '{"type": "Point", "coordinates": [106.7, 10.77], "crs": {"type": "name", '
        '"properties": {"name": "+proj=longlat +init=/etc/passwd"}}}',
        '<gml:Point srsName="+proj=longlat +init=/etc/passwd"><gml:coordinates>106.7,10.77'
        "</gml:coordinates></gml:Point>",
        "SRID=2000;POINT(106.7 10.77)",
        "0101000020D0070000CDCCCCCCCCAC5A400AD7A3703D8A2540",  # EWKB, SRID 2000
    ],
    ids=["geojson-crs", "gml", "ewkt-srid", "ewkb-srid"],
)
def test_geometry_form_fields_refuse_spatial_reference_input(value):
    field = forms.PointField(srid=4326)
    field.widget = forms.Textarea()  # plain text: what a crafted POST sends
    with pytest.raises(ValidationError):
        field.clean(value)


def test_geometry_form_fields_accept_plain_and_allow_listed_input():
    field = forms.PointField(srid=4326)
    field.widget = forms.Textarea()
    assert field.clean('{"type": "Point", "coordinates": [106.7, 10.77]}').coords == (106.7, 10.77)
    point = field.clean("SRID=3405;POINT(686000 1191000)")
    assert point.srid == 4326 and 106 < point.x < 107.5 and 10 < point.y < 11.5
