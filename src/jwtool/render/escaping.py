"""Escaping untrusted text for each output, and safe links and anchors.

Markdown escaping for untrusted entry text: what a contributor writes is shown, never obeyed.

A punctuation character is escaped with a backslash (always valid CommonMark) where CommonMark or
GitHub would read it as markup there, so ``[x](javascript:...)``, ``<script>``, ``**`` or a ``|``
that would break a table stay literal text, and an ``@name`` mentions nobody; where it would be
read as itself it is left alone, so "K!X" and "Mbo & Arbeidsmarkt" read as written. ``<`` and
``>`` are always escaped: raw HTML is the one markup every Markdown renderer obeys.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from markupsafe import escape as html_escape

from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import http_url
from jwtool.labels.fields import clean

# Inline markup, wherever it stands: code (`), emphasis (* and _ except inside a word, where an _
# is read as itself), links and images ([ ]; a "!" is harmless once "[" is escaped), HTML and
# autolinks (< >), table cells (|), strikethrough (~), GitHub's math ($), an entity or character
# reference ("&amp;", "&#35;"; any other "&" is text), GitHub's issue links ("#12").
_SPECIAL = re.compile(r"[\\`*\[\]<>|~$]|_(?![^\W_])|(?<![^\W_])_|&(?=#?[A-Za-z0-9]+;)|#(?=\d)")
# Only what CommonMark reads as block markup at a line start: a list marker followed by a space
# ("- x", "1. x"), a thematic break or setext underline ("---", "==="), a blockquote (">"), a
# heading ("# x").
_LINE_START = re.compile(r"^(\s*)(?:(>|#(?=#{0,5}(?:\s|$))|[-+=](?=\s|$|[-+=]))|(\d+)([.)])(?=\s|$))", re.M)


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
    text = no_mentions(_SPECIAL.sub(r"\\\g<0>", str(text)))
    return _LINE_START.sub(_escape_marker, text)


def _escape_marker(m: re.Match[str]) -> str:
    # "- x" → "\- x"; "1. x" → "1\. x" (a backslash before a digit would stay visible)
    return f"{m.group(1)}\\{m.group(2)}" if m.group(2) else f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def cell(text: str) -> str:
    """Escape text for one cell of a Markdown table: one line, ``|`` escaped."""
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    # inside a table cell nothing is block markup: only inline specials need escaping
    return "<br>".join(no_mentions(_SPECIAL.sub(r"\\\g<0>", line)) for line in lines if line)


# --- Safe text -------------------------------------------------------------------------------

_MAX_ANCHOR = 82  # "e-" and the longest id the schema allows (80)


def anchor_ids(entries: Sequence[Entry]) -> dict[str, str]:
    """A safe, unique HTML id per entry id (``e-`` + slug); ids from strangers never reach markup raw."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for e in entries:
        base = "e-" + (re.sub(r"[^a-z0-9-]+", "-", e.id.lower()).strip("-") or "entry")
        if len(base) > _MAX_ANCHOR:  # it names a folder of the site too: file names end at 255 bytes
            base = base[:_MAX_ANCHOR - 9].rstrip("-") + "-" + hashlib.sha256(e.id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        aid, n = base, 2
        while aid in used:
            aid, n = f"{base}-{n}", n + 1
        used.add(aid)
        out[e.id] = aid
    return out


# --- Jinja2 environments -----------------------------------------------------------------------


def markdown_finalize(value: Any) -> Any:
    return value if isinstance(value, Markup) else "" if value is None else escape(clean(value))


def _md_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return Markup("<br>".join("• " + cell(clean(v)) for v in value if str(v).strip()))
    return Markup(cell(clean(value)))


def _md_text(value: Any) -> Any:
    """A paragraph of escaped Markdown; line breaks are kept as hard breaks."""
    lines = [escape(" ".join(line.split())) for line in clean(value).split("\n")]
    return Markup("  \n".join(line for line in lines if line))


def _md_link(url: Any, text: Any = None) -> Any:
    label = escape(" ".join(clean(text if text is not None else url).split()))
    target = http_url(url)
    return Markup(f"[{label}](<{target.replace('(', '%28').replace(')', '%29')}>)" if target else label)


def _md_autolink(url: Any) -> Any:
    """An http(s) URL shown once, as itself and its own link (``<https://...>``); anything else as
    escaped text (an autolink takes no escapes, so a URL with spaces or angle brackets is text)."""
    target = http_url(url)
    if target and not re.search(r"[\s<>]", target):
        return Markup(f"<{target}>")
    return Markup(escape(" ".join(clean(url).split())))


def _md_anchor_link(anchor: str, text: Any) -> Any:
    return Markup(f"[{escape(' '.join(clean(text).split()))}](#{anchor})")


def _html_link(url: Any, text: Any = None) -> Any:
    label = html_escape(clean(text if text is not None else url))
    target = http_url(url)
    return Markup('<a href="{0}" rel="noopener noreferrer">{1}</a>').format(target, label) if target else label


def _html_text(value: Any) -> Any:
    """Escaped text with line breaks kept as <br>."""
    return Markup("<br>\n").join(html_escape(line) for line in clean(value).strip().split("\n"))


MARKDOWN_FILTERS = {"link": _md_link, "cell": _md_cell, "text": _md_text, "anchor_link": _md_anchor_link, "autolink": _md_autolink}
HTML_FILTERS = {"link": _html_link, "text": _html_text}
