"""Process settings for the processes that run the engine (ADR 28).

Called once at the start of each entry point: the command line (``cli.main``), the Celery
worker (``portal/celery.py``, at worker start) and the benchmark, which measures what the
worker does. Never called on import: the settings are the process's, not the module's.

numpy advises the kernel to back its arrays of 4 MB and more with transparent huge pages
(where the kernel's ``transparent_hugepage`` mode is ``madvise``). The engine allocates and
frees such arrays many times per run, and each first touch of a huge page clears 2 MB: at
city scale (155,000 children) that is half the system time of a nearest-first run. Small
pages fault more often but each fault is cheap, so the engine's processes turn the advice
off. An operator who wants numpy's default sets ``NUMPY_MADVISE_HUGEPAGE`` (numpy's own
variable, read at import): a value set there is left alone.

glibc returns a freed block of 128 kB and more to the kernel (its own ``mmap``, or a trim of
the heap's top), so the next array of that size faults its pages in again: a nearest-first run
at city scale touched 600 MB of fresh pages that way, a third of it in the kernel. The engine's
processes keep freed memory for reuse during a job (blocks up to 64 MB from the heap, no
trimming) and hand it back after each job (:func:`release_freed_memory`, ``malloc_trim``), so
a worker between jobs holds no more than before. ``MALLOC_MMAP_THRESHOLD_`` or
``MALLOC_TRIM_THRESHOLD_`` set in the environment (glibc's own variables) leave this alone.

The engine's threads spend most of their time in numpy, scipy and pyproj with the GIL
released, and take it back for a moment between two calls. While another thread runs Python
(the source hash, the final pass), each such moment waited up to CPython's switch interval,
5 ms by default; the engine's processes use :data:`GIL_SWITCH_INTERVAL_S` (a nearest-first run
at city scale: median 2.03 → 1.90 s, 14 runs each in alternating processes; ADR 28).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager

try:  # not public API (numpy >= 1.20); without it the process keeps numpy's default
    from numpy._core.multiarray import _get_madvise_hugepage, _set_madvise_hugepage
except ImportError:  # pragma: no cover - older or newer numpy
    _get_madvise_hugepage = _set_madvise_hugepage = None

HUGEPAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"
MALLOC_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
#: Blocks below this come from the heap, and freed ones are reused (glibc's ``mallopt``).
HEAP_BLOCK_LIMIT = 64 << 20
#: Freed memory at the heap's top kept during a job (given back by ``malloc_trim`` after it).
KEPT_FREE_MEMORY = 1 << 30
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
#: How long a thread that runs Python keeps the GIL when another thread asks for it.
GIL_SWITCH_INTERVAL_S = 0.001


def engine_process_setup() -> bool:
    """Turn off numpy's huge-page advice unless the environment chose; returns whether
    the advice is on afterwards. Keep freed memory for reuse (:func:`keep_freed_memory`) and
    hand the GIL over sooner (:data:`GIL_SWITCH_INTERVAL_S`). Idempotent and cheap; the
    results never depend on it."""
    keep_freed_memory()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    if _set_madvise_hugepage is None or _get_madvise_hugepage is None:
        return True
    if os.environ.get(HUGEPAGE_VARIABLE) is None:
        _set_madvise_hugepage(False)
    return bool(_get_madvise_hugepage())


@functools.cache
def _glibc():
    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # pragma: no cover - glibc under another name
        return None


def keep_freed_memory() -> bool:
    """Have glibc keep freed blocks for reuse during a job (module docstring); False when
    this is not glibc or the environment chose its own thresholds."""
    libc = _glibc()
    if libc is None or any(os.environ.get(name) is not None for name in MALLOC_VARIABLES):
        return False
    return bool(
        libc.mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCK_LIMIT)
        and libc.mallopt(_M_TRIM_THRESHOLD, KEPT_FREE_MEMORY)
    )


def release_freed_memory() -> None:
    """Give the memory freed during a job back to the kernel (after each job)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block (restored after it, as it was).

    Decoding a large document allocates millions of containers (the children's structs,
    lists and dicts), none of them in a cycle; each allocation count past the collector's
    threshold starts a collection that walks the ones allocated so far again. Decoding the
    155,000-child bench instance took 0.70 s with the collector on and 0.43-0.51 s paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
