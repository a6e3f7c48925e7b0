"""Synthetic HCMC-like cities for the allocation benchmark.

Children and schools are random points in the box lon 106.55–106.85, lat 10.70–10.90
(children clustered around a few dozen dense neighbourhoods). Capacities sum to about
105 % of the children. Each child ranks ``n_choices`` schools drawn mostly from its nearest
ones, with a popularity skew: ~10 % of schools look much closer than they are, so they are
heavily oversubscribed. Priority at a school = (group, category rank, distance in metres):
group 1 when the school is the child's nearest (catchment) school, else 2; category 0 for
most children, 1 or 2 for a few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from admissions.allocation.distances import SchoolLocator
from admissions.allocation.lottery import lottery_single
from admissions.allocation.model import Instance, Policy

HCMC_BOX = (106.55, 106.85, 10.70, 10.90)


@dataclass(frozen=True)
class City:
    """Raw synthetic data (coordinates, capacities, categories, lotteries)."""

    child_ids: tuple[str, ...]
    child_lon: np.ndarray
    child_lat: np.ndarray
    school_ids: tuple[str, ...]
    school_lon: np.ndarray
    school_lat: np.ndarray
    capacity: np.ndarray
    category: np.ndarray
    lottery: np.ndarray
    popularity: np.ndarray
    ward: tuple[str, ...]


def make_city(
    n_children: int,
    n_schools: int,
    *,
    seed: int = 0,
    box: tuple[float, float, float, float] = HCMC_BOX,
    seat_ratio: float = 1.05,
    min_capacity: int = 0,
    prefix: str = "",
) -> City:
    """Random city: clustered children, uniform schools, capacities ≈ ``seat_ratio``."""
    rng = np.random.default_rng(seed)
    lon0, lon1, lat0, lat1 = box
    n_hubs = max(1, min(40, n_children // 500))
    hub_lon = rng.uniform(lon0, lon1, n_hubs)
    hub_lat = rng.uniform(lat0, lat1, n_hubs)
    hub = rng.integers(0, n_hubs, n_children)
    spread = 0.25 * (lon1 - lon0) / np.sqrt(n_hubs)
    uniform = rng.random(n_children) < 0.4
    child_lon = np.where(
        uniform,
        rng.uniform(lon0, lon1, n_children),
        hub_lon[hub] + rng.normal(0, spread, n_children),
    )
    child_lat = np.where(
        uniform,
        rng.uniform(lat0, lat1, n_children),
        hub_lat[hub] + rng.normal(0, spread, n_children),
    )
    child_lon = np.clip(child_lon, lon0, lon1)
    child_lat = np.clip(child_lat, lat0, lat1)
    school_lon = rng.uniform(lon0, lon1, n_schools)
    school_lat = rng.uniform(lat0, lat1, n_schools)
    weights = rng.uniform(0.5, 1.5, n_schools)
    capacity = np.floor(weights / weights.sum() * n_children * seat_ratio).astype(np.int64)
    capacity = np.maximum(capacity, min_capacity)
    category = rng.choice(3, size=n_children, p=[0.9, 0.07, 0.03]).astype(np.int64)
    child_ids = tuple(f"{prefix}C{i:07d}" for i in range(n_children))
    school_ids = tuple(f"{prefix}S{i:05d}" for i in range(n_schools))
    popularity = np.where(rng.random(n_schools) < 0.1, 0.35, 1.0)
    return City(
        child_ids=child_ids,
        child_lon=child_lon,
        child_lat=child_lat,
        school_ids=school_ids,
        school_lon=school_lon,
        school_lat=school_lat,
        capacity=capacity,
        category=category,
        lottery=lottery_single(child_ids, seed),
        popularity=popularity,
        ward=tuple(f"W{int(w):02d}" for w in rng.integers(0, 24, n_children)),
    )


def ranked_choices(city: City, n_choices: int, *, seed: int = 0, pool: int = 12):
    """Each child's ranked schools: its ``pool`` nearest, scored by distance × popularity
    skew × noise, best ``n_choices`` kept. Returns (choices, distance_m, nearest school)."""
    rng = np.random.default_rng(seed + 1)
    locator = SchoolLocator(city.school_lon, city.school_lat)
    pool = min(pool, len(city.school_ids))
    near = locator.nearest(city.child_lon, city.child_lat, pool)
    score = (
        near.distance_m * city.popularity[near.school] * rng.lognormal(0, 0.35, near.school.shape)
    )
    order = np.argsort(score, axis=1)[:, :n_choices]
    choices = np.take_along_axis(near.school, order, axis=1)
    dist = np.take_along_axis(near.distance_m, order, axis=1)
    return choices, dist, near.school[:, 0]


def make_instance(city: City, n_choices: int = 5, *, seed: int = 0) -> Instance:
    """DA instance: ranked choices with (group, category, distance) priorities."""
    choices, dist, catchment = ranked_choices(city, n_choices, seed=seed)
    n_children, width = choices.shape
    group = np.where(choices == catchment[:, None], 1.0, 2.0)
    priority = np.stack(
        [group, np.broadcast_to(city.category[:, None], choices.shape).astype(float), dist],
        axis=2,
    ).reshape(-1, 3)
    return Instance(
        school_ids=city.school_ids,
        capacity=city.capacity,
        child_ids=city.child_ids,
        choice_ptr=np.arange(0, n_children * width + 1, width, dtype=np.int64),
        choice_school=choices.reshape(-1).astype(np.int64),
        priority=priority,
        lottery=np.repeat(city.lottery, width),
        distance_m=dist.reshape(-1).copy(),
        policy=Policy(seed=seed),
        ward=city.ward,
    )
