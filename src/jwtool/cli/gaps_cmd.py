"""``jwtool gaps``: the evidence gap map, working elements (or groups, or entries) × outcome domains.

Only options and printing live here; the map is :func:`jwtool.graph.gapmap.gap_map` and its
documents (JSON, CSV, Markdown) are written by :mod:`jwtool.render.gapmap`.
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from typing import Annotated

import typer

from jwtool.cli import draw
from jwtool.cli.common import choice, cli_lang, console, err, format_option, formats, is_terminal, open_catalogue, out
from jwtool.cli.filters import matching, with_filters
from jwtool.cli.tables import print_table
from jwtool.graph.gapmap import ROW_KINDS, GapMap, gap_map
from jwtool.labels import label, plural
from jwtool.query.export import dumps
from jwtool.query.filters import RawFilters
from jwtool.render import gapmap as doc

# --format: the table, or one of the map's documents (jwtool.render.gapmap)
DOCUMENTS = {
    "json": lambda gm, vocab, lang: dumps(doc.document(gm, vocab)),
    "csv": lambda gm, vocab, lang: "".join(doc.csv_chunks(gm, vocab)),
    "md": doc.markdown,
}
GapsFormat = formats("GapsFormat", ["table", *DOCUMENTS])


@with_filters
def gaps(
    rows: Annotated[str, typer.Option("--rows", metavar="elements|groups|entries", help="opt.gaps.rows")] = "elements",
    fmt: Annotated[GapsFormat, format_option("opt.gaps.format")] = GapsFormat.table,
    filters: RawFilters = RawFilters(),
) -> None:
    """Print the evidence gap map: working elements × outcome domains."""
    lang = cli_lang()
    choice(rows, list(ROW_KINDS), "--rows")
    cat = open_catalogue(summary=True)
    selected = matching(filters, cat, say_none=True)
    gm = gap_map(selected, cat.vocab, rows, filters.element_source or "all")
    if fmt != "table":
        out(DOCUMENTS[fmt.value](gm, cat.vocab, lang))
        return
    headers = [label(f"gapmap.rows.{rows}", lang)] + [doc.column_label(c, cat.vocab, lang) for c, _ in gm.columns]
    names = [doc.row_label(gm, r.id, r.label, cat.vocab, lang) for r in gm.rows]
    table = [[name] + [doc.cell_text(c, lang, bool(r.entries)) for c in r.cells] for name, r in zip(names, gm.rows)]
    studies = len({s.id for e in gm.entries for s in e.studies})
    title = label("gapmap.title", lang, studies=plural("gapmap.studies", studies, lang), entries=plural("map.entries", len(selected), lang))
    if not is_terminal():  # stdout stays one header line and tab-separated rows
        print_table(headers, table, title)
        err(doc.legend(gm, cat.vocab, lang))
        return

    if not print_table(headers, table, title, right=tuple(range(1, len(headers))), whole_words=True):
        _compact(gm, names, headers[1:], table, title, lang)
    console().print(draw.Text(doc.legend(gm, cat.vocab, lang)))  # wrapped at spaces, as the table is


def _compact(gm: GapMap, names: list[str], outcomes: list[str], table: list[list[str]], title: str, lang: str) -> None:
    """A terminal too narrow for the matrix without cutting words: per row its name on one line,
    then its outcomes with studies ("Werk 7 VP · Onderwijs ... 6 VP"), an outcome never split
    from its count; a row without any says in words whether it is a gap or has no entries."""

    con = console()
    con.print(draw.Text(title, style="italic"))
    con.print(draw.Text(label("gapmap.compact", lang)))
    for name, row, cells in zip(names, gm.rows, table):
        found = [f"{o} {t}" for o, t, c in zip(outcomes, cells[1:], row.cells) if c.count]
        if not found:
            found = [f"{doc.GAP_MARKER} {label('gapmap.legend.gap', lang)}" if row.entries else f"{doc.NONE_MARKER} {doc.none_label(gm.rows_by, lang)}"]
        con.print(draw.Text(name, style="bold"))
        for line in _pack(found, con.width - 2):
            con.print(draw.Padding(draw.Text(line), (0, 0, 0, 2)))


def _pack(items: list[str], width: int) -> list[str]:
    """Items joined by " · " into lines of at most ``width`` characters, breaking only between
    items (an item longer than a line gets one of its own, which the console wraps at spaces)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) + 2 <= width:  # + 2: room for a " ·" that may end the line
            lines[-1] += f" · {item}"
        else:
            if lines:
                lines[-1] += " ·"
            lines.append(item)
    return lines
