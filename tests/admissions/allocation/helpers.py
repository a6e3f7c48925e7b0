"""Shared helpers for the allocation tests: instance strategies and brute-force oracles."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from admissions.allocation.model import Instance


@st.composite
def instances(
    draw,
    max_children: int = 12,
    max_schools: int = 6,
    max_list: int = 4,
    min_capacity: int = 0,
    ties: bool = True,
    nonempty_lists: bool = False,
) -> Instance:
    """Random small instances; ``ties`` draws from few values so exact ties happen."""
    n_schools = draw(st.integers(1, max_schools))
    n_children = draw(st.integers(0, max_children))
    schools = [(f"S{s}", draw(st.integers(min_capacity, 3))) for s in range(n_schools)]
    distance = st.integers(0, 4) if ties else st.floats(0, 4000, allow_nan=False)
    lottery = st.sampled_from([0.25, 0.5, 0.75]) if ties else st.floats(0, 1, exclude_max=True)
    children = []
    for c in range(n_children):
        low = 1 if nonempty_lists else 0
        order = draw(st.permutations(range(n_schools)))
        length = draw(st.integers(min(low, n_schools), min(max_list, n_schools)))
        choices = [f"S{s}" for s in order[:length]]
        priority = {
            sid: [draw(st.integers(1, 2)), draw(st.integers(0, 1)), float(draw(distance))]
            for sid in choices
        }
        children.append((f"C{c}", choices, priority, draw(lottery)))
    return Instance.from_lists(schools, children)


def assignment_of(instance: Instance, result) -> dict[str, str | None]:
    """``{child: school}`` of a Result."""
    return result.assignment_dict()


def school_rank(instance: Instance) -> dict[tuple[str, str], tuple]:
    """Strict priority key of every (child, school) pair: (tuple, lottery, child id)."""
    keys = {}
    for c, cid in enumerate(instance.child_ids):
        for pair in range(instance.choice_ptr[c], instance.choice_ptr[c + 1]):
            sid = instance.school_ids[instance.choice_school[pair]]
            keys[(cid, sid)] = (tuple(instance.priority[pair]), instance.lottery[pair], cid)
    return keys


def prefs_of(instance: Instance) -> dict[str, list[str]]:
    return {
        cid: [instance.school_ids[s] for s in instance.choices_of(c)]
        for c, cid in enumerate(instance.child_ids)
    }


def is_stable(instance: Instance, assignment: dict[str, str | None]) -> bool:
    """Plain-Python stability test (feasible, individually rational, no blocking pair)."""
    keys = school_rank(instance)
    prefs = prefs_of(instance)
    capacity = dict(zip(instance.school_ids, instance.capacity.tolist(), strict=True))
    seated: dict[str, list[str]] = {s: [] for s in instance.school_ids}
    for cid, sid in assignment.items():
        if sid is not None:
            if sid not in prefs[cid]:
                return False
            seated[sid].append(cid)
    if any(len(v) > capacity[s] for s, v in seated.items()):
        return False
    for cid, plist in prefs.items():
        current = assignment[cid]
        better = plist if current is None else plist[: plist.index(current)]
        for sid in better:
            if len(seated[sid]) < capacity[sid]:
                return False
            if any(keys[(cid, sid)] < keys[(other, sid)] for other in seated[sid]):
                return False
    return True


def brute_force_child_optimal(instance: Instance) -> dict[str, str | None]:
    """Enumerate every matching; return the stable one every child likes best."""
    prefs = prefs_of(instance)
    ids = list(instance.child_ids)
    options = [[*prefs[c], None] for c in ids]
    stable = []
    for combo in itertools.product(*options):
        assignment = dict(zip(ids, combo, strict=True))
        if is_stable(instance, assignment):
            stable.append(assignment)
    assert stable, "a stable matching always exists"

    def position(cid: str, sid: str | None) -> int:
        return len(prefs[cid]) if sid is None else prefs[cid].index(sid)

    best = {c: min(position(c, m[c]) for m in stable) for c in ids}
    optimal = [m for m in stable if all(position(c, m[c]) == best[c] for c in ids)]
    assert len(optimal) == 1, "the child-optimal stable matching exists and is unique"
    return optimal[0]


def with_list(instance: Instance, child: int, new_choices: list[int]) -> Instance:
    """Copy of the instance where one child reports another list (same priorities)."""
    children = []
    for c, cid in enumerate(instance.child_ids):
        pairs = range(instance.choice_ptr[c], instance.choice_ptr[c + 1])
        priority = {
            instance.school_ids[instance.choice_school[p]]: list(instance.priority[p])
            for p in pairs
        }
        lottery = float(instance.lottery[instance.choice_ptr[c]]) if len(pairs) else 0.5
        choices = [instance.school_ids[s] for s in instance.choices_of(c)]
        if c == child:
            choices = [instance.school_ids[s] for s in new_choices]
        children.append((cid, choices, priority, lottery))
    schools = list(zip(instance.school_ids, instance.capacity.tolist(), strict=True))
    return Instance.from_lists(schools, children)


def random_city(n_children: int, n_schools: int, seed: int, box=(106.6, 106.8, 10.7, 10.9)):
    """Random coordinates: (child_lon, child_lat, school_lon, school_lat)."""
    rng = np.random.default_rng(seed)
    lon0, lon1, lat0, lat1 = box
    return (
        rng.uniform(lon0, lon1, n_children),
        rng.uniform(lat0, lat1, n_children),
        rng.uniform(lon0, lon1, n_schools),
        rng.uniform(lat0, lat1, n_schools),
    )
