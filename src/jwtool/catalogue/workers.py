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

import ctypes
import gc
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, TypeVar

from jwtool.labels import Message

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")

MIN_JOBS = 100  # fewer jobs than this run here: starting workers takes longer than they save
BATCH = 25  # jobs a worker takes at a time
MAX_WORKERS = 8  # beyond this the parts that are not shared out (and the disk) decide; a container's CPU quota is not seen
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_job: Callable[[int], Any] | None = None  # in a worker: the job it runs


def workers() -> int:
    """How many processes may work at once: ``$JWTOOL_JOBS`` if it is a whole number above 0 (1:
    never fork), else the CPUs this process may run on, at most :data:`MAX_WORKERS`."""
    explicit = os.environ.get("JWTOOL_JOBS", "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    except AttributeError:  # pragma: no cover - not Linux
        return min(os.cpu_count() or 1, MAX_WORKERS)


def in_order(count: int, job: Callable[[int], T], ahead: int | None = None) -> Iterator[T]:
    """``job(i)`` for every ``i`` below ``count``, in order; the workers start at the first result
    asked for (:func:`started` starts them at once)."""
    with started(count, job, ahead) as results:
        yield from results


@contextmanager
def started(count: int, job: Callable[[int], T], ahead: int | None = None) -> Iterator[Iterator[T]]:
    """Within the block, ``job(i)`` for every ``i`` below ``count``, in order, from workers started
    on entering it (so not inside a template's bounded step, whose address-space bound they would
    keep). Workers run at most ``ahead`` batches each beyond the one being read (None: as far as
    they get), so results that take memory do not pile up. The jobs must not depend on each other,
    and what they make must not depend on which process made it. Leaving the block early stops
    the workers."""
    many = min(workers(), -(-count // BATCH))
    if many < 2 or count < MIN_JOBS or not sys.platform.startswith("linux"):  # fork is safe on Linux only
        yield map(job, range(count))
        return
    # the pool's modules load only when there are workers to start: every command imports this
    # module (through jwtool.catalogue.files), and they cost a tenth of a start
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    frozen = gc.get_freeze_count()
    pool: ProcessPoolExecutor | None = None
    finished = False
    try:
        gc.freeze()  # what the workers inherit stays out of their collections: they then never touch (and copy) it
        pool = ProcessPoolExecutor(many, mp_context=multiprocessing.get_context("fork"), initializer=_start, initargs=(job, os.getpid()))
        starts = iter(range(0, count, BATCH))
        pending: deque[Future[list[T]]] = deque()

        def fill() -> None:  # keep the workers busy, up to the bound
            for start in starts:
                pending.append(pool.submit(_run, start, min(start + BATCH, count)))
                if ahead is not None and len(pending) >= many * (ahead + 1):
                    break

        def results() -> Iterator[T]:
            while pending:
                try:
                    batch = pending.popleft().result()  # a job's exception is raised here
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory): the output is not made
                    raise OSError(None, Message("error.workers.lost")) from exc
                fill()
                yield from batch

        fill()  # the workers start here
        yield results()
        finished = True
    finally:
        if pool is not None:
            if not finished:  # an error or Ctrl-C: stop the workers now, not after their batches
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.kill()
            pool.shutdown(wait=True, cancel_futures=True)
        if not frozen:  # a library user's collector as it was
            gc.unfreeze()


def _start(job: Callable[[int], Any], parent: int) -> None:
    """A worker's start: the job comes with the fork, not pickled. Signals are the main process's
    to handle (it stops the workers and cleans up); a worker ends when the main process does, even
    when that one is killed (it would otherwise wait for work for ever, holding the temporary
    folder's lock)."""
    global _job
    _job = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the main process ended before the line above
        os._exit(1)


def _run(start: int, stop: int) -> list[Any]:
    """A batch of jobs; an exception that would not come back whole through pickle comes back as
    a RuntimeError that names it (the pool would otherwise report a broken worker)."""
    assert _job is not None
    try:
        return [_job(i) for i in range(start, stop)]
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError(f"{type(exc).__name__}: {exc}") from None
        raise
