"""A cache of parsed entries, so repeated read-only commands skip YAML parsing.

Keyed per file on :func:`stat_stamp` (size, mtime, inode, ctime): any change to a file re-reads
just that file; files added or removed are noticed because the folder is listed every time. Only
files that loaded without problems are cached, so every warning is still seen. The cache lives
outside the catalogue (``$JWTOOL_CACHE_DIR``, else ``$XDG_CACHE_HOME/jwtool``, else ``~/.cache/jwtool``), is
written to a temporary file and renamed into place (two processes at once simply both write a
complete file; the last one wins), and a corrupt or foreign cache is ignored and rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from jwtool import __version__

CACHE_FORMAT = 3  # 3: JSON lines
Record = tuple[Any, bool]  # (data or None, loaded cleanly)


def cache_dir() -> Path:
    explicit = os.environ.get("JWTOOL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jwtool"


def cache_enabled() -> bool:
    return os.environ.get("JWTOOL_NO_CACHE", "") in ("", "0")


def cache_path(root: Path) -> Path:
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    return cache_dir() / f"catalogue-{digest}.json"


Stamp = tuple[int, int, int, int]  # size, mtime in ns, inode, ctime in ns


def stat_stamp(st: os.stat_result) -> Stamp:
    """What says a file is unchanged without reading it; every cache of jwtool keys on this.

    Size, mtime and inode miss a file rewritten in place with the same size whose mtime was put
    back (``os.utime``, ``touch -r``, ``rsync -t``, some editors and checkouts); ctime catches
    that: the kernel sets it on every write and on ``utime`` itself, and nothing can set it back.
    """
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def file_stamp(path: str | Path) -> Stamp | None:
    """:func:`stat_stamp` of the file at ``path``, or None when it cannot be looked at."""
    try:
        return stat_stamp(os.stat(path))
    except OSError:
        return None


def _stamp(path: str | Path) -> list[int] | None:
    """:func:`file_stamp` as the cache files store it (JSON has lists, not tuples)."""
    stamp = file_stamp(path)
    return None if stamp is None else list(stamp)


def _read(path: Path, context: str) -> dict[str, Any]:
    """The records of a cache file (see :func:`_write`), or {} when it is missing, damaged or
    written for another jwtool, format or context."""
    files: dict[str, Any] = {}
    try:
        with open(path, encoding="utf-8", errors="surrogatepass", newline="\n") as fh:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.get("format") != CACHE_FORMAT or head.get("jwtool") != __version__ or head.get("context") != context:
                return {}
            for line in fh:  # one entry at a time: never the whole 32 MB text in memory at once
                rel, stamp, data = json.loads(line)
                files[rel] = [stamp, data]
    except (OSError, ValueError, TypeError):
        return {}
    return files


def _replace(path: Path, fill: Callable[[IO[bytes]], None]) -> bool:
    """Write ``path`` through a temporary file in the same folder and rename it into place, so
    that a reader sees the old file or the new one, never part of one. False when the folder
    cannot be written (no cache is not an error)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fill(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def write_atomic(path: Path, data: bytes) -> bool:
    """``data`` into ``path`` atomically (see :func:`_replace`); False if the disk refuses."""
    try:
        return _replace(path, lambda fh: fh.write(data))
    except OSError:
        return False


def _write(path: Path, context: str, files: dict[str, Any]) -> None:
    """A cache file: a header line, then one line per entry file (``[rel, stamp, data]``).

    Lines, so neither writing nor reading ever holds the whole text (32 MB at 10,000 entries, a
    64 MB str for accented text, plus the encoder's pieces: 125 MB on top of the entries when it
    was one JSON document; reading it whole peaked 38 MB higher). ``json.dumps`` per entry keeps
    the C encoder (``json.dump`` into a file is the pure-Python one: 1.5-2 s for 8 MB).
    """
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))

    def fill(fh: IO[bytes]) -> None:
        pieces: list[str] = [dumps({"format": CACHE_FORMAT, "jwtool": __version__, "context": context}), "\n"]
        size = 0
        for rel, (stamp, data) in files.items():
            piece = dumps([rel, stamp, data])
            pieces += (piece, "\n")
            size += len(piece)
            if size >= 1 << 20:  # written a megabyte at a time
                fh.write("".join(pieces).encode("utf-8", "surrogatepass"))
                pieces, size = [], 0
        fh.write("".join(pieces).encode("utf-8", "surrogatepass"))

    _replace(path, fill)


