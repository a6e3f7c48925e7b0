"""The backup of docs/deploy.md, performed: pg_dump (custom format) of the database, pg_restore
into a new empty database, and every table holds the same number of rows afterwards (PostGIS
and pgRouting come back with the dump)."""

import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _pg_bin(tool: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    for directory in reversed(versions):
        if (directory / tool).exists():
            return str(directory / tool)
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"{tool} not found (it comes with PostgreSQL)")
    return found


def _counts(settings: dict, dbname: str) -> dict[str, int]:
    with psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                         dbname=dbname) as conn:  # fmt: skip
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_pg_dump_and_pg_restore_give_back_every_row(tmp_path):
    settings = connection.settings_dict
    source = settings["NAME"]
    target = f"restore_{uuid.uuid4().hex[:8]}"
    common = ["-h", settings["HOST"], "-p", str(settings["PORT"]), "-U", settings["USER"]]
    dump = tmp_path / "portal.dump"
    subprocess.run([_pg_bin("pg_dump"), *common, "-Fc", "-f", str(dump), source], check=True)
    subprocess.run([_pg_bin("createdb"), *common, "-T", "template0", target], check=True)
    try:
        subprocess.run(
            [_pg_bin("pg_restore"), *common, "--exit-on-error", "--no-owner", "-d", target,
             str(dump)],
            check=True,
        )  # fmt: skip
        before, after = _counts(settings, source), _counts(settings, target)
        assert after == before
        assert before["geo_adminunit"] > 0 and before["geo_school"] > 0  # real data came back
    finally:
        subprocess.run([_pg_bin("dropdb"), *common, "--if-exists", target], check=True)
