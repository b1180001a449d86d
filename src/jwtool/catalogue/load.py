"""Reading a whole catalogue: its vocabularies, its entries (through the cache) and its meta data.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jwtool.catalogue import cache
from jwtool.catalogue.layout import Layout, discover
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.model import Entry, summary_view
from jwtool.catalogue.problems import Problem
from jwtool.catalogue.sources import Library, check_format, load_library
from jwtool.catalogue.vocabularies import VOCABULARY_NAMES, Vocabulary
from jwtool.catalogue.yamlfile import YamlFile, read_in, read_yaml, reader_key
from jwtool.labels import Message


def load_vocabularies(layout: Layout, limits: Limits = Limits()) -> tuple[dict[str, Vocabulary], list[YamlFile], list[Problem]]:
    vocab: dict[str, Vocabulary] = {}
    docs: list[YamlFile] = []
    problems: list[Problem] = []
    for name in VOCABULARY_NAMES:
        path = layout.vocabularies / f"{name}.yaml"
        rel = layout.rel(path)
        if not path.is_file() and not path.is_symlink():
            problems.append(Problem(rel, 1, 1, "vocabulary-file", Message("problem.vocabulary_missing", name=name)))
            vocab[name] = Vocabulary(name=name)
            continue
        doc = read_in(layout, path, limits)
        docs.append(doc)
        vocab[name] = Vocabulary.from_data(name, doc.data if isinstance(doc.data, dict) else {})
    return vocab, docs, problems


@dataclass
class Catalogue:
    """Everything the query, graph and render layers need, read once."""

    root: Path
    entries: list[Entry]
    vocab: dict[str, Vocabulary]
    meta: dict[str, Any] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)  # files that could not be read as entries
    meta_problem: Problem | None = None  # why catalogue.yaml, which is there, could not be read as a mapping (meta is then {})
    summary: bool = False  # entries hold only the fields of jwtool.catalogue.model.summary_view
    library: Library = field(default_factory=Library)  # the sources of sources/
    limits: Limits = field(default_factory=Limits, repr=False)
    cache_key: str = ""  # the key of the cache the entries came from ("": read without the cache)
    # per process, opened by :meth:`full` on first use: a forked worker (jwtool.catalogue.workers) opens
    # its own and never touches its parent's (an SQLite connection must not cross a fork)
    _records: dict[int, cache.Cache | None] = field(default_factory=dict, repr=False)

    @property
    def layout(self) -> Layout:
        return Layout(self.root)

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def full(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        """Each of ``entries`` with every field, one at a time: as loaded, or for a catalogue of summaries
        each one's full record from the cache or its file, so a render or export holds one at a time."""
        for e in entries:
            if not self.summary:
                yield e
                continue
            pid = os.getpid()
            if pid not in self._records:
                self._records[pid] = cache.open_cache(self.root, self.cache_key) if self.cache_key else None
            records = self._records[pid]
            data = records.get(e.file, cache.stamp(self.root / e.file)) if records is not None else None
            whole = Entry(data, e.file, library=self.library) if isinstance(data, dict) else read_entry(self.root, e.file, self.limits, self.library)
            yield whole if whole is not None else e

    def report(self, report_id: str | None = None) -> dict[str, Any]:
        """A source record (default: the catalogue's main report, ``main_source`` in catalogue.yaml)."""
        source = self.library.get(report_id or self.library.main)
        return source.data if source is not None else {}


