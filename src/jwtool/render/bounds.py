"""Time and memory bounds for rendering one template: a template is code from a pull request.

Jinja's sandbox keeps a template from Python's internals, not from work without end (nested
``range(100000)`` loops, ``"a" * 400000000``). Every template renders under 30 seconds and 256 MiB
by default (``$JWTOOL_TEMPLATE_SECONDS``, ``$JWTOOL_TEMPLATE_MEMORY`` in MiB): the sandbox refuses
one operation whose result alone would pass them (:func:`check_binop`); a watchdog thread looks at
the clock and the resident memory every 20 ms and raises :class:`TemplateLimit` in the rendering
thread (:class:`Watch`); and since one C step (``"a"|center(10**10)``) is over before the watchdog
looks, the console script's process (only it: :func:`jwtool.catalogue.limits.one_run_per_process`)
also caps its address space while the template runs. Time counts only while the template runs, not
while its output is written; the library leaves no signal handler or process-wide limit behind.
"""
from __future__ import annotations

import ctypes
import math
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from jwtool.catalogue.limits import one_run_per_process
from jwtool.labels import Message

try:
    import resource
except ImportError:  # pragma: no cover - Windows: the watchdog alone
    resource = None  # type: ignore[assignment]

DEFAULT_SECONDS = 30.0
DEFAULT_MEMORY = 256 * 1024 * 1024
_POLL = 0.02  # seconds between two looks of the watchdog
_MAX_POWER_BITS = 1_000_000  # a power of whole numbers larger than this takes seconds in C, which no watchdog interrupts


class TemplateLimit(BaseException):
    """Raised by the watchdog inside a template that passed its bound (a BaseException, so that
    no ``except Exception`` on the way swallows it); :class:`Watch` says which bound."""


@dataclass(frozen=True)
class RenderLimits:
    seconds: float = DEFAULT_SECONDS
    memory: int = DEFAULT_MEMORY  # bytes the process may grow by while one template renders

    @classmethod
    def from_env(cls) -> RenderLimits:
        """The bounds ``$JWTOOL_TEMPLATE_SECONDS`` and ``$JWTOOL_TEMPLATE_MEMORY`` (MiB) set; a
        value that is no positive number is a ValueError naming the variable."""
        out = {}
        for name, field, scale in (("JWTOOL_TEMPLATE_SECONDS", "seconds", 1), ("JWTOOL_TEMPLATE_MEMORY", "memory", 1024 * 1024)):
            raw = os.environ.get(name)
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    value = -1.0
                if not math.isfinite(value) or value <= 0:
                    raise ValueError(Message("error.template.bad_bound_seconds" if scale == 1 else "error.template.bad_bound_memory", setting=f"${name}={raw}"))
                out[field] = value if scale == 1 else int(value * scale)
        return cls(**out)

    def memory_text(self) -> str:
        return f"{self.memory / 1024 / 1024:g} MiB"


def check_binop(limits: RenderLimits, operator: str, left: Any, right: Any) -> None:
    """ValueError when ``left operator right`` alone would pass the memory bound (repetition) or
    take long in C (a huge power)."""
    if operator == "*":
        seq, times = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int) and len(seq) * max(times, 0) * (1 if isinstance(seq, (str, bytes)) else 8) > limits.memory:
            raise ValueError(Message("error.template.repeat", length=len(seq), times=times, memory=limits.memory_text()))
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if right * math.log2(abs(left)) > _MAX_POWER_BITS:
            raise ValueError(Message("error.template.power", left=left, right=right, bits=_MAX_POWER_BITS))


_statm: tuple[int, int] | None = None  # (pid, fd): /proc/self/statm held open; a read costs 2 µs, an open 45


