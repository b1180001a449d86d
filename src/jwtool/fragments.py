"""Rendered pieces of the overview kept between runs, so a re-render only renders what changed.

Rendering 10,000 entries through Jinja2 takes seconds; concatenating 10,000 rendered sections
takes a fraction of that. Each piece (an entry's index row or its section) is stored under a key
that names everything it was rendered from: the entry file's stamp (path, size, mtime, inode, ctime —
the key of the parsed-entry cache too), its anchor, the language and format, the templates, the
vocabularies and jwtool's own rendering code. Change any of those and the key changes, so a stale
piece is never used; pieces no render has asked for in the last few runs are deleted.

The store is one SQLite database per catalogue in the cache folder (:func:`jwtool.cache.cache_dir`).
SQLite is in the standard library and makes the hard parts someone else's: atomic commits,
several processes at once, random access to 10,000 blobs. Any database problem (locked too long,
corrupt, read-only disk) switches the store off for the run: the page is then rendered in full,
never wrong and never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Self

STORE_FORMAT = "1"
KEEP_RUNS = 8  # a piece unused by the last 8 renders (other languages, formats, templates) is dropped
BATCH = 500  # pieces written per transaction: bounded memory, short write locks


def store_path(root: Path) -> Path:
    from jwtool.cache import cache_dir

    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    return cache_dir() / f"render-{digest}.sqlite3"


def digest(parts: Iterable[str | bytes]) -> str:
    """One hex digest over several parts; a part cannot run into the next (length-prefixed)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """The names and contents of every file under ``folders`` (templates, vocabularies)."""
    parts: list[str | bytes] = []
    for folder in folders:
        parts.append(str(folder))
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts.append(path.relative_to(folder).as_posix())
            try:
                parts.append(path.read_bytes())
            except OSError:
                parts.append(b"\0unreadable")
    return digest(parts)


def file_stamp(path: str | Path) -> str | None:
    """:func:`jwtool.cache.file_stamp` as text, for a piece's key."""
    from jwtool.cache import file_stamp as stamp_of

    stamp = stamp_of(path)
    return None if stamp is None else ":".join(map(str, stamp))


class FragmentStore:
    """Keyed text pieces in SQLite; every method is safe to call after the store broke (it then
    behaves as empty and forgets writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._used: list[str] = []
        self._pending: dict[str, str] = {}  # written at the next batch; already served by get()
        try:
            self._db = self._connect()
        except (sqlite3.Error, OSError):
            self._db = None

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS pieces (key TEXT PRIMARY KEY, body TEXT NOT NULL, run INTEGER NOT NULL)")
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            if row is None or row[0] != STORE_FORMAT:
                db.execute("DELETE FROM pieces")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (STORE_FORMAT,))
            run = db.execute("SELECT value FROM meta WHERE name = 'run'").fetchone()
            self.run = int(run[0]) + 1 if run and str(run[0]).isdigit() else 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('run', ?)", (str(self.run),))
            db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    @property
    def usable(self) -> bool:
        return self._db is not None

    def _broke(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None
        self._pending.clear()

    def empty(self) -> bool:
        """True when nothing is stored (a first render: every entry must be read in full anyway)."""
        if self._db is None:
            return True
        try:
            return self._db.execute("SELECT 1 FROM pieces LIMIT 1").fetchone() is None
        except sqlite3.Error:
            self._broke()
            return True

    def keys(self) -> set[str]:
        """Every stored key (cheap: keys only), to decide up front how much must be rendered."""
        if self._db is None:
            return set()
        try:
            return {k for (k,) in self._db.execute("SELECT key FROM pieces")}
        except sqlite3.Error:
            self._broke()
            return set()

    def get(self, key: str) -> str | None:
        pending = self._pending.get(key)
        if pending is not None:
            self.hits += 1
            return pending
        if self._db is None:
            self.misses += 1
            return None
        try:
            row = self._db.execute("SELECT body, run FROM pieces WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._broke()
            row = None
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        if row[1] < self.run - KEEP_RUNS // 2:  # refreshed now and then, not on every run
            self._used.append(key)
        return str(row[0])

    def get_many(self, keys: list[str]) -> dict[str, str]:
        """The stored pieces among ``keys`` in one query per few hundred keys (a query per piece
        was a tenth of a warm render at 10,000 entries)."""
        found = {k: self._pending[k] for k in keys if k in self._pending}
        wanted = [k for k in keys if k not in found]
        stale: list[str] = []
        if self._db is not None:
            try:
                for i in range(0, len(wanted), BATCH):
                    chunk = wanted[i:i + BATCH]
                    marks = ",".join("?" * len(chunk))
                    for key, body, run in self._db.execute(f"SELECT key, body, run FROM pieces WHERE key IN ({marks})", chunk):
                        found[key] = str(body)
                        if run < self.run - KEEP_RUNS // 2:
                            stale.append(key)
            except sqlite3.Error:
                self._broke()
        self._used.extend(stale)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put(self, key: str, body: str) -> None:
        if self._db is None:
            return
        self._pending[key] = body
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?)", [(k, b, self.run) for k, b in self._pending.items()])
            self._db.execute("COMMIT")
        except sqlite3.Error:
            self._broke()
        self._pending.clear()

    def close(self) -> None:
        """Write what is pending, mark what this run used, drop what recent runs did not use."""
        if self._db is None:
            return
        self._flush()
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("UPDATE pieces SET run = ? WHERE key = ?", [(self.run, k) for k in self._used])
            self._db.execute("DELETE FROM pieces WHERE run < ?", (self.run - KEEP_RUNS,))
            self._db.execute("COMMIT")
        except sqlite3.Error:
            pass
        self._broke()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:  # an interrupted render: keep what was written, skip the bookkeeping
            self._flush()
            self._broke()


def open_store(root: Path) -> FragmentStore | None:
    """The store for ``root``, or None when caching is off (``--no-cache``, ``JWTOOL_NO_CACHE``)
    or the database cannot be used (then the render simply renders everything)."""
    from jwtool.cache import cache_enabled

    if not cache_enabled():
        return None
    store = FragmentStore(store_path(root))
    if not store.usable:  # e.g. a corrupt file: start afresh once
        try:
            store_path(root).unlink()
        except OSError:
            return None
        store = FragmentStore(store_path(root))
    return store if store.usable else None
