"""``jwtool compare``: entries side by side, with the report's caveat under the results.

On a terminal the comparison is a table with one column per entry when every word fits its
column; when it would not (many entries, narrow terminal), each aspect becomes a block with one
line per entry, so words are never cut in the middle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jwtool.cli import draw
from jwtool.cli.common import (
    cli_lang,
    console,
    entry_ref,
    format_option,
    formats,
    is_terminal,
    open_catalogue,
    out,
    usage_error,
)
from jwtool.cli.framework import message
from jwtool.labels import label
from jwtool.query.compare import compare as run_compare
from jwtool.query.export import dumps
from jwtool.render.views import JSON_LANG, JSON_TERM_LANG, caveat_line, comparison_dict, comparison_markdown, comparison_text, element_summary, similarity_value

if TYPE_CHECKING:
    from rich.console import Console

    from jwtool.query.compare import Comparison

SHARE_STYLE = {"all": "bold green", "some": "yellow", "unique": "dim"}


# --format: one reporter per format
REPORTERS: dict[str, Callable[["Comparison", str], None]] = {
    "text": lambda c, lang: _text(c, lang),
    "json": lambda c, lang: out(dumps(comparison_dict(c)).rstrip("\n")),
    "md": lambda c, lang: out(comparison_markdown(c, lang)),
}
CompareFormat = formats("CompareFormat", REPORTERS)


def compare(
    refs: Annotated[list[str], typer.Argument(metavar="REF REF [REF...]", help="opt.compare.refs", show_default=False)],
    fmt: Annotated[CompareFormat, format_option("opt.compare.format")] = CompareFormat.text,
) -> None:
    """Compare entries side by side: providers, phases, target group, ages, goals, components, course, working elements, evidence and results."""
    lang = cli_lang()
    if len(refs) < 2:
        usage_error(message("cli.compare.too_few"))
    cat = open_catalogue(summary=True)
    entries = [entry_ref(cat, r, lang=lang) for r in refs]

    langs = (JSON_LANG, JSON_TERM_LANG) if fmt == "json" else (lang, None)  # labels, terms
    try:
        comparison = run_compare(entries, cat.vocab, cat.meta, *langs)
    except ValueError as exc:
        usage_error(exc)
    REPORTERS[fmt.value](comparison, lang)


def _cell(lines: tuple[str, ...], key: str, lang: str) -> Any:
    if not lines:
        return draw.Text("–", style="dim")
    if key != "working_elements":
        return draw.Text("\n".join(lines))
    text = draw.Text()
    styles = {label(f"compare.mark.{share}", lang): style for share, style in SHARE_STYLE.items()}
    for i, line in enumerate(lines):
        mark = line.rsplit("[", 1)[-1].rstrip("]")  # the share, as compare.mark.* words it
        text.append(("\n" if i else "") + line, style=styles.get(mark, ""))
    return text


ASPECT_WIDTH_MAX = 14  # a longer aspect label wraps at its spaces, leaving the entries room


def _table(c: Comparison, lang: str) -> Any:
    table = draw.Table(box=draw.box.SIMPLE_HEAD, show_lines=True, header_style="bold", pad_edge=False)
    longest_word = max((len(w) for a in c.aspects for w in a.label.split()), default=0)
    table.add_column("", style="bold", overflow="fold", min_width=longest_word, max_width=max(longest_word, ASPECT_WIDTH_MAX))
    for e in c.entries:
        table.add_column(e.name, overflow="fold")
    for a in c.aspects:
        table.add_row(a.label, *[_cell(v, a.key, lang) for v in a.values])
    return table


def _fits(con: Console, renderable: Any) -> bool:
    """True when every word of every cell fits its column at this width."""

    unbounded = con.options.update_width(1_000_000)  # measurements are clamped to the width given
    return draw.Measurement.get(con, unbounded, renderable).minimum <= con.width


def _text(c: Comparison, lang: str) -> None:
    """Piped: plain text. On a terminal: the table at its width, or a block per aspect when a word
    would not fit its column."""
    if not is_terminal():
        out(comparison_text(c, lang))
        return
    con = console()
    table = _table(c, lang)
    if _fits(con, table):
        con.print(table)
        con.print(draw.Padding(draw.Text(caveat_line(c, lang), style="italic"), (0, 0, 1, 0)))
    else:
        for a in c.aspects:
            con.print(draw.Text(a.label, style="bold cyan"))
            for e, v in zip(c.entries, a.values):
                con.print(draw.Padding(draw.Text(e.name, style="bold"), (0, 0, 0, 2)))
                con.print(draw.Padding(_cell(v, a.key, lang), (0, 0, 0, 4)))
            if a.key == "results":
                con.print(draw.Padding(draw.Text(caveat_line(c, lang), style="italic"), (1, 0, 0, 0)))
            con.print()
    con.print(draw.Text(label("compare.elements", lang), style="bold cyan"))
    for head, text in element_summary(c, lang) or [("–", "")]:
        con.print(draw.Padding(draw.Text.assemble((head + ": ", "bold"), text), (0, 0, 0, 2)))
    if c.similarity is not None:
        con.print()
        con.print(draw.Text(label("compare.similarity", lang), style="bold cyan"))
        grid = draw.Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        grid.add_column("", overflow="fold")
        for i in range(len(c.entries)):
            grid.add_column(str(i + 1), justify="right", no_wrap=True)
        for i, (e, row) in enumerate(zip(c.entries, c.similarity), start=1):
            grid.add_row(f"{i}. {e.name}", *[similarity_value(v) for v in row])
        con.print(draw.Padding(grid, (0, 0, 0, 2)))
