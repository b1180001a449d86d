"""A progress bar on stderr for work that takes more than about a second.

The library marks its long loops with :func:`track`; a bar (rich's, named by the label
``progress.<what>``) is drawn only when a command asked for bars with :func:`enable`, stderr is a
terminal, the run is not in CI and the work has taken a second. It is removed when the work ends,
so what stays on the screen is the command's own output.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from jwtool.labels import DEFAULT_LANG, label

T = TypeVar("T")

DELAY = 1.0  # seconds of work before a bar appears
_enabled = False
_lang = DEFAULT_LANG


def enable(on: bool = True, lang: str = DEFAULT_LANG) -> None:
    """Let :func:`track` draw bars in this process (the CLI's choice; off for a library user),
    named in ``lang``."""
    global _enabled, _lang
    _enabled, _lang = on, lang


def wanted() -> bool:
    """Whether a bar may be drawn now: enabled, stderr a terminal, not CI, not a dumb terminal."""
    stream = sys.stderr
    return (_enabled and stream is not None and stream.isatty() and not os.environ.get("CI")
            and os.environ.get("JWTOOL_CI") != "1" and os.environ.get("TERM") != "dumb")


def track(items: Iterable[T], total: int, what: str) -> Iterator[T]:
    """``items`` unchanged, with a bar of ``total`` steps named by the label ``progress.<what>``
    once they take a second. ``total`` is the number of items (the bar never counts past it)."""
    if not wanted():
        yield from items
        return
    start, done = time.monotonic(), 0
    iterator = iter(items)
    for item in iterator:
        yield item
        done += 1
        if time.monotonic() - start >= DELAY:
            break
    else:
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label(f"progress.{what}", _lang), total=total, completed=done)
        for item in iterator:
            yield item
            bar.advance(task)
