"""Give memory back to the system between cycles, so an idle daemon stays small.

A cycle allocates in several threads (checks, inspections, confirmations); glibc keeps the freed
memory in per-thread arenas, so the resident size of an idle daemon grows with the busiest cycle
it has seen. ``malloc_trim`` returns those free pages. Without glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache

__all__ = ["release_memory"]


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_memory() -> None:
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
