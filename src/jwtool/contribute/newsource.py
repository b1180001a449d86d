"""The source a new entry cites: an existing record of ``sources/``, or a new source file.

A URL or title that an existing source has reuses that source (the choice says so, and what the
contributor gave for it that the record says differently); anything else becomes a new file
``sources/<id>.yaml``. A table row is claimed only when asked for, in a table the source declares,
with a row that exists and that no entry holds yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jwtool.catalogue.layout import Layout
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.sources import CSL_TYPE, Library, Source, Table, load_library
from jwtool.catalogue.text import fold, http_url, placeholder, slugify
from jwtool.catalogue.vocabularies import close_matches, did_you_mean
from jwtool.catalogue.yamlfile import read_yaml
from jwtool.contribute.scaffold import ScaffoldError, column_hints
from jwtool.labels import Message
from jwtool.labels.fields import report_year

SOURCE_KINDS = tuple(CSL_TYPE)  # every kind has a CSL type: one list, in the order new offers them
MODELINE = "# yaml-language-server: $schema=../schemas/source.schema.json"


class SourceError(ScaffoldError):
    """A source or row given for the new entry that cannot be used (a usage error)."""


@dataclass
class SourceChoice:
    """The source a new entry cites; ``record`` is set when it is a new file still to be written."""

    id: str
    url: str = ""
    record: dict[str, Any] | None = None
    tables: dict[str, int] = field(default_factory=dict)  # table id -> number of rows
    declared: dict[str, Table] = field(default_factory=dict)  # the tables themselves, with their columns
    reused: Source | None = None  # the existing source a URL, title (or the form's id) chose, for a new one's details
    differs: list[tuple[str, str, str]] = field(default_factory=list)  # (field, given, the record's) where they disagree

    def hints(self, table: str | None) -> dict[str, str]:
        """The column of the claimed table beside each field it fills ({} when no row is claimed)."""
        spec = self.declared.get(table) if table else None
        return column_hints(spec.id, spec.columns, spec.summary) if spec is not None else {}


def read_library(layout: Layout, limits: Limits) -> Library:
    """The sources of a catalogue, with its main report from catalogue.yaml."""

    meta = read_yaml(layout.meta_file, "catalogue.yaml", limits).data if layout.meta_file.is_file() else None
    return load_library(layout, meta, limits)


def _existing(source: Source) -> SourceChoice:
    return SourceChoice(source.id, source.url, None, {t.id: t.rows for t in source.tables.values()}, dict(source.tables))


def compare(choice: SourceChoice, source: Source, title: str | None = None, kind: str | None = None, year: str | None = None) -> SourceChoice:
    """Note on ``choice`` each value given for a new source that the existing ``source`` (which
    the entry will cite instead) says differently: the given one is not written anywhere."""
    choice.reused = source
    for name, given, has in (("title", title, source.title), ("kind", kind, source.kind), ("year", year, report_year(source.data))):
        if given and fold(" ".join(given.split())) != fold(" ".join(has.split())):
            choice.differs.append((name, given, has))
    return choice


def by_id(library: Library, source_id: str, option: str = "--source") -> SourceChoice:
    source = library.get(source_id)
    if source is None:
        known = sorted(library.sources)
        hint = did_you_mean(close_matches(source_id, known))
        shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "") if known else Message("error.new.no_sources_yet")
        raise SourceError(Message("error.new.unknown_source", option=option, id=repr(source_id), hint=hint, known=shown))
    return _existing(source)


def new_or_existing(library: Library, title: str | None, url: str | None, kind: str | None, year: str | None = None) -> SourceChoice:
    """The existing source with this URL (or, without a URL, this title), else a new record."""
    for source in library.sources.values():
        if url and source.url == url or not url and title and fold(source.title) == fold(title):
            return compare(_existing(source), source, title, kind, year)
    base = slugify(title or _words_of(url or "")) or "bron"
    sid, n = base[:72], 2
    while sid in library.sources:
        sid, n = f"{base[:72]}-{n}", n + 1
    record: dict[str, Any] = {"id": sid, "type": CSL_TYPE.get(kind or "", placeholder("report, webpage, document, dataset, article-journal, book of thesis")),
                              "kind": kind or placeholder(", ".join(SOURCE_KINDS[:-1]) + " of " + SOURCE_KINDS[-1]),
                              "title": title or placeholder("titel zoals de bron hem geeft")}
    if url:
        record["URL"] = url
    return SourceChoice(sid, url or "", record)


def from_answer(library: Library, answer: str) -> SourceChoice:
    """What a contributor typed at the source prompt: an id of sources/, a URL, or a title."""
    answer = answer.strip()
    if library.get(answer) is not None:
        return by_id(library, answer)
    if http_url(answer):
        return new_or_existing(library, None, answer, None)
    if "://" in answer or answer.lower().startswith(("javascript:", "data:")):
        raise SourceError(Message("problem.url", value=repr(answer)))
    return new_or_existing(library, answer, None, None)


def check_row(choice: SourceChoice, table: str | None, row: int | None, claimed: dict[tuple[str, str, int], str]) -> None:
    """A row claim must name both table and row, a table the source declares, a row that exists
    in it, and a row no entry holds yet (a correction edits that entry instead)."""
    if table is None and row is None:
        return
    if table is None or row is None:
        raise SourceError(Message("error.new.row_half"))
    if table not in choice.tables:
        declared = ", ".join(choice.tables) or Message("problem.citation.no_tables")
        raise SourceError(Message("error.new.no_table", id=repr(choice.id), table=repr(table), declared=declared))
    if not 1 <= row <= choice.tables[table]:
        raise SourceError(Message("error.new.no_row", table=table, id=repr(choice.id), rows=choice.tables[table], row=row))
    if (choice.id, table, row) in claimed:
        raise SourceError(Message("error.new.row_taken", row=row, table=table, file=claimed[(choice.id, table, row)]))


def render_record(record: dict[str, Any]) -> str:
    """A new source file's text: the schema modeline, a comment, then the fields (JSON scalars are YAML)."""
    lines = [MODELINE, f"# Nieuwe bron. Vervang elke {placeholder('…')} en vul aan wat de bron zegt (CSL-JSON-velden, zie",
             "# schemas/source.schema.json), bijvoorbeeld:",
             "#   author: [{family: Jansen, given: A.}]",
             "#   issued: {date-parts: [[2025]]}",
             "#   publisher: Naam van de uitgever"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in record.items()]
    return "\n".join(lines) + "\n"


def source_path(layout: Layout, source_id: str) -> Path:
    return layout.sources / f"{source_id}.yaml"


def _words_of(url: str) -> str:
    """A readable id for a source known only by its address: host and last path segment."""

    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"{parts.hostname or ''} {last}".removeprefix("www.")

