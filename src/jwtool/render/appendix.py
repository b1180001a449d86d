"""The report's appendix tables (B2.1, B2.2, and the summary tables 3.1 and 3.2) as a view model and a document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import http_url
from jwtool.labels import fields, label
from jwtool.labels import labels as table_of
from jwtool.render.docx import appendix_docx
from jwtool.render.environment import (
    APPENDIX_TABLES,
    FULL_COLUMNS,
    SUMMARY_COLUMNS,
    SUMMARY_TABLES,
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
            if item["url"] == url and item["title"] == title:
                return item
        item = {"n": len(self.items) + 1, "title": title, "url": url, "link": http_url(url),
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
        items = _strs(d.get("components"))
    return {"key": key, "text": text, "items": items}


def _summary_cell(key: str, entry: Entry) -> dict[str, Any]:
    if key == "target_group":
        return {"key": key, "text": _str(entry.target_group.get("summary")) or _str(entry.target_group.get("description")), "items": []}
    if key == "goals":
        return {"key": key, "text": _str(entry.goals.get("summary")) or _str(entry.goals.get("description")), "items": []}
    return _cell(key, entry)


def appendix_entries(entries: Iterable[Entry], style: str = "full") -> dict[str, list[Entry]]:
    """The rows of each appendix table (B2.1/B2.2, or 3.1/3.2 for the summary), in report order."""
    tables = SUMMARY_TABLES if style == "summary" else APPENDIX_TABLES
    out: dict[str, list[Entry]] = {t: [] for t in tables}
    for e in sorted(entries, key=Entry.sort_key):
        table = _str(e.provenance.get("summary_table")) if style == "summary" else e.table
        if table in out:
            out[table].append(e)
    return out


def appendix_context(cat: Catalogue, entries: Sequence[Entry], style: str = "full", lang: str = "nl") -> dict[str, Any]:
    """The view model of ``render appendix``: tables of rows, their columns and numbered sources."""
    labels = table_of(lang)
    keys = SUMMARY_COLUMNS if style == "summary" else FULL_COLUMNS
    columns = [{"key": "interventie", "label": label("col.interventie", lang)}]
    columns += [{"key": k, "label": label(f"col.{k}", lang)} for k in keys]
    sources = SourceIndex([])
    anchors = anchor_ids(list(entries))
    tables = []
    for table_id, rows in appendix_entries(entries, style).items():
        out_rows = []
        for e in rows:
            refs = [sources.number(s) for s in e.sources] if style == "full" else []
            cells = [(_summary_cell if style == "summary" else _cell)(k, e) for k in keys]
            out_rows.append({"id": e.id, "anchor": anchors[e.id], "name": _str(e.name) or e.id,
                             "providers": _str(e.providers.get("description")) if style == "full" else "",
                             "refs": refs, "cells": cells})
        tables.append({"id": table_id, "title": label(f"table.{table_id}", lang), "rows": out_rows})
    return {
        "labels": labels, "lang": lang, "style": style,
        "title": label("appendix.title.summary" if style == "summary" else "appendix.title", lang),
        "catalogue_title": _str(cat.meta.get("title")),
        "columns": columns, "tables": [t for t in tables if t["rows"]], "all_tables": tables,
        "sources": sources.items, "date": fields.catalogue_date(entries), "report": fields.report(cat),
        "count": sum(len(t["rows"]) for t in tables),
    }


def render_appendix(cat: Catalogue, entries: Sequence[Entry], fmt: str = "md", style: str = "full", lang: str = "nl",
                    templates: Path | None = None, reference: Path | None = None) -> bytes:
    """The appendix tables as Markdown, HTML, Word or PDF (bytes; deterministic except the PDF's
    creation time). Word takes its styles from ``reference``, else a templates' reference.docx."""
    context = appendix_context(cat, entries, style, lang)
    dirs = template_dirs(cat, templates)
    if fmt in ("docx", "pdf"):
        docx = appendix_docx(context, reference=reference or find_template(dirs, "reference.docx"))
        return docx_to_pdf(docx) if fmt == "pdf" else docx
    context["css"] = _css(dirs, "appendix.css") if fmt == "html" else ""
    context["csp"] = _csp(style_hashes=[context["css"]]) if fmt == "html" else ""
    return render_template(dirs, f"appendix.{fmt}.j2", fmt, lang, context).encode("utf-8")
