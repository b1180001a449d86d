"""``jwtool show``: one entry in full, as a card at the terminal's width or as JSON, YAML or Markdown."""

# No `from __future__ import annotations` here: typer reads the options' annotations.
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
import yaml

from jwtool.cli import draw
from jwtool.cli.common import cli_lang, console, entry_ref, format_option, formats, is_terminal, open_catalogue, out
from jwtool.query.export import dumps
from jwtool.render.entry import entry_document
from jwtool.render.views import card, card_text

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry


def _show_text(entry: "Entry", cat: "Catalogue", lang: str) -> None:
    if is_terminal():
        _card_rich(entry, cat, lang)
    else:
        out(card_text(entry, cat.vocab, lang))


# --format of show: one reporter per format
SHOW_REPORTERS: dict[str, Callable[["Entry", "Catalogue", str], None]] = {
    "text": _show_text,
    "json": lambda entry, cat, lang: out(dumps(entry.data).rstrip("\n")),
    "yaml": lambda entry, cat, lang: out(yaml.safe_dump(entry.data, allow_unicode=True, sort_keys=False, width=100)),
    "md": lambda entry, cat, lang: out(entry_document(cat, entry, "md", lang)),
}
ShowFormat = formats("ShowFormat", SHOW_REPORTERS)


def show(
    ref: Annotated[str, typer.Argument(metavar="REF", help="opt.show.ref", show_default=False)],
    fmt: Annotated[ShowFormat, format_option("opt.show.format")] = ShowFormat.text,
) -> None:
    """Show one entry in full, as a card or as JSON, YAML or Markdown."""
    lang = cli_lang()
    cat = open_catalogue(summary=True)
    entry = entry_ref(cat, ref, lang=lang)
    SHOW_REPORTERS[fmt.value](entry, cat, lang)


CARD_VALUE_MIN = 30  # narrower than this beside its label, a value goes under its label instead
# a URL to link and keep whole: printable ASCII without spaces (nothing that could end a terminal's link sequence)
URL = re.compile(r"https?://[!-~]+")


def _card_rich(entry: "Entry", cat: "Catalogue", lang: str) -> None:
    """The card at the terminal's width: every word wraps, nothing is cut.

    Labels stand beside their values where a value keeps at least CARD_VALUE_MIN columns,
    above them on a narrower terminal. The items of a list hang under their first word, after
    their bullet. A URL is never broken (so it can be clicked and copied) and is a link where
    the terminal shows links: one longer than its column gets a line of its own, running past
    the edge of the terminal if need be.
    """

    con = console()
    con.print(draw.Text(f"{entry.name}  ({entry.id})", style="bold", overflow="fold"))
    con.print(draw.Rule(characters="─" if con.options.encoding.lower().startswith("utf") else "-", style="dim"))  # cp1252 has no "─"
    sections = card(entry, cat.vocab, lang)
    label_width = min(24, max((len(name) for title, fields in sections for name, _ in fields if name != title), default=0))
    beside = con.width >= label_width + 2 + CARD_VALUE_MIN
    start = label_width + 2 if beside else 2  # where values begin
    grid = None

    def row(name: str, value: object) -> None:
        nonlocal grid
        if grid is None:
            grid = draw.Table.grid(padding=(0, 2))
            if beside:
                grid.add_column(style="dim", width=label_width, overflow="fold")
            grid.add_column(overflow="fold")
        if beside:
            grid.add_row(name, value)
        else:
            if name:
                grid.add_row(draw.Text(name, style="dim", overflow="fold"))
            grid.add_row(draw.Padding(value, (0, 0, 0, 2)))  # type: ignore[arg-type]

    def flush() -> None:
        nonlocal grid
        if grid is not None:
            con.print(grid)
        grid = None

    for title, fields in sections:
        if title:
            flush()
            con.print(draw.Text(title, style="bold cyan", overflow="fold"))
        for name, value in fields:
            shown_label = "" if name == title else name
            bulleted = isinstance(value, list)
            room = con.width - start - (2 if bulleted else 0)
            for item in value if bulleted else [value]:
                for i, (piece, alone) in enumerate(_pieces(item, room)):
                    if alone:  # a URL too long for its column: a line of its own, never wrapped or cut
                        flush()
                        line = draw.Text(" " * (start + (2 if bulleted else 0)))
                        line.append(_linked(piece))
                        con.print(line, no_wrap=True, crop=False, overflow="ignore")
                        continue
                    text = _linked(piece)
                    if bulleted:  # a hanging indent: the text's lines start under its first word
                        items = draw.Table.grid(padding=(0, 1))
                        items.add_column(width=1, no_wrap=True)
                        items.add_column(overflow="fold")
                        items.add_row("•" if i == 0 else "", text)
                        row(shown_label, items)
                    else:
                        row(shown_label, text)
                    shown_label = ""
    flush()


def _pieces(text: str, room: int) -> list[tuple[str, bool]]:
    """``text`` cut around the URLs longer than ``room``: (piece, True) for such a URL, (piece,
    False) for the text between them (stripped, left out when empty)."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for m in URL.finditer(text):
        if len(m.group()) > room:
            pieces += [(text[at:m.start()].strip(), False), (m.group(), True)]
            at = m.end()
    pieces.append((text[at:].strip(), False))
    return [(p, alone) for p, alone in pieces if p] or [("", False)]


def _linked(text: str) -> "draw.Text":  # quoted: typer reads this module's annotations, and draw.Text would load rich
    """``text`` with each URL in it a terminal hyperlink (where the terminal has colours; rich
    leaves the link out otherwise), wrapped at spaces, folded only when a word is longer than its column."""
    shown = draw.Text(text, overflow="fold")
    for m in URL.finditer(text):
        shown.stylize(draw.Style(link=m.group()), m.start(), m.end())
    return shown
