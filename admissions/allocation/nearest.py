"""HCMC "nearest school first, within its quota, overflow to the next nearest" (ADR 7, 12).

Mechanism ``"nearest"``:

1. Each child's list = every school within ``max_distance_m`` (4000 m by default) plus every
   school whose catchment holds the home even if it is farther, nearest first (exact WGS84
   geodesic distance; equal distances in code-point order of the school ids).
2. Priority of a school over children = (group, category rank, distance m) then lottery, then
   child id (``priorities.py``: group 1 at every school whose catchment holds the home;
   scoped categories count only at their school). Deferred acceptance on these lists.
3. Final pass (exact, ADR 12): the children still without a seat are served one at a time in
   order of (group, category, lottery, child id) — group 1 when the home lies in some
   catchment, category = best city-wide category where categories count in that group — and
   each takes the nearest school (any distance) that still has a free seat at its turn.
4. Children who still cannot be placed are reported with a reason
   (``no_school_with_a_free_seat`` or
   ``no_school_within_max_distance_and_all_schools_full``).

Implementation note: lists are built lazily. DA first runs on a prefix of each list (the
``k`` nearest schools); only children rejected by their whole prefix get a longer one and
DA resumes from where it stood (only they propose again, further down their lists).
Because DA's outcome does not depend on proposal order, once no unplaced child has a
truncated list the result equals DA on the complete lists (``nearest_lists.py``). A list is
published up to and including the placed school; a child without a seat from its list keeps
every school in range (ADR 29).

Source document (``python -m admissions.allocation solve --mechanism nearest``)::

    {"max_distance_m": 4000, "seed": 2025, "no_category_rank": 99,
     "categories_in_group_1": false,
     "schools": [{"id": "S1", "capacity": 35, "lon": 106.70, "lat": 10.78}, ...],
     "children": [{"id": "C1", "lon": 106.69, "lat": 10.77, "lottery": 0.41,
                   "catchments": ["S1"],
                   "categories": [{"rank": 1}, {"rank": 3, "school": "S2"}],
                   "ward": "...", "group": "..."}, ...]}

``catchments`` (optional, default none: group 2 everywhere; the older single ``catchment``
is read too) and ``categories`` (optional; a category without ``school`` is city-wide; the
older ``category`` number is read as one city-wide rank) are per child; ``lottery`` may be
omitted when ``seed`` is given. The input hash of a nearest-first run is the SHA-256 of this
document's canonical JSON, which states the round's rule (``max_distance_m``,
``no_category_rank``, ``categories_in_group_1``) explicitly; empty ``catchments`` and
``categories`` are left out (absent means none — there is no other default).

Distance by road (``road.py``): ``"metric": "walking"`` (or ``"driving"``), ``"road_limit_m"``
and ``"road_network"`` at the top, and per child either ``"road": {"S1": 1890.4, ...}`` (road
metres, measured by the portal) or ``"road_fallback": "outside_coverage"`` (straight line for
that child). The metres are input: lists, the final pass and the checker read them from the
document, never from a network. Without ``metric`` every distance is the straight line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from admissions.allocation.distances import SchoolLocator, geodesic_m
from admissions.allocation.errors import InstanceError, child_error, school_error
from admissions.allocation.hashing import canonical_json, number_tokens, plain_list
from admissions.allocation.instance_io import (
    is_count,
    is_number,
    read_metric,
    validate_schools,
)
from admissions.allocation.lottery import lottery_single
from admissions.allocation.model import (
    NO_FREE_SEAT_ANYWHERE,
    NONE_WITHIN_MAX_AND_ALL_FULL,
    PLACED_BY_FINAL_PASS,
    Instance,
    Result,
    UnplacedChild,
    code_point_rank,
)
from admissions.allocation.nearest_lists import ListPrefixChanged, complete_lists, lists_and_da
from admissions.allocation.priorities import (
    NO_CATEGORY_RANK,
    CategoryRule,
    ChildMemberships,
    service_order_keys,
)
from admissions.allocation.road import ROAD_METRICS, STRAIGHT, RoadDistances

DEFAULT_MAX_DISTANCE_M = 4000.0
#: Schools on each list to start with, and the factor by which the list of a child rejected by
#: its whole prefix grows (ADR 29: published lists end at the seat whatever these are; a round
#: of growth costs only its new rows, so short steps measure fewer geodesics).
INITIAL_LIST_LENGTH = 2
LIST_GROWTH = 3
#: Children served per batch of the final pass (one KD-tree over the schools still open, and
#: a row of the nearest of them per child). Schools fill during a batch, and a child whose
#: row is then all full needs a longer row of its own (a query of its own): measured at city
#: scale, batches of 256 with rows of 6 serve the pass in 0.16 s against 0.23 s for 1,024
#: with rows of 8.
FINAL_PASS_BATCH = 256
FINAL_PASS_CANDIDATES = 6
#: Candidates of the longer row for the few children whose first row is not conclusive.
FINAL_PASS_MORE_CANDIDATES = 64
#: Children written per piece of a source's canonical JSON: the hash reads the text piece by
#: piece, so no more than a chunk of it (and of its number tokens) is held at a time. The
#: hash runs beside the solver, and lets the interpreter go at each piece it digests: small
#: pieces keep the solver from waiting for it.
SOURCE_JSON_BATCH = 512
#: Children whose number tokens are written at once (one call per column: per piece, the
#: calls cost a third of the hash).
SOURCE_JSON_CHUNK = 16_384


def _no_members(n_children: int) -> ChildMemberships:
    empty: list[list] = [[] for _ in range(n_children)]
    return ChildMemberships.from_lists(empty, empty)


@dataclass(frozen=True, eq=False)
class NearestSource:
    """Coordinates and attributes from which nearest-first instances are derived.

    ``members``: each child's catchment schools and priority categories (indices into the
    schools, see :class:`~.priorities.ChildMemberships`); ``rule``: where categories count.
    """

    child_ids: tuple[str, ...]
    child_lon: np.ndarray
    child_lat: np.ndarray
    school_ids: tuple[str, ...]
    school_lon: np.ndarray
    school_lat: np.ndarray
    capacity: np.ndarray
    lottery: np.ndarray
    members: ChildMemberships | None = None
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M
    rule: CategoryRule = field(default_factory=CategoryRule)
    ward: tuple[str | None, ...] | None = None
    group: tuple[str | None, ...] | None = None
    seed: int | None = None
    #: ``"straight"`` or a road metric (then ``road`` holds the metres, see ``road.py``).
    metric: str = STRAIGHT
    road: RoadDistances | None = None

    def __post_init__(self) -> None:
        if self.members is None:
            object.__setattr__(self, "members", _no_members(len(self.child_ids)))
        if self.metric not in (STRAIGHT, *ROAD_METRICS):
            raise ValueError(f"unknown metric {self.metric!r}")
        if (self.metric == STRAIGHT) != (self.road is None):
            raise ValueError("road distances are given exactly when the metric is by road")
        if self.road is not None and self.road.limit_m < self.max_distance_m:
            raise ValueError("the road limit must not be below the maximum distance")

    @cached_property
    def routed(self) -> np.ndarray:
        """Children measured by road (False: straight line, by the round's metric or as a
        fallback)."""
        if self.road is None:
            return np.zeros(self.n_children, dtype=bool)
        return self.road.routed

    def pair_distance(self, child, school) -> np.ndarray:
        """The rule's distance of (child, school) pairs: road metres for routed children (a
        school beyond the routing limit counts at the limit), else the geodesic."""
        child = np.asarray(child, dtype=np.int64)
        school = np.asarray(school, dtype=np.int64)
        dist = np.asarray(
            geodesic_m(
                self.child_lon[child],
                self.child_lat[child],
                self.school_lon[school],
                self.school_lat[school],
            ),
            dtype=np.float64,
        ).reshape(child.shape)
        if self.road is None or not child.size:
            return dist
        road = self.road.lookup(child, school)
        road = np.where(np.isnan(road), self.road.limit_m, road)
        return np.where(self.routed[child], road, dist)

    @property
    def n_children(self) -> int:
        return len(self.child_ids)

    @property
    def n_schools(self) -> int:
        return len(self.school_ids)

    @cached_property
    def school_tie_rank(self) -> np.ndarray:
        """Code-point rank of each school id: orders schools at exactly equal distance."""
        return code_point_rank(self.school_ids)

    @cached_property
    def child_id_order(self) -> np.ndarray:
        """Code-point rank of each child id."""
        return code_point_rank(self.child_ids)

    @cached_property
    def child_tie_rank(self) -> np.ndarray:
        """Rank of each child by (lottery, child id): DA's last tie-breaks."""
        order = np.lexsort((self.child_id_order, self.lottery))
        rank = np.empty(self.n_children, dtype=np.int64)
        rank[order] = np.arange(self.n_children, dtype=np.int64)
        return rank

    @cached_property
    def locator(self) -> SchoolLocator:
        return SchoolLocator(self.school_lon, self.school_lat, tie_rank=self.school_tie_rank)

    def document(self) -> dict[str, Any]:
        """Canonical JSON document (the source format of the module docstring)."""
        schools = [
            {"id": sid, "capacity": int(cap), "lon": lon, "lat": lat}
            for sid, cap, lon, lat in zip(
                self.school_ids,
                self.capacity.tolist(),
                plain_list(self.school_lon),
                plain_list(self.school_lat),
                strict=True,
            )
        ]
        children = []
        lon, lat, lot = (
            plain_list(self.child_lon),
            plain_list(self.child_lat),
            plain_list(self.lottery),
        )
        catchments, categories = self._member_documents()
        sids = self.school_ids
        for c, cid in enumerate(self.child_ids):
            entry: dict[str, Any] = {"id": cid, "lon": lon[c], "lat": lat[c], "lottery": lot[c]}
            if c in catchments:
                entry["catchments"] = catchments[c]
            if c in categories:
                entry["categories"] = categories[c]
            if self.ward is not None and self.ward[c] is not None:
                entry["ward"] = self.ward[c]
            if self.group is not None and self.group[c] is not None:
                entry["group"] = self.group[c]
            if self.road is not None:
                if self.road.fallback[c]:
                    entry["road_fallback"] = self.road.fallback[c]
                else:
                    school, metres = self.road.of(c)
                    entry["road"] = dict(
                        zip((sids[s] for s in school.tolist()), plain_list(metres), strict=True)
                    )
            children.append(entry)
        schools.sort(key=lambda s: s["id"])
        children.sort(key=lambda c: c["id"])
        document: dict[str, Any] = {
            "max_distance_m": plain_list(np.array([self.max_distance_m]))[0],
            "no_category_rank": int(self.rule.none_rank),
            "categories_in_group_1": bool(self.rule.in_group_1),
            "schools": schools,
            "children": children,
        }
        if self.seed is not None:
            document["seed"] = int(self.seed)
        if self.road is not None:
            document["metric"] = self.metric
            document["road_limit_m"] = plain_list(np.array([self.road.limit_m]))[0]
            if self.road.network:
                document["road_network"] = self.road.network
        return document

    def _member_documents(self) -> tuple[dict[int, list[str]], dict[int, list[dict[str, Any]]]]:
        """Catchment school ids and category entries (sorted) of the children that have any;
        an absent field means none (there is no other default)."""
        members, sids = self.members, self.school_ids
        catchments: dict[int, list[str]] = {}
        c_ptr = members.catchment_ptr.tolist()
        flat = members.catchment_school.tolist()
        for c in np.flatnonzero(np.diff(members.catchment_ptr)).tolist():
            catchments[c] = sorted(sids[s] for s in flat[c_ptr[c] : c_ptr[c + 1]])
        categories: dict[int, list[dict[str, Any]]] = {}
        for c in np.flatnonzero(np.diff(members.category_ptr)).tolist():
            entries = [
                {"rank": rank} if school < 0 else {"rank": rank, "school": sids[school]}
                for rank, school in members.categories_of(c)
            ]
            categories[c] = sorted(entries, key=lambda e: (e["rank"], e.get("school", "")))
        return catchments, categories

    def _member_json(self) -> tuple[dict[int, str], dict[int, str]]:
        """Canonical JSON of the entries of :meth:`_member_documents`, written once per
        distinct value (most children share a handful of catchment and category lists)."""
        members, sids = self.members, self.school_ids
        catchments: dict[int, str] = {}
        c_ptr = members.catchment_ptr.tolist()
        flat = members.catchment_school.tolist()
        seen: dict[tuple, str] = {}
        for c in np.flatnonzero(np.diff(members.catchment_ptr)).tolist():
            key = tuple(flat[c_ptr[c] : c_ptr[c + 1]])
            text = seen.get(key)
            if text is None:
                text = seen[key] = canonical_json(sorted(sids[s] for s in key)).decode()
            catchments[c] = text
        categories: dict[int, str] = {}
        k_ptr = members.category_ptr.tolist()
        pairs = list(
            zip(members.category_rank.tolist(), members.category_school.tolist(), strict=True)
        )
        seen = {}
        for c in np.flatnonzero(np.diff(members.category_ptr)).tolist():
            key = tuple(pairs[k_ptr[c] : k_ptr[c + 1]])
            text = seen.get(key)
            if text is None:
                entries = [
                    {"rank": rank} if school < 0 else {"rank": rank, "school": sids[school]}
                    for rank, school in key
                ]
                entries.sort(key=lambda e: (e["rank"], e.get("school", "")))
                text = seen[key] = canonical_json(entries).decode()
            categories[c] = text
        return catchments, categories

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`document` — of the published file itself
        (hashed piece by piece: the whole text is never held in memory)."""
        digest = hashlib.sha256()
        for piece in self._canonical_pieces():
            digest.update(piece)
        return digest.hexdigest()

    def canonical_json(self) -> bytes:
        """``canonical_json(self.document())``, written without building the document (the
        numbers are formatted a column at a time; equal bytes, tested)."""
        return b"".join(self._canonical_pieces())

    def _canonical_pieces(self) -> Iterator[bytes]:
        """The canonical JSON in consecutive pieces, children a batch at a time. Sources
        measured by road carry per-child road distances: they go through the general
        writer, in one piece."""
        if self.road is not None:
            yield canonical_json(self.document())
            return
        head = {
            "categories_in_group_1": bool(self.rule.in_group_1),
            "max_distance_m": plain_list(np.array([self.max_distance_m]))[0],
            "no_category_rank": int(self.rule.none_rank),
        }
        if self.seed is not None:
            head["seed"] = int(self.seed)
        text = canonical_json({**head, "children": None, "schools": None}).decode()
        opening, rest = text.split('"children":null', 1)
        middle, closing = rest.split('"schools":null', 1)
        yield (opening + '"children":[').encode()
        order = np.argsort(self.child_id_order)
        columns = _ChildColumns(self)
        for start in range(0, order.size, SOURCE_JSON_CHUNK):
            for i, text in enumerate(columns.entries(order[start : start + SOURCE_JSON_CHUNK])):
                yield ("," if start or i else "").encode() + text.encode()
        yield ("]" + middle + '"schools":[' + self._schools_json() + "]" + closing).encode()

    def _schools_json(self) -> str:
        """The schools' entries (comma-separated), in id order."""
        quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
        lon, lat = number_tokens(self.school_lon), number_tokens(self.school_lat)
        capacity = self.capacity.tolist()
        return ",".join(
            f'{{"capacity":{int(capacity[i])},"id":{quote(self.school_ids[i])},'
            f'"lat":{lat[i]},"lon":{lon[i]}}}'
            for i in np.argsort(self.school_tie_rank).tolist()
        )


