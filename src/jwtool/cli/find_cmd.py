"""``jwtool list`` and ``jwtool search``: finding entries (``jwtool show`` is in :mod:`jwtool.cli.show_cmd`).

Text on a terminal is a rich table that fits the width; piped, it is a header line and one
tab-separated line per entry for ``cut``/``grep``/``awk``. Both are for people: worded in the
language of ``--lang`` (Dutch by default), values as labels. ``--format json|csv`` are for scripts:
ids and field names, the same in every language.
"""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from jwtool.cli import draw
from jwtool.cli.common import (
    cli_lang,
    console,
    format_option,
    formats,
    is_terminal,
    note,
    open_catalogue,
    out,
)
from jwtool.cli.filters import matching, with_filters
from jwtool.cli.tables import share_columns
from jwtool.labels import label, plural
from jwtool.query.filters import RawFilters
from jwtool.query.search import FUZZY
from jwtool.query.search import search as run_search
from jwtool.render.rows import ROW_FORMATS, hit_row, render_rows, shown, summary

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue

ListFormat = formats("ListFormat", ROW_FORMATS)
WIDE = 100  # below this many columns a table of five columns is too cramped; list entries instead


def _rows_out(rows: list[dict[str, Any]], fmt: str, with_match: bool, cat: "Catalogue", lang: str) -> None:
    if fmt == "text" and is_terminal():
        _rows_table([shown(r, cat.vocab, lang) for r in rows], with_match, lang)
    else:
        out(render_rows(rows, fmt, with_match, cat.vocab, lang))


def _rows_table(rows: list[dict[str, Any]], with_match: bool, lang: str) -> None:
    """Name with the id under it, so the widest column holds the longest text. No word is cut,
    above all no id (what users type into ``show``): every column is at least as wide as its
    longest word and the rest is shared out (:func:`jwtool.cli.tables.share_columns`), so the
    short columns (kind, evidence) stay on one line. Where that does not fit: a few lines per entry."""

    con = console()
    headers = [label(k, lang) for k in ("list.name", "f.kind", "f.phases", "list.levels", "list.evidence")]
    if with_match:
        headers.append(label("list.match", lang))
    cells = []
    for r in rows:
        row = [f"{r['name']}\n{r['id']}", r["kind"], ", ".join(r["phases"]), ", ".join(r["education_levels"]), r["evidence_level"]]
        if with_match:
            m = r.get("match") or {}
            row.append(f"{m.get('snippet', '')}\n{m.get('field', '')}")
        cells.append(row)
    widths = share_columns(headers, cells, con.width, keep=(1, 4)) if con.width >= WIDE + (40 if with_match else 0) else None
    if widths is None:
        _rows_compact(rows, with_match)
        return
    table = draw.Table(box=draw.box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    for h, w in zip(headers, widths):
        table.add_column(h, overflow="fold", width=w)
    for r, row in zip(rows, cells):
        name = draw.Text.assemble((r["name"], "bold"), "\n", (r["id"], "dim"))
        shown_cells: list[Any] = [name, *row[1:5]]
        if with_match:
            m = r.get("match") or {}
            shown_cells.append(draw.Text.assemble(m.get("snippet", ""), "\n", (m.get("field", ""), "dim")))
        table.add_row(*shown_cells)
    con.print(table)


def _rows_compact(rows: list[dict[str, Any]], with_match: bool) -> None:
    """Narrow terminals: two or three lines per entry instead of a table of squeezed columns."""

    con = console()
    for r in rows:
        con.print(draw.Text.assemble((r["name"], "bold"), "  ", (r["id"], "dim")))
        facts = " · ".join(x for x in (r["kind"], ", ".join(r["phases"]), ", ".join(r["education_levels"]), r["evidence_level"]) if x)
        con.print(draw.Padding(draw.Text(facts), (0, 0, 0, 2)))
        m = r.get("match") if with_match else None
        if m:
            con.print(draw.Padding(draw.Text.assemble(m["snippet"], "  ", (f"({m['field']})", "dim")), (0, 0, 0, 2)))


def list_entries(
    fmt: Annotated[ListFormat, format_option("opt.list.format")] = ListFormat.text,
) -> None:
    """List every entry: id, name, kind, phases, education levels, evidence level."""

    lang = cli_lang()
    cat = open_catalogue(summary=True)
    _rows_out([summary(e) for e in cat.entries], fmt, False, cat, lang)


@with_filters
def search(
    text: Annotated[Optional[str], typer.Argument(metavar="TEXT", help="opt.search.text", show_default=False)] = None,
    fmt: Annotated[ListFormat, format_option("opt.list.format")] = ListFormat.text,
    filters: RawFilters = RawFilters(),
) -> None:
    """Find entries by text and filters."""
    lang = cli_lang()
    words = (text or "").strip()
    cat = open_catalogue(summary=True)  # a text search reads each full text in turn
    chosen = matching(filters, cat)
    hits = run_search(chosen, words, cat.vocab, fuzzy=True, full=cat.full) if words else []
    rows = [hit_row(h) for h in hits] if words else [summary(e) for e in chosen]
    _rows_out(rows, fmt, bool(words), cat, lang)
    if hits and hits[0].tier == FUZZY:
        note(label("search.fuzzy", lang, text=repr(words)))
    if not rows:
        note(label("search.none", lang))
        if hint := _dropped_filter_hint(cat, filters, words, lang):
            note(hint)
    elif fmt == "text" and is_terminal():
        note(plural("search.count", len(rows), lang, total=len(cat.entries)))

def _dropped_filter_hint(cat: "Catalogue", filters: RawFilters, words: str, lang: str) -> str:
    """For a search that found nothing: each filter option that, dropped on its own, gives results,
    with how many ("zonder --phase nazorg: 3 interventies"), most results first; "" without filters."""
    counts: list[tuple[int, str]] = []
    for name, value in filters.given().items():
        fewer = matching(replace(filters, **{name: [] if isinstance(value, list) else None}), cat)
        n = len(run_search(fewer, words, cat.vocab, fuzzy=True, full=cat.full)) if words else len(fewer)
        option = "--" + name.replace("_", "-")
        typed = " ".join(f"{option} {v}" for v in (value if isinstance(value, list) else [value]))
        if n:
            counts.append((n, plural("search.without", n, lang, option=typed)))
    if not counts:
        return label("search.without.none", lang) if filters.given() else ""
    return "; ".join(text for _, text in sorted(counts, key=lambda c: -c[0]))
