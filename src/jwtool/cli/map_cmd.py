"""``jwtool map``: how entries cluster around shared working elements, or the graph exported.

Only options and printing live here; the graph, its clusters and its exports are in
:mod:`jwtool.graph.network`, :mod:`jwtool.graph.exports` and :mod:`jwtool.graph.svg` (networkx,
which only this command imports). Tables and titles are worded in the language of ``--lang``
(labels ``graph.*``); JSON keeps ids and the vocabularies' own labels.
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from jwtool.cli import draw
from jwtool.cli.common import check_output, choice, cli_lang, console, is_terminal, note, open_catalogue, out, usage_error, write_output
from jwtool.cli.filters import matching, with_filters
from jwtool.cli.framework import message
from jwtool.cli.tables import FormatOpt, GraphFormat, clean, column_headers, element_namer, id_and_name, print_table
from jwtool.graph.analysis import EXTRA_TYPES, PROJECTIONS
from jwtool.graph.exports import FORMATS as EXPORTS
from jwtool.graph.exports import SUFFIXES, fenced, format_for
from jwtool.graph.exports import export as render
from jwtool.graph.network import graph_for, summarize
from jwtool.labels import label, plural
from jwtool.query.export import dumps
from jwtool.query.filters import RawFilters

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry



# --- map ---------------------------------------------------------------------------------------


@with_filters
def map_(
    export: Annotated[Optional[str], typer.Option("--export", "-x", metavar="graphml|gexf|json|dot|mermaid|svg", help="opt.map.export", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="opt.map.output", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="opt.map.force")] = False,
    projection: Annotated[str, typer.Option("--projection", metavar="bipartite|entries|elements", help="opt.map.projection")] = "bipartite",
    include: Annotated[Optional[list[str]], typer.Option("--include", metavar="factors|targets", help="opt.map.include", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", "-n", metavar="N", min=1, help="opt.map.top")] = 10,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="opt.map.seed")] = 42,
    fmt: FormatOpt = GraphFormat.text,
    filters: RawFilters = RawFilters(),
) -> None:
    """Show how entries cluster around shared working elements, or export the graph."""

    lang = cli_lang()
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
        implied = format_for(output) if output is not None else None
        if implied not in (None, export):
            usage_error(message("cli.map.suffix_mismatch", name=output.name, implied=implied, export=export))
        if fmt != "text":
            usage_error(message("cli.map.format_with_export"))
    elif force or projection != "bipartite" or include:
        what = "--force" if force else "--projection" if projection != "bipartite" else "--include"
        usage_error(message("cli.map.needs_export", option=what))
    check_output(output, force)
    cat = open_catalogue(summary=True)
    selected = matching(filters, cat, say_none=True)
    if export is not None:
        _export(cat, selected, export, output, force, projection, include or [], lang, filters.element_source)
        return

    summary = summarize(selected, cat.vocab, seed=seed, top=top, source=filters.element_source)
    if fmt == "json":
        out(dumps(_summary_json(summary)))
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
                      "entries": [id_and_name(e) for e in c.entries],
                      "elements": [{"id": e, "name": term(e, e), "count": n} for e, n in c.counts.items()]} for c in s.clusters],
        "bridges": [{"id": b.id, "name": b.label, "betweenness": b.centrality, "count": b.count, "clusters": list(b.clusters)} for b in s.bridges],
        "pairs": [{"elements": [{"id": p.a, "name": term(p.a, p.a)}, {"id": p.b, "name": term(p.b, p.b)}], "count": p.count,
                   "entries": [id_and_name(e) for e in p.entries]} for p in s.pairs],
        "unconnected": [id_and_name(e) for e in s.unconnected],
    }


def _print_summary(s: Any, cat: "Catalogue", lang: str) -> None:
    name = element_namer(cat, lang)
    linked = len(s.entries) - len(s.unconnected)
    out(label("graph.map.title", lang, entries=plural("map.entries", len(s.entries), lang), elements=plural("graph.elements", len(s.elements), lang)))
    if not s.clusters:
        note(message("cli.map.no_elements"))
        return
    out("\n")
    rows = [[c.number, len(c.entries), " · ".join(name(e) for e in c.characteristic) or "-", ", ".join(e.name for e in c.entries)] for c in s.clusters]
    title = label("graph.clusters.title", lang, groups=plural("graph.groups", len(s.clusters), lang), linked=plural("map.entries", linked, lang), seed=s.seed)
    print_table(["#", *column_headers(lang, "entries", "characteristic", "members")], rows, title, right=(0, 1), piped_title=True)
    out("\n")
    if s.bridges:
        rows = [[f"{b.centrality:.3f}", ", ".join(str(c) for c in b.clusters), b.count, name(b.id)] for b in s.bridges]
        print_table(column_headers(lang, "betweenness", "clusters", "entries", "element"), rows, label("graph.bridges.title", lang), right=(0, 2), piped_title=True)
    else:
        out(label("graph.bridges.none", lang))
    out("\n")
    if s.pairs:
        rows = [[p.count, f"{name(p.a)} + {name(p.b)}", ", ".join(e.id for e in p.entries)] for p in s.pairs]
        print_table(column_headers(lang, "entries", "pair", "by"), rows, label("graph.pairs.title", lang), right=(0,), piped_title=True)
    else:
        out(label("graph.pairs.none", lang))
    if s.unconnected:
        out("\n")
        line = plural("graph.unconnected", len(s.unconnected), lang) + ": " + ", ".join(clean(e.id) for e in s.unconnected)
        if is_terminal():  # wrapped at spaces to the terminal's width: an id is never cut
            console().print(draw.Text(line, overflow="fold"))
        else:
            out(line)
