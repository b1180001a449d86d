"""Many independent jobs on every core: the pages of a site, the sections of a page.

:func:`in_order` gives ``job(0)`` … ``job(count - 1)`` in that order, computed by worker processes
forked from this one, so each worker has everything the jobs need (templates, view models, the
catalogue) without pickling it. It runs them in this process instead where forking is not safe
(other than Linux) or not worth it: one core, few jobs, ``JWTOOL_JOBS=1``. A job's exception is
raised here when its result is due, so an error reads the same either way (it must pickle: raise
jwtool's own errors, which carry a :class:`~jwtool.labels.Message`); a worker that dies is an
error too (an ``OSError``: the output could not be made), never a hang.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from jwtool.labels import Message

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")

MIN_JOBS = 100  # fewer jobs than this run here: starting workers takes longer than they save
BATCH = 25  # jobs a worker takes at a time

_job: Callable[[int], Any] | None = None  # in a worker: the job it runs


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


def in_order(count: int, job: Callable[[int], T], ahead: int | None = None) -> Iterator[T]:
    """``job(i)`` for every ``i`` below ``count``, in order. Workers run at most ``ahead`` batches
    each beyond the one being read (None: as far as they get), so results that take memory do not
    pile up. The jobs must not depend on each other, and what they make must not depend on which
    process made it."""
    many = min(workers(), -(-count // BATCH))
    if many < 2 or count < MIN_JOBS or not sys.platform.startswith("linux"):  # fork is safe on Linux only
        yield from map(job, range(count))
        return
    # the pool's modules load only when there are workers to start: every command imports this
    # module (through jwtool.catalogue.files), and they cost a tenth of a start
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    frozen = gc.get_freeze_count()
    gc.freeze()  # what the workers inherit stays out of their collections: they then never touch (and copy) it
    pool = ProcessPoolExecutor(many, mp_context=multiprocessing.get_context("fork"), initializer=_start, initargs=(job,))
    starts = iter(range(0, count, BATCH))
    pending: deque[Future[list[T]]] = deque()
    try:
        while True:
            for start in starts:  # keep the workers busy, up to the bound
                pending.append(pool.submit(_run, start, min(start + BATCH, count)))
                if ahead is not None and len(pending) >= many * (ahead + 1):
                    break
            if not pending:
                return
            try:
                results = pending.popleft().result()  # a job's exception is raised here
            except BrokenProcessPool:  # a worker died (killed, out of memory): the output is not made
                raise OSError(None, Message("error.workers.lost")) from None
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if not frozen:  # a library user's collector as it was
            gc.unfreeze()


def _start(job: Callable[[int], Any]) -> None:
    """A worker's start: the job comes with the fork, not pickled; Ctrl-C is the main process's to
    handle (it stops the workers and cleans up)."""
    global _job
    _job = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(start: int, stop: int) -> list[Any]:
    assert _job is not None
    return [_job(i) for i in range(start, stop)]
