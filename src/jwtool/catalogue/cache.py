"""One cache per catalogue: a SQLite database of parsed entries.

A stored entry is served only while its file's :func:`stamp` (size, mtime, ctime, inode: ctime
because a copy or an editor can restore an mtime) and the :func:`cache_key` (jwtool's own files and
:func:`reader_key <jwtool.catalogue.yamlfile.reader_key>`) still match, and only files that loaded
cleanly and that JSON holds exactly are stored: what is served is what a fresh parse gives, and every
warning is still seen. Templates, vocabularies and ``catalogue.yaml`` are read on every run.

The database lives outside the catalogue (``$JWTOOL_CACHE_DIR``, else ``$XDG_CACHE_HOME/jwtool``,
else ``~/.cache/jwtool``). SQLite (WAL, immediate write transactions) makes concurrent runs safe; a
database error switches the cache off for the run, and a damaged file is deleted and made afresh.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from jwtool.catalogue.model import summary_view

FORMAT = "1"  # raise when the table or what it holds changes (it names the database file)
Stamp = str
Record = tuple[Any, bool]  # (data or None, loaded cleanly)
BATCH = 500  # rows written per statement: bounded memory
# How rows hold JSON: compact, and ASCII (other characters as \u escapes): the texts of 10,000 stored
# entries join into one document (Cache.load) several times faster than when a quarter of them hold
# a ’ and Python must widen every text to two bytes a character.
_compact = json.JSONEncoder(separators=(",", ":")).encode

_TABLE = "CREATE TABLE IF NOT EXISTS entries (file TEXT PRIMARY KEY, stamp TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, summary TEXT NOT NULL)"


def cache_dir() -> Path:
    explicit = os.environ.get("JWTOOL_CACHE_DIR")
    return Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jwtool"


def cache_path(root: Path) -> Path:
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return cache_dir() / f"catalogue-{digest}-{FORMAT}.sqlite3"


def stamp(path: str | os.PathLike[str]) -> Stamp | None:
    """What changes whenever a file's content can have changed; None when it cannot be read."""
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return None


def stamp_of(st: os.stat_result) -> Stamp:
    """The :func:`stamp` of a file's ``os.stat`` (or ``os.fstat`` of the file it has open)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def digest(parts: Iterable[str | bytes]) -> str:
    """One hex digest over several parts; a part cannot run into the next (length-prefixed)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _package_files(folder: Path) -> Iterable[str | bytes]:
    """The names and contents of the package's own files (code and label catalogues), in a fixed
    order; not the bundled catalogue, whose entries are stamped one by one."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and "__pycache__" not in parts and parts[0] != "_catalogue" and not path.name.endswith((".pyc", ".pyo")):
            yield path.relative_to(folder).as_posix()
            try:
                yield path.read_bytes()
            except OSError:
                yield b"\0unreadable"


@cache
def code_digest() -> str:
    """jwtool's own source and labels (every file of the installed package), once per process."""
    return digest(_package_files(Path(__file__).resolve().parent.parent))


def cache_key(context: str) -> str:
    """Everything besides an entry's own file that a stored entry depends on: the cache format,
    jwtool's code and ``context`` (what shapes a parse: :func:`jwtool.catalogue.yamlfile.reader_key`)."""
    return digest([code_digest(), context])


