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

    On a terminal no word is cut in two, above all no entry id (what users type into ``show``):
    cells wrap at spaces only, in columns at least as wide as their longest word, sharing what is
    left so that short columns stay on one line (:func:`share_columns`). A terminal too narrow for
    that gets each row as a record of ``column  value`` lines instead (:func:`print_records`).

    ``whole_words`` (a matrix of row names × short values): the first column wraps only at
    spaces, the other cells never wrap, headers wrap at spaces (widths from :func:`fit_columns`).
    Returns False, printing nothing, when the terminal is too narrow for that: the caller then
    prints a compact form. Otherwise True."""
    cells = [[clean(c) for c in row] for row in rows]
    if is_terminal():
        con = console()
        names = [clean(h) for h in headers]
        widths = fit_columns(names, cells, con.width) if whole_words else share_columns(names, cells, con.width)
        if widths is None:
            if whole_words:
                return False
            print_records(names, cells, title)
            return True
        table = draw.Table(title=title or None, title_justify="left", box=draw.box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
        for i, h in enumerate(headers):
            table.add_column(h, justify="right" if i in right else "left", overflow="fold", width=widths[i])
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


def longest_word(texts: Sequence[str]) -> int:
    """The length of the longest word (run without spaces) in ``texts``: a column narrower than
    that cuts a word."""
    return max((len(w) for t in texts for w in t.split()), default=1)


def share_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, keep: Sequence[int] = ()) -> list[int] | None:
    """Column widths for a table of ``headers`` and text ``rows`` within ``width`` characters
    (SIMPLE_HEAD, no edge padding), such that no word of a cell or header is cut, or None when
    that cannot fit. Each column gets its longest word. What is left goes first to the columns in
    ``keep`` (short values such as a kind, best on one line), up to their longest line, then
    evenly to the columns that want more, so a column that needs only a little more gets all of
    it and stays on one line, and the long ones (names, lists of ids) share the rest."""
    columns = [[r[i] for r in rows if i < len(r)] for i in range(len(headers))]
    least = [max(longest_word([h]), longest_word(col)) for h, col in zip(headers, columns)]
    most = [max(n, len(h), *(len(line) for c in col for line in c.splitlines() or [""])) for n, h, col in zip(least, headers, columns)]
    spare = width - (3 * len(headers) - 1) - sum(least)
    if spare < 0:
        return None
    widths = list(least)
    for i in keep:
        give = min(most[i] - widths[i], spare)
        widths[i] += give
        spare -= give
    wanting = sorted((i for i in range(len(widths)) if most[i] > widths[i]), key=lambda i: most[i] - widths[i])
    while wanting and spare > 0:  # max-min fair: the least wanting satisfied first
        i = wanting.pop(0)
        give = min(most[i] - widths[i], spare // (len(wanting) + 1) or spare)
        widths[i] += give
        spare -= give
    return widths


def print_records(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str = "") -> None:
    """A table for a terminal too narrow for it: its title, then per row a ``column  value`` line
    per cell (values wrapping at spaces, indented under their start), a blank line between rows.
    A value whose longest word does not fit beside the column names goes on the line under its
    name, indented by two."""
    con = console()
    if title:
        con.print(draw.Text(title))
        con.print()
    name_width = max((len(h) for h in headers), default=0)
    for n, row in enumerate(rows):
        if n:
            con.print()
        for h, value in zip(headers, row):
            if name_width + 2 + longest_word([value]) <= con.width:
                grid = draw.Table.grid(padding=(0, 2))
                grid.add_column(style="dim", width=name_width, no_wrap=True)
                grid.add_column(overflow="fold", width=con.width - name_width - 2)
                grid.add_row(h, value)
                con.print(grid)
            else:
                con.print(draw.Text(h, style="dim"))
                con.print(draw.Padding(draw.Text(value, overflow="fold"), (0, 0, 0, 2)))


def fit_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths for a ``print_table(whole_words=True)`` within ``width`` characters, or None when it
    cannot fit. Each column gets at least its header's longest word, the first column its names'
    longest word, the others their longest cell; what is left widens the first column up to its
    longest name (names on one line), then the other columns in turn up to their longest header."""

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