def _resident(field: int = 1) -> int | None:
    """The process's resident memory in bytes (Linux; ``field=0``: its address space), or None
    where it cannot be read."""
    global _statm
    try:
        if _statm is None or _statm[0] != os.getpid():  # a forked child reads its own
            _statm = (os.getpid(), os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
        return int(os.pread(_statm[1], 256, 0).split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):  # AttributeError: no os.pread (Windows)
        return None


class Watch:
    """The bounds of one template render in one thread: :meth:`start` and :meth:`stop` around the
    render, :meth:`enter` and :meth:`leave` around each step the template takes."""

    _lock = threading.Lock()
    _active: set[Watch] = set()
    _wake = threading.Event()
    _thread: threading.Thread | None = None

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.used = 0.0  # seconds spent inside the template so far
        self.since = 0.0
        self.base = _resident()
        self.thread = threading.get_ident()
        self.running = False
        self.passed = ""  # which bound was passed ("" while none)
        self.cap: int | None = None  # the address space a step may use (the console script only)
        self.saved: list[tuple[int, int]] = []  # the address-space limits to put back, one per step
        self.capped = False  # the last step ran under this render's address-space bound (not a lower one of the system)

    def start(self) -> None:
        """Put the render under watch (once per template; :meth:`stop` when it ends)."""
        with Watch._lock:
            Watch._active.add(self)
            if Watch._thread is None:
                Watch._thread = threading.Thread(target=Watch._watch, name="jwtool-template-watchdog", daemon=True)
                Watch._thread.start()
        Watch._wake.set()
        size = _resident(0) if one_run_per_process.called and resource is not None else None  # type: ignore[attr-defined]
        self.cap = size + self.limits.memory if size is not None and size + self.limits.memory < _LARGEST_LIMIT else None

    def stop(self) -> None:
        """End the watch; the address-space limit is back as it was before the render even when
        the watchdog's raise landed between setting it and the step's ``try``."""
        if self.saved:
            resource.setrlimit(resource.RLIMIT_AS, self.saved[0])
            self.saved.clear()
        with Watch._lock:
            Watch._active.discard(self)

    def enter(self) -> None:
        """The template runs (from here to :meth:`leave`): its clock runs."""
        with Watch._lock:
            self.since, self.running = time.monotonic(), True
        if self.cap is not None:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            self.saved.append((soft, hard))
            self.capped = _below(self.cap, soft) and _below(self.cap, hard)
            if self.capped:
                resource.setrlimit(resource.RLIMIT_AS, (self.cap, hard))

    def leave(self) -> None:
        """Stop the clock; :class:`TemplateLimit` if a bound was passed (also when the watchdog
        raised it too late to land inside the template: it is then taken back)."""
        if self.saved:
            resource.setrlimit(resource.RLIMIT_AS, self.saved.pop())
        with Watch._lock:
            self.used += time.monotonic() - self.since
            self.running = False
            passed = self.passed
        if passed:
            _raise_in(self.thread, None)  # a raise still on its way would land outside the template
            raise TemplateLimit

    def message(self) -> Message:
        if self.passed == "time":
            return Message("error.template.time", seconds=f"{self.limits.seconds:g}")
        return Message("error.template.memory", memory=self.limits.memory_text())

    @classmethod
    def _watch(cls) -> None:
        while True:
            cls._wake.wait()
            time.sleep(_POLL)
            now, resident = time.monotonic(), _resident()
            with cls._lock:
                if not cls._active:
                    cls._wake.clear()
                for w in cls._active:
                    if not w.running or w.passed:
                        continue
                    if w.used + now - w.since > w.limits.seconds:
                        w.passed = "time"
                    elif resident is not None and w.base is not None and resident - w.base > w.limits.memory:
                        w.passed = "memory"
                    if w.passed:
                        _raise_in(w.thread, TemplateLimit)


def _forked() -> None:
    """A forked worker (jwtool.catalogue.workers) starts its own watchdog: the parent's thread is not
    in it, and the parent's lock may have been held at the fork."""
    Watch._lock, Watch._wake, Watch._thread, Watch._active = threading.Lock(), threading.Event(), None, set()


os.register_at_fork(after_in_child=_forked)

_LARGEST_LIMIT = 2**63 - 1  # what setrlimit takes; a bound beyond it (JWTOOL_TEMPLATE_MEMORY=1e14 and more) sets no limit


def _below(value: int, limit: int) -> bool:
    return limit == resource.RLIM_INFINITY or value < limit


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in ``thread`` at its next Python step (None: take back one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc is not None else None)
