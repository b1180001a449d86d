"""A report's tables (for the 2023 report: appendix tables B2.1 and B2.2, summary tables 3.1 and 3.2)
as a view model and a document: the tables its source file declares, with the entries that cite their rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.sources import SCHEMA_VERSION, Table
from jwtool.catalogue.text import http_url
from jwtool.labels import Message, fields, label
from jwtool.labels import labels as table_of
from jwtool.labels.view import EntryView, column_fields, column_label, entry_view
from jwtool.query.filters import KINDS
from jwtool.render.citations import apa
from jwtool.render.docx import appendix_docx
from jwtool.render.environment import (
    FULL_COLUMNS,
    SUMMARY_COLUMNS,
    csp,
    find_template,
    inline_asset,
    render_template,
    template_dirs,
)
from jwtool.render.escaping import anchor_ids
from jwtool.render.pdf import docx_to_pdf

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue


# --- View models ---------------------------------------------------------------------------------


_str = fields.text


@dataclass
class SourceIndex:
    """Numbers the sources of a document in order of first appearance (one URL, one number)."""

    items: list[dict[str, Any]]

    def number(self, source: dict[str, Any]) -> dict[str, Any]:
        url = _str(source.get("url"))
        title = _str(source.get("title")) or url
        for item in self.items:
            if item["id"] == source.get("id"):
                return item
        item = {"n": len(self.items) + 1, "id": source.get("id"), "title": title, "url": url, "link": http_url(url),
                "note": _str(source.get("note")), "kind": _str(source.get("kind"))}
        self.items.append(item)
        return item


def _cell(key: str, view: EntryView, style: str) -> dict[str, Any]:
    """One cell of an entry's row: a text, or the items of a list (tagged texts without their tags).
    The verbatim verdict has the evidence level's label beside it, so a reader need not know the ladder's ids."""
    short, full = column_fields(key, summary=True)[0], column_fields(key)[0]
    f = view.field(short) if style == "summary" and view.field(short) else view.field(full)
    if f.items:
        return {"key": key, "text": "", "items": [x["text"] for x in f.items]}
    text = f.value if isinstance(f.value, str) else ", ".join(f.value)
    level = view.field("evidence.level")
    if key == "evidence" and level:
        text = "\n".join(x for x in (text, f"{level.label}: {level.value}") if x)
    return {"key": key, "text": text, "items": []}


class AppendixError(ValueError):
    """The source to render is not in sources/, or no entry cites it, or it lacks the tables asked for."""


def cited_by(entry: Entry, source_id: str) -> bool:
    """Whether the entry, or one of its studies, cites the source."""
    return any(c.get("source") == source_id for c in entry.cites) or any(c.get("source") == source_id for s in entry.studies for c in s.cites)


def report_tables(cat: Catalogue, source_id: str | None, style: str = "full") -> tuple[str, list[Table]]:
    """The source to render (default: the catalogue's main report) and its tables of one style.

    A source that declares no tables gets one table per kind of the entries that cite it (see
    :func:`appendix_entries`), with the columns of the declared tables of that style."""
    sid = source_id or cat.library.main
    source = cat.library.get(sid)
    if source is None:
        cited = ", ".join(sorted({str(c.get("source")) for e in cat.entries for c in e.cites if c.get("source")} & set(cat.library.sources)))
        if not sid:  # no --source, and catalogue.yaml names no main source: say why, and how to name one
            if cat.meta_problem is not None:
                raise AppendixError(Message("error.appendix.broken_meta"))
            raise AppendixError(Message("error.appendix.no_main" if cat.layout.meta_file.is_file() else "error.appendix.no_meta",
                                        cited=cited or Message("error.appendix.none"), version=SCHEMA_VERSION))
        raise AppendixError(Message("error.appendix.no_source", id=repr(sid), cited=cited or Message("error.appendix.none")))
    if not source.tables:
        kinds = [k for k in KINDS if any(e.kind == k and cited_by(e, sid) for e in cat.entries)]
        if not kinds:
            raise AppendixError(Message("error.appendix.uncited", id=repr(sid)))
        columns = ("interventie", *(SUMMARY_COLUMNS if style == "summary" else FULL_COLUMNS))
        return sid, [Table(kind, "", 0, columns, style == "summary") for kind in kinds]
    tables = [t for t in source.tables.values() if t.summary == (style == "summary")]
    if not tables:
        raise AppendixError(Message("error.appendix.no_summary_tables" if style == "summary" else "error.appendix.no_tables", id=repr(sid), file=source.file))
    return sid, tables


def appendix_entries(entries: Iterable[Entry], source_id: str, tables: Sequence[Table]) -> dict[str, list[Entry]]:
    """The rows of each table of one source, in its row order: only entries that cite that row.
    A table made for a source without tables (``rows`` 0, its id a kind) holds the entries of
    that kind that cite the source, in the catalogue's order."""
    out: dict[str, list[Entry]] = {}
    for t in tables:
        if t.rows:
            rows = ((e.row_in(source_id, t.id), e) for e in entries)
            out[t.id] = [e for n, e in sorted(((n, e) for n, e in rows if n is not None), key=lambda r: (r[0], r[1].id))]
        else:
            out[t.id] = sorted((e for e in entries if e.kind == t.id and cited_by(e, source_id)), key=Entry.sort_key)
    return out


def missing_rows(shown: dict[str, list[Entry]], source_id: str, tables: Sequence[Table]) -> dict[str, list[int]]:
    """The rows of each declared table (``rows`` > 0) that no shown entry fills, by table id."""
    out = {}
    for t in tables:
        filled = {e.row_in(source_id, t.id) for e in shown.get(t.id, [])}
        gaps = [n for n in range(1, t.rows + 1) if n not in filled]
        if gaps:
            out[t.id] = gaps
    return out


def _heading(made: list[dict[str, Any]], style: str) -> str:
    """The label heading an appendix: of interventions, or, for tables made per kind, of the kinds they show."""
    kinds = [t["kind"] for t in made]
    which = "" if kinds in ([], ["interventie"]) else ".praktijkvoorbeeld" if kinds == ["praktijkvoorbeeld"] else ".both"
    return f"appendix.title{which}" + (".summary" if style == "summary" else "")


def appendix_context(cat: Catalogue, entries: Sequence[Entry], style: str = "full", lang: str = "nl", source_id: str | None = None) -> dict[str, Any]:
    """The view model of ``render appendix``: tables of rows, their columns and numbered sources.

    ``entries`` may be summaries (:func:`jwtool.catalogue.load.load_catalogue` with ``summary=True``):
    each row reads its entry in full as it is made, so a large appendix never holds every record."""
    labels = table_of(lang)
    sid, declared = report_tables(cat, source_id, style)
    made = not declared[0].rows  # tables made from the entries that cite a source without tables
    report = fields.report(cat, sid)
    if not report["citation"]:  # the record's own citation, else APA made from its CSL fields
        report["citation"] = apa([cat.library.sources[sid]], lang).strip()
    keys = [k for k in declared[0].columns if k != "interventie"]
    sources = SourceIndex([])
    anchors = anchor_ids(list(entries))
    tables = []
    for table_id, rows in appendix_entries(entries, sid, declared).items():
        out_rows = []
        for e in cat.full(rows):  # one full record at a time: a catalogue of summaries never holds them all
            view = entry_view(e, cat.vocab, lang)
            refs = [sources.number(s) for s in e.sources if s.get("id") != sid] if style == "full" else []
            out_rows.append({"id": e.id, "anchor": anchors[e.id], "name": view.name,
                             "providers": view.field("providers.description").value if style == "full" else "",
                             "refs": refs, "cells": [_cell(k, view, style) for k in keys]})
        kind = table_id if made else "interventie"
        columns = [{"key": k, "label": column_label(k, lang, kind)} for k in ("interventie", *keys)]
        if made:
            title = label("appendix.made.title", lang, kinds=label(f"kinds.{table_id}", lang), source=fields.short_citation(cat.library.sources[sid], lang))
        else:
            title = label(f"table.{table_id}", lang) if f"table.{table_id}" in labels else next(t.title for t in declared if t.id == table_id)
        tables.append({"id": "" if made else table_id, "kind": kind, "title": title, "columns": columns, "rows": out_rows})
    shown = [t for t in tables if t["rows"]]
    if made:  # numbered as shown: Tabel 1, Tabel 2
        for number, t in enumerate(shown, start=1):
            t["id"] = str(number)
    parts = {t.part for t in declared}
    part = parts.pop() if len(parts) == 1 and "" not in parts else ""
    return {
        "labels": labels, "lang": lang, "style": style,
        # the report's own heading of the part holding the tables (Bijlage 2 Overzicht van interventies),
        # in the source's language (Dutch, as the entries' text) whatever the labels' language
        "title": part or label(_heading(shown if made else [], style), lang),
        "title_lang": "nl" if part else lang,
        "catalogue_title": _str(cat.meta.get("title")),
        "columns": tables[0]["columns"], "tables": shown, "all_tables": tables,
        "sources": sources.items, "date": fields.catalogue_date(entries), "report": report,
        "count": sum(len(t["rows"]) for t in tables),
    }


def render_appendix(cat: Catalogue, entries: Sequence[Entry], fmt: str = "md", style: str = "full", lang: str = "nl",
                    templates: Path | None = None, reference: Path | None = None, source_id: str | None = None) -> bytes:
    """The tables of one report (default: the main report) as Markdown, HTML, Word or PDF (bytes;
    deterministic). Word takes its styles from ``reference``, else
    a templates' reference.docx."""
    context = appendix_context(cat, entries, style, lang, source_id)
    dirs = template_dirs(cat, templates)
    if fmt in ("docx", "pdf"):
        docx = appendix_docx(context, reference=reference or find_template(dirs, "reference.docx"))
        return docx_to_pdf(docx, context.get("date") or "") if fmt == "pdf" else docx
    context["css"] = inline_asset(dirs, "appendix.css") if fmt == "html" else ""
    context["csp"] = csp(style_hashes=[context["css"]]) if fmt == "html" else ""
    return render_template(dirs, f"appendix.{fmt}.j2", fmt, lang, context).encode("utf-8")
