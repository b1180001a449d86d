"""Text folding for matching: case- and accent-insensitive, so "orientatie" finds "oriëntatie"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A plain http(s) URL: the only kind of link any output makes (javascript:, data: etc. never link)
_HTTP_URL = re.compile(r"^https?://[^\s<>\"'`\\\x00-\x1f\x7f]+$", re.IGNORECASE)


# What a field of a file `jwtool new` writes holds until the contributor fills it in: catalogue
# text (Dutch, as the entries), which `jwtool validate` reports under the rule 'placeholder'
PLACEHOLDER_START = "<vul in:"


def placeholder(hint: str) -> str:
    """The marker for a field still to fill in, with a hint of what goes there."""
    return f"{PLACEHOLDER_START} {hint}>"


def _drop_marks(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Case-folded, accents stripped, everything else kept: how every search compares text
    ("Oriëntatie" and "orientatie", "Straße" and "strasse" are one). The overview's script folds
    typed text the same way. ASCII text (most of it) skips the per-character work."""
    if text.isascii():
        return text.lower()
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFKD", text)).casefold()


def http_url(value: object) -> str:
    """The value if it is a plain http(s) URL, else ""."""
    text = str(value or "").strip()
    return text if _HTTP_URL.match(text) else ""


def key(text: str) -> str:
    """Fold and drop punctuation and spaces: ``"Mbo 2"``, ``"mbo-2"`` and ``"MBO2"`` are one key."""
    return _NON_ALNUM.sub("", fold(text))


def slugify(text: str) -> str:
    """An id from a name: ``"Boris brengt je bij 'n baan"`` → ``"boris-brengt-je-bij-n-baan"``."""
    return _NON_ALNUM.sub("-", fold(text)).strip("-")[:80].strip("-")


# --- visible: control characters shown, never obeyed

# Characters that change how text looks without being seen: zero-width ones, direction marks,
# embeddings, overrides and isolates (U+202E turns "evil.exe" into what reads as "exe.live"), a
# byte order mark inside text, invisible operators and the tag characters. What a reviewer reads
# would differ from what users see ("Trojan Source").
INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# Outputs keep the zero-width joiners (emoji need them, and jwtool's own Markdown puts one after
# an "@" so that GitHub notifies nobody); entry text may not hold them all the same.
_ESCAPED = INVISIBLE.replace("\u200b-\u200f", "\u200b\u200e\u200f")
# C0 controls except tab and line feed, DEL, the C1 controls and the invisible characters; a
# carriage return only where it does not end a line ("\r\n", as CSV output writes it: _escape keeps
# it). One character class, no alternation: a page of 20 KB is searched in a third of the time.
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_ESCAPED}]")
_SHOWN_ESCAPED = re.compile(f"[{_ESCAPED}]")
# in entry text even a "\r\n" is not plain text: the loader turns line ends into "\n"
_CONTROL_IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI", 0x9D: "OSC"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0D and match.string.startswith("\n", match.end()):
        return "\r"
    if code > 0xFFFF:  # as JSON and JavaScript write it: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def visible(text: str, *, start: bool = True) -> str:
    """``text`` with every control character except tab and line feed, and every invisible one,
    as a ``\\u001b``-style escape. The escape is valid inside JSON and JavaScript strings too, with
    the same meaning, so the one function serves every output format. ``start``: ``text`` starts a
    document, where a byte order mark is the document's encoding mark (CSV for Excel) and stays."""
    if not _CONTROL.search(text):
        return text
    if start and text.startswith("\ufeff"):
        return "\ufeff" + _CONTROL.sub(_escape, text[1:])
    return _CONTROL.sub(_escape, text)


def first_control(text: str) -> int | None:
    """Index of the first control character that entry text may not hold (all but tab and
    line feed), or None."""
    m = _CONTROL_IN_VALUE.search(text)
    return m.start() if m else None


def first_hidden(text: str) -> int | None:
    """Index of the first character :func:`visible` shows as an escape, or None."""
    m = _CONTROL_IN_VALUE.search(text) or _SHOWN_ESCAPED.search(text)
    return m.start() if m else None


def invisible(text: str) -> Iterator[int]:
    """Where ``text`` holds an :data:`INVISIBLE` character."""
    return (m.start() for m in _INVISIBLE.finditer(text))


def describe(char: str) -> str:
    """``U+001B (ESC)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a character named for a message."""
    code = ord(char)
    name = NAMES.get(code) or (unicodedata.name(char, "") if _INVISIBLE.match(char) else "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")
