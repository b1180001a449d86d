"""One entry as every output shows it: its fields in order, each with its label and value(s).

``show`` (card, text and Markdown), ``compare``, the overview and site pages (Markdown, HTML) and
the appendix (Markdown, HTML, Word) all read an entry through :func:`entry_view`, so a field is
selected, cleaned and labelled in one place. A field's key is its path in the entry
(``target_group.summary``); its label is ``f.<key>`` in the label catalogue, except that the main
text of a group (``target_group.description``, ``evidence.verdict``, ...) carries the group's
label (``f.target_group``), which is also the heading of its section on a card.

A field's ``value`` is what a line of text shows (a text, or a tuple of lines); ``items`` keeps
the structure behind it (tagged texts, figures, studies, factors, sources) for the outputs that
lay it out as lists and tables. Values are clean text (:func:`jwtool.labels.fields.text`); the
outputs escape them for Markdown, HTML, Word or a terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import http_url
from jwtool.labels import fields, label, label_or

if TYPE_CHECKING:
    from jwtool.catalogue.vocabularies import Vocabulary

_str, _strs, as_dict = fields.text, fields.texts, fields.as_dict

# The main text of a group: labelled, and on a card headed, by the group's label.
MAIN = {"providers.description": "providers", "target_group.description": "target_group", "goals.description": "goals",
        "course.description": "course", "results.description": "results", "evidence.verdict": "evidence"}

# The fields of an entry in the order every output shows them, grouped in sections ("": no heading).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("id", "kind", "aliases", "summary")),
    ("providers", ("providers.description", "providers.organisations", "providers.commissioned_by", "providers.developed_by", "region")),
    ("phases", ("phases",)),
    ("target_group", ("target_group.description", "target_group.summary", "target_group.education_levels", "target_group.age",
                      "target_group.characteristics")),
    ("goals", ("goals.description", "goals.summary", "goals.tags")),
    ("components", ("components",)),
    ("activities", ("activities",)),
    ("course", ("course.description", "course.period", "course.status", "course.scale")),
    ("results", ("results.description", "results.figures")),
    ("evidence", ("evidence.verdict", "evidence.level", "evidence.contradiction", "evidence.control_group", "evidence.cost_benefit")),
    ("evidence.studies", ("evidence.studies",)),
    ("working_elements", ("working_elements",)),
    ("success_factors", ("success_factors",)),
    ("sources", ("sources",)),
    ("provenance", ("provenance",)),
    ("notes", ("notes",)),
    ("", ("last_reviewed",)),
)
BLOCKS = {"activities"}  # verbatim text whose line structure counts (numbered lists)


# The fields a column of a source's table shows, as render appendix fills it and the scaffold
# explains it: in a full table, and where it differs, in a summary table (the short form first).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "interventie": ("name", "providers.description"), "target_group": ("target_group.description",),
    "goals": ("goals.description",), "activities": ("activities",), "course": ("course.description",),
    "results": ("results.description",), "evidence": ("evidence.verdict",), "working_elements": ("working_elements",),
    "components": ("components",),
}
SUMMARY_TABLE_COLUMNS = {"interventie": ("name",), "target_group": ("target_group.summary",), "goals": ("goals.summary",)}


def column_fields(column: str, summary: bool = False) -> tuple[str, ...]:
    """The fields of an entry that a column of a table shows (a summary table's short forms)."""
    return (SUMMARY_TABLE_COLUMNS.get(column) if summary else None) or TABLE_COLUMNS.get(column, ())


def column_label(column: str, lang: str, kind: str = "interventie") -> str:
    """A table column's heading: the label of the field it shows; the first column (name and
    providers) is named by the kind of entry the table lists."""
    if column == "interventie":
        return label_or(f"kind.{kind}", lang, kind)
    return label(label_key(column), lang) if column in TABLE_COLUMNS else column


def label_key(key: str) -> str:
    """The label catalogue key of a field or section: ``f.<key>``, a group's main text by the group."""
    return f"f.{MAIN.get(key, key)}"


@functools.cache
def section_labels(lang: str) -> dict[str, str]:
    """The label of every field and section (:func:`label_key`) in ``lang``; "" for the untitled sections."""
    return {"": "", **{k: label(label_key(k), lang) for s, keys in SECTIONS for k in (s, *keys) if k}}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    value: str | tuple[str, ...]
    items: tuple[Any, ...] = ()
    block: bool = False  # keep the value's line structure

    def __bool__(self) -> bool:
        return bool(self.value)

    def data(self) -> Any:
        """The structured items where the field has them, else its value (lines as a list)."""
        return list(self.items) if self.items else (list(self.value) if isinstance(self.value, tuple) else self.value)


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # "" for the lines before and after the sections
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class EntryView:
    """An entry's header (id, name, kind, phases, level) and its sections of labelled fields."""

    id: str
    name: str
    kind: str
    kind_id: str
    phases: tuple[str, ...]
    level: str
    level_id: str
    sections: tuple[Section, ...]
    _by_key: dict[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def field(self, key: str) -> Field:
        """The field ``key`` (empty when the entry does not state it)."""
        f = self._by_key.get(key)
        return Field(key, "", "") if f is None else f

    def value(self, key: str) -> Any:
        """The field's structured items where it has them, else its value."""
        return self.field(key).data()

    def shown(self) -> list[Section]:
        """The sections with something to show, and in them only the fields with a value."""
        return [Section(s.key, s.label, kept) for s in self.sections if (kept := tuple(f for f in s.fields if f))]

    def tree(self) -> dict[str, Any]:
        """Every field's :meth:`value` by its path (``target_group.summary`` under ``target_group``), for templates."""
        out: dict[str, Any] = {}
        for key, f in self._by_key.items():
            head, _, rest = key.partition(".")
            if rest:
                out.setdefault(head, {})[rest] = f.data()
            else:
                out[head] = f.data()
        return out


def entry_view(entry: Entry, vocab: dict[str, Vocabulary] | None, lang: str, term_lang: str | None = None) -> EntryView:
    """Every field of ``entry``, labelled in ``lang`` (vocabulary terms in ``term_lang``, by default ``lang``)."""
    vocab = vocab or {}
    term_lang = term_lang or lang
    terms = lambda name, ids: tuple(fields.vocab_label(vocab, name, i, term_lang) for i in ids)  # noqa: E731
    d, ev = entry.data, entry.evidence
    course, results = as_dict(d.get("course")), as_dict(d.get("results"))

    def tagged(items: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:  # verbatim text and the labels of its elements
        return tuple({"text": _str(w.get("text")), "elements": list(terms("working-elements", _strs(w.get("elements"))))}
                     for w in items if _str(w.get("text")))

    factors = tuple({"factor": fields.vocab_label(vocab, "success-factors", _str(s.get("factor")), term_lang), "title": _str(s.get("title")),
                     "example": _str(s.get("example")), "section": _str(s.get("section"))} for s in entry.success_factors)
    sources = tuple({"title": _str(s.get("title")) or _str(s.get("url")), "url": _str(s.get("url")), "link": http_url(s.get("url")),
                     "kind": label_or(f"source_kind.{_str(s.get('kind'))}", lang, _str(s.get("kind"))) if s.get("kind") else "",
                     "note": _str(s.get("note"))} for s in entry.sources)
    level = fields.vocab_label(vocab, "evidence-levels", entry.evidence_level, term_lang) if entry.evidence_level else ""
    values: dict[str, Any] = {
        "id": entry.id, "kind": fields.kind(entry, lang) if entry.kind else "", "aliases": tuple(_strs(entry.aliases)),
        "summary": _str(entry.summary),
        "providers.description": _str(entry.providers.get("description")),
        "providers.organisations": tuple(_strs(entry.providers.get("organisations"))),
        "providers.commissioned_by": tuple(_strs(entry.providers.get("commissioned_by"))),
        "providers.developed_by": tuple(_strs(entry.providers.get("developed_by"))),
        "region": fields.region(entry, lang),
        "phases": terms("phases", entry.phases),
        "target_group.description": _str(entry.target_group.get("description")),
        "target_group.summary": _str(entry.target_group.get("summary")),
        "target_group.education_levels": terms("education-levels", entry.education_levels),
        "target_group.age": fields.age(entry, lang),
        "target_group.characteristics": terms("target-characteristics", entry.characteristics),
        "goals.description": _str(entry.goals.get("description")), "goals.summary": _str(entry.goals.get("summary")),
        "goals.tags": terms("goal-tags", entry.goal_tags),
        "components": tagged(entry.components),
        "activities": _str(d.get("activities")),
        "course.description": _str(course.get("description")), "course.period": fields.period(course, lang),
        "course.status": fields.status(course, lang), "course.scale": tuple(fields.scale(course, lang)),
        "results.description": _str(results.get("description")), "results.figures": tuple(fields.figures(entry, lang)),
        "evidence.verdict": _str(ev.get("verdict")), "evidence.level": level,
        "evidence.contradiction": fields.contradictions(entry, lang),
        "evidence.control_group": fields.yes_no(ev.get("control_group"), lang),
        "evidence.cost_benefit": fields.yes_no(ev.get("cost_benefit"), lang),
        "evidence.studies": tuple(fields.studies(entry, vocab, term_lang)),
        "working_elements": tagged(entry.working_elements),
        "success_factors": factors, "sources": sources, "provenance": provenance(entry, lang),
        "notes": tuple(_strs(d.get("notes"))), "last_reviewed": _str(d.get("last_reviewed")),
    }
    lines = {  # the structured fields as lines of text
        "components": _tagged, "working_elements": _tagged,
        "results.figures": lambda xs: tuple(fields.figure_line(f, lang) for f in xs),
        "evidence.studies": lambda xs: tuple(x["title"] for x in xs),
        "success_factors": lambda xs: tuple(f"{x['factor']}: {x['title']}" + (f" ({x['section']})" if x["section"] else "") for x in xs),
        "sources": lambda xs: tuple(" — ".join(y for y in (x["title"], x["url"], x["kind"]) if y) for x in xs),
        "provenance": lambda xs: tuple(x["text"] for x in xs),
    }
    names = section_labels(lang)
    by_key: dict[str, Field] = {}
    for key in (k for _, keys in SECTIONS for k in keys):
        raw = values[key]
        shown, items = (lines[key](raw), raw) if key in lines else (raw, ())
        by_key[key] = Field(key, names[key], shown, items, key in BLOCKS)
    sections = tuple(Section(s, names[s], tuple(by_key[k] for k in keys)) for s, keys in SECTIONS)
    return EntryView(entry.id, _str(entry.name) or entry.id, values["kind"], entry.kind, values["phases"], level, entry.evidence_level,
                     sections, by_key)


def _tagged(items: Iterable[dict[str, Any]]) -> tuple[str, ...]:
    """Each text with the labels of its elements after an arrow; untagged, only its text."""
    return tuple(f"{x['text']} → {', '.join(x['elements'])}" if x["elements"] else x["text"] for x in items)


def provenance(entry: Entry, lang: str) -> tuple[dict[str, Any], ...]:
    """Where the entry is found, per source it cites with a locator (table rows, sections, page):
    the source, its rows (a table its source renders as an appendix is a "Bijlagetabel", a summary
    table a "Tabel"), sections and page, and all of it as one line of text, which names the source
    unless it is the catalogue's main report; ``pieces`` is that line as jwtool's words around the
    source's own (its title, its section names), for an output that marks their language."""
    out = []
    for c in entry.cites:
        sid = _str(c.get("source"))
        record = entry.library.get(sid)
        tables = record.tables if record is not None else {}
        rows = [(t, r) for s, t, r in entry.rows if s == sid]
        sections, page = _strs(c.get("sections")), _str(c.get("page"))
        if not (rows or sections or page):
            continue
        # (jwtool's words before, the source's own words, jwtool's words after)
        parts = [(label("prov.summary_table" if t in tables and tables[t].summary else "prov.table", lang, table=t, row=r), "", "")
                 for t, r in rows]
        if sections:  # the source's own names of its sections ("3.1", "bijlage 2"), in its language
            before, _, after = label("prov.sections", lang, sections="\0").partition("\0")
            parts.append((before, ", ".join(sections), after))
        if page:
            parts.append((label("study.page", lang, page=page), "", ""))
        title = (_str(record.data.get("title")) if record is not None else "") or sid
        credit = sid != entry.library.main  # the catalogue's main report goes without saying
        pieces = ([{"before": "", "own": title, "after": ": "}] if credit else []) + [
            {"before": ("; " if i else "") + b, "own": o, "after": a} for i, (b, o, a) in enumerate(parts)]
        out.append({"source": sid, "title": title, "main": not credit, "rows": [{"table": t, "row": r} for t, r in rows],
                    "sections": sections, "page": page, "pieces": pieces,
                    "text": "".join(x["before"] + x["own"] + x["after"] for x in pieces)})
    return tuple(out)


def appendix_rows(entry: Entry) -> list[tuple[str, str]]:
    """The (source, table) of each row the entry claims in a table its source renders as an
    appendix (one not marked ``summary``)."""
    out = []
    for sid, table, _ in entry.rows:
        record = entry.library.get(sid)
        declared = record.tables.get(table) if record is not None else None
        if declared is not None and not declared.summary:
            out.append((sid, table))
    return out


def kind_legend(entries: Iterable[Entry], lang: str) -> dict[str, str]:
    """How a map's legend names each kind of entry: its label, and when every entry of that kind
    is a row of a source's appendix tables, which ("Interventie (rij in bijlagetabel B2.1, B2.2)")."""
    rows: dict[str, list[list[tuple[str, str]]]] = {}  # kind -> each entry's appendix rows
    for e in entries:
        rows.setdefault(e.kind, []).append(appendix_rows(e))
    out = {}
    for kind, found in rows.items():
        name = label_or(f"kind.{kind}", lang, kind)
        out[kind] = label("map.legend.rows", lang, kind=name, tables=", ".join(sorted({t for r in found for _, t in r}))) if all(found) else name
    return out
