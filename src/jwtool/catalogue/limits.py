"""Resource bounds for untrusted files, which :mod:`jwtool.catalogue.yamlfile` enforces, and
whether the process is one run of the console script (which may then tune the process itself).

Apart from the loader so that knowing the size limit does not import PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_FILE_SIZE = 1024 * 1024  # bytes; an entry is ~5 KB, the largest report row ~15 KB
MAX_FILE_SIZE_CAP = 1024 * 1024 * 1024  # the largest limit one may set: a file is read whole into memory
MAX_DEPTH = 64


@dataclass(frozen=True)
class Limits:
    """Resource bounds for untrusted files."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_depth: int = MAX_DEPTH


def one_run_per_process() -> None:
    """Called by the console script: the process is this one run, so it may tune the collector
    (:func:`jwtool.cli.common.open_catalogue`) and bound its address space while a template runs
    (:mod:`jwtool.render.bounds`); the library, used by a notebook or a server, leaves both alone."""
    one_run_per_process.called = True  # type: ignore[attr-defined]


one_run_per_process.called = False  # type: ignore[attr-defined]
