"""Text folding for matching: case- and accent-insensitive, so "orientatie" finds "oriëntatie"."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case, strip accents, keep everything else: for searching running text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def key(text: str) -> str:
    """Fold and drop punctuation and spaces: ``"Mbo 2"``, ``"mbo-2"`` and ``"MBO2"`` are one key."""
    return _NON_ALNUM.sub("", fold(text))


def slugify(text: str) -> str:
    """An id from a name: ``"Boris brengt je bij 'n baan"`` → ``"boris-brengt-je-bij-n-baan"``."""
    return _NON_ALNUM.sub("-", fold(text)).strip("-")[:80].strip("-")
