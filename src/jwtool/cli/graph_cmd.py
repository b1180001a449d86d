"""``jwtool elements`` and ``jwtool similar``: the shared working elements, counted and compared.

Only options and printing live here; counting and likeness are in :mod:`jwtool.graph.analysis`
(no networkx: that is for ``jwtool map``, :mod:`jwtool.cli.map_cmd`). Tables and titles are
worded in the language of ``--lang`` (labels ``graph.*``); JSON keeps ids and the vocabularies'
own labels.
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from jwtool.cli.common import (
    choice,
    cli_lang,
    entry_ref,
    note,
    open_catalogue,
    out,
)
from jwtool.cli.filters import matching, with_filters
from jwtool.cli.framework import message
from jwtool.cli.tables import FormatOpt, GraphFormat, column_headers, element_namer, id_and_name, print_table
from jwtool.graph.analysis import BY_CHOICES, crosstab, element_use, percent
from jwtool.graph.analysis import similar as find
from jwtool.labels import DEFAULT_LANG, label, label_or, plural
from jwtool.query.export import dumps
from jwtool.query.filters import RawFilters

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry



def _column_label(cat: "Catalogue", by: str, column: str, lang: str) -> str:
    """A column of ``elements --by``: a phase, evidence level or kind by its label; an education
    level by its short name (vso, mbo-2), as ``list`` shows it: the labels are a sentence long."""
    if by == "kind":
        return label_or(f"kind.{column}", lang, column)
    vocab = cat.vocab.get({"phase": "phases", "evidence": "evidence-levels"}.get(by, ""))
    return vocab.label(column, lang) if vocab else column


# --- elements ----------------------------------------------------------------------------------


@with_filters
def elements(
    by: Annotated[Optional[str], typer.Option("--by", metavar="phase|evidence|target|kind", help="opt.elements.by", show_default=False)] = None,
    fmt: FormatOpt = GraphFormat.text,
    filters: RawFilters = RawFilters(),
) -> None:
    """List the working elements with how many entries name them, most shared first."""
    lang = cli_lang()
    if by is not None:
        choice(by, list(BY_CHOICES), "--by")
    cat = open_catalogue(summary=True)
    selected = matching(filters, cat, say_none=True)
    if by:
        _crosstab(cat, selected, by, fmt, lang, filters.element_source)
        return

    uses = element_use(selected, cat.vocab, filters.element_source)
    if fmt == "json":
        out(dumps({"from": filters.element_source, "entries": len(selected), "elements": [
            {"id": u.id, "name": u.label, "group": u.group, "count": u.count, "share": round(u.share, 4),
             "entries": [id_and_name(e) for e in u.entries]} for u in uses]}))
        return
    if not uses:
        if selected:
            note(label(f"graph.elements.none.{filters.element_source.replace('-', '_')}", lang, entries=plural("map.entries", len(selected), lang)))
        return
    name = element_namer(cat, lang)
    rows = [[u.count, percent(u.share), name(u.id), ", ".join(e.id for e in u.entries)] for u in uses]
    title = label("graph.elements.title", lang, elements=plural("graph.elements", len(uses), lang), entries=plural("map.entries", len(selected), lang))
    print_table(column_headers(lang, "count", "share", "element", "entries"), rows, title, right=(0, 1))


def _crosstab(cat: "Catalogue", selected: list["Entry"], by: str, fmt: str, lang: str, source: str) -> None:
    tab = crosstab(selected, cat.vocab, by, source)
    if fmt == "json":
        out(dumps({"by": by, "from": source, "entries": len(selected),
               "columns": [{"id": c, "name": label, "entries": len(es)} for (c, label), es in zip(tab.columns, tab.column_entries)],
               "elements": [{"id": r.id, "name": r.label, "count": u.count,
                             "cells": [{"column": c, "count": len(cell), "entries": [id_and_name(e) for e in cell]} for (c, _), cell in zip(tab.columns, r.cells)]}
                            for r, u in zip(tab.rows, tab.uses)]}))
        return
    if not tab.rows:
        return
    name = element_namer(cat, lang)
    headers = column_headers(lang, "element") + [_column_label(cat, by, c, lang) for c, _ in tab.columns] + column_headers(lang, "total")
    rows: list[list[object]] = [[name(r.id)] + [n or "-" for n in r.counts] + [u.count] for r, u in zip(tab.rows, tab.uses)]
    rows.append([label("graph.row.entries", lang)] + [len(es) or "-" for es in tab.column_entries] + [len(selected)])
    title = label("graph.crosstab.title", lang, by=label(f"graph.by.{by}", lang), entries=plural("map.entries", len(selected), lang))
    print_table(headers, rows, title, right=tuple(range(1, len(headers))))


# --- similar -----------------------------------------------------------------------------------


@with_filters
def similar(
    ref: Annotated[str, typer.Argument(metavar="REF", help="opt.similar.ref", show_default=False)],
    top: Annotated[int, typer.Option("--top", "-n", metavar="K", min=1, help="opt.similar.top")] = 5,
    fmt: FormatOpt = GraphFormat.text,
    filters: RawFilters = RawFilters(),
) -> None:
    """Show the entries most alike REF by the working elements they share."""
    lang = cli_lang()
    cat = open_catalogue(summary=True)

    entry = entry_ref(cat, ref, full=False, lang=lang)  # the working elements are in the summary
    candidates = matching(filters, cat)

    source = filters.element_source
    matches = find(entry, candidates, top, source)
    term = element_namer(cat, DEFAULT_LANG)  # JSON: the vocabulary's own labels
    if fmt == "json":
        out(dumps({"from": source, "ref": id_and_name(entry) | {"elements": [{"id": e, "name": term(e)} for e in entry.elements_from(source)]},
               "similar": [id_and_name(m.entry) | {"score": round(m.score, 4), "shared": [{"id": e, "name": term(e)} for e in m.shared]} for m in matches]}))
        return
    if not entry.elements_from(source):
        note(message("cli.similar.no_elements", id=entry.id))
        return
    if not matches:
        note(message("cli.similar.none_selected" if len(candidates) < len(cat.entries) else "cli.similar.none", id=entry.id))
        return
    name = element_namer(cat, lang)
    rows = [[i, f"{m.score:.2f}", m.entry.id, m.entry.name, ", ".join(name(e) for e in m.shared)] for i, m in enumerate(matches, 1)]
    title = label("graph.similar.title", lang, name=entry.name, id=entry.id)
    print_table(["#", *column_headers(lang, "score", "id", "name", "shared")], rows, title, right=(0, 1))
