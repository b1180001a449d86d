"""Table rows of the Word appendix that fit a page: a row is measured (its paragraphs wrapped at
the column widths with Arial's metrics, as :mod:`jwtool.render.columns` measures words) and,
when it is higher than a page, cut into rows that each fit, the later ones headed by the
intervention's name ("<name> (vervolg)"), so every page says whose row it shows. Word and
LibreOffice keep every row on one page (``w:cantSplit``), so without the cut such a row would
overflow the page.
"""

from __future__ import annotations

from collections.abc import Callable

from jwtool.render.columns import unbreakable, word_width

Cell = list[tuple[str, str]]  # the (style name, text) paragraphs of one table cell
LINE_HEIGHT = 1.15  # a line of Arial (Liberation Sans) is about 1.15 times its font size high
PAGE_SHARE = 0.8  # a row may fill this much of a page's text height below the repeated header row
Metrics = dict[str, tuple[float, bool, float, float]]


def wrap(text: str, width: float, size: float, bold: bool) -> list[str]:
    """``text`` wrapped at spaces and hyphens into lines at most ``width`` points wide, as a word
    processor breaks them (a piece wider than a line gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        pieces = unbreakable(word)
        for i, piece in enumerate(pieces):
            joined = f"{line} {piece}" if line and i == 0 else line + piece
            if line and word_width(joined, size, bold) > width:
                lines.append(line)
                line = piece
            else:
                line = joined
    return [*lines, line] if line else lines


def paragraph_height(style: str, text: str, width: float, metrics: Metrics) -> float:
    size, bold, indent, after = metrics[style]
    return max(len(wrap(text, width - indent, size, bold)), 1) * size * LINE_HEIGHT + after


def split_cell(cell: Cell, width: float, budget: float, metrics: Metrics) -> list[Cell]:
    """A cell's paragraphs in parts that are each at most ``budget`` points high; a paragraph
    taller than that is cut between lines (the cut continues in the same style)."""
    parts: list[Cell] = [[]]
    used = 0.0
    for style, text in cell:
        size, bold, indent, after = metrics[style]
        pieces = [text]
        if paragraph_height(style, text, width, metrics) > budget:
            per_part = max(int((budget - after) // (size * LINE_HEIGHT)), 1)
            lines = wrap(text, width - indent, size, bold)
            pieces = [" ".join(lines[i:i + per_part]) for i in range(0, len(lines), per_part)]
        for piece in pieces:
            high = paragraph_height(style, piece, width, metrics)
            if parts[-1] and used + high > budget:
                parts.append([])
                used = 0.0
            parts[-1].append((style, piece))
            used += high
    return parts


def fitting_rows(name: str, cells: list[Cell], widths: list[float], budget: float, metrics: Metrics,
                 continued: Callable[[str], str], name_style: str) -> list[list[Cell]]:
    """One table row, or, when it is higher than ``budget`` points (it cannot stay on one page),
    several rows that each fit: each later one names its intervention ("<name> (vervolg)")."""
    parts = [split_cell(cell, width, budget, metrics) for cell, width in zip(cells, widths)]
    if all(len(p) == 1 for p in parts):
        return [cells]
    later = (name_style, continued(name))
    size = paragraph_height(name_style, later[1], widths[0], metrics)
    first = split_cell(cells[0], widths[0], budget - size, metrics)
    parts[0] = [first[0]] + [[later, *p] for p in first[1:]]
    count = max(len(p) for p in parts)
    parts[0] += [[later]] * (count - len(parts[0]))
    return [[p[i] if i < len(p) else [] for p in parts] for i in range(count)]
