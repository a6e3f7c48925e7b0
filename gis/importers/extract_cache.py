"""Parsed OpenStreetMap extracts cached on disk by the file's hash (``DATA_CACHE_DIR``), so that
reloading an emptied database (the tests do, once per session and after each browser test)
skips parsing the file again. A damaged or foreign cache file is ignored and rebuilt."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from gis.osm_extract import (
    OsmSchool,
    RoadEdges,
    SchoolExtract,
    file_sha256,
    read_roads,
    read_schools,
)

PARSER_VERSION = "1"  # bump when what the reader produces changes


def extract_fingerprint(path: Path) -> str:
    return hashlib.sha256(f"{PARSER_VERSION}:{file_sha256(path)}".encode()).hexdigest()


def _cached(path: Path, kind: str, suffix: str, load: Callable, save: Callable, build: Callable):
    cache = Path(settings.DATA_CACHE_DIR) / f"{kind}-{extract_fingerprint(path)[:24]}{suffix}"
    if cache.is_file():
        try:
            return load(cache)
        except (OSError, ValueError, KeyError, TypeError):
            pass
    value = build(path)
    cache.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache.parent, suffix=suffix)
    os.close(handle)
    save(value, Path(temporary))
    os.replace(temporary, cache)  # atomic: a concurrent reader never sees half a file
    return value


def cached_road_edges(path: Path) -> RoadEdges:
    return _cached(Path(path), "roads", ".npz", RoadEdges.load, lambda v, p: v.save(p), read_roads)


def cached_schools(path: Path) -> SchoolExtract:
    return _cached(Path(path), "schools", ".json", _load_schools, _save_schools, read_schools)


def _save_schools(extract: SchoolExtract, path: Path) -> None:
    rows = [
        {
            "ref": s.ref,
            "tags": s.tags,
            "lon": s.lon,
            "lat": s.lat,
            "grounds": s.grounds_wkb.hex() if s.grounds_wkb else None,
            "timestamp": s.timestamp.isoformat() if s.timestamp else None,
        }
        for s in extract.schools
    ]
    date = extract.data_date.isoformat() if extract.data_date else None
    path.write_text(json.dumps({"data_date": date, "schools": rows}), encoding="utf-8")


def _load_schools(path: Path) -> SchoolExtract:
    data = json.loads(path.read_text(encoding="utf-8"))
    schools = [
        OsmSchool(
            ref=r["ref"],
            tags=r["tags"],
            lon=r["lon"],
            lat=r["lat"],
            grounds_wkb=bytes.fromhex(r["grounds"]) if r["grounds"] else None,
            timestamp=dt.datetime.fromisoformat(r["timestamp"]) if r["timestamp"] else None,
        )
        for r in data["schools"]
    ]
    date = dt.date.fromisoformat(data["data_date"]) if data["data_date"] else None
    return SchoolExtract(schools=schools, data_date=date)
