"""Many independent jobs on every core: the pages of a site.

:func:`run_each` runs ``job(0)`` … ``job(count - 1)`` in worker processes forked from this one, so
each worker has everything the jobs need (templates, view models, the catalogue) without pickling
it, and reports each job as it is done. It runs them in this process instead where forking is not
safe (other than Linux) or not worth it: one core, few jobs, ``JWTOOL_JOBS=1``. A job's exception is raised here
(the first one; the other workers are stopped), so an error reads the same either way; a worker that
dies is an error too, never a hang.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

MIN_JOBS = 100  # fewer jobs than this run here: starting workers takes longer than they save
BATCH = 25  # jobs a worker takes at a time

_job: Callable[[int], None] | None = None  # the job the workers run, inherited through fork


def workers() -> int:
    """How many processes may work at once: ``$JWTOOL_JOBS`` if set (1: never fork), else the CPUs
    this process may run on."""
    explicit = os.environ.get("JWTOOL_JOBS", "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_each(count: int, job: Callable[[int], None]) -> Iterator[int]:
    """Run ``job(i)`` for every ``i`` below ``count``; yields each ``i`` once its job is done (in
    the order they finish, so a progress bar can count them). The jobs must not depend on each
    other's order, and whatever they make must not depend on which process made it."""
    many = min(workers(), -(-count // BATCH))
    if many < 2 or count < MIN_JOBS or not sys.platform.startswith("linux"):  # fork is safe on Linux only
        for i in range(count):
            job(i)
            yield i
        return
    global _job
    _job = job
    frozen = gc.get_freeze_count()
    gc.freeze()  # what the workers inherit stays out of their collections: they then never touch (and copy) it
    pool = ProcessPoolExecutor(many, mp_context=multiprocessing.get_context("fork"), initializer=_quiet)
    try:
        pending = {pool.submit(_run, start, min(start + BATCH, count)) for start in range(0, count, BATCH)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                yield from future.result()  # a job's exception, or BrokenProcessPool for a worker that died
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if not frozen:  # a library user's collector as it was
            gc.unfreeze()
        _job = None


def _quiet() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the workers and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(start: int, stop: int) -> range:
    assert _job is not None
    for i in range(start, stop):
        _job(i)
    return range(start, stop)
