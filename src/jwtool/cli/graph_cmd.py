"""``jwtool elements``, ``jwtool similar`` and ``jwtool map``: the shared working elements.

Only options and printing live here; counting, likeness, clusters and exports are in
:mod:`jwtool.graph`, :mod:`jwtool.graph.exports` and :mod:`jwtool.graph.svg` (imported when a
command runs, so networkx never slows down other commands).
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from jwtool.cli.common import (
    CatalogueOpt,
    check_output,
    choice,
    console,
    err,
    is_terminal,
    open_catalogue,
    out,
    usage_error,
    write_output,
)
from jwtool.cli.filters import resolved, with_filters
from jwtool.cli.find_cmd import entry_ref
from jwtool.graph.analysis import BY_CHOICES, EXTRA_TYPES, PROJECTIONS, crosstab, element_use, graph_for, percent, summarize
from jwtool.graph.analysis import similar as find
from jwtool.graph.exports import FORMATS as EXPORTS
from jwtool.graph.exports import SUFFIXES, format_for
from jwtool.graph.exports import export as render
from jwtool.query.filters import RawFilters, filter_entries
from jwtool.render.export import dumps

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

FORMATS = ["text", "json"]
FormatOpt = Annotated[str, typer.Option("--format", "-f", metavar="text|json", help="text (a table) or json (one document).")]


# --- shared printing ---------------------------------------------------------------------------


def _clean(text: object) -> str:
    """One line without control characters: entry text never moves the cursor or colours the terminal."""
    text = str(text)
    if not text.isprintable():  # rare: the per-character pass only when needed
        text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "", right: Sequence[int] = (), piped_header: bool = False) -> None:
    """A rich table on a terminal. Piped: one tab-separated line per row, like ``list`` and
    ``search``; with ``piped_header`` (the map, the cross-tabulation) also the title and column names."""
    cells = [[_clean(c) for c in row] for row in rows]
    if is_terminal():
        from rich import box
        from rich.table import Table

        table = Table(title=title or None, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
        for i, h in enumerate(headers):
            table.add_column(h, justify="right" if i in right else "left", overflow="fold")
        for row in cells:
            table.add_row(*row)
        console().print(table)
        return
    if piped_header:
        if title:
            out(title)
        out("\t".join(headers))
    for row in cells:
        out("\t".join(row))


def _json(doc: object) -> None:

    out(dumps(doc))


def _ref(entry: "Entry") -> dict[str, str]:
    return {"id": entry.id, "name": entry.name}


def _selected(cat: "Catalogue", filters: RawFilters) -> list["Entry"]:

    return filter_entries(cat.entries, resolved(filters, cat))


# --- elements ----------------------------------------------------------------------------------


@with_filters
def elements(
    ctx: typer.Context,
    by: Annotated[Optional[str], typer.Option("--by", metavar="phase|evidence|target|kind", help="Cross-tabulate elements × phases, evidence levels, education levels (target) or kinds: an evidence gap map, empty cells are gaps.", show_default=False)] = None,
    fmt: FormatOpt = "text",
    catalogue: CatalogueOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """List the working elements with how many entries name them, most shared first.

    Each element shows its count, its share of the selected entries and the entries that name it.
    With --by, a table of elements × phase (or evidence level, education level, kind) shows where
    an element is used and where it is not (the gaps). All search filters apply.

    Example: jwtool elements --target vso --by phase
    """
    choice(fmt, FORMATS, "format")
    if by is not None:
        choice(by, list(BY_CHOICES), "--by value")
    cat = open_catalogue(ctx, catalogue, summary=True)
    selected = _selected(cat, filters)
    if not selected:
        err("jwtool: no entries match the filters")
    if by:
        _crosstab(cat, selected, by, fmt)
        return

    uses = element_use(selected, cat.vocab)
    if fmt == "json":
        _json({"entries": len(selected), "elements": [
            {"id": u.id, "name": u.label, "group": u.group, "count": u.count, "share": round(u.share, 4),
             "entries": [_ref(e) for e in u.entries]} for u in uses]})
        return
    if not uses:
        if selected:
            err(f"jwtool: none of the {len(selected)} selected entries names a working element")
        return
    rows = [[u.count, percent(u.share), u.label, ", ".join(e.id for e in u.entries)] for u in uses]
    _table(["COUNT", "SHARE", "ELEMENT", "ENTRIES"], rows, f"{len(uses)} working elements in {len(selected)} entries, most shared first", right=(0, 1))


def _crosstab(cat: "Catalogue", selected: list["Entry"], by: str, fmt: str) -> None:

    tab = crosstab(selected, cat.vocab, by)
    if fmt == "json":
        _json({"by": by, "entries": len(selected),
               "columns": [{"id": c, "name": label, "entries": len(es)} for (c, label), es in zip(tab.columns, tab.column_entries)],
               "elements": [{"id": r.id, "name": r.label, "count": u.count,
                             "cells": [{"column": c, "count": len(cell), "entries": [_ref(e) for e in cell]} for (c, _), cell in zip(tab.columns, r.cells)]}
                            for r, u in zip(tab.rows, tab.uses)]})
        return
    if not tab.rows:
        return
    headers = ["ELEMENT"] + [c for c, _ in tab.columns] + ["TOTAL"]
    rows: list[list[object]] = [[r.label] + [n or "-" for n in r.counts] + [u.count] for r, u in zip(tab.rows, tab.uses)]
    rows.append(["(entries)"] + [len(es) or "-" for es in tab.column_entries] + [len(selected)])
    title = f"Working elements × {by} in {len(selected)} entries (\"-\" = no entry: a gap)"
    _table(headers, rows, "" if not is_terminal() else title, right=tuple(range(1, len(headers))), piped_header=True)


# --- similar -----------------------------------------------------------------------------------


@with_filters
def similar(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="REF", help="Entry id, name or alias (any case; a unique prefix will do).", show_default=False)],
    top: Annotated[int, typer.Option("--top", "-n", metavar="K", min=1, help="How many entries to show.")] = 5,
    fmt: FormatOpt = "text",
    catalogue: CatalogueOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """Show the entries most alike REF by the working elements they share.

    Likeness is the Jaccard index: shared elements divided by all elements of the two entries.
    Ties go to the entry with more shared elements, then report order. Filters limit the
    candidates (REF itself may lie outside them).

    Example: jwtool similar boris --top 3 --kind interventie
    """
    choice(fmt, FORMATS, "format")
    cat = open_catalogue(ctx, catalogue, summary=True)

    entry = entry_ref(cat, ref, full=False)  # the working elements are in the summary
    candidates = _selected(cat, filters)

    matches = find(entry, candidates, top)
    wev = cat.vocab.get("working-elements")
    label = (lambda e: wev.label(e)) if wev else (lambda e: e)
    if fmt == "json":
        _json({"ref": _ref(entry) | {"elements": [{"id": e, "name": label(e)} for e in entry.element_ids]},
               "similar": [_ref(m.entry) | {"score": round(m.score, 4), "shared": [{"id": e, "name": label(e)} for e in m.shared]} for m in matches]})
        return
    if not entry.element_ids:
        err(f"jwtool: {entry.id} names no working elements, so nothing can be alike by them")
        return
    if not matches:
        err(f"jwtool: no {'selected ' if len(candidates) < len(cat.entries) else ''}entry shares a working element with {entry.id}")
        return
    rows = [[i, f"{m.score:.2f}", m.entry.id, m.entry.name, ", ".join(label(e) for e in m.shared)] for i, m in enumerate(matches, 1)]
    title = f"Most alike {entry.name} ({entry.id}) by shared working elements (Jaccard)"
    _table(["#", "SCORE", "ID", "NAME", "SHARED ELEMENTS"], rows, title, right=(0, 1))


# --- map ---------------------------------------------------------------------------------------


@with_filters
def map_(
    ctx: typer.Context,
    export: Annotated[Optional[str], typer.Option("--export", "-x", metavar="graphml|gexf|json|dot|mermaid|svg", help="Write the graph in this format instead of printing the summary (default: from the suffix of -o).", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Where to write the export (default: standard output).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    projection: Annotated[str, typer.Option("--projection", metavar="bipartite|entries|elements", help="bipartite (entries and their elements), entries (linked by shared elements) or elements (linked when named together).")] = "bipartite",
    include: Annotated[Optional[list[str]], typer.Option("--include", metavar="factors|targets", help="Add success factors or target groups (education levels, characteristics) as nodes of the bipartite graph. Repeatable.", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", "-n", metavar="N", min=1, help="How many bridging elements and element pairs to show.")] = 10,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the community detection (the same seed gives the same clusters).")] = 42,
    fmt: FormatOpt = "text",
    catalogue: CatalogueOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """Show how entries cluster around shared working elements, or export the graph.

    Prints the clusters of entries that share elements (Louvain communities with a fixed seed,
    each labelled by its most characteristic elements), the elements that bridge clusters
    (betweenness centrality) and the pairs of elements most often named together. With --export
    (or -o FILE.graphml/.gexf/.json/.dot/.mmd/.svg) it writes the graph instead: GraphML and GEXF
    for Gephi and Cytoscape, node-link JSON (docs/graph-format.md), DOT for Graphviz, a Mermaid
    block for GitHub Markdown, or an SVG drawing. All search filters apply.

    Example: jwtool map --kind interventie --export graphml -o map.graphml
    """

    choice(fmt, FORMATS, "format")
    choice(projection, list(PROJECTIONS), "--projection value")
    for value in include or []:
        choice(value, list(EXTRA_TYPES), "--include value")
    if include and projection != "bipartite":
        usage_error("--include adds nodes to the bipartite graph only; leave out --projection or --include")
    if export is None and output is not None:
        export = format_for(output)
        if export is None:
            usage_error(f"cannot tell the export format from {output.name!r}; add --export or use one of: {', '.join(SUFFIXES)}")
    if export is not None:
        choice(export, list(EXPORTS), "--export format")
        if fmt != "text":
            usage_error("--format chooses how the summary is printed; an export is written in its own format (--export)")
    elif force or projection != "bipartite" or include:
        what = "--force" if force else "--projection" if projection != "bipartite" else "--include"
        usage_error(f"{what} applies to an export; add --export FORMAT (and -o FILE)")
    check_output(output, catalogue, force)
    cat = open_catalogue(ctx, catalogue, summary=True)
    selected = _selected(cat, filters)
    if not selected:
        err("jwtool: no entries match the filters")
    if export is not None:
        _export(cat, selected, export, output, force, projection, include or [])
        return

    summary = summarize(selected, cat.vocab, seed=seed, top=top)
    if fmt == "json":
        _json(_summary_json(summary))
    else:
        _print_summary(summary)


def _export(cat: "Catalogue", selected: list["Entry"], fmt: str, output: Optional[Path], force: bool, projection: str, include: list[str]) -> None:
    graph = graph_for(selected, cat.vocab, projection, include)
    text = render(graph, fmt, cat.vocab)
    if output is None:
        out(text)
        return
    write_output(text, output, cat.layout, force)
    err(f"jwtool: wrote {fmt} ({projection}, {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges) to {output}")


def _summary_json(s: Any) -> dict[str, Any]:
    label = s.labels.get
    return {
        "entries": len(s.entries),
        "elements": len(s.elements),
        "seed": s.seed,
        "clusters": [{"number": c.number, "characteristic": [{"id": e, "name": label(e, e)} for e in c.characteristic],
                      "entries": [_ref(e) for e in c.entries],
                      "elements": [{"id": e, "name": label(e, e), "count": n} for e, n in c.counts.items()]} for c in s.clusters],
        "bridges": [{"id": b.id, "name": b.label, "betweenness": b.centrality, "count": b.count, "clusters": list(b.clusters)} for b in s.bridges],
        "pairs": [{"elements": [{"id": p.a, "name": label(p.a, p.a)}, {"id": p.b, "name": label(p.b, p.b)}], "count": p.count,
                   "entries": [_ref(e) for e in p.entries]} for p in s.pairs],
        "unconnected": [_ref(e) for e in s.unconnected],
    }


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _blank() -> None:
    out("\n")


def _print_summary(s: Any) -> None:
    label = s.labels.get
    linked = len(s.entries) - len(s.unconnected)
    out(f"Map of {len(s.entries)} entries and {len(s.elements)} working elements")
    if not s.clusters:
        err("jwtool: no entry names a working element, so there is nothing to map")
        return
    _blank()
    rows = [[c.number, len(c.entries), " · ".join(label(e, e) for e in c.characteristic) or "-", ", ".join(e.name for e in c.entries)] for c in s.clusters]
    _table(["#", "ENTRIES", "CHARACTERISTIC ELEMENTS", "MEMBERS"], rows,
           f"Clusters: {_count(len(s.clusters), 'group')} of the {_count(linked, 'entry', 'entries')} that name elements (Louvain, seed {s.seed})", right=(0, 1), piped_header=True)
    _blank()
    if s.bridges:
        rows = [[f"{b.centrality:.3f}", ", ".join(str(c) for c in b.clusters), b.count, b.label] for b in s.bridges]
        _table(["BETWEENNESS", "CLUSTERS", "ENTRIES", "ELEMENT"], rows, "Elements that bridge clusters (betweenness centrality)", right=(0, 2), piped_header=True)
    else:
        out("No element is shared across clusters.")
    _blank()
    if s.pairs:
        rows = [[p.count, f"{label(p.a, p.a)} + {label(p.b, p.b)}", ", ".join(e.id for e in p.entries)] for p in s.pairs]
        _table(["ENTRIES", "ELEMENTS NAMED TOGETHER", "BY"], rows, "Most frequent pairs of elements", right=(0,), piped_header=True)
    else:
        out("No two elements are named together by more than one entry.")
    if s.unconnected:
        _blank()
        out(f"Not on the map ({_count(len(s.unconnected), 'entry names', 'entries name')} no working element): " + ", ".join(_clean(e.id) for e in s.unconnected))
