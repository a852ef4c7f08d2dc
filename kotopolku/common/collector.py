"""Pausing Python's cyclic garbage collector around a batch computation.

A forecast builds some hundred thousand small objects (a `MonthAmount` per person-month, the
persons read) and keeps them all. The cyclic collector runs every few hundred allocations and
now and then scans the whole, growing heap, so its cost grew faster than the persons did
(bench/README.md, "Compensation forecast"). These objects form no reference cycles: reference
counting frees them without the collector, so it is paused while the batch runs and resumed
afterwards (whatever cycles arose meanwhile are collected then).

The collector is process-wide: nested and concurrent pauses (threads) are counted, and it is
resumed when the last one ends, only if it was running when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
