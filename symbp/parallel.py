"""Parallel map over files: the process pool behind ``symbp check -j N`` and ``symbp prove -j N``.

Each file is checked on its own (nothing is shared between files), so a pool of processes
can take them in any order; :func:`map_files` gives the results back **in the order of the
input**, so that the output of ``-j N`` is the output of ``-j 1``, byte for byte.  Room 0 (base):
imports only the standard library.

>>> map_files(len, ["a", "bb", "ccc"], jobs=1)
[1, 2, 3]
>>> default_jobs([]), default_jobs(["a.tex"]) , default_jobs(["."]) == cpu_count()
(1, 1, True)
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    import multiprocessing.context

__all__ = ["cpu_count", "default_jobs", "import_sympy", "map_files"]

T = TypeVar("T")
R = TypeVar("R")

#: at most this many workers, whatever ``-j`` says (each holds a copy of symbp's caches)
MAX_JOBS = 64


def cpu_count() -> int:
    """The cores this process may run on (its CPU affinity where the system says, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_jobs(paths: Sequence[str | Path]) -> int:
    """The default of ``-j``: the number of cores when a folder is among ``paths``, else 1."""
    return cpu_count() if any(Path(p).is_dir() for p in paths) else 1


#: libraries whose threads make a forked child deadlock-prone (JAX says so when it sees a fork)
_THREADED = ("jax", "jaxlib", "tensorflow")


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing  # here, not at the top: ``import symbp`` (every check) needs no pool
    # fork where there is one: the workers start with symbp already imported (a spawned worker
    # would import sympy, numpy and symbp again, about 0.2 s); but not once a library that runs
    # threads of its own is loaded in this process (a notebook or a test that used JAX): then a
    # fresh server forks the workers; elsewhere the platform's default
    methods = multiprocessing.get_all_start_methods()
    if any(m in sys.modules for m in _THREADED):
        return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def import_sympy() -> None:
    """Import SymPy (a ``preload`` of :func:`map_files`: the checks import it lazily)."""
    import sympy  # noqa: F401


def map_files(fn: Callable[[T], R], items: Sequence[T], jobs: int = 1,
              preload: Sequence[Callable[[], object]] = ()) -> list[R]:
    """``[fn(x) for x in items]``, computed by ``jobs`` processes when that is worth it (more
    than one job and more than one item), in the order of ``items``.

    ``fn`` must be a module-level function and its results picklable; it should catch its own
    errors (an exception in a worker is raised here, and ends the map).  ``preload`` holds
    functions that import what ``fn`` imports lazily but (almost) surely needs, such as SymPy
    (:func:`import_sympy`; functions, not module names: symbp never imports a module named by a
    string, ``tests/test_safety.py``): where the workers are forked, this process calls them
    first, once, so that the workers share them instead of each
    importing them again (half a second of CPU per worker for SymPy; seconds where no bytecode is
    written).  They change no result.
    """
    jobs = max(1, min(int(jobs), len(items), MAX_JOBS))
    if jobs == 1:
        return [fn(x) for x in items]
    # the biggest files first (a file's cost grows with its size): the last tasks are then the
    # smallest, and leave no core idle for long; the results are put back in the input's order
    order = sorted(range(len(items)), key=lambda k: -_weight(items[k]))
    # a few items per task: fewer round trips for many small files (a task costs well under a
    # millisecond: the items' names and the results' pickles), and small enough that the last
    # tasks leave no core idle for long (at most about 1/32 of each worker's share is left over)
    chunk = max(1, len(items) // (jobs * 32))
    import gc
    from concurrent.futures import ProcessPoolExecutor
    context = _context()
    # forked workers share this process's memory until they write to it, and the collector
    # writes to every object it visits: frozen, the objects made so far (symbp's imports and
    # caches) stay shared instead of being copied into each worker
    frozen = context.get_start_method() == "fork"
    if frozen:
        for warm in preload:
            warm()
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            done = list(pool.map(fn, [items[k] for k in order], chunksize=chunk))
    finally:
        if frozen:
            gc.unfreeze()
    out: list[R] = [None] * len(items)  # type: ignore[list-item]
    for k, r in zip(order, done):
        out[k] = r
    return out


#: a directive of a generic network (``% symbp: layers l = 1..L``, ``% symbp: steps t = 1..T``):
#: such a file is checked on a window and unrolled at several depths (``symbp.checker.generic``)
_GENERIC = re.compile(rb"^[ \t]*%+[ \t]*(?i:symbp):[ \t]*(?i:layers|steps)\b", re.M)
#: how much more a byte of a generic network's file costs than a byte of another (measured on
#: ``derivations/``: 65-116 us of CPU per byte against 7-35 us)
GENERIC_WEIGHT = 4
#: the part of a file read to weigh it (directives come first; a file is never read whole here)
_HEAD = 1 << 14


def _weight(item: object) -> int:
    """How much work ``item`` is likely to be, to order the tasks: a file's size in bytes, times
    :data:`GENERIC_WEIGHT` for a generic network (its directive in the first 16 KiB); 0 for
    anything else, or a file that cannot be read (the sort is stable, so those keep their order).

    >>> _weight(__file__) > 0, _weight("no such file"), _weight(3)
    (True, 0, 0)
    >>> _weight("derivations/generic/graves_initial_state.tex") > _weight("derivations/ng_batch.tex")
    True
    """
    if not isinstance(item, (str, os.PathLike)):
        return 0
    try:
        st = os.stat(item)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device is never opened here (it could block)
            return st.st_size
        size = st.st_size
        with open(item, "rb") as f:
            head = f.read(_HEAD)
    except (OSError, ValueError):
        return 0
    return size * GENERIC_WEIGHT if _GENERIC.search(head) else size
