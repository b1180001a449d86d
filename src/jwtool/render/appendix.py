"""A report's tables (for the 2023 report: appendix tables B2.1 and B2.2, summary tables 3.1 and 3.2)
as a view model and a document: the tables its source file declares, with the entries that cite their rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.sources import Table
from jwtool.catalogue.text import http_url
from jwtool.labels import fields, label
from jwtool.labels import labels as table_of
from jwtool.render.docx import appendix_docx
from jwtool.render.environment import (
    _csp,
    _css,
    find_template,
    render_template,
    template_dirs,
)
from jwtool.render.escaping import anchor_ids
from jwtool.render.pdf import docx_to_pdf

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue


# --- View models ---------------------------------------------------------------------------------


_str, _strs = fields.text, fields.texts


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


def _cell(key: str, entry: Entry) -> dict[str, Any]:
    d = entry.data
    text, items = "", []
    if key == "target_group":
        text = _str(entry.target_group.get("description"))
    elif key == "goals":
        text = _str(entry.goals.get("description"))
    elif key == "activities":
        text = _str(d.get("activities"))
    elif key == "course":
        text = _str(fields.as_dict(d.get("course")).get("description"))
    elif key == "results":
        text = _str(fields.as_dict(d.get("results")).get("description"))
    elif key == "evidence":
        text = _str(entry.evidence.get("verdict"))
    elif key == "working_elements":
        items = [t for t in (_str(w.get("text")) for w in entry.working_elements) if t]
    elif key == "components":
        items = entry.component_texts
    return {"key": key, "text": text, "items": items}


def _summary_cell(key: str, entry: Entry) -> dict[str, Any]:
    if key == "target_group":
        return {"key": key, "text": _str(entry.target_group.get("summary")) or _str(entry.target_group.get("description")), "items": []}
    if key == "goals":
        return {"key": key, "text": _str(entry.goals.get("summary")) or _str(entry.goals.get("description")), "items": []}
    return _cell(key, entry)


class AppendixError(ValueError):
    """The source to render has no tables (or is not in sources/)."""


def report_tables(cat: Catalogue, source_id: str | None, style: str = "full") -> tuple[str, list[Table]]:
    """The source to render (default: the catalogue's main report) and its tables of one style."""
    sid = source_id or cat.library.main
    source = cat.library.get(sid)
    if source is None:
        known = ", ".join(i for i, s in cat.library.sources.items() if s.tables) or "none"
        raise AppendixError(f"no source {sid!r} in sources/; sources with tables: {known}")
    tables = [t for t in source.tables.values() if t.summary == (style == "summary")]
    if not tables:
        raise AppendixError(f"source {sid!r} declares no {'summary ' if style == 'summary' else ''}tables to render; see its tables in {source.file}")
    return sid, tables


def appendix_entries(entries: Iterable[Entry], source_id: str, tables: Sequence[Table]) -> dict[str, list[Entry]]:
    """The rows of each table of one source, in its row order: only entries that cite that row."""
    out: dict[str, list[Entry]] = {t.id: [] for t in tables}
    for t in tables:
        rows = [(e.row_in(source_id, t.id), e) for e in entries]
        out[t.id] = [e for n, e in sorted(((n, e) for n, e in rows if n is not None), key=lambda r: (r[0], r[1].id))]
    return out


def appendix_context(cat: Catalogue, entries: Sequence[Entry], style: str = "full", lang: str = "nl", source_id: str | None = None) -> dict[str, Any]:
    """The view model of ``render appendix``: tables of rows, their columns and numbered sources."""
    labels = table_of(lang)
    sid, declared = report_tables(cat, source_id, style)
    keys = [k for k in declared[0].columns if k != "interventie"]
    columns = [{"key": "interventie", "label": label("col.interventie", lang)}]
    columns += [{"key": k, "label": label(f"col.{k}", lang)} for k in keys]
    sources = SourceIndex([])
    anchors = anchor_ids(list(entries))
    tables = []
    for table_id, rows in appendix_entries(entries, sid, declared).items():
        out_rows = []
        for e in rows:
            refs = [sources.number(s) for s in e.sources] if style == "full" else []
            cells = [(_summary_cell if style == "summary" else _cell)(k, e) for k in keys]
            out_rows.append({"id": e.id, "anchor": anchors[e.id], "name": _str(e.name) or e.id,
                             "providers": _str(e.providers.get("description")) if style == "full" else "",
                             "refs": refs, "cells": cells})
        title = label(f"table.{table_id}", lang) if f"table.{table_id}" in labels else next(t.title for t in declared if t.id == table_id)
        tables.append({"id": table_id, "title": title, "rows": out_rows})
    return {
        "labels": labels, "lang": lang, "style": style,
        "title": label("appendix.title.summary" if style == "summary" else "appendix.title", lang),
        "catalogue_title": _str(cat.meta.get("title")),
        "columns": columns, "tables": [t for t in tables if t["rows"]], "all_tables": tables,
        "sources": sources.items, "date": fields.catalogue_date(entries), "report": fields.report(cat, sid),
        "count": sum(len(t["rows"]) for t in tables),
    }


def render_appendix(cat: Catalogue, entries: Sequence[Entry], fmt: str = "md", style: str = "full", lang: str = "nl",
                    templates: Path | None = None, reference: Path | None = None, source_id: str | None = None) -> bytes:
    """The tables of one report (default: the main report) as Markdown, HTML, Word or PDF (bytes;
    deterministic except the PDF's creation time). Word takes its styles from ``reference``, else
    a templates' reference.docx."""
    context = appendix_context(cat, entries, style, lang, source_id)
    dirs = template_dirs(cat, templates)
    if fmt in ("docx", "pdf"):
        docx = appendix_docx(context, reference=reference or find_template(dirs, "reference.docx"))
        return docx_to_pdf(docx) if fmt == "pdf" else docx
    context["css"] = _css(dirs, "appendix.css") if fmt == "html" else ""
    context["csp"] = _csp(style_hashes=[context["css"]]) if fmt == "html" else ""
    return render_template(dirs, f"appendix.{fmt}.j2", fmt, lang, context).encode("utf-8")
