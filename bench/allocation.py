"""Allocation engine benchmark (``make bench`` → ``.venv/bin/python bench/allocation.py``).

Sections: bulk distances (KD-tree + geodesic, 155k × 5), DA + independent checker on a
155,000 × 1,000 × 5 synthetic HCMC with heavily oversubscribed popular schools,
nearest-first with final pass, min-total-distance plan, a side-by-side run against the PyPI
``matching`` library (10,000 × 50), and a national run (1.6 M × 15,000, 34 provinces).

Wall times are ``time.perf_counter``; peak memory is measured with ``tracemalloc`` (peak of
traced Python + numpy allocations during the step, in a separate run so tracing does not
distort the timing) and the process maximum RSS (``resource.getrusage``) is printed too.
The last line of stdout is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from admissions.allocation.checker import check
from admissions.allocation.checker_nearest import check_nearest
from admissions.allocation.distances import SchoolLocator, geodesic_m
from admissions.allocation.mechanisms import solve_da, solve_partitioned
from admissions.allocation.mincost import min_total_distance_plan
from admissions.allocation.model import Instance
from admissions.allocation.nearest import nearest_source, solve_nearest
from admissions.allocation.priorities import NO_CATEGORY_RANK
from admissions.allocation.runtime import engine_process_setup, release_freed_memory
from bench.synthetic import make_city, make_instance

#: CPU seconds (this process, all threads) of the last :func:`timed` call: on a machine shared
#: with other work, wall time measures the queue as much as the code.
LAST_CPU = [0.0]


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    LAST_CPU[0] = time.process_time() - cpu
    return value, time.perf_counter() - start


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    best, value = float("inf"), None
    for _ in range(repeat):
        value, seconds = timed(fn)
        best = min(best, seconds)
    return value, best


def traced_peak_mb(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def host_reference_s() -> float:
    """Wall seconds of a fixed single-threaded workload of the engine's kinds (a pure-Python
    loop, 500,000 geodesics, a sort of 2 M floats): the host's speed at the moment of
    measuring. On a shared machine it drifts (seen here: the same work taking twice as long
    within the hour), and every wall figure with it; the JSON line carries it so that
    figures taken at different moments can be compared."""
    rng = np.random.default_rng(0)
    lon1, lon2 = (106.6 + rng.random(500_000) * 0.2 for _ in range(2))
    lat1, lat2 = (10.7 + rng.random(500_000) * 0.2 for _ in range(2))
    values = rng.random(2_000_000)
    start = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    geodesic_m(lon1, lat1, lon2, lat2, threads=1)
    np.sort(values)
    return time.perf_counter() - start


def section(title: str) -> None:
    print(f"\n== {title} ==")


def bench_distances(city, repeat: int) -> float:
    section(
        f"distances: {len(city.child_ids):,} children × k=5 of {len(city.school_ids):,} "
        "schools (KD-tree in UTM 48N + exact WGS84 geodesic)"
    )

    def run():
        locator = SchoolLocator(city.school_lon, city.school_lat)
        return locator.nearest(city.child_lon, city.child_lat, 5)

    near, seconds = best_of(run, repeat)
    print(
        f"  wall {seconds:.3f} s (best of {repeat}); "
        f"mean nearest {near.distance_m[:, 0].mean():.0f} m"
    )
    return seconds


def bench_da(instance: Instance, repeat: int) -> dict[str, Any]:
    section(
        f"DA + checker: {instance.n_children:,} children × {instance.n_schools:,} schools × "
        f"{instance.n_pairs // max(1, instance.n_children)} choices"
    )
    first = instance.choice_school[instance.choice_ptr[:-1]]
    demand = np.bincount(first, minlength=instance.n_schools) / np.maximum(instance.capacity, 1)
    print(
        f"  seats {instance.capacity.sum():,} ({instance.capacity.sum() / instance.n_children:.0%} "
        f"of children); first-choice demand/seats: max {demand.max():.1f}, "
        f"{(demand > 2).sum()} schools > 2×, {(demand > 1).sum()} schools > 1×"
    )
    _, hash_s = timed(lambda: replace(instance).input_sha256)  # a copy: nothing cached
    hash_cpu = LAST_CPU[0]
    print(f"  input_sha256 (version 2, once per instance): {hash_s:.3f} s (CPU {hash_cpu:.3f} s)")

    def run():
        result = solve_da(instance, verify=False)
        return result, check(instance, result)

    (result, violations), seconds = best_of(run, repeat)
    _, da_s = best_of(lambda: solve_da(instance, verify=False), repeat)
    _, check_s = best_of(lambda: check(instance, result), repeat)
    _, rerun_s = timed(
        lambda: check(instance, result, rerun=lambda: solve_da(instance, verify=False))
    )
    peak = traced_peak_mb(run)
    placed = result.assignment >= 0
    first_choice = (result.assigned_pair == instance.choice_ptr[:-1]) & placed
    print(
        f"  DA (encode + rounds) {da_s:.3f} s, {result.rounds} rounds; checker {check_s:.3f} s; "
        f"DA + checker {seconds:.3f} s (best of {repeat})"
    )
    print(f"  checker with re-run hash comparison: {rerun_s:.3f} s")
    print(
        f"  peak traced memory DA + checker: {peak:.0f} MB (tracemalloc); process max RSS so "
        f"far {max_rss_mb():.0f} MB"
    )
    print(
        f"  violations: {len(violations)}; placed {placed.mean():.1%}, first choice "
        f"{first_choice.mean():.1%}, unplaced {(~placed).sum():,}"
    )
    return {
        "da_check_s": seconds,
        "hash_s": hash_s,
        "hash_cpu_s": hash_cpu,
        "da_peak_mb": peak,
        "violations": len(violations),
        "result": result,
    }


def bench_cli(instance: Instance) -> tuple[float, float]:
    section("command line: python -m admissions.allocation solve (DA), JSON in and out")
    import subprocess
    import tempfile

    from admissions.allocation.instance_io import instance_to_dict

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "instance.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(instance_to_dict(instance), fh, ensure_ascii=False)
        size_mb = os.path.getsize(path) / 2**20
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        command = [sys.executable, "-m", "admissions.allocation", "solve", path, "-o"]
        completed, seconds = timed(
            lambda: subprocess.run(
                [*command, os.path.join(folder, "result.json")],
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            )
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"  wall {seconds:.3f} s for a {size_mb:.0f} MB instance (a new process: interpreter, "
        f"imports, read + validate, DA + stability count, write); CPU {cpu:.3f} s"
    )
    print(f"  {completed.stdout.strip()}")
    return seconds, cpu


def bench_nearest(city, repeat: int) -> tuple[float, float, list[float]]:
    """Best wall time of ``repeat`` runs, that run's CPU seconds, and every run's wall time
    (the machine is shared: other work only ever adds time). Each run starts as a
    worker's job does: on a source built afresh (nothing cached, the hash included) and
    after the memory of the run before was given back (``release_freed_memory``)."""
    section("nearest-first with quotas (4 km lists, DA, final pass)")
    runs = []
    for _ in range(repeat):
        source = nearest_source(
            city.child_ids,
            city.child_lon,
            city.child_lat,
            city.school_ids,
            city.school_lon,
            city.school_lat,
            city.capacity,
            lottery=city.lottery,
            category=np.where(city.category == 0, NO_CATEGORY_RANK, city.category),
            ward=city.ward,
        )
        release_freed_memory()
        result, seconds = timed(lambda source=source: solve_nearest(source))
        runs.append((seconds, LAST_CPU[0]))
    print("  runs: " + ", ".join(f"wall {w:.3f} s (CPU {c:.3f} s)" for w, c in runs))
    seconds, cpu = min(runs)
    violations, check_s = timed(
        lambda: check(result.instance, result, expected_input_sha256=source.sha256)
    )
    independent, rebuild_s = timed(lambda: check_nearest(source, result))
    placed = result.assignment >= 0
    print(
        f"  best wall {seconds:.3f} s, CPU {cpu:.3f} s (incl. source hash); checker on the "
        f"solver's lists {check_s:.3f} s, violations {len(violations)}"
    )
    print(
        f"  independent checker (lists rebuilt from coordinates, final pass replayed) "
        f"{rebuild_s:.3f} s, violations {len(independent)}"
    )
    print(
        f"  placed within 4 km {(placed & ~result.outside_list).sum():,}, by final pass "
        f"{result.outside_list.sum():,}, still unplaced {(~placed).sum():,}; mean distance "
        f"{np.nanmean(result.assigned_distance_m):.0f} m, p95 "
        f"{np.nanpercentile(result.assigned_distance_m, 95):.0f} m"
    )
    return seconds, cpu, [w for w, _ in runs]


def bench_mincost(instance: Instance, da_result) -> tuple[float, float]:
    section("min-total-distance plan (OR-Tools min-cost flow) vs DA")
    plan, seconds = timed(lambda: min_total_distance_plan(instance))
    cpu = LAST_CPU[0]
    da_total = float(np.nansum(da_result.assigned_distance_m))
    da_placed = int((da_result.assignment >= 0).sum())
    print(f"  wall {seconds:.3f} s, CPU {cpu:.3f} s; placed {plan.placed:,} (DA {da_placed:,})")
    print(
        f"  total distance plan {plan.total_distance_m / 1000:,.0f} km vs DA "
        f"{da_total / 1000:,.0f} km; "
        f"justified-envy pairs plan {plan.justified_envy_pairs:,} vs DA 0; wasted-seat pairs "
        f"{plan.wasted_seat_pairs:,}"
    )
    return seconds, cpu


def _matching_game_inputs(instance: Instance):
    child_ids, school_ids = instance.child_ids, instance.school_ids
    resident_prefs = {
        cid: [school_ids[s] for s in instance.choices_of(c)] for c, cid in enumerate(child_ids)
    }
    from admissions.allocation.da import encode_pair_keys

    keys = encode_pair_keys(instance)  # pairs sorted by (school, priority, lottery, id)
    hospital_prefs: dict[str, list[str]] = {sid: [] for sid in school_ids}
    for pair in keys.pair_of_key.tolist():
        hospital_prefs[school_ids[instance.choice_school[pair]]].append(
            child_ids[instance.pair_child[pair]]
        )
    capacities = dict(zip(school_ids, instance.capacity.tolist(), strict=True))
    return resident_prefs, hospital_prefs, capacities


def bench_matching(seed: int) -> tuple[float, bool]:
    section("side by side with PyPI `matching` (HospitalResident, resident-optimal), 10,000 × 50")
    from matching.games import HospitalResident

    city = make_city(10_000, 50, seed=seed + 7, min_capacity=1)
    instance = make_instance(city, 5, seed=seed + 7)
    ours, ours_s = best_of(lambda: solve_da(instance, verify=False), 5)
    residents, hospitals, capacities = _matching_game_inputs(instance)

    def run_library():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
            return game.solve(optimal="resident")

    matching, lib_s = timed(run_library)
    theirs: dict[str, str | None] = dict.fromkeys(instance.child_ids)
    for hospital, matched in matching.items():
        for resident in matched:
            theirs[resident.name] = hospital.name
    identical = theirs == ours.assignment_dict()
    ratio = lib_s / ours_s
    print(
        f"  ours {ours_s * 1000:.1f} ms (best of 5); matching {lib_s:.2f} s (incl. its input "
        f"checks); ratio {ratio:.0f}×; identical matchings: {identical}"
    )
    return ratio, identical


PROVINCES = 34


def national_instances(n_children: int, n_schools: int, seed: int) -> list[Instance]:
    """One synthetic city per province, in a grid of boxes over Viet Nam's longitude span."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.5, 1.5, PROVINCES)
    kids = np.floor(weights / weights.sum() * n_children).astype(int)
    kids[0] += n_children - kids.sum()
    schools = np.maximum(1, np.round(kids / n_children * n_schools)).astype(int)
    schools[0] += n_schools - schools.sum()
    out = []
    for p in range(PROVINCES):
        lon0 = 102.5 + (p % 6) * 1.2
        lat0 = 8.8 + (p // 6) * 2.5
        city = make_city(
            int(kids[p]),
            int(schools[p]),
            seed=seed + 100 + p,
            box=(lon0, lon0 + 0.6, lat0, lat0 + 0.5),
            prefix=f"P{p:02d}",
        )
        out.append(make_instance(city, 5, seed=seed + 100 + p))
    return out


def bench_national(n_children: int, n_schools: int, seed: int) -> float:
    section(f"national: {n_children:,} children × {n_schools:,} schools in {PROVINCES} provinces")
    instances, gen_s = timed(lambda: national_instances(n_children, n_schools, seed))
    print(f"  synthetic data generated in {gen_s:.1f} s (not counted)")

    def run(workers: int):
        # Every stored run needs its input hash: it counts (fresh instances, no cached hash).
        fresh = [replace(inst) for inst in instances]
        hashes = [inst.input_sha256 for inst in fresh]
        assert len(set(hashes)) == len(fresh)
        results = solve_partitioned(fresh, "da", verify=False, workers=workers)
        bad = sum(len(check(inst, res)) for inst, res in zip(instances, results, strict=True))
        return results, bad

    (results, bad_serial), serial_s = timed(lambda: run(1))
    (results, bad_parallel), parallel_s = timed(lambda: run(2))
    placed = sum(int((r.assignment >= 0).sum()) for r in results)
    print(
        f"  input hash + DA + checker per province, serial: {serial_s:.2f} s; "
        f"2 processes (hash in this one): {parallel_s:.2f} s"
    )
    print(f"  violations {bad_serial + bad_parallel}; placed {placed:,} of {n_children:,}")
    return min(serial_s, parallel_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=155_000)
    parser.add_argument("--schools", type=int, default=1_000)
    parser.add_argument("--national-children", type=int, default=1_600_000)
    parser.add_argument("--national-schools", type=int, default=15_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-publish", action="store_true", help="no database at hand")
    parser.add_argument(
        "--only",
        choices=("nearest",),
        help="run one section (no database, no national run); JSON has its keys only",
    )
    args = parser.parse_args(argv)
    # The process settings of the engine's worker and CLI (ADR 28): measure what they run.
    engine_process_setup()

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cpus {os.cpu_count()}")
    city, gen_s = timed(lambda: make_city(args.children, args.schools, seed=args.seed))
    if args.only == "nearest":
        print(f"synthetic city generated in {gen_s:.1f} s")
        reference_s = host_reference_s()
        nearest_s, nearest_cpu, nearest_runs = bench_nearest(city, args.repeat)
        print(f"\nprocess max RSS {max_rss_mb():.0f} MB")
        summary_only = {
            "nearest_s": round(nearest_s, 3),
            "nearest_cpu_s": round(nearest_cpu, 3),
            "nearest_runs_s": [round(w, 3) for w in nearest_runs],
            "host_reference_s": round(reference_s, 3),
            "load_average_1min": round(os.getloadavg()[0], 1),
        }
        print(json.dumps(summary_only))
        return 0
    instance, inst_s = timed(lambda: make_instance(city, 5, seed=args.seed))
    print(f"synthetic city generated in {gen_s:.1f} s, ranked choices in {inst_s:.1f} s")

    reference_s = host_reference_s()
    distances_s = bench_distances(city, args.repeat)
    da = bench_da(instance, args.repeat)
    cli_s, cli_cpu = bench_cli(instance)
    nearest_s, nearest_cpu, nearest_runs = bench_nearest(city, args.repeat)
    mincost_s, mincost_cpu = bench_mincost(instance, da["result"])
    ratio, identical = bench_matching(args.seed)
    national_s = (
        None
        if args.skip_national
        else bench_national(args.national_children, args.national_schools, args.seed)
    )
    publish_s = None
    if not args.skip_publish:
        from bench.publish import _setup_django, bench_publish

        section(f"publication of a {args.children:,}-child round (real database, job + broker)")
        _setup_django()
        publish_s = bench_publish(args.children)["publish_s"]
    print(f"\nprocess max RSS {max_rss_mb():.0f} MB")
    summary = {
        "distances_s": round(distances_s, 3),
        "da_check_s": round(da["da_check_s"], 3),
        "da_peak_mb": round(da["da_peak_mb"], 1),
        "matching_ratio": round(ratio, 1),
        "matching_identical": identical,
        "national_s": None if national_s is None else round(national_s, 3),
        "cli_solve_s": round(cli_s, 3),
        "nearest_s": round(nearest_s, 3),
        "mincost_s": round(mincost_s, 3),
        "hash_s": round(da["hash_s"], 3),
        # CPU seconds beside the wall figures (the machine is shared; load average below).
        "cli_solve_cpu_s": round(cli_cpu, 3),
        "nearest_cpu_s": round(nearest_cpu, 3),
        "nearest_runs_s": [round(w, 3) for w in nearest_runs],
        "mincost_cpu_s": round(mincost_cpu, 3),
        "hash_cpu_s": round(da["hash_cpu_s"], 3),
        "host_reference_s": round(reference_s, 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "publish_s": None if publish_s is None else round(publish_s, 3),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
