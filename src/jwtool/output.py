"""Writing output files safely: atomically, never over a file by surprise, never into the data.

Every ``-o FILE`` goes through :func:`write_atomic`: the bytes go to a temporary file in the same
folder, are flushed to disk and then renamed over the target, so a reader never sees half a file
and an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jwtool.catalogue import Layout


class OutputError(Exception):
    """The output cannot be written where asked (a usage error for the CLI)."""


def check_target(path: Path, layout: Layout | None = None, force: bool = False) -> Path:
    """The resolved target, or :class:`OutputError` if writing there is refused."""
    path = Path(path).expanduser()
    target = path.resolve()
    if layout is not None:
        for folder in layout.protected():
            if target == folder or folder in target.parents:
                raise OutputError(f"refusing to write {path} into the catalogue's {folder.name}/ folder; choose another path")
        if target in layout.protected_files():
            raise OutputError(f"refusing to write over the catalogue file {path}; choose another path")
    if target.is_dir():
        raise OutputError(f"{path} is a folder; give a file name")
    if not target.parent.is_dir():
        raise OutputError(f"folder {path.parent} does not exist")
    if (target.exists() or path.is_symlink()) and not force:
        raise OutputError(f"{path} already exists; use --force to overwrite it")
    return target


def write_atomic(path: Path, data: bytes | str | Iterable[str], layout: Layout | None = None, force: bool = False) -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically; returns the resolved path.

    ``data`` may be a stream of text chunks (a large page is then never whole in memory); an
    exception while it is produced leaves the old file as it was.
    """
    target = check_target(path, layout, force)
    chunks: Iterable[str | bytes] = [data] if isinstance(data, (str, bytes)) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:  # incl. KeyboardInterrupt: never leave the temporary file behind
        with suppress(OSError):
            os.unlink(tmp)
        close = getattr(chunks, "close", None)
        if close is not None:  # finish a half-read stream now, not at interpreter shutdown
            close()
        raise
    return target