class _ChildColumns:
    """The children's entries of a source's canonical JSON, a chunk at a time, each entry
    one f-string of its fields (keys in sorted order: the optional catchments, categories
    and group, then id, coordinates, lottery and the optional ward): numbers a column at a
    time, the other fields written once per distinct value (most children share a handful
    of catchment, category, group and ward values)."""

    def __init__(self, source: NearestSource) -> None:
        self.source = source
        n = source.n_children
        self.ids = np.array(source.child_ids, dtype=object)
        self.head = np.full(n, "", dtype=object)  # catchments, categories, group
        catchments, categories = source._member_json()
        quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
        group = source.group if source.group is not None else (None,) * n
        grouped = {c for c, g in enumerate(group) if g is not None}
        for c in catchments.keys() | categories.keys() | grouped:
            text = ""
            if c in catchments:
                text += '"catchments":' + catchments[c] + ","
            if c in categories:
                text += '"categories":' + categories[c] + ","
            if group[c] is not None:
                text += '"group":' + quote(group[c]) + ","
            self.head[c] = text
        ward = source.ward if source.ward is not None else (None,) * n
        texts = {w: "" if w is None else ',"ward":' + quote(w) for w in set(ward)}
        self.tail = np.array([texts[w] for w in ward], dtype=object)

    def entries(self, children: np.ndarray) -> Iterator[str]:
        """The entries of ``children`` (in this order), comma-separated, a piece of
        :data:`SOURCE_JSON_BATCH` children at a time."""
        quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
        source = self.source
        lat, lon, lottery = (
            number_tokens(column[children])
            for column in (source.child_lat, source.child_lon, source.lottery)
        )
        ids = list(map(quote, self.ids[children]))
        head, tail = self.head[children], self.tail[children]
        for start in range(0, children.size, SOURCE_JSON_BATCH):
            piece = slice(start, start + SOURCE_JSON_BATCH)
            yield ",".join(
                [
                    f'{{{h}"id":{i},"lat":{la},"lon":{lo},"lottery":{lt}{t}}}'
                    for h, i, la, lo, lt, t in zip(
                        head[piece],
                        ids[piece],
                        lat[piece],
                        lon[piece],
                        lottery[piece],
                        tail[piece],
                        strict=True,
                    )
                ]
            )


