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
"""

from __future__ import annotations

import os

try:  # not public API (numpy >= 1.20); without it the process keeps numpy's default
    from numpy._core.multiarray import _get_madvise_hugepage, _set_madvise_hugepage
except ImportError:  # pragma: no cover - older or newer numpy
    _get_madvise_hugepage = _set_madvise_hugepage = None

HUGEPAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def engine_process_setup() -> bool:
    """Turn off numpy's huge-page advice unless the environment chose; returns whether
    the advice is on afterwards. Idempotent and cheap; the results never depend on it."""
    if _set_madvise_hugepage is None or _get_madvise_hugepage is None:
        return True
    if os.environ.get(HUGEPAGE_VARIABLE) is None:
        _set_madvise_hugepage(False)
    return bool(_get_madvise_hugepage())
