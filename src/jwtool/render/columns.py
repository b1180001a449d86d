"""Column widths of a Word table in proportion to its text, as the report's own tables are set.

Each column's share of the table width follows the amount of text it holds, but is never less
than its longest unbreakable word plus the cell padding, so Word or LibreOffice never breaks a word
inside ("Doorstroomprogr amma"); when the longest words together do not fit, all are scaled alike.
Text is measured with Helvetica's metrics (:mod:`jwtool.render.fontmetrics`), which Arial and
Liberation Sans share, from a table rather than a font file, so the widths are the same everywhere.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from jwtool.render.fontmetrics import NOTDEF, WIDTHS

# Where Word and LibreOffice may end a line: at spaces, and after a hyphen.
_PIECES = re.compile(r"[^\s\-]*-+|[^\s\-]+")


@dataclass(frozen=True)
class Text:
    """One paragraph of a cell, with what decides its width: font size, weight, indent (points)."""

    text: str
    size: float
    bold: bool = False
    indent: float = 0.0


def unbreakable(text: str) -> list[str]:
    """The pieces of ``text`` that a line cannot be broken inside."""
    return _PIECES.findall(text)


def word_width(word: str, size: float, bold: bool = False) -> float:
    """The width in points of ``word`` set in Arial of ``size`` points."""
    widths = WIDTHS[bold]
    return sum(widths.get(c, NOTDEF) for c in word) * 0.001 * size


def _floor(column: Sequence[Text], padding: float) -> float:
    """The narrowest the column can be without breaking a word inside."""
    widest = max((word_width(w, t.size, t.bold) + t.indent for t in column for w in unbreakable(t.text)), default=0.0)
    return widest + padding


def _need(column: Sequence[Text]) -> float:
    """How much text the column holds (characters times font size: its area, roughly)."""
    return sum(len(t.text) * t.size for t in column) or 1.0


def proportional(needs: Sequence[float], floors: Sequence[float], total: float) -> list[float]:
    """Split ``total`` in proportion to ``needs``, giving every column at least its floor.

    A column whose share falls below its floor gets its floor; the rest is shared out again among
    the others, until every share holds. When the floors alone exceed ``total``, they are scaled.
    """
    if sum(floors) >= total:
        scale = total / sum(floors)
        return [f * scale for f in floors]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(needs)) if i not in fixed]
        rest = total - sum(fixed.values())
        weight = sum(needs[i] for i in free)
        shares = {i: rest * needs[i] / weight for i in free}
        short = [i for i in free if shares[i] < floors[i]]
        if not short:
            return [fixed[i] if i in fixed else shares[i] for i in range(len(needs))]
        for i in short:
            fixed[i] = floors[i]


def column_widths(columns: Sequence[Sequence[Text]], total: int, padding: float) -> list[int]:
    """Widths in twips (1/20 point) of the table's columns; they add up to ``total`` exactly."""
    points = proportional([_need(c) for c in columns], [_floor(c, padding) for c in columns], total / 20)
    twips = [math.ceil(p * 20) for p in points]  # up, so no column ends below its floor
    twips[twips.index(max(twips))] += total - sum(twips)  # what rounding added comes off the widest
    return twips
