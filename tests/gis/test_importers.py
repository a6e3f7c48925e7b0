"""Importers: formats, CRS (incl. VN-2000), geometry repair, missing columns, idempotency."""

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyproj import Geod

from gis.importers.admin_units import AdminUnitColumns, import_admin_units
from gis.importers.errors import ImportFileError
from gis.importers.schools import SchoolColumns, import_schools
from gis.models import AdminUnit, School
from gis.services import vintage_ensure

pytestmark = pytest.mark.django_db

# Two adjacent squares in District 1, in WGS 84.
SQUARE_A = shapely.box(106.690, 10.770, 106.700, 10.780)
SQUARE_B = shapely.box(106.700, 10.770, 106.710, 10.780)
BOWTIE = shapely.Polygon([(106.69, 10.76), (106.70, 10.77), (106.70, 10.76), (106.69, 10.77)])


@pytest.fixture
def vintage():
    import datetime as dt

    return vintage_ensure(code="test", name="Test vintage", valid_from=dt.date(2030, 1, 1))


def write_units(path, geoms, names=("Phường Thử A", "Phường Thử B"), crs="EPSG:4326"):
    frame = gpd.GeoDataFrame(
        {"code": [f"9000{i}" for i in range(len(geoms))], "name": list(names)[: len(geoms)]},
        geometry=list(geoms),
        crs="EPSG:4326",
    ).to_crs(crs)
    frame.to_file(path, driver="GeoJSON")
    return path


def test_good_geojson_creates_then_reimport_is_unchanged(tmp_path, vintage):
    path = write_units(tmp_path / "units.geojson", [SQUARE_A, SQUARE_B])
    first = import_admin_units(path=path, vintage=vintage, columns=AdminUnitColumns())
    assert (first.created, first.updated, first.unchanged, first.rejected) == (2, 0, 0, [])
    unit = AdminUnit.objects.get(vintage=vintage, code="90000")
    assert unit.name == "Phường Thử A"  # diacritics kept
    assert unit.level == "ward"  # from the "Phường" prefix
    assert unit.geom.geom_type == "MultiPolygon"

    again = import_admin_units(path=path, vintage=vintage, columns=AdminUnitColumns())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_changed_geometry_is_an_update(tmp_path, vintage):
    import_admin_units(
        path=write_units(tmp_path / "a.geojson", [SQUARE_A, SQUARE_B]),
        vintage=vintage,
        columns=AdminUnitColumns(),
    )
    moved = shapely.affinity.translate(SQUARE_B, xoff=0.001)
    summary = import_admin_units(
        path=write_units(tmp_path / "b.geojson", [SQUARE_A, moved]),
        vintage=vintage,
        columns=AdminUnitColumns(),
    )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)


@pytest.mark.parametrize("crs", ["EPSG:9210", "EPSG:3405"])
def test_vn2000_zipped_shapefile_is_transformed_to_wgs84(tmp_path, vintage, crs):
    """VN-2000 / TM-3 105°45′ (the HCMC local zone) and VN-2000 / UTM 48N, read from the .prj."""
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    write_units(shp_dir / "units.shp", [SQUARE_A, SQUARE_B], crs=crs)
    archive = tmp_path / "units.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    summary = import_admin_units(path=archive, vintage=vintage, columns=AdminUnitColumns())
    assert summary.created == 2
    stored = AdminUnit.objects.get(vintage=vintage, code="90000").geom
    geod = Geod(ellps="WGS84")
    # Every corner comes back within a few centimetres of where it started.
    for (x0, y0), (x1, y1) in zip(
        SQUARE_A.exterior.coords, stored[0].exterior_ring.coords, strict=False
    ):
        _, _, metres = geod.inv(x0, y0, x1, y1)
        assert metres < 0.05


def test_csv_with_vn2000_coordinates_and_crs_alias(tmp_path):
    """A CSV of school points in VN-2000 / TM-3 105°45′ metres, declared with --crs vn2000-hcmc."""
    lon, lat = 106.7009, 10.7769  # Nguyễn Huệ, in Phường Sài Gòn since 2025
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs("EPSG:9210")[0]
    assert point.x > 500_000  # metres, not degrees
    pd.DataFrame(
        {"code": ["T1"], "name": ["Trường Tiểu học Thử"], "x": [point.x], "y": [point.y]}
    ).to_csv(tmp_path / "s.csv", index=False)
    call_command(
        "import_schools",
        str(tmp_path / "s.csv"),
        "--crs",
        "vn2000-hcmc",
        "--level",
        "primary",
        "--code-prefix",
        "TEST-",
    )
    school = School.objects.get(code="TEST-T1")
    _, _, metres = Geod(ellps="WGS84").inv(lon, lat, school.location.x, school.location.y)
    assert metres < 0.05
    assert school.admin_unit.name == "Phường Sài Gòn"  # computed from the point


def test_projected_csv_without_crs_is_refused(tmp_path):
    pd.DataFrame({"name": ["X"], "x": [600000.0], "y": [1190000.0]}).to_csv(tmp_path / "p.csv")
    with pytest.raises(CommandError, match="--crs"):
        call_command("import_schools", str(tmp_path / "p.csv"))


