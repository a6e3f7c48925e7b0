"""Grade-1 allocation engine for Ho Chi Minh City primary schools (pure Python, no Django).

Public API (what the portal calls)::

    from admissions.allocation import (
        Instance, Policy, Result, NearestSource,           # data
        instance_from_dict, nearest_source, nearest_source_from_dict,
        build_nearest_instance,                            # derived DA instance
        solve, solve_partitioned, check, Violation,        # run + verify (check() == [] → OK)
        explain, explain_all, render_explanation,          # per-child explanations
        compute_stats, min_total_distance_plan,            # statistics, planning simulator
        SchoolLocator, geodesic_m, distances_to_schools,   # bulk distances
        lottery_single, lottery_per_school,                # reproducible tie-breaks
    )
"""

from admissions.allocation.checker import Violation, check, count_envy_and_waste
from admissions.allocation.distances import SchoolLocator, distances_to_schools, geodesic_m
from admissions.allocation.engine import solve, solve_da, solve_partitioned
from admissions.allocation.errors import AllocationError, InstanceError
from admissions.allocation.explain import (
    Explainer,
    Explanation,
    explain,
    explain_all,
    render_explanation,
)
from admissions.allocation.instance_io import instance_from_dict, instance_to_dict
from admissions.allocation.lottery import lottery_per_school, lottery_single
from admissions.allocation.mincost import Plan, min_total_distance_plan
from admissions.allocation.model import Cutoff, Instance, Policy, Result, UnplacedChild
from admissions.allocation.nearest import (
    NearestSource,
    build_nearest_instance,
    nearest_source,
    nearest_source_from_dict,
    solve_nearest,
)
from admissions.allocation.stats import compute_stats

__all__ = [
    "AllocationError",
    "Cutoff",
    "Explainer",
    "Explanation",
    "Instance",
    "InstanceError",
    "NearestSource",
    "Plan",
    "Policy",
    "Result",
    "SchoolLocator",
    "UnplacedChild",
    "Violation",
    "build_nearest_instance",
    "check",
    "compute_stats",
    "count_envy_and_waste",
    "distances_to_schools",
    "explain",
    "explain_all",
    "geodesic_m",
    "instance_from_dict",
    "instance_to_dict",
    "lottery_per_school",
    "lottery_single",
    "min_total_distance_plan",
    "nearest_source",
    "nearest_source_from_dict",
    "render_explanation",
    "solve",
    "solve_da",
    "solve_nearest",
    "solve_partitioned",
]