def _as_school_lists(values, n: int, index: Mapping[str, int]) -> list[list[int]]:
    """Catchments given per child as a school id, None, or a list of school ids."""
    if values is None:
        return [[] for _ in range(n)]
    out = []
    for value in values:
        if value is None:
            out.append([])
        elif isinstance(value, str | int | np.integer) and not isinstance(value, bool):
            out.append([index[str(value)]])
        else:
            out.append(sorted({index[str(v)] for v in value}))
    return out


def nearest_source(
    child_ids: Sequence[str],
    child_lon,
    child_lat,
    school_ids: Sequence[str],
    school_lon,
    school_lat,
    capacity,
    *,
    lottery=None,
    seed: int | None = None,
    catchments: Sequence | None = None,
    categories: Sequence[Sequence[tuple[int, str | None]]] | None = None,
    category=None,
    rule: CategoryRule | None = None,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    ward: Sequence[str | None] | None = None,
    group: Sequence[str | None] | None = None,
    metric: str = STRAIGHT,
    road: RoadDistances | None = None,
) -> NearestSource:
    """Build a :class:`NearestSource` from arrays (the function the portal calls).

    ``catchments``: per child the school ids whose catchment holds the home (a list, one id
    or None); none given = no child has a catchment. ``categories``: per child a list of
    ``(rank, school id or None)`` (None = city-wide). ``category``: shortcut, one city-wide
    rank per child (``rule.none_rank`` = none). ``lottery``: per child numbers, else drawn
    from ``seed``.
    """
    child_ids = tuple(str(c) for c in child_ids)
    school_ids = tuple(str(s) for s in school_ids)
    rule = rule or CategoryRule()
    n = len(child_ids)
    if lottery is None:
        if seed is None:
            raise ValueError("give either lottery numbers or a seed")
        lottery = lottery_single(child_ids, seed)
    index = {sid: i for i, sid in enumerate(school_ids)}
    if categories is not None:
        cats = [
            [(int(r), -1 if s is None else index[str(s)]) for r, s in items] for items in categories
        ]
    elif category is not None:
        cats = [[] if int(r) == rule.none_rank else [(int(r), -1)] for r in np.asarray(category)]
    else:
        cats = [[] for _ in range(n)]
    members = ChildMemberships.from_lists(_as_school_lists(catchments, n, index), cats)
    return NearestSource(
        child_ids=child_ids,
        child_lon=np.asarray(child_lon, dtype=np.float64),
        child_lat=np.asarray(child_lat, dtype=np.float64),
        school_ids=school_ids,
        school_lon=np.asarray(school_lon, dtype=np.float64),
        school_lat=np.asarray(school_lat, dtype=np.float64),
        capacity=np.asarray(capacity, dtype=np.int64),
        lottery=np.asarray(lottery, dtype=np.float64),
        members=members,
        max_distance_m=float(max_distance_m),
        rule=rule,
        ward=None if ward is None else tuple(ward),
        group=None if group is None else tuple(group),
        seed=seed,
        metric=metric,
        road=road,
    )


