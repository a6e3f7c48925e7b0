"""Read an OpenStreetMap extract (any ``.osm.pbf``) with pyosmium: the date of its data, the
schools it maps (points and grounds polygons) and its road network. Pure: no Django, no database.

The road network is split at every node two ways share and at way ends, so a vertex is a junction
or a dead end and an edge is the stretch of a way between two of them (its polyline kept).
Positions are projected to UTM 48N (EPSG:32648): over Ho Chi Minh City its scale error is ~0.003 %,
so planar metres are road metres.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
import shapely
from pyproj import Transformer

METRIC_CRS = "EPSG:32648"

# Walking: every road and path a person may use, footways and alleys included; motorways never.
NOT_WALKABLE = frozenset(
    {
        "motorway",
        "motorway_link",
        "proposed",
        "construction",
        "raceway",
        "bus_guideway",
        "abandoned",
    }
)
DRIVABLE = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
        "track",
    }
)
IMPLIED_ONEWAY = frozenset({"motorway", "motorway_link"})
NO_ACCESS = frozenset({"no", "private"})
SCHOOL_AMENITIES = frozenset({"school", "kindergarten"})


class ExtractError(Exception):
    """The file is missing or is not a readable OSM extract."""


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"{path}: no such OSM extract")
    return path


def _to_metric():
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


# --- schools ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OsmSchool:
    """One school object of the extract. ``ref`` is "node/123", "way/123" or "relation/123"."""

    ref: str
    tags: dict[str, str]
    lon: float
    lat: float
    grounds_wkb: bytes | None  # MultiPolygon (WGS 84) for schools mapped as areas
    timestamp: dt.datetime | None

    @property
    def name(self) -> str:
        return (self.tags.get("name") or self.tags.get("name:vi") or "").strip()


@dataclass(frozen=True)
class SchoolExtract:
    schools: list[OsmSchool]
    data_date: dt.date | None  # the header's timestamp, else the newest object's day


def read_schools(path: str | Path) -> SchoolExtract:
    """Every ``amenity=school|kindergarten`` node and area, with its position: the node itself,
    or a point on the surface of the area (always inside the grounds, unlike a centroid)."""
    path = _check(path)
    wkb = osmium.geom.WKBFactory()
    schools: list[OsmSchool] = []
    newest: dt.datetime | None = None
    try:
        processor = osmium.FileProcessor(path).with_areas().with_locations()
        for obj in processor:
            stamp = obj.timestamp if obj.timestamp.year > 1970 else None
            if stamp is not None and (newest is None or stamp > newest):
                newest = stamp
            if obj.tags.get("amenity") not in SCHOOL_AMENITIES:
                continue
            if obj.is_node():
                if not obj.location.valid():
                    continue
                schools.append(
                    OsmSchool(
                        f"node/{obj.id}",
                        dict(obj.tags),
                        obj.location.lon,
                        obj.location.lat,
                        None,
                        stamp,
                    )
                )
            elif obj.is_area():
                try:
                    grounds = shapely.from_wkb(bytes.fromhex(wkb.create_multipolygon(obj)))
                except RuntimeError:  # an unclosed or broken ring: no usable grounds
                    continue
                if not grounds.is_valid:
                    grounds = shapely.make_valid(grounds)
                surface = grounds.point_on_surface()
                kind = "way" if obj.from_way() else "relation"
                schools.append(
                    OsmSchool(
                        f"{kind}/{obj.orig_id()}",
                        dict(obj.tags),
                        surface.x,
                        surface.y,
                        shapely.to_wkb(grounds),
                        stamp,
                    )
                )
        header = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        stamp_text = header.header().get("osmosis_replication_timestamp") or header.header().get(
            "timestamp"
        )
        header.close()
    except RuntimeError as exc:
        raise ExtractError(f"{path.name}: not a readable OSM extract ({exc})") from exc
    data_date = newest.date() if newest else None
    if stamp_text:
        data_date = dt.datetime.fromisoformat(stamp_text.replace("Z", "+00:00")).date()
    return SchoolExtract(schools=schools, data_date=data_date)


# --- roads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoadEdges:
    """The road network as flat arrays (E edges, V vertices, metric coordinates).

    Edge i runs from ``source[i]`` to ``target[i]`` along the polyline
    ``x[coord_ptr[i]:coord_ptr[i+1]]``, ``y[...]``. ``walk`` marks edges a pedestrian may use in
    both directions; ``forward``/``backward`` whether a vehicle may drive source→target /
    target→source (both False: not drivable)."""

    source: np.ndarray  # int64[E]
    target: np.ndarray  # int64[E]
    length_m: np.ndarray  # float64[E]
    walk: np.ndarray  # bool[E]
    forward: np.ndarray  # bool[E]
    backward: np.ndarray  # bool[E]
    way_id: np.ndarray  # int64[E]
    highway: np.ndarray  # str[E]
    coord_ptr: np.ndarray  # int64[E+1]
    x: np.ndarray  # float64[sum of points]
    y: np.ndarray
    n_vertices: int

    @property
    def n_edges(self) -> int:
        return int(self.source.size)

    def polyline(self, i: int) -> np.ndarray:
        lo, hi = self.coord_ptr[i], self.coord_ptr[i + 1]
        return np.column_stack([self.x[lo:hi], self.y[lo:hi]])

    def save(self, path: Path) -> None:
        np.savez(path, **{k: getattr(self, k) for k in _ARRAY_FIELDS}, n_vertices=self.n_vertices)

    @classmethod
    def load(cls, path: Path) -> RoadEdges:
        with np.load(path) as data:
            values = {k: data[k] for k in _ARRAY_FIELDS}
            return cls(**values, n_vertices=int(data["n_vertices"]))


_ARRAY_FIELDS = (
    "source",
    "target",
    "length_m",
    "walk",
    "forward",
    "backward",
    "way_id",
    "highway",
    "coord_ptr",
    "x",
    "y",
)


def way_rules(tags: dict[str, str]) -> tuple[bool, bool, bool]:
    """(walk, forward, backward) for a highway way's tags."""
    highway = tags.get("highway", "")
    access = tags.get("access", "")
    walk = highway not in NOT_WALKABLE and tags.get("foot") != "no"
    if access in NO_ACCESS and tags.get("foot") not in ("yes", "designated"):
        walk = False
    drive = highway in DRIVABLE and access not in NO_ACCESS
    drive = drive and tags.get("motor_vehicle") != "no" and tags.get("vehicle") != "no"
    if not drive:
        return walk, False, False
    oneway = tags.get("oneway", "")
    if oneway in ("yes", "true", "1") or (
        not oneway and (highway in IMPLIED_ONEWAY or tags.get("junction") == "roundabout")
    ):
        return walk, True, False
    if oneway in ("-1", "reverse"):
        return walk, False, True
    return walk, True, True