def _refresh(old: dict[str, Any], files: list[tuple[Path, str]], read: Callable[[Path, str], Record]) -> tuple[dict[str, Any], list[tuple[str, Record]], bool]:
    """Records for ``files`` in order: from ``old`` where the file's stamp still matches, else
    read. Also what to store now (clean records only) and whether that differs from ``old``."""
    new: dict[str, Any] = {}
    out: list[tuple[str, Record]] = []
    parsed = False
    for file, rel in files:
        stamp = _stamp(file)
        hit = old.get(rel)
        if stamp is not None and isinstance(hit, list) and len(hit) == 2 and hit[0] == stamp:
            record: Record = (hit[1], True)
        else:
            record = read(file, rel)
            parsed = True
        if record[1] and stamp is not None:
            new[rel] = [stamp, record[0]]
        out.append((rel, record))
    return new, out, parsed or new.keys() != old.keys()


_read_before: dict[tuple[Path, str], dict[str, Any]] = {}  # the index load_index just read, for load_summaries


def load_index(root: Path, folder: Path, context: str) -> list[tuple[str, Any]] | None:
    """All summaries from the index (in report order) when every file in ``folder`` is unchanged, else None.

    The fast path of a search: one directory listing and one ``stat`` per file, no ``pathlib``.
    A file that changed, appeared or vanished (or became a link elsewhere: its stamp changes)
    makes this return None, and the caller takes the full path through :func:`load_cached`.
    """
    from jwtool.model import SUMMARY_FORMAT

    index_path = cache_path(root).with_suffix(".index.json")
    index = _read(index_path, f"{context}|summary={SUMMARY_FORMAT}")
    _read_before.clear()
    _read_before[(index_path, context)] = index  # a stale index still serves load_summaries in this process
    if not index:
        return None
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith((".yaml", ".yml")) and not n.startswith("."))
    except OSError:
        return None
    if len(names) != len(index):
        return None
    prefix = f"{folder.name}/"
    base = str(folder)
    for name in names:
        hit = index.get(prefix + name)
        if not isinstance(hit, list) or _stamp(os.path.join(base, name)) != hit[0]:
            return None
    return [(rel, hit[1]) for rel, hit in index.items()]  # stored in report order


def load_summaries(
    root: Path,
    files: list[tuple[Path, str]],
    read: Callable[[Path, str], Record],
    context: str = "",
) -> list[tuple[str, Record]] | None:
    """Summaries for ``files`` from the summary index, parsing only the files that changed; None
    when there is no usable index (then :func:`load_cached` builds one).

    After an edit to one entry of 10,000 this reads the small index and one file instead of the
    full cache, and rewrites only the index. The full cache is left as it is: it is keyed per file
    too, so a later full load parses the changed file then.
    """
    from jwtool.model import SUMMARY_FORMAT, Entry, summary_view

    index_path = cache_path(root).with_suffix(".index.json")
    index_context = f"{context}|summary={SUMMARY_FORMAT}"
    old = _read_before.pop((index_path, context), None) or _read(index_path, index_context)
    if not old:
        return None

    def read_summary(file: Path, rel: str) -> Record:
        data, clean = read(file, rel)
        return (summary_view(data) if clean and isinstance(data, dict) else data, clean)

    new, out, changed = _refresh(old, files, read_summary)
    if changed:
        views = sorted(new.items(), key=lambda kv: Entry(kv[1][1], kv[0]).sort_key())
        try:
            _write(index_path, index_context, dict(views))
        except OSError:
            pass
    return out


def load_cached(
    root: Path,
    files: list[tuple[Path, str]],
    read: Callable[[Path, str], Record],
    context: str = "",
    summary: bool = False,
) -> list[tuple[str, Record]]:
    """Records for ``files`` in order, parsing only those whose stamp changed since last time.

    ``context`` names everything else the records depend on (e.g. the size limit), so a change
    there starts a new cache. Beside the full cache a small index of summaries
    (:func:`jwtool.model.summary_view`, in report order) is kept for :func:`load_index`; with
    ``summary=True`` the records returned are those summaries.
    """
    from jwtool.model import SUMMARY_FORMAT, Entry, summary_view

    full_path = cache_path(root)
    index_path = full_path.with_suffix(".index.json")
    old = _read(full_path, context)
    new, out, changed = _refresh(old, files, read)
    try:
        if changed:
            _write(full_path, context, new)
        if changed or summary or not index_path.exists():  # a summary load only gets here when the index is stale
            views = sorted(((rel, summary_view(v[1]), v[0]) for rel, v in new.items()), key=lambda t: Entry(t[1], t[0]).sort_key())
            _write(index_path, f"{context}|summary={SUMMARY_FORMAT}", {rel: [stamp, view] for rel, view, stamp in views})
    except OSError:
        pass
    if summary:
        return [(rel, (summary_view(data) if clean and isinstance(data, dict) else data, clean)) for rel, (data, clean) in out]
    return out
