"""``jwtool elements``, ``jwtool similar`` and ``jwtool map``: the shared working elements.

Only options and printing live here; counting, likeness, clusters and exports are in
:mod:`jwtool.graph`, :mod:`jwtool.graph.exports` and :mod:`jwtool.graph.svg` (imported when a
command runs, so networkx never slows down other commands). Tables and titles are worded in the
language of ``--lang`` (labels ``graph.*``); JSON keeps ids and the vocabularies' own labels.
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from jwtool.cli.common import (
    CatalogueOpt,
    LangOpt,
    check_output,
    choice,
    cli_lang,
    entry_ref,
    err,
    format_option,
    formats,
    note,
    open_catalogue,
    out,
    usage_error,
    write_output,
)
from jwtool.cli.filters import resolved, with_filters
from jwtool.cli.framework import message
from jwtool.cli.tables import clean, print_table
from jwtool.graph.analysis import BY_CHOICES, EXTRA_TYPES, PROJECTIONS, crosstab, element_use, percent
from jwtool.graph.analysis import similar as find
from jwtool.graph.exports import FORMATS as EXPORTS
from jwtool.graph.exports import SUFFIXES, fenced, format_for
from jwtool.graph.exports import export as render
from jwtool.graph.network import graph_for, summarize
from jwtool.labels import label, label_or, plural
from jwtool.query.export import dumps
from jwtool.query.filters import RawFilters, filter_entries

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

GraphFormat = formats("GraphFormat", ["text", "json"])
FormatOpt = Annotated[GraphFormat, format_option("opt.graph.format")]


# --- shared printing ---------------------------------------------------------------------------


def _json(doc: object) -> None:
    out(dumps(doc))


def _ref(entry: "Entry") -> dict[str, str]:
    return {"id": entry.id, "name": entry.name}


def _selected(cat: "Catalogue", filters: RawFilters) -> list["Entry"]:
    return filter_entries(cat.entries, resolved(filters, cat))


def _headers(lang: str, *keys: str) -> list[str]:
    return [label(f"graph.col.{k}", lang) for k in keys]


def _element_label(cat: "Catalogue", lang: str) -> Callable[[str], str]:
    """Element id -> its label in ``lang`` (the id when the vocabulary does not know it)."""
    wev = cat.vocab.get("working-elements")
    return (lambda e: wev.label(e, lang)) if wev else (lambda e: e)


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
    ctx: typer.Context,
    by: Annotated[Optional[str], typer.Option("--by", metavar="phase|evidence|target|kind", help="opt.elements.by", show_default=False)] = None,
    fmt: FormatOpt = GraphFormat.text,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """List the working elements with how many entries name them, most shared first.

    Each element shows its count, its share of the selected entries and the entries that name it.
    With --by, a table of elements × phase (or evidence level, education level, kind) shows where
    an element is used and where it is not (the gaps). All search filters apply. --from chooses
    the elements of the working elements, of the components (as section 3.1 of the report reads
    them) or of both (all, the default).

    Example: jwtool elements --kind interventie --from components
    """
    lang = cli_lang(ctx, lang)
    if by is not None:
        choice(by, list(BY_CHOICES), "--by")
    cat = open_catalogue(ctx, catalogue, summary=True)
    selected = _selected(cat, filters)
    if not selected:
        note(message("cli.no_match"))
    if by:
        _crosstab(cat, selected, by, fmt, lang, filters.element_source)
        return

    uses = element_use(selected, cat.vocab, filters.element_source)
    if fmt == "json":
        _json({"from": filters.element_source, "entries": len(selected), "elements": [
            {"id": u.id, "name": u.label, "group": u.group, "count": u.count, "share": round(u.share, 4),
             "entries": [_ref(e) for e in u.entries]} for u in uses]})
        return
    if not uses:
        if selected:
            err("jwtool: " + label(f"graph.elements.none.{filters.element_source.replace('-', '_')}", lang, entries=plural("map.entries", len(selected), lang)))
        return
    name = _element_label(cat, lang)
    rows = [[u.count, percent(u.share), name(u.id), ", ".join(e.id for e in u.entries)] for u in uses]
    title = label("graph.elements.title", lang, elements=plural("graph.elements", len(uses), lang), entries=plural("map.entries", len(selected), lang))
    print_table(_headers(lang, "count", "share", "element", "entries"), rows, title, right=(0, 1), piped_header=True, piped_title=False)


def _crosstab(cat: "Catalogue", selected: list["Entry"], by: str, fmt: str, lang: str, source: str) -> None:
    tab = crosstab(selected, cat.vocab, by, source)
    if fmt == "json":
        _json({"by": by, "from": source, "entries": len(selected),
               "columns": [{"id": c, "name": label, "entries": len(es)} for (c, label), es in zip(tab.columns, tab.column_entries)],
               "elements": [{"id": r.id, "name": r.label, "count": u.count,
                             "cells": [{"column": c, "count": len(cell), "entries": [_ref(e) for e in cell]} for (c, _), cell in zip(tab.columns, r.cells)]}
                            for r, u in zip(tab.rows, tab.uses)]})
        return
    if not tab.rows:
        return
    name = _element_label(cat, lang)
    headers = _headers(lang, "element") + [_column_label(cat, by, c, lang) for c, _ in tab.columns] + _headers(lang, "total")
    rows: list[list[object]] = [[name(r.id)] + [n or "-" for n in r.counts] + [u.count] for r, u in zip(tab.rows, tab.uses)]
    rows.append([label("graph.row.entries", lang)] + [len(es) or "-" for es in tab.column_entries] + [len(selected)])
    title = label("graph.crosstab.title", lang, by=label(f"graph.by.{by}", lang), entries=plural("map.entries", len(selected), lang))
    print_table(headers, rows, title, right=tuple(range(1, len(headers))), piped_header=True, piped_title=False)


# --- similar -----------------------------------------------------------------------------------


@with_filters
def similar(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="REF", help="opt.similar.ref", show_default=False)],
    top: Annotated[int, typer.Option("--top", "-n", metavar="K", min=1, help="opt.similar.top")] = 5,
    fmt: FormatOpt = GraphFormat.text,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """Show the entries most alike REF by the working elements they share.

    Likeness is the Jaccard index: shared elements divided by all elements of the two entries.
    Ties go to the entry with more shared elements, then report order. Filters limit the
    candidates (REF itself may lie outside them); --from chooses whose elements count.

    Example: jwtool similar boris --top 3 --kind interventie
    """
    lang = cli_lang(ctx, lang)
    cat = open_catalogue(ctx, catalogue, summary=True)

    entry = entry_ref(cat, ref, full=False, lang=lang)  # the working elements are in the summary
    candidates = _selected(cat, filters)

    source = filters.element_source
    matches = find(entry, candidates, top, source)
    wev = cat.vocab.get("working-elements")
    term = (lambda e: wev.label(e)) if wev else (lambda e: e)
    if fmt == "json":
        _json({"from": source, "ref": _ref(entry) | {"elements": [{"id": e, "name": term(e)} for e in entry.elements_from(source)]},
               "similar": [_ref(m.entry) | {"score": round(m.score, 4), "shared": [{"id": e, "name": term(e)} for e in m.shared]} for m in matches]})
        return
    if not entry.elements_from(source):
        note(message("cli.similar.no_elements", id=entry.id))
        return
    if not matches:
        note(message("cli.similar.none_selected" if len(candidates) < len(cat.entries) else "cli.similar.none", id=entry.id))
        return
    name = _element_label(cat, lang)
    rows = [[i, f"{m.score:.2f}", m.entry.id, m.entry.name, ", ".join(name(e) for e in m.shared)] for i, m in enumerate(matches, 1)]
    title = label("graph.similar.title", lang, name=entry.name, id=entry.id)
    print_table(["#", *_headers(lang, "score", "id", "name", "shared")], rows, title, right=(0, 1), piped_header=True, piped_title=False)


# --- map ---------------------------------------------------------------------------------------


@with_filters
def map_(
    ctx: typer.Context,
    export: Annotated[Optional[str], typer.Option("--export", "-x", metavar="graphml|gexf|json|dot|mermaid|svg", help="opt.map.export", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="opt.map.output", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="opt.export.force")] = False,
    projection: Annotated[str, typer.Option("--projection", metavar="bipartite|entries|elements", help="opt.map.projection")] = "bipartite",
    include: Annotated[Optional[list[str]], typer.Option("--include", metavar="factors|targets", help="opt.map.include", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", "-n", metavar="N", min=1, help="opt.map.top")] = 10,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="opt.map.seed")] = 42,
    fmt: FormatOpt = GraphFormat.text,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """Show how entries cluster around shared working elements, or export the graph.

    Prints the clusters of entries that share elements (Louvain communities with a fixed seed,
    each labelled by its most characteristic elements), the elements that bridge clusters
    (betweenness centrality) and the pairs of elements most often named together. With --export
    (or -o FILE.graphml/.gexf/.json/.dot/.mmd/.svg) it writes the graph instead: GraphML and GEXF
    for Gephi and Cytoscape, node-link JSON (docs/graph-format.md), DOT for Graphviz, a Mermaid
    block for GitHub Markdown, or an SVG drawing. All search filters apply; --from chooses
    whose elements count (working elements, components or all).

    Example: jwtool map --kind interventie --export graphml -o map.graphml
    """

    lang = cli_lang(ctx, lang)
    choice(projection, list(PROJECTIONS), "--projection")
    for value in include or []:
        choice(value, list(EXTRA_TYPES), "--include")
    if include and projection != "bipartite":
        usage_error(message("cli.map.include_bipartite"))
    if export is None and output is not None:
        export = format_for(output)
        if export is None:
            usage_error(message("cli.map.unknown_suffix", name=output.name, suffixes=", ".join(SUFFIXES)))
    if export is not None:
        choice(export, list(EXPORTS), "--export")
        if fmt != "text":
            usage_error(message("cli.map.format_with_export"))
    elif force or projection != "bipartite" or include:
        what = "--force" if force else "--projection" if projection != "bipartite" else "--include"
        usage_error(message("cli.map.needs_export", option=what))
    check_output(output, catalogue, force)
    cat = open_catalogue(ctx, catalogue, summary=True)
    selected = _selected(cat, filters)
    if not selected:
        note(message("cli.no_match"))
    if export is not None:
        _export(cat, selected, export, output, force, projection, include or [], lang, filters.element_source)
        return

    summary = summarize(selected, cat.vocab, seed=seed, top=top, source=filters.element_source)
    if fmt == "json":
        _json(_summary_json(summary))
    else:
        _print_summary(summary, cat, lang)


def _export(cat: "Catalogue", selected: list["Entry"], fmt: str, output: Optional[Path], force: bool, projection: str, include: list[str],
            lang: str, source: str) -> None:
    graph = graph_for(selected, cat.vocab, projection, include, source)
    text = render(graph, fmt, cat.vocab, lang)
    if fmt == "mermaid" and output is not None and output.suffix.lower() == ".md":
        text = fenced(text)  # bare in .mmd and on stdout; fenced only into Markdown
    if output is None:
        out(text)
        return
    write_output(text, output, cat.layout, force)
    note(message("cli.map.wrote", format=fmt, projection=projection, nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), path=output))


def _summary_json(s: Any) -> dict[str, Any]:
    term = s.labels.get
    return {
        "from": s.source,
        "entries": len(s.entries),
        "elements": len(s.elements),
        "seed": s.seed,
        "clusters": [{"number": c.number, "characteristic": [{"id": e, "name": term(e, e)} for e in c.characteristic],
                      "entries": [_ref(e) for e in c.entries],
                      "elements": [{"id": e, "name": term(e, e), "count": n} for e, n in c.counts.items()]} for c in s.clusters],
        "bridges": [{"id": b.id, "name": b.label, "betweenness": b.centrality, "count": b.count, "clusters": list(b.clusters)} for b in s.bridges],
        "pairs": [{"elements": [{"id": p.a, "name": term(p.a, p.a)}, {"id": p.b, "name": term(p.b, p.b)}], "count": p.count,
                   "entries": [_ref(e) for e in p.entries]} for p in s.pairs],
        "unconnected": [_ref(e) for e in s.unconnected],
    }


def _blank() -> None:
    out("\n")


def _print_summary(s: Any, cat: "Catalogue", lang: str) -> None:
    name = _element_label(cat, lang)
    linked = len(s.entries) - len(s.unconnected)
    out(label("graph.map.title", lang, entries=plural("map.entries", len(s.entries), lang), elements=plural("graph.elements", len(s.elements), lang)))
    if not s.clusters:
        note(message("cli.map.no_elements"))
        return
    _blank()
    rows = [[c.number, len(c.entries), " · ".join(name(e) for e in c.characteristic) or "-", ", ".join(e.name for e in c.entries)] for c in s.clusters]
    title = label("graph.clusters.title", lang, groups=plural("graph.groups", len(s.clusters), lang), linked=plural("map.entries", linked, lang), seed=s.seed)
    print_table(["#", *_headers(lang, "entries", "characteristic", "members")], rows, title, right=(0, 1), piped_header=True)
    _blank()
    if s.bridges:
        rows = [[f"{b.centrality:.3f}", ", ".join(str(c) for c in b.clusters), b.count, name(b.id)] for b in s.bridges]
        print_table(_headers(lang, "betweenness", "clusters", "entries", "element"), rows, label("graph.bridges.title", lang), right=(0, 2), piped_header=True)
    else:
        out(label("graph.bridges.none", lang))
    _blank()
    if s.pairs:
        rows = [[p.count, f"{name(p.a)} + {name(p.b)}", ", ".join(e.id for e in p.entries)] for p in s.pairs]
        print_table(_headers(lang, "entries", "pair", "by"), rows, label("graph.pairs.title", lang), right=(0,), piped_header=True)
    else:
        out(label("graph.pairs.none", lang))
    if s.unconnected:
        _blank()
        out(plural("graph.unconnected", len(s.unconnected), lang) + ": " + ", ".join(clean(e.id) for e in s.unconnected))
