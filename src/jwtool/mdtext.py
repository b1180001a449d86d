"""Markdown escaping for untrusted entry text: what a contributor writes is shown, never obeyed.

Every ASCII punctuation character that CommonMark or GitHub could read as markup is escaped with a
backslash (always valid CommonMark), so ``[x](javascript:...)``, ``<script>``, ``**`` or a ``|``
that would break a table stay literal text; an ``@name`` mentions nobody.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~&$])")
# Only what CommonMark reads as block markup at a line start: a list marker followed by a space
# ("- x", "1. x"), a thematic break or setext underline ("---", "==="), a blockquote (">").
_LINE_START = re.compile(r"^(\s*)(?:(>|[-+=](?=\s|$|[-+=]))|(\d+)([.)])(?=\s|$))", re.M)


# GitHub turns "@name" and "@org/team" into a mention (and notifies them) where "@" does not
# follow a letter or digit; a zero-width joiner after the "@" keeps the text and pings nobody.
# ("info@example.org" is no mention and stays as it is.)
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])")
ZWJ = "\u200d"


def no_mentions(text: str) -> str:
    """``@name`` as text that GitHub does not read as a mention of anyone."""
    return _MENTION.sub("@" + ZWJ, text)


def escape(text: str) -> str:
    """Escape text for use inside a Markdown paragraph or list item (line breaks are kept)."""
    text = no_mentions(_SPECIAL.sub(r"\\\1", str(text)))
    return _LINE_START.sub(_escape_marker, text)


def _escape_marker(m: re.Match[str]) -> str:
    # "- x" → "\- x"; "1. x" → "1\. x" (a backslash before a digit would stay visible)
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def cell(text: str) -> str:
    """Escape text for one cell of a Markdown table: one line, ``|`` escaped."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    # inside a table cell nothing is block markup: only inline specials need escaping
    return "<br>".join(no_mentions(_SPECIAL.sub(r"\\\1", line)) for line in lines if line)


def url(link: str) -> str:
    """A link target, only for http(s) URLs; anything else is returned as escaped text."""
    if re.match(r"^https?://[^\s<>()]+$", link or ""):
        return f"<{link}>"
    return escape(link)