def test_invalid_geometry_is_repaired_and_reported(tmp_path, vintage):
    path = write_units(tmp_path / "bow.geojson", [SQUARE_A, BOWTIE])
    summary = import_admin_units(path=path, vintage=vintage, columns=AdminUnitColumns())
    assert summary.repaired == [2]
    assert summary.created == 2
    repaired = AdminUnit.objects.get(vintage=vintage, code="90001").geom
    assert repaired.valid
    assert len(repaired) == 2  # the bow-tie became its two triangles


def test_non_polygon_rows_are_rejected_with_row_numbers(tmp_path, vintage):
    path = write_units(tmp_path / "mixed.geojson", [SQUARE_A, shapely.Point(106.7, 10.77)])
    summary = import_admin_units(path=path, vintage=vintage, columns=AdminUnitColumns())
    assert summary.rejected == [(2, "geometry is a Point, not a polygon")]
    assert summary.created == 1


def test_strict_mode_changes_nothing_when_a_row_is_rejected(tmp_path, vintage):
    path = write_units(tmp_path / "mixed.geojson", [SQUARE_A, shapely.Point(106.7, 10.77)])
    with pytest.raises(ImportFileError, match="row 2: geometry is a Point"):
        import_admin_units(path=path, vintage=vintage, columns=AdminUnitColumns(), strict=True)
    assert not AdminUnit.objects.filter(vintage=vintage).exists()


def test_missing_columns_are_named_and_nothing_changes(tmp_path, vintage):
    path = write_units(tmp_path / "units.geojson", [SQUARE_A])
    with pytest.raises(ImportFileError) as excinfo:
        import_admin_units(
            path=path, vintage=vintage, columns=AdminUnitColumns(code="ma_xa", name="ten_xa")
        )
    assert "missing required column(s): ma_xa, ten_xa" in excinfo.value.message
    assert not AdminUnit.objects.filter(vintage=vintage).exists()


def test_command_reports_missing_columns_as_a_command_error(tmp_path, vintage):
    path = write_units(tmp_path / "units.geojson", [SQUARE_A])
    with pytest.raises(CommandError, match="missing required column"):
        call_command("import_admin_units", str(path), "--vintage", "test", "--code-field", "nope")


def test_dry_run_saves_nothing(tmp_path, vintage):
    path = write_units(tmp_path / "units.geojson", [SQUARE_A, SQUARE_B])
    summary = import_admin_units(
        path=path, vintage=vintage, columns=AdminUnitColumns(), dry_run=True
    )
    assert summary.created == 2 and summary.dry_run
    assert not AdminUnit.objects.filter(vintage=vintage).exists()


def test_xlsx_schools_with_lon_lat_and_unknown_positions(tmp_path):
    frame = pd.DataFrame(
        {
            "ma_truong": ["X1", "X2"],
            "ten": ["Trường Tiểu học Thử Một", "Trường Tiểu học Chưa Rõ"],
            "lon": ["106.7009", ""],
            "lat": ["10.7769", ""],
        }
    )
    path = tmp_path / "schools.xlsx"
    frame.to_excel(path, index=False)
    summary = import_schools(
        path=path,
        vintage=AdminUnit.objects.get(code="79").vintage,
        columns=SchoolColumns(code="ma_truong", name="ten"),
        level="primary",
        code_prefix="XL-",
    )
    assert summary.created == 2
    located = School.objects.get(code="XL-X1")
    unknown = School.objects.get(code="XL-X2")
    assert located.location_source == "surveyed" and located.admin_unit is not None
    assert unknown.location is None and unknown.location_source == "unknown"
    assert unknown.admin_unit is None


def test_unsupported_format_is_refused(tmp_path, vintage):
    path = tmp_path / "units.txt"
    path.write_text("nothing")
    with pytest.raises(ImportFileError, match=r"unsupported format \.txt"):
        import_admin_units(path=path, vintage=vintage, columns=AdminUnitColumns())


def test_csv_with_a_wkt_column_imports_polygons(tmp_path, vintage):
    pd.DataFrame({"code": ["91000"], "name": ["Xã Thử WKT"], "wkt": [SQUARE_A.wkt]}).to_csv(
        tmp_path / "units.csv", index=False
    )
    summary = import_admin_units(
        path=tmp_path / "units.csv", vintage=vintage, columns=AdminUnitColumns()
    )
    assert summary.created == 1
    unit = AdminUnit.objects.get(vintage=vintage, code="91000")
    assert unit.level == "commune"
    assert unit.geom.area == pytest.approx(SQUARE_A.area)


def test_unparseable_wkt_names_the_row(tmp_path, vintage):
    pd.DataFrame(
        {"code": ["1", "2"], "name": ["Xã A", "Xã B"], "wkt": [SQUARE_A.wkt, "POLYGON((oops))"]}
    ).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ImportFileError, match="row 2: WKT cannot be parsed"):
        import_admin_units(path=tmp_path / "bad.csv", vintage=vintage, columns=AdminUnitColumns())
    assert not AdminUnit.objects.filter(vintage=vintage).exists()
