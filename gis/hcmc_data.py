"""The recipe that loads the real Ho Chi Minh City data in fixtures/ through the generic importers.

Idempotent: every step upserts, so a second run reports everything unchanged. Files in
fixtures/source/ are unmodified copies of the sources listed in fixtures/README.md; the small
joins below (population onto the 2025 wards, Vietnamese names onto the 2019 wards, districts
dissolved from the 2019 wards) are done here, at load time, into a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from django.conf import settings
from django.db import transaction

from .constants import LocationSource, SchoolLevel
from .importers.admin_units import AdminUnitColumns, import_admin_units
from .importers.base import ImportSummary
from .importers.mapping import import_admin_mapping
from .importers.schools import SchoolColumns, import_schools
from .models import DatasetLoad, School
from .names import clean_school_name
from .services import vintage_ensure

SOURCE_2025 = (
    "vietnamese-provinces-database (Thang Le Quoc, MIT), derived from "
    "sapnhap.bando.com.vn; population and composition: vietnamadminunits (MIT)"
)
SOURCE_2019 = "CityScope CSL_HCMC (City Science Lab @ HCMC); census population GSO 2009/2019"
SOURCE_OSM = "© OpenStreetMap contributors, ODbL 1.0 (HOT export)"
NHA_BE_COMMUNES = ("27655", "27658")
DATASET_NAME = "hcmc"
RECIPE_VERSION = "2"  # bump when the recipe below changes what it loads


def fixtures_dir() -> Path:
    return Path(settings.DATA_FIXTURES_DIR)


def fixtures_fingerprint() -> str:
    digest = hashlib.sha256(RECIPE_VERSION.encode())
    for path in sorted(fixtures_dir().rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(fixtures_dir()).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def hcmc_data_is_current() -> bool:
    return DatasetLoad.objects.filter(
        name=DATASET_NAME, fingerprint=fixtures_fingerprint()
    ).exists()


def load_hcmc_data(*, log: Callable[[str], None] = lambda _: None) -> dict[str, ImportSummary]:
    src = fixtures_dir() / "source"
    summaries: dict[str, ImportSummary] = {}
    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        tmp = Path(tmp)
        v2019 = vintage_ensure(
            code="2019",
            name="2019 (24 quận/huyện)",
            valid_from=dt.date(2019, 1, 1),
            valid_to=dt.date(2021, 1, 1),
            source=SOURCE_2019,
        )
        v2021 = vintage_ensure(
            code="2021",
            name="2021–2025 (trước sắp xếp)",
            valid_from=dt.date(2021, 1, 1),
            valid_to=dt.date(2025, 7, 1),
            source="vietnamadminunits (MIT): codes and names only",
        )
        v2025 = vintage_ensure(
            code="2025",
            name="2025 (chính quyền hai cấp)",
            valid_from=dt.date(2025, 7, 1),
            source=SOURCE_2025,
        )

        def run(key, summary):
            summaries[key] = summary
            log(f"{key}: {summary.as_text()}")

        run(
            "2025 province",
            import_admin_units(
                path=src / "hcmc_province_2025.geojson",
                vintage=v2025,
                columns=AdminUnitColumns(
                    code="code", name="fullName", name_en="fullNameEn", area_km2="areaKm2"
                ),
                level="province",
                strict=True,
            ),
        )
        run(
            "2025 wards",
            import_admin_units(
                path=_wards_2025_with_population(src, tmp),
                vintage=v2025,
                columns=AdminUnitColumns(
                    code="code",
                    name="fullName",
                    name_en="fullNameEn",
                    population="population",
                    area_km2="areaKm2",
                    keep=("admin_center_address", "merged_from_pre2025_units"),
                ),
                parent_code="79",
                population_year=2025,
                strict=True,
            ),
        )
        run(
            "2019 districts",
            import_admin_units(
                path=_districts_2019(src, tmp),
                vintage=v2019,
                columns=AdminUnitColumns(code="code", name="name", population="Pop_2019"),
                level="district",
                population_year=2019,
                strict=True,
            ),
        )
        run(
            "2019 wards",
            import_admin_units(
                path=_wards_2019_named(src, tmp),
                vintage=v2019,
                columns=AdminUnitColumns(
                    code="Com_ID",
                    name="name_vi",
                    name_en="Com_Name",
                    level="Level",
                    parent_code="Dist_ID",
                    population="Pop_2019",
                    keep=("Pop_2009",),
                ),
                population_year=2019,
                strict=True,
            ),
        )
        run(
            "mapping 2021→2025",
            import_admin_mapping(
                path=src / "hcmc_ward_mapping_pre2025_to_2025.csv",
                old_vintage=v2021,
                new_vintage=v2025,
            ),
        )
        run(
            "OSM schools",
            import_schools(
                path=src / "hcmc_schools_osm_hotosm.geojson",
                vintage=v2025,
                columns=SchoolColumns(
                    code="osm_id",
                    name="name",
                    name_en="name_en",
                    level="level_guess",
                    address=("addr_housenumber", "addr_street", "addr_full"),
                    reported_ward="ward_code_2025",
                ),
                code_prefix="OSM-",
                location_source=LocationSource.OSM,
                data_source=SOURCE_OSM,
            ),
        )
        run(
            "Nhà Bè schools without position",
            import_schools(
                path=_nha_be_school_names(src, tmp),
                vintage=v2025,
                without_geometry=True,
                columns=SchoolColumns(
                    code=None, name="Tên trường", level="Cấp học", reported_ward="Mã Phường/Xã 2025"
                ),
                code_prefix="NOPOS-",
                only_levels=(SchoolLevel.PRIMARY,),
                only_wards=NHA_BE_COMMUNES,
                data_source=SOURCE_OSM + " (names only, via TuyensinhTanPhu)",
                strict=True,
            ),
        )
        DatasetLoad.objects.update_or_create(
            name=DATASET_NAME, defaults={"fingerprint": fixtures_fingerprint()}
        )
    return summaries


def _wards_2025_with_population(src: Path, tmp: Path) -> Path:
    wards = gpd.read_file(src / "hcmc_wards_2025.geojson")
    attributes = pd.read_csv(src / "hcmc_wards_2025_attributes.csv", dtype={"ward_code_2025": str})
    joined = wards.merge(
        attributes[
            ["ward_code_2025", "population", "admin_center_address", "merged_from_pre2025_units"]
        ],
        left_on="code",
        right_on="ward_code_2025",
        how="left",
        validate="one_to_one",
    )
    out = tmp / "wards_2025.geojson"
    out.write_text(joined.drop(columns=["ward_code_2025"]).to_json(), encoding="utf-8")
    return out


def _vietnamese_2019_name(row) -> str:
    if isinstance(row["name_vi_2025"], str) and row["name_vi_2025"]:
        return row["name_vi_2025"]
    numbered = re.fullmatch(r"Ward (\d+)", row["Com_Name"])
    if numbered:  # "Ward 8" is exactly "Phường 8"
        return f"Phường {numbered.group(1)}"
    return row["Com_Name"]  # no Vietnamese spelling in the sources; never guessed


def _wards_2019_named(src: Path, tmp: Path) -> Path:
    wards = gpd.read_file(src / "hcmc_wards_2019_cityscope.geojson")
    wards["name_vi"] = wards.apply(_vietnamese_2019_name, axis=1)
    out = tmp / "wards_2019.geojson"
    out.write_text(wards.to_json(), encoding="utf-8")
    return out


def _districts_2019(src: Path, tmp: Path) -> Path:
    wards = gpd.read_file(src / "hcmc_wards_2019_cityscope.geojson")
    names = pd.read_csv(fixtures_dir() / "hcmc_districts_2019.csv", dtype=str)
    districts = wards.dissolve(by="Dist_ID", aggfunc={"Pop_2019": "sum"}).reset_index()
    districts = districts.merge(names, left_on="Dist_ID", right_on="code", validate="one_to_one")
    out = tmp / "districts_2019.geojson"
    out.write_text(districts[["code", "name", "Pop_2019", "geometry"]].to_json(), encoding="utf-8")
    return out


def _nha_be_school_names(src: Path, tmp: Path) -> Path:
    """Names of the Nhà Bè / Hiệp Phước schools that OSM has without a position, minus any
    school already imported with one (same name once cleaned)."""
    table = pd.read_csv(
        src / "south_hcmc_school_names_osm_by_ward2025.csv", dtype=str, keep_default_na=False
    )
    located = set(School.objects.filter(location__isnull=False).values_list("name", flat=True))
    table = table[~table["Tên trường"].map(clean_school_name).isin(located)]
    out = tmp / "nha_be_school_names.csv"
    table.to_csv(out, index=False)
    return out
