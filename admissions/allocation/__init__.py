"""Grade-1 allocation engine for Ho Chi Minh City primary schools (pure Python, no Django).

Public API (what the portal calls)::

    from admissions.allocation import (
        Instance, Policy, Result, NearestSource,           # data
        instance_from_dict, read_instance, instance_from_json,  # validated input (ADR 25)
        nearest_source, nearest_source_from_dict,
        build_nearest_instance,                            # derived DA instance
        solve, solve_partitioned, check, Violation,        # run + verify (check() == [] → OK)
        explain, explain_all, render_explanation,          # per-child explanations
        compute_stats, min_total_distance_plan,            # statistics, planning simulator
        SchoolLocator, geodesic_m, distances_to_schools,   # bulk distances
        lottery_single, lottery_per_school,                # reproducible tie-breaks
    )
"""

from importlib import import_module
from typing import Any

# Lazy exports (PEP 562): ``import admissions.allocation`` stays cheap; scipy/pyproj/ortools
# load only when distances, nearest-first or the min-cost plan are used.
_EXPORTS = {
    "Violation": "checker",
    "check": "checker",
    "count_envy_and_waste": "checker",
    "SchoolLocator": "distances",
    "distances_to_schools": "distances",
    "geodesic_m": "distances",
    "solve": "mechanisms",
    "solve_da": "mechanisms",
    "solve_partitioned": "mechanisms",
    "AllocationError": "errors",
    "InstanceError": "errors",
    "Explainer": "explanations",
    "Explanation": "explanations",
    "explain": "explanations",
    "explain_all": "explanations",
    "render_explanation": "explanations",
    "instance_from_dict": "instance_io",
    "instance_from_json": "instance_io",
    "read_instance": "instance_io",
    "instance_to_dict": "instance_io",
    "lottery_per_school": "lottery",
    "lottery_single": "lottery",
    "Plan": "mincost",
    "min_total_distance_plan": "mincost",
    "Cutoff": "model",
    "Instance": "model",
    "Policy": "model",
    "Result": "model",
    "UnplacedChild": "model",
    "NearestSource": "nearest",
    "build_nearest_instance": "nearest",
    "nearest_source": "nearest",
    "nearest_source_from_dict": "nearest",
    "solve_nearest": "nearest",
    "compute_stats": "stats",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