def load_catalogue(root: Path, limits: Limits = Limits(), *, use_cache: bool = True, summary: bool = False) -> Catalogue:
    """Read entries, vocabularies and catalogue.yaml; unreadable files are listed in ``broken``.

    Entries come from the catalogue's cache (:mod:`jwtool.catalogue.cache`) unless ``use_cache`` is
    False. ``summary=True``: entries without their long verbatim texts (:func:`summary_view`), enough for
    listing and filtering, and fast.
    """
    with gc_paused():
        return _load(root, limits, use_cache, summary)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (as it was after it). Loading a catalogue
    makes containers by the hundred thousand (a stored entry decodes to dozens of lists and
    dicts) and no cycle: each collection their number sets off walks them all, about half the
    time of a cached load at 10,000 entries."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _load(root: Path, limits: Limits, use_cache: bool, summary: bool) -> Catalogue:
    layout = Layout(root)
    meta, readable, meta_problem = _read_meta(layout, limits)
    check_format(meta, readable)
    vocab, _, _ = load_vocabularies(layout, limits)
    files, found = discover(layout)
    read_rels = {rel for _, rel in files}
    skipped = [p.file for p in found if p.file not in read_rels]  # a symbolic-link loop, a link outside, not a file

    def read(path: Path, rel: str) -> tuple[Any, bool]:
        doc = read_yaml(path, rel, limits)
        return doc.data, doc.data is not None and not doc.problems

    key = cache.cache_key(reader_key(limits)) if use_cache else ""
    if use_cache:
        with cache.open_cache(root, key) as stored:
            records = stored.load(files, read, summary=summary)
    else:
        records = [(rel, read(path, rel)) for path, rel in files]
        if summary:
            records = [(rel, (summary_view(d) if isinstance(d, dict) else d, ok)) for rel, (d, ok) in records]
    library = load_library(layout, meta, limits)
    entries = [Entry(data, rel, library=library) for rel, (data, _) in records if isinstance(data, dict)]
    broken = sorted({*skipped, *library.broken, *(rel for rel, (_, clean) in records if not clean)})
    return Catalogue(root=root, entries=sorted(entries, key=Entry.sort_key), vocab=vocab, meta=meta, broken=broken, meta_problem=meta_problem,
                     summary=summary, library=library, limits=limits, cache_key=key)


def read_entries(root: Path, files: Sequence[tuple[Path, str]], limits: Limits = Limits(), *, use_cache: bool = True) -> Iterator[YamlFile]:
    """Each of ``files`` (path, name in the catalogue) as :func:`read_yaml` reads it, one at a time.
    A file the catalogue's cache holds a parse of for its current stamp (stored by the commands that
    load the catalogue, see :func:`load_catalogue`) is not parsed again: a parse is stored only when
    it was clean, so it has no problems to report, and the file's text is read for the positions of
    what validation finds. Nothing is written (nor a database made): a first run, or one in CI, costs
    no more than without the cache. ``use_cache=False``: every file is parsed."""
    if not use_cache or not cache.cache_path(root).is_file():
        yield from (read_yaml(path, rel, limits) for path, rel in files)
        return
    with cache.open_cache(root, cache.cache_key(reader_key(limits))) as stored:
        for path, rel in files:
            yield _stored_entry(stored, path, rel, limits) or read_yaml(path, rel, limits)


def _stored_entry(stored: cache.Cache, path: Path, rel: str, limits: Limits) -> YamlFile | None:
    """The file as its stored parse, with its text; None when the cache has none for its stamp or
    the file changed while it was read."""
    now = cache.stamp(path)
    data = stored.get(rel, now)
    if not isinstance(data, dict):
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limits.max_file_size + 1)
            if cache.stamp_of(os.fstat(fh.fileno())) != now:
                return None
        return YamlFile(path=path, rel=rel, text=raw.decode("utf-8"), data=data)
    except (OSError, UnicodeDecodeError):  # (gone, or changed within the stamp's resolution: parse it)
        return None


def read_entry(root: Path, rel: str, limits: Limits = Limits(), library: Library | None = None) -> Entry | None:
    """One entry in full from its file, or None when the file holds no mapping: the full text of
    an entry found among summaries, without loading the whole catalogue."""
    doc = read_in(Layout(root), root / rel, limits)
    return Entry(doc.data, rel, library=library or Library()) if isinstance(doc.data, dict) else None


def _read_meta(layout: Layout, limits: Limits) -> tuple[dict[str, Any], bool, Problem | None]:
    """catalogue.yaml's fields, whether it was read cleanly as a mapping (only a file that was read
    can be of an older format: a file over the size limit or broken is reported as such), and the
    problem that kept a catalogue.yaml that is there from being read as a mapping at all. No
    catalogue.yaml is no problem: a catalogue may do without one."""
    if not layout.meta_file.is_file() and not layout.meta_file.is_symlink():
        return {}, False, None
    m = read_in(layout, layout.meta_file, limits)
    if isinstance(m.data, dict):
        return m.data, not m.problems, None
    return {}, False, next((p for p in m.problems if p.severity == "error"), None)
