"""The engine's process settings (ADR 28): numpy without huge-page advice unless the
environment chose, set by the CLI and the Celery worker."""

from __future__ import annotations

import sys

import pytest
from celery.signals import worker_init, worker_process_init
from numpy._core.multiarray import _get_madvise_hugepage, _set_madvise_hugepage

from admissions.allocation import cli
from admissions.allocation.runtime import (
    GIL_SWITCH_INTERVAL_S,
    HUGEPAGE_VARIABLE,
    engine_process_setup,
)


@pytest.fixture
def advice():
    before, interval = _get_madvise_hugepage(), sys.getswitchinterval()
    yield
    _set_madvise_hugepage(before)
    sys.setswitchinterval(interval)


def test_setup_turns_the_advice_off(advice, monkeypatch):
    monkeypatch.delenv(HUGEPAGE_VARIABLE, raising=False)
    _set_madvise_hugepage(True)
    assert engine_process_setup() is False
    assert not _get_madvise_hugepage()
    assert engine_process_setup() is False  # idempotent


def test_setup_hands_the_gil_over_sooner(advice):
    sys.setswitchinterval(0.005)  # CPython's default
    engine_process_setup()
    assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_INTERVAL_S)
    assert GIL_SWITCH_INTERVAL_S < 0.005


@pytest.mark.parametrize("on", [True, False])
def test_a_choice_in_the_environment_is_left_alone(advice, monkeypatch, on):
    monkeypatch.setenv(HUGEPAGE_VARIABLE, "1" if on else "0")
    _set_madvise_hugepage(on)
    assert engine_process_setup() is on
    assert bool(_get_madvise_hugepage()) is on


def test_the_cli_sets_it_up(advice, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(HUGEPAGE_VARIABLE, raising=False)
    _set_madvise_hugepage(True)
    source = tmp_path / "instance.json"
    source.write_text(
        '{"schools": [{"id": "S1", "capacity": 1}], "children": [{"id": "C1", '
        '"choices": ["S1"], "priority": {"S1": [1, 0, 300]}, "lottery": 0.5}]}'
    )
    assert cli.main(["solve", str(source), "-o", "-"]) == 0
    assert not _get_madvise_hugepage()


def test_the_worker_sets_it_up():
    import portal.celery as celery_module

    handler = celery_module._engine_process_setup
    for signal in (worker_init, worker_process_init):
        assert handler in [ref() for _, ref in signal.receivers]  # weak references


def test_the_worker_gives_freed_memory_back_after_each_task():
    from celery.signals import task_postrun

    import portal.celery as celery_module

    handler = celery_module._release_freed_memory
    assert handler in [ref() for _, ref in task_postrun.receivers]


def test_thresholds_set_in_the_environment_are_left_alone(monkeypatch):
    from admissions.allocation.runtime import MALLOC_VARIABLES, keep_freed_memory

    for name in MALLOC_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(MALLOC_VARIABLES[1], "131072")
    assert keep_freed_memory() is False


# Run in a fresh interpreter: glibc's settings are the process's. Prints the minor page faults
# of touching a 48 MB array allocated again after a first one was freed (glibc's default
# returns blocks above 32 MB to the kernel), then the resident memory (MB) after 400 MB of
# arrays were freed, and after release_freed_memory(). Small pages, as in the engine.
MEMORY_PROBE = """
import resource, sys
import numpy as np
from numpy._core.multiarray import _set_madvise_hugepage
from admissions.allocation import runtime
_set_madvise_hugepage(False)
if sys.argv[1] == "keep":
    assert runtime.keep_freed_memory()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
first = np.ones(6 << 20)
del first
before = faults()
second = np.ones(6 << 20)
touched = faults() - before
del second
arrays = [np.ones(1 << 20) for _ in range(50)]
del arrays
held = resident_mb()
runtime.release_freed_memory()
print(touched, held, resident_mb())
"""


def _probe(mode: str) -> tuple[int, float, float]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, mode], capture_output=True, text=True, check=True
    )
    touched, held, released = done.stdout.split()
    return int(touched), float(held), float(released)


def test_freed_memory_is_reused_during_a_job_and_given_back_after_it(monkeypatch):
    from admissions.allocation.runtime import MALLOC_VARIABLES

    for name in MALLOC_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    default_touched, _, _ = _probe("default")
    kept_touched, held, released = _probe("keep")
    pages = (48 << 20) // __import__("resource").getpagesize()
    assert default_touched > pages // 2  # glibc gave the first array back: fresh pages
    assert kept_touched < pages // 10  # kept: the freed pages are reused
    assert held > 350  # 400 MB of freed arrays still resident during the job...
    assert released < held - 300  # ...and given back after it


@pytest.mark.parametrize("enabled", [True, False])
def test_decoding_pauses_the_cycle_collector_and_restores_it(monkeypatch, enabled):
    """The collector is off while a document is decoded, and afterwards as it was before,
    also when the document is refused."""
    import gc

    import msgspec

    from admissions.allocation import instance_io
    from admissions.allocation.errors import InstanceError

    seen = []
    decode = instance_io._FAST_DECODER.decode

    class Spy:
        def decode(self, data):
            seen.append(gc.isenabled())
            return decode(data)

    monkeypatch.setattr(instance_io, "_FAST_DECODER", Spy())
    good = msgspec.json.encode(
        {
            "schools": [{"id": "S1", "capacity": 1}],
            "children": [{"id": "C1", "choices": ["S1"], "priority": {"S1": [2, 0, 10]}}],
            "seed": 1,
        }
    )
    (gc.enable if enabled else gc.disable)()
    try:
        assert instance_io.instance_from_json(good).child_ids == ("C1",)
        assert gc.isenabled() is enabled
        with pytest.raises(InstanceError, match="S9"):
            instance_io.instance_from_json(good.replace(b'"choices":["S1"]', b'"choices":["S9"]'))
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False, False]
