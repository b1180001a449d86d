"""Sources as records: one YAML file per source in ``sources/``, and the format version.

A source (a report, an evaluation, a factsheet, a website) has CSL-JSON's fields, so that it exports
to a reference manager as it stands, plus what the catalogue needs: ``kind``, ``commissioned_by``,
``research_questions`` and the ``tables`` entries are rows of. Entries point at sources with
``cites``. A catalogue of another ``schema_version`` is refused with one message that names
``jwtool upgrade``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.layout import CatalogueError, Layout
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.yamlfile import read_in
from jwtool.labels import Message

if TYPE_CHECKING:
    from jwtool.catalogue.yamlfile import YamlFile

SCHEMA_VERSION = 3  # the shape of catalogue.yaml, sources/ and interventions/ this jwtool reads
# The CSL item type each kind of source gets when jwtool writes a new source record (``jwtool new``,
# or ``jwtool upgrade`` moving a version-1 inline source out), so reference managers know what it
# is. One table for both, taken from the catalogue's own records: a beschrijving is a document (a
# PDF that describes an intervention), not a web page. Its keys, in this order, are the kinds
# ``jwtool new`` offers (SOURCE_KINDS: its help, prompt and issue form list them so); the enum of
# schemas/source.schema.json must hold the same kinds.
CSL_TYPE = {"evaluatie": "report", "factsheet": "document", "beschrijving": "document", "databank": "dataset",
            "website": "webpage", "rapport": "report"}


class OldFormatError(CatalogueError):
    """The catalogue is in another format than this jwtool reads (an older one: upgrade it; a
    newer one: update jwtool): nothing can use it until then."""


@dataclass(frozen=True)
class Table:
    """A table that a source (a report) declares: entries may claim its rows 1..rows."""

    id: str
    title: str
    rows: int
    columns: tuple[str, ...]
    summary: bool = False  # a short table in the report's body (rendered by --style summary)
    part: str = ""  # the appendix or chapter holding it, as headed: "Bijlage 2 Overzicht van interventies"


@dataclass
class Source:
    data: dict[str, Any]
    file: str = ""

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def title(self) -> str:
        return str(self.data.get("title", self.id))

    @property
    def url(self) -> str:
        url = self.data.get("URL")
        return url if isinstance(url, str) else ""

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def tables(self) -> dict[str, Table]:
        out: dict[str, Table] = {}
        for t in self.data.get("tables") or []:
            if isinstance(t, dict) and isinstance(t.get("id"), str) and isinstance(t.get("rows"), int):
                cols = tuple(c for c in t.get("columns") or [] if isinstance(c, str))
                part = t.get("part") if isinstance(t.get("part"), dict) else {}
                heading = " ".join(str(part[k]) for k in ("number", "title") if isinstance(part.get(k), str))
                out[t["id"]] = Table(t["id"], str(t.get("title", "")), t["rows"], cols, t.get("summary") is True, heading)
        return out


@dataclass
class Library:
    """Every source of a catalogue by id, and which one is the catalogue's main report."""

    sources: dict[str, Source] = field(default_factory=dict)
    main: str = ""
    broken: list[str] = field(default_factory=list)  # files of sources/ that could not be read cleanly (as Catalogue.broken)

    def get(self, source_id: str) -> Source | None:
        return self.sources.get(source_id)


def format_version(meta: Any) -> int:
    """The schema version a catalogue.yaml declares (1 when it declares none: the old format)."""
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else 1


def format_problem(meta: Any) -> Message | None:
    """Why this jwtool cannot read a catalogue with this catalogue.yaml, or None: an older format
    (upgrade it), a newer one (update jwtool), or a schema_version that is no whole number (a
    quoted "3" is not taken for the old format that declared none)."""
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if version is None:
        version = 1  # the old format declared none
    if not isinstance(version, int) or isinstance(version, bool):
        return Message("problem.schema_version_type", value=json.dumps(version, ensure_ascii=False, default=str), current=SCHEMA_VERSION)
    if version > SCHEMA_VERSION:
        return Message("problem.newer_catalogue", version=version, current=SCHEMA_VERSION)
    if version < SCHEMA_VERSION:
        return Message("problem.old_catalogue", version=version, current=SCHEMA_VERSION)
    return None


def check_format(meta: Any, readable: bool) -> None:
    """Refuse a catalogue of another format with one message (OldFormatError); ``readable``:
    catalogue.yaml exists and was read cleanly."""
    problem = format_problem(meta) if readable else None
    if problem is not None:
        raise OldFormatError(Message("error.in_file", file="catalogue.yaml", message=problem))


def read_sources(layout: Layout, limits: Limits = Limits()) -> list[YamlFile]:
    """The parsed files of ``sources/``, sorted by name (problems stay on each file)."""
    folder = layout.sources
    if not folder.is_dir():
        return []
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".yaml" and not p.name.startswith(".") and (p.is_file() or p.is_symlink()))
    return [read_in(layout, p, limits) for p in paths]  # a link that leaves the catalogue is a problem, never read


def load_library(layout: Layout, meta: Any, limits: Limits = Limits()) -> Library:
    """The sources of a catalogue (see :func:`library_of`)."""
    return library_of(read_sources(layout, limits), meta)


def library_of(docs: list[YamlFile], meta: Any) -> Library:
    """The library of the parsed source files (files that do not hold a mapping are left out;
    validate reports them, and ``broken`` lists every file read with problems, as for entries)."""
    sources = {}
    broken = []
    for doc in docs:
        if isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            sources.setdefault(doc.data["id"], Source(doc.data, doc.rel))
        if doc.data is None or doc.problems:
            broken.append(doc.rel)
    main = meta.get("main_source") if isinstance(meta, dict) else None
    return Library(sources, main if isinstance(main, str) else "", broken)


def cites(data: Any) -> list[dict[str, Any]]:
    """An entry's citations (mappings only)."""
    value = data.get("cites") if isinstance(data, dict) else None
    return [c for c in value if isinstance(c, dict)] if isinstance(value, list) else []


def rows_of(data: Any) -> list[tuple[int, int, str, str, int]]:
    """Every table row an entry claims: (cite index, row index, source id, table id, row number)."""
    return [(i, j, c["source"], r["table"], r["row"]) for i, c in enumerate(cites(data)) if isinstance(c.get("source"), str)
            for j, r in enumerate(c["rows"] if isinstance(c.get("rows"), list) else [])
            if isinstance(r, dict) and isinstance(r.get("table"), str) and isinstance(r.get("row"), int) and not isinstance(r.get("row"), bool)]