class Cache:
    """The database of one catalogue under one key (see :func:`open_cache`); once the database broke,
    every method behaves as empty and forgets writes."""

    def __init__(self, db: sqlite3.Connection | None, key: str = "", path: Path | None = None) -> None:
        self._db, self.key, self.path = db, key, path

    def _broke(self, exc: sqlite3.Error | None = None) -> None:
        """Switch the cache off for this run; a damaged database (not merely a busy one) goes."""
        self.close()
        if self.path is not None and _damaged(exc):
            _remove(self.path)

    def close(self) -> None:
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, work: Callable[[sqlite3.Connection], None]) -> None:
        """``work`` in one immediate transaction; on any error nothing is written and the cache is off."""
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                work(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._broke(exc)

    # --- parsed entries

    def load(self, files: Sequence[tuple[Path, str]], read: Callable[[Path, str], Record], summary: bool = False) -> list[tuple[str, Record]]:
        """Records for ``files`` in order: stored where the file's stamp still matches, else
        ``read`` (and stored, when clean). ``summary``: entries as :func:`jwtool.catalogue.model.summary_view`."""
        column = "summary" if summary else "data"
        stored: dict[str, tuple[str, str]] = {}  # file → (stamp, JSON text); "" for another key
        if self._db is not None:
            try:
                query = f"SELECT file, stamp, CASE key WHEN ? THEN {column} ELSE '' END FROM entries"  # noqa: S608 - a fixed name
                stored = {f: (s, text) for f, s, text in self._db.execute(query, (self.key,))}
            except sqlite3.Error as exc:
                self._broke(exc)
        stamps = [stamp(path) for path, _ in files]
        is_hit = [now is not None and stored.get(rel, ("", ""))[0] == now and stored[rel][1] != "" for (_, rel), now in zip(files, stamps)]
        try:  # one JSON document for all hits: a tenth of the time of one per entry
            decoded = iter(json.loads("[" + ",".join(stored[rel][1] for (_, rel), hit in zip(files, is_hit) if hit) + "]"))
        except ValueError:  # damaged text in a sound database: read those files again
            is_hit, decoded = [False] * len(files), iter(())
        out: list[tuple[str, Record]] = []
        fresh: list[tuple[str, str, Any]] = []
        keep: set[str] = set()
        for (path, rel), now, hit in zip(files, stamps, is_hit):
            if hit:
                out.append((rel, (next(decoded), True)))
                keep.add(rel)
                continue
            data, clean = read(path, rel)
            if clean and now is not None and exact_in_json(data):
                fresh.append((rel, now, data))
                keep.add(rel)
                if len(fresh) >= BATCH:  # stored as it goes: a first run never holds every full record
                    self._store(fresh, [])
                    fresh = []
            out.append((rel, ((summary_view(data) if summary and isinstance(data, dict) else data), clean)))
        gone = [rel for rel in stored if rel not in keep]
        if fresh or gone:
            self._store(fresh, gone)
        return out

    def get(self, rel: str, now: Stamp | None) -> Any:
        """The full record stored for ``rel`` when its file's stamp is still ``now``, else None."""
        if self._db is None or now is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM entries WHERE file = ? AND stamp = ? AND key = ?", (rel, now, self.key)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            return None

    def _store(self, fresh: list[tuple[str, str, Any]], gone: list[str]) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.executemany("DELETE FROM entries WHERE file = ?", [(rel,) for rel in gone])
            rows = [(rel, st, self.key, _compact(data), _compact(summary_view(data) if isinstance(data, dict) else data))
                    for rel, st, data in fresh]  # at most BATCH: load stores as it goes
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows)

        with suppress(TypeError, ValueError):  # something JSON cannot hold: that run is simply not cached
            self._write(work)


def exact_in_json(value: Any) -> bool:
    """Whether JSON gives back ``value`` as it is: only text keys, no tuples or other types, and
    finite numbers (JSON would turn the key 2019 into "2019")."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if not all(type(k) is str for k in v):
                return False
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, float):
            if not math.isfinite(v):
                return False
        elif v is not None and type(v) not in (str, int, bool):
            return False
    return True


def _damaged(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the file is no (sound) database, as opposed to busy or unwritable."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_TABLE)
    except BaseException:
        db.close()
        raise
    return db


def open_cache(root: Path, key: str) -> Cache:
    """The cache of the catalogue at ``root`` for ``key`` (see :func:`cache_key`); an
    unusable database is deleted and made again once, else the cache is off for this run."""
    path = cache_path(root)
    for attempt in (1, 2):
        try:
            return Cache(_connect(path), key, path)
        except (sqlite3.Error, OSError) as exc:
            if attempt == 2 or not _damaged(exc):
                break
            _remove(path)
    return Cache(None)
