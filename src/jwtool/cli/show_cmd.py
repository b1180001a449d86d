"""``jwtool show``: one entry in full, as a card at the terminal's width or as JSON, YAML or Markdown."""

# No `from __future__ import annotations` here: typer reads the options' annotations.
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


def _card_rich(entry: "Entry", cat: "Catalogue", lang: str) -> None:
    """The card at the terminal's width: every word wraps, a long URL folds, nothing is cut.

    Labels stand beside their values where a value keeps at least CARD_VALUE_MIN columns,
    above them on a narrower terminal.
    """

    con = console()
    con.print(draw.Text(f"{entry.name}  ({entry.id})", style="bold", overflow="fold"))
    con.print(draw.Rule(characters="─" if con.options.encoding.lower().startswith("utf") else "-", style="dim"))  # cp1252 has no "─"
    sections = card(entry, cat.vocab, lang)
    label_width = min(24, max((len(name) for title, fields in sections for name, _ in fields if name != title), default=0))
    beside = con.width >= label_width + 2 + CARD_VALUE_MIN
    for title, fields in sections:
        if title:
            con.print(draw.Text(title, style="bold cyan", overflow="fold"))
        grid = draw.Table.grid(padding=(0, 2))
        if beside:
            grid.add_column(style="dim", width=label_width, overflow="fold")
        grid.add_column(overflow="fold")
        for name, value in fields:
            text = draw.Text("\n".join(f"• {v}" for v in value) if isinstance(value, list) else value, overflow="fold")
            shown_label = "" if name == title else name
            if beside:
                grid.add_row(shown_label, text)
            else:
                if shown_label:
                    grid.add_row(draw.Text(shown_label, style="dim", overflow="fold"))
                grid.add_row(draw.Padding(text, (0, 0, 0, 2)))
        con.print(grid)