def read_roads(path: str | Path) -> RoadEdges:
    """The extract's ``highway=*`` ways as a graph split at junctions (see the module doc)."""
    path = _check(path)
    ways: list[tuple[int, dict[str, str], np.ndarray, np.ndarray]] = []
    try:
        processor = (
            osmium.FileProcessor(path, osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            tags = {k: v for k, v in way.tags}
            walk, forward, backward = way_rules(tags)
            if not (walk or forward or backward):
                continue
            refs, lonlat = [], []
            for node in way.nodes:
                if node.location.valid():
                    refs.append(node.ref)
                    lonlat.append((node.location.lon, node.location.lat))
            if len(refs) >= 2:
                ways.append((way.id, tags, np.array(refs, np.int64), np.array(lonlat)))
    except RuntimeError as exc:
        raise ExtractError(f"{path.name}: not a readable OSM extract ({exc})") from exc
    return _split_at_junctions(ways)


def _split_at_junctions(ways) -> RoadEdges:
    if not ways:
        raise ExtractError("the extract holds no usable highway")
    all_refs = np.concatenate([refs for _, _, refs, _ in ways])
    unique, counts = np.unique(all_refs, return_counts=True)
    is_shared = np.isin(all_refs, unique[counts > 1])
    lonlat = np.concatenate([coords for _, _, _, coords in ways])
    all_x, all_y = _to_metric().transform(lonlat[:, 0], lonlat[:, 1])
    way_start = np.concatenate([[0], np.cumsum([len(refs) for _, _, refs, _ in ways])])
    vertex_of: dict[int, int] = {}
    columns: dict[str, list] = {k: [] for k in _ARRAY_FIELDS if k != "coord_ptr"}
    xs, ys, ptr = [], [], [0]
    for w, (way_id, tags, refs, _) in enumerate(ways):
        walk, forward, backward = way_rules(tags)
        x, y = all_x[way_start[w] : way_start[w + 1]], all_y[way_start[w] : way_start[w + 1]]
        inner = np.flatnonzero(is_shared[way_start[w] + 1 : way_start[w + 1] - 1]) + 1
        cuts = [0, *inner.tolist(), len(refs) - 1]
        for start, end in itertools.pairwise(cuts):
            if refs[start] == refs[end] and end - start < 2:
                continue
            px, py = x[start : end + 1], y[start : end + 1]
            length = float(np.hypot(np.diff(px), np.diff(py)).sum())
            if length <= 0:
                continue
            for key, ref in (("source", refs[start]), ("target", refs[end])):
                columns[key].append(vertex_of.setdefault(int(ref), len(vertex_of)))
            columns["length_m"].append(length)
            columns["walk"].append(walk)
            columns["forward"].append(forward)
            columns["backward"].append(backward)
            columns["way_id"].append(way_id)
            columns["highway"].append(tags.get("highway", ""))
            xs.append(px)
            ys.append(py)
            ptr.append(ptr[-1] + len(px))
    return RoadEdges(
        source=np.array(columns["source"], np.int64),
        target=np.array(columns["target"], np.int64),
        length_m=np.array(columns["length_m"], np.float64),
        walk=np.array(columns["walk"], bool),
        forward=np.array(columns["forward"], bool),
        backward=np.array(columns["backward"], bool),
        way_id=np.array(columns["way_id"], np.int64),
        highway=np.array(columns["highway"], dtype="U32"),
        coord_ptr=np.array(ptr, np.int64),
        x=np.concatenate(xs),
        y=np.concatenate(ys),
        n_vertices=len(vertex_of),
    )
