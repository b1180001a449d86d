"""Markdown escaping: entry text reads back as itself, and nothing more is escaped than must be.

Checked against a CommonMark parser (markdown-it-py, with GitHub's tables and strikethrough): any
text, escaped for a paragraph or for a table cell, renders to exactly that text and no markup.
What CommonMark reads as itself in that place stays as written: "K!X", "Mbo & Arbeidsmarkt".
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jwtool.render.escaping import ZWJ, cell, escape

# letters and digits, and every character that is markup somewhere in CommonMark or GFM
ALPHABET = "abXé09 .!&#;<>*_[]()`~|\\-+=:/@$\"'{}?^%"


class Rendered(HTMLParser):
    """The text of rendered HTML and the tags it holds."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markdown(source: str) -> Rendered:
    from markdown_it import MarkdownIt

    return Rendered(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source))


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool))
@example("K!X")
@example("Mbo & Arbeidsmarkt")
@example("&amp; &#35; &#x41;")
@example("![x](javascript:alert(1))")
@example("## kop")
@example("1. lijst")
@example("snake_case en _nadruk_ en __sterk__")
@example("<script>alert(1)</script>")
@example("<https://example.org>")
def test_escaped_text_is_a_paragraph_of_exactly_that_text(text: str) -> None:
    page = markdown(escape(text))
    assert page.tags == ["p"]
    assert "".join(page.text).strip().replace(ZWJ, "") == text


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool))
@example("a | b")
@example("K!X")
@example("0  0")  # a cell is one line: runs of white space become one space
def test_escaped_text_is_a_table_cell_of_exactly_that_text(text: str) -> None:
    page = markdown(f"| kop |\n| --- |\n| {cell(text)} |\n")
    assert page.tags == ["table", "thead", "tr", "th", "tbody", "tr", "td"]
    cells = [t for t in page.text if t.strip()]
    assert cells[0] == "kop"
    assert "".join(cells[1:]).strip().replace(ZWJ, "") == " ".join(text.split())


@pytest.mark.parametrize(("text", "expected"), [
    ("K!X", "K!X"),
    ("Mbo & Arbeidsmarkt", "Mbo & Arbeidsmarkt"),
    ("snake_case", "snake_case"),
    ("x # y", "x # y"),
    ("&amp;", "\\&amp;"),
    ("![x](y)", "!\\[x\\](y)"),
    ("# kop", "\\# kop"),
])
def test_only_what_markdown_would_read_as_markup_is_escaped(text: str, expected: str) -> None:
    assert escape(text) == expected
