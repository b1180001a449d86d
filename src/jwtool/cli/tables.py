"""Tables on the terminal (rich) and piped (a header line and tab-separated rows), shared by the
commands that print tables of counts: elements, similar, map and gaps."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

from jwtool.cli import draw
from jwtool.cli.common import console, format_option, formats, is_terminal, out
from jwtool.labels import label

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

# --format of elements, similar and map
GraphFormat = formats("GraphFormat", ["text", "json"])
FormatOpt = Annotated[GraphFormat, format_option("opt.graph.format")]


def clean(text: object) -> str:
    """One line without control characters: entry text never moves the cursor or colours the terminal."""
    text = str(text)
    if not text.isprintable():  # rare: the per-character pass only when needed
        text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "", right: Sequence[int] = (),
                piped_title: bool = False, whole_words: bool = False) -> bool:
    """A rich table on a terminal. Piped: a line of column names, then one tab-separated line per
    row, like ``list`` and ``search``; with ``piped_title`` (the map's several tables) the title
    above them.

    ``whole_words`` (a matrix of row names × short values): no word is ever cut in two; the first
    column wraps only at spaces, the other cells never wrap, headers wrap at spaces (widths from
    :func:`fit_columns`). Returns False, printing nothing, when the terminal is too narrow for that: the
    caller then prints a compact form. Otherwise True."""
    cells = [[clean(c) for c in row] for row in rows]
    if is_terminal():
        con = console()
        widths = fit_columns([clean(h) for h in headers], cells, con.width) if whole_words else None
        if whole_words and widths is None:
            return False
        table = draw.Table(title=title or None, title_justify="left", box=draw.box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
        for i, h in enumerate(headers):
            table.add_column(h, justify="right" if i in right else "left", overflow="fold", width=widths[i] if widths else None)
        for row in cells:
            table.add_row(*row)
        con.print(table)
        return True
    if title and piped_title:
        out(title)
    out("\t".join(headers))
    for row in cells:
        out("\t".join(row))
    return True


def fit_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths for a ``print_table(whole_words=True)`` within ``width`` characters, or None when it
    cannot fit. Each column gets at least its header's longest word, the first column its names'
    longest word, the others their longest cell; what is left widens the first column up to its
    longest name (names on one line), then the other columns in turn up to their longest header."""

    def longest_word(texts: Sequence[str]) -> int:
        return max((len(w) for t in texts for w in t.split()), default=1)

    columns = [[r[i] for r in rows if i < len(r)] for i in range(len(headers))]
    least = [max(longest_word([h]), longest_word(col) if i == 0 else max(map(len, col), default=1))
             for i, (h, col) in enumerate(zip(headers, columns))]
    most = [max(len(h), *(len(c) for c in col), n) for h, col, n in zip(headers, columns, least)]
    spare = width - (sum(least) + 3 * len(headers) - 1)  # SIMPLE_HEAD without edge padding: 3 between columns, 1 at each edge
    if spare < 0:
        return None
    widths = list(least)
    grow = min(spare, most[0] - widths[0])
    widths[0] += grow
    spare -= grow
    while spare > 0 and any(w < m for w, m in zip(widths[1:], most[1:])):
        for i in range(1, len(widths)):
            if spare > 0 and widths[i] < most[i]:
                widths[i] += 1
                spare -= 1
    return widths


def column_headers(lang: str, *keys: str) -> list[str]:
    """The column names ``keys`` (labels ``graph.col.*``) in ``lang``."""
    return [label(f"graph.col.{k}", lang) for k in keys]


def element_namer(cat: "Catalogue", lang: str) -> Callable[[str], str]:
    """Element id -> its label in ``lang`` (the id when the vocabulary does not know it)."""
    wev = cat.vocab.get("working-elements")
    return (lambda e: wev.label(e, lang)) if wev else (lambda e: e)


def id_and_name(entry: "Entry") -> dict[str, str]:
    """An entry as JSON output names it: its id and name."""
    return {"id": entry.id, "name": entry.name}