def _coordinate(entry: Mapping[str, Any], subject: InstanceError) -> tuple[float, float]:
    lon, lat = entry.get("lon"), entry.get("lat")
    if not (is_number(lon) and is_number(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InstanceError(subject.subject, "lon/lat must be numbers (WGS84 degrees)")
    return float(lon), float(lat)


def _read_catchments(cid: str, entry: Mapping[str, Any], index: Mapping[str, int]) -> list[int]:
    raw = entry.get("catchments")
    if raw is None and entry.get("catchment") is not None:
        raw = [entry["catchment"]]
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise child_error(cid, "catchments must be a list of school ids")
    found = set()
    for value in raw:
        if str(value) not in index:
            raise child_error(cid, f'catchment "{value}" is not a known school')
        found.add(index[str(value)])
    return sorted(found)


def _read_categories(
    cid: str, entry: Mapping[str, Any], index: Mapping[str, int]
) -> list[tuple[int, int]]:
    raw = entry.get("categories")
    if raw is None and entry.get("category") is not None:
        raw = [{"rank": entry["category"]}]
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise child_error(cid, "categories must be a list of {rank, school} objects")
    out = []
    for item in raw:
        if not isinstance(item, Mapping) or not is_count(item.get("rank")):
            raise child_error(cid, "each category needs a non-negative integer rank")
        school = item.get("school")
        if school is not None and str(school) not in index:
            raise child_error(cid, f'category school "{school}" is not a known school')
        out.append((int(item["rank"]), -1 if school is None else index[str(school)]))
    return out


def _read_rule(data: Mapping[str, Any]) -> CategoryRule:
    none_rank = data.get("no_category_rank", NO_CATEGORY_RANK)
    if not is_count(none_rank):
        raise InstanceError("instance", "no_category_rank must be a non-negative integer")
    in_group_1 = data.get("categories_in_group_1", False)
    if not isinstance(in_group_1, bool):
        raise InstanceError("instance", "categories_in_group_1 must be true or false")
    return CategoryRule(in_group_1=in_group_1, none_rank=int(none_rank))


def nearest_source_from_dict(data: Any) -> NearestSource:
    """Validate a nearest-first source document and build a :class:`NearestSource`."""
    if not isinstance(data, Mapping):
        raise InstanceError("instance", "must be a JSON object")
    raw_schools = data.get("schools")
    raw_children = data.get("children")
    if not isinstance(raw_schools, list) or not isinstance(raw_children, list):
        raise InstanceError("instance", '"schools" and "children" must be lists')
    school_ids, capacity, _ = validate_schools(raw_schools)
    school_xy = [
        _coordinate(e, school_error(sid, ""))
        for sid, e in zip(school_ids, raw_schools, strict=True)
    ]
    index = {sid: i for i, sid in enumerate(school_ids)}
    max_distance = data.get("max_distance_m", DEFAULT_MAX_DISTANCE_M)
    if not is_number(max_distance) or max_distance <= 0:
        raise InstanceError("instance", "max_distance_m must be a positive number")
    seed = data.get("seed")
    if seed is not None and not is_count(seed):
        raise InstanceError("instance", "seed must be a non-negative integer")
    rule = _read_rule(data)
    metric = read_metric(data)
    road_limit = data.get("road_limit_m")
    if metric != STRAIGHT and not (is_number(road_limit) and road_limit >= max_distance):
        raise InstanceError("instance", "road_limit_m must be a number not below max_distance_m")
    ids: list[str] = []
    seen: set[str] = set()
    xy, lottery, catchments, categories, ward, group = [], [], [], [], [], []
    road_child: list[int] = []
    road_school: list[int] = []
    road_metres: list[float] = []
    fallback: list[str] = []
    for pos, entry in enumerate(raw_children):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str | int):
            raise InstanceError(f"child #{pos + 1}", "must be an object with an id")
        cid = str(entry["id"])
        if cid in seen:
            raise child_error(cid, "duplicate child id")
        seen.add(cid)
        xy.append(_coordinate(entry, child_error(cid, "")))
        lot = entry.get("lottery")
        if lot is None and seed is not None:
            lot = float("nan")
        elif not is_number(lot):
            raise child_error(cid, f"lottery must be a number, got {lot!r}")
        lottery.append(float(lot))
        catchments.append(_read_catchments(cid, entry, index))
        categories.append(_read_categories(cid, entry, index))
        ward.append(None if entry.get("ward") is None else str(entry["ward"]))
        group.append(None if entry.get("group") is None else str(entry["group"]))
        if metric != STRAIGHT:
            fallback.append(
                _read_road(cid, entry, index, len(ids), road_child, road_school, road_metres)
            )
        ids.append(cid)
    lot_arr = np.asarray(lottery, dtype=np.float64)
    if np.isnan(lot_arr).any():
        drawn = lottery_single(ids, int(seed))  # type: ignore[arg-type]
        lot_arr = np.where(np.isnan(lot_arr), drawn, lot_arr)
    child_xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    school_xy_arr = np.asarray(school_xy, dtype=np.float64).reshape(-1, 2)
    return NearestSource(
        child_ids=tuple(ids),
        child_lon=child_xy[:, 0],
        child_lat=child_xy[:, 1],
        school_ids=school_ids,
        school_lon=school_xy_arr[:, 0],
        school_lat=school_xy_arr[:, 1],
        capacity=capacity,
        lottery=lot_arr,
        members=ChildMemberships.from_lists(catchments, categories),
        max_distance_m=float(max_distance),
        rule=rule,
        ward=tuple(ward) if any(w is not None for w in ward) else None,
        group=tuple(group) if any(g is not None for g in group) else None,
        seed=None if seed is None else int(seed),
        metric=metric,
        road=None
        if metric == STRAIGHT
        else RoadDistances.from_pairs(
            len(ids),
            road_child,
            road_school,
            road_metres,
            fallback,
            limit_m=float(road_limit),
            network=str(data.get("road_network") or ""),
        ),
    )


def _read_road(cid, entry, index, c, road_child, road_school, road_metres) -> str:
    """A child's road metres (``road``: {school: metres}) or its fallback reason."""
    reason = entry.get("road_fallback")
    raw = entry.get("road")
    if reason is not None:
        if not isinstance(reason, str) or not reason or raw is not None:
            raise child_error(cid, "road_fallback must be a reason, and then no road is given")
        return reason
    if raw is None:
        return ""
    if not isinstance(raw, Mapping):
        raise child_error(cid, "road must map school ids to metres")
    for sid, metres in raw.items():
        if str(sid) not in index:
            raise child_error(cid, f'road school "{sid}" is not a known school')
        if not is_number(metres) or metres < 0:
            raise child_error(cid, f'road metres to "{sid}" must be a non-negative number')
        road_child.append(c)
        road_school.append(index[str(sid)])
        road_metres.append(float(metres))
    return ""


def build_nearest_instance(source: NearestSource, k: int | np.ndarray | None = None) -> Instance:
    """Derive the DA instance of the nearest-first rule.

    ``k``: list length per child (int or int array): lists are the exact prefix of the
    schools within ``max_distance_m``, nearest first; ``Instance.truncated`` marks lists
    that may continue. ``None`` builds complete lists.
    """
    return complete_lists(source, k)


def solve_nearest(
    source: NearestSource, *, initial_list_length: int = INITIAL_LIST_LENGTH, verify: bool = True
) -> Result:
    """Run the nearest-first mechanism (lazy lists + DA + final pass); see module docs.

    Two things run in a second thread meanwhile: the source hash (pure Python) while the
    lists grow, and the assembly of the published instance, then the count of envy and
    waste on it, while the final pass serves the children left without a seat (it needs
    only their list lengths). Most of the solver's time is spent in numpy, pyproj and
    scipy, which let the other thread run."""
    # Cached here, not computed in both threads.
    source.child_id_order, source.school_tie_rank, source.child_tie_rank  # noqa: B018
    with ThreadPoolExecutor(2) as pool:
        digest = pool.submit(lambda: source.sha256)
        lists, seat, rounds = _lists_and_da(source, initial_list_length)
        placed = seat >= 0
        assignment = np.full(source.n_children, -1, dtype=np.int64)
        distance = np.full(source.n_children, np.nan)
        assignment[placed] = lists.school.values[seat[placed]]
        distance[placed] = lists.dist.values[seat[placed]]
        list_length = lists.published_length(seat)
        # The final pass places children outside their lists, which counts neither for
        # nor against the lists' stability: it can be verified meanwhile.
        checked = pool.submit(_instance_and_count, lists, seat, assignment.copy(), verify)
        outside = np.zeros(source.n_children, dtype=bool)
        unplaced = final_pass(source, list_length, assignment, distance, outside)
        inst, counted = checked.result()
        stable = None if counted is None else counted == (0, 0)
        sha256 = digest.result()
    return Result(
        instance=inst,
        mechanism="nearest",
        assignment=assignment,
        outside_list=outside,
        assigned_distance_m=distance,
        rounds=rounds,
        unplaced=tuple(unplaced),
        stable=stable,
        source_sha256=sha256,
    )


def _instance_and_count(lists, seat: np.ndarray, assignment: np.ndarray, verify: bool):
    """The published instance and, when ``verify``, (justified envy, wasted seats) of the
    list seats on it."""
    from admissions.allocation.checker import count_envy_and_waste

    inst = lists.instance(seat)
    return inst, count_envy_and_waste(inst, assignment) if verify else None


def _lists_and_da(source: NearestSource, initial_list_length: int):
    """DA on lazily grown lists (``nearest_lists.py``): (the lists, each child's seat as a
    row of them or -1, rounds)."""
    try:
        return lists_and_da(source, initial_list_length, LIST_GROWTH)
    except ListPrefixChanged:  # never expected; complete lists need no growth
        return lists_and_da(source, source.n_schools, LIST_GROWTH)


def final_pass_order(source: NearestSource, children: np.ndarray) -> np.ndarray:
    """``children`` in the final pass's order of service: group, category, lottery, id."""
    group, category = service_order_keys(source.members, source.rule)
    keys = (
        source.child_id_order[children],
        source.lottery[children],
        category[children],
        group[children],
    )
    return children[np.lexsort(keys)]


class _OpenSchools:
    """Nearest school with a free seat, exactly (geodesic, ties by school id).

    The free seats are kept twice, in step: as an array for the vectorised queries and as a
    list for the loop that serves one child at a time (reading an array element from
    Python costs more than the rest of a certain pick)."""

    def __init__(self, source: NearestSource, seats: np.ndarray) -> None:
        self.source = source
        self.seats = seats
        self.free = seats.tolist()
        self.routed = source.routed.tolist()

    def take(self, school: int) -> None:
        self.seats[school] -= 1
        self.free[school] -= 1

    def batch(self, children: np.ndarray) -> None:
        """Candidate rows for ``children`` among the schools open now (KD-tree + bound),
        kept as plain lists: the children are then served one by one in Python."""
        source = self.source
        self.open = np.flatnonzero(self.seats > 0)
        self.open_list = self.open.tolist()
        self.locator = source.locator.subset(self.open)
        k = min(FINAL_PASS_CANDIDATES, self.open.size)
        near = self.locator.nearest(source.child_lon[children], source.child_lat[children], k)
        self.rows = list(
            zip(
                near.school.tolist(),
                near.distance_m.tolist(),
                near.unseen_beyond_m.tolist(),
                strict=True,
            )
        )

    def pick(self, child: int, row: int) -> tuple[int, float]:
        """Nearest open school of ``child`` (-1 if none): by road among its road table when
        the child is routed (``road.py``); else from its candidate row when the answer is
        certain, else from a longer row, else by measuring every open school."""
        source = self.source
        if self.routed[child]:
            school, metres = source.road.of(child)
            open_ = self.seats[school] > 0
            if open_.any():
                school, metres = school[open_], metres[open_]
                best = np.lexsort((source.school_tie_rank[school], metres))[0]
                return int(school[best]), float(metres[best])
            return self.brute_force(child)
        found = self._certain(*self.rows[row])
        if found is None and len(self.open_list) > len(self.rows[row][0]):
            k = min(FINAL_PASS_MORE_CANDIDATES, self.open.size)
            wider = self.locator.nearest(
                source.child_lon[child : child + 1], source.child_lat[child : child + 1], k
            )
            found = self._certain(
                wider.school[0].tolist(),
                wider.distance_m[0].tolist(),
                float(wider.unseen_beyond_m[0]),
            )
        return self.brute_force(child) if found is None else found

    def _certain(self, schools: list, metres: list, unseen: float) -> tuple[int, float] | None:
        """The first school of the row (local indices, metres) that is open now, if no
        school outside the row can be nearer; else None."""
        free, open_ = self.free, self.open_list
        for local, dist in zip(schools, metres, strict=True):
            if local < 0 or dist >= unseen:
                break
            school = open_[local]
            if free[school] > 0:
                return school, dist
        return None

    def brute_force(self, child: int) -> tuple[int, float]:
        source = self.source
        candidates = np.flatnonzero(self.seats > 0)
        if not candidates.size:
            return -1, float("nan")
        dist = geodesic_m(
            source.child_lon[child],
            source.child_lat[child],
            source.school_lon[candidates],
            source.school_lat[candidates],
        )
        best = np.lexsort((source.school_tie_rank[candidates], dist))[0]
        return int(candidates[best]), float(dist[best])


def final_pass(
    source: NearestSource,
    list_length: np.ndarray,
    assignment: np.ndarray,
    distance: np.ndarray,
    outside: np.ndarray,
) -> list[UnplacedChild]:
    """Serve unplaced children in :func:`final_pass_order`; each takes the nearest school
    with a free seat at its turn (ADR 12). ``list_length``: each child's published list
    length (a child without a seat has every school within the maximum distance).

    Updates ``assignment``, ``distance`` and ``outside`` in place; returns the report of
    children placed this way and of children who still have no seat.
    """
    seats = source.capacity - np.bincount(assignment[assignment >= 0], minlength=source.n_schools)
    waiting = final_pass_order(source, np.flatnonzero(assignment < 0))
    served: list[tuple[int, int, float]] = []  # (child, school, metres), in order of service
    schools = _OpenSchools(source, seats)
    for start in range(0, waiting.size, FINAL_PASS_BATCH):
        if not (seats > 0).any():
            break
        chunk = waiting[start : start + FINAL_PASS_BATCH]
        schools.batch(chunk)
        for row, child in enumerate(chunk.tolist()):
            school, dist = schools.pick(child, row)
            if school < 0:
                break
            schools.take(school)
            served.append((child, school, dist))
    if served:
        child, school, dist = (np.array(column) for column in zip(*served, strict=True))
        assignment[child], distance[child], outside[child] = school, dist, True
    return _final_pass_report(source, list_length, assignment, served)


def _final_pass_report(
    source: NearestSource, list_length: np.ndarray, assignment: np.ndarray, served: list
) -> list[UnplacedChild]:
    """The children placed by the final pass and those still without a seat, by index."""
    limit = source.max_distance_m
    child_ids, school_ids, length = source.child_ids, source.school_ids, list_length.tolist()
    report = {
        child: UnplacedChild(
            child_ids[child],
            PLACED_BY_FINAL_PASS,
            f"no school within {limit:.0f} m had a free seat; placed at the nearest "
            f"school with a free seat, {school_ids[school]} ({dist:.0f} m)",
            length[child],
        )
        for child, school, dist in served
    }
    for child in np.flatnonzero(assignment < 0).tolist():
        within = length[child]
        if within == 0:
            reason = NONE_WITHIN_MAX_AND_ALL_FULL
            message = f"no school within {limit:.0f} m and all schools are full"
        else:
            reason = NO_FREE_SEAT_ANYWHERE
            message = (
                f"all {within} schools within {limit:.0f} m are full and no school has a free seat"
            )
        report[child] = UnplacedChild(child_ids[child], reason, message, within)
    return [report[c] for c in sorted(report)]
