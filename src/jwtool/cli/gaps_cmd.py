"""``jwtool gaps``: the evidence gap map, working elements (or groups, or entries) × outcome domains.

Only options and printing live here; the map is :func:`jwtool.graph.gapmap.gap_map` and its
documents (JSON, CSV, Markdown) are written by :mod:`jwtool.render.gapmap`.
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from typing import Annotated

import typer

from jwtool.cli.common import CatalogueOpt, LangOpt, choice, cli_lang, err, format_option, formats, is_terminal, open_catalogue, out
from jwtool.cli.filters import resolved, with_filters
from jwtool.cli.graph_cmd import _table
from jwtool.graph.gapmap import ROW_KINDS, gap_map
from jwtool.labels import label, plural
from jwtool.query.export import dumps
from jwtool.query.filters import RawFilters, filter_entries
from jwtool.render import gapmap as doc

GapsFormat = formats("GapsFormat", ["table", "json", "csv", "md"])


@with_filters
def gaps(
    ctx: typer.Context,
    rows: Annotated[str, typer.Option("--rows", metavar="elements|groups|entries", help="What the rows are: working elements, their groups, or the entries themselves.")] = "elements",
    fmt: Annotated[GapsFormat, format_option("table (rows × outcomes), json (one document), csv (one line per cell, for pandas or R) or md (a Markdown table).")] = GapsFormat.table,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """Print the evidence gap map: working elements × outcome domains.

    Each cell counts the studies with a finding on that outcome among the entries that carry the
    row's element (a study counts once per cell), with the strongest design among them (RCT, CG,
    ...; the legend explains them). An empty cell is a gap: no study of those entries says anything
    about that outcome. --rows groups uses the element groups, --rows entries each entry's own
    studies. All search filters apply.

    Example: jwtool gaps --kind interventie --from components --format csv > gaps.csv
    """
    lang = cli_lang(ctx, lang)
    choice(rows, list(ROW_KINDS), "--rows value")
    cat = open_catalogue(ctx, catalogue, summary=True)
    selected = filter_entries(cat.entries, resolved(filters, cat))
    if not selected:
        err("jwtool: no entries match the filters")
    gm = gap_map(selected, cat.vocab, rows, filters.element_source or "all")
    if fmt == "json":
        out(dumps(doc.document(gm, cat.vocab)))
        return
    if fmt == "csv":
        out("".join(doc.csv_chunks(gm, cat.vocab)))
        return
    if fmt == "md":
        out(doc.markdown(gm, cat.vocab, lang))
        return
    headers = [label(f"gapmap.rows.{rows}", lang)] + [doc.column_label(c, cat.vocab, lang) for c, _ in gm.columns]
    table = [[doc.row_label(gm, r.id, r.label, cat.vocab, lang)] + [doc.cell_text(c, lang) for c in r.cells] for r in gm.rows]
    studies = len({s.id for e in gm.entries for s in e.studies})
    title = label("gapmap.title", lang, studies=plural("gapmap.studies", studies, lang), entries=plural("map.entries", len(selected), lang))
    _table(headers, table, title, right=tuple(range(1, len(headers))), piped_header=True, piped_title=False)
    if is_terminal():
        out(doc.legend(gm, cat.vocab, lang))
    else:  # stdout stays one header line and tab-separated rows
        err(doc.legend(gm, cat.vocab, lang))
