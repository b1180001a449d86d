"""What the HTML overview filters on, computed by the code ``jwtool search`` runs.

The page never decides a match itself: for every value of every facet it gets the ids of the
entries that ``resolve_filters`` + ``filter_entries`` select for that one value, and for every entry the
folded text :func:`jwtool.query.search.search` looks in. The page then only unites the sets of
one facet (a repeated option is OR) and intersects the facets (different options are AND), as
the CLI combines them, and checks that every typed word occurs in an entry's text. When no
entry passes, it forgives a typo as :func:`jwtool.query.search.fuzzy_search` does, with the name
words and the cutoff this module hands it (:func:`fuzzy_data`): the similarity measure is the one
rule the page computes itself.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, compress, count
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.files import gathered
from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import key
from jwtool.query.filters import KINDS, RawFilters, filter_entries, resolve_filters
from jwtool.query.search import FUZZY_CUTOFF, FUZZY_MIN_LENGTH, name_tokens, searchable_text

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue

# facet name (the CLI's option name, also the URL parameter) -> vocabulary it takes values from
FACETS = {"target": ("education-levels", "target-characteristics"), "phase": ("phases",), "element": ("working-elements",),
          "min-evidence": ("evidence-levels",), "kind": (), "outcome": ("outcome-domains",), "min-design": ("study-designs",)}
# facets that offer every vocabulary value, used or not: a minimum is a step on a ladder, and an
# outcome no study reports on is a gap worth seeing (0), not a value to hide
ALL_VALUES = ("min-evidence", "min-design", "outcome")
SINGLE = ("min-evidence", "min-design")  # one value at a time, as the CLI's option


def facet_sets(cat: Catalogue, entries: Sequence[Entry]) -> dict[str, dict[str, list[str]]]:
    """Per facet, the values it offers in vocabulary order, each with the ids of the entries
    ``resolve_filters`` + ``filter_entries`` select for it (in the order of ``entries``): a value that
    selects none is left out (a broader education level such as ``mbo`` selects through its
    narrower ones), except in :data:`ALL_VALUES`."""
    sets: dict[str, dict[str, list[str]]] = {}
    for facet, names in FACETS.items():
        values = list(KINDS) if facet == "kind" else [t.id for n in names if (vocab := cat.vocab.get(n)) is not None for t in vocab.ordered()]
        sets[facet] = {}
        for v in dict.fromkeys(values):
            raw = RawFilters(**({facet.replace("-", "_"): v} if facet in SINGLE else {facet: [v]}))
            ids = [e.id for e in filter_entries(entries, resolve_filters(raw, cat.vocab))]
            if ids or facet in ALL_VALUES:
                sets[facet][v] = ids
    return sets


def _spellings(cat: Catalogue, facet: str, value: str) -> set[str]:
    """Every key the CLI resolves to ``value`` (id, labels, synonyms), so a link typed with
    ``?target=mbo2`` selects what ``--target mbo2`` does."""
    if facet == "kind":
        return {key(n) for n in KINDS[value]}
    for n in FACETS[facet]:
        vocab = cat.vocab.get(n)
        term = vocab.terms.get(value) if vocab is not None else None
        if term is not None:
            return {key(s) for s in (term.id, term.label, term.label_en, *term.synonyms) if s and vocab.resolve(s) == value}
    return {key(value)}


def filter_data(cat: Catalogue, entries: Sequence[Entry], with_text: bool = True) -> dict[str, Any]:
    """The page's filter data: per facet and value the selected entry ids (in report order), the
    spellings a URL may use for a value, each entry's searchable text (:func:`page_texts`; left
    out with ``with_text=False``, for :func:`as_json` to stream) and :func:`fold_tables`."""
    chosen = sorted(entries, key=Entry.sort_key)
    sets = facet_sets(cat, chosen)
    spellings: dict[str, dict[str, str]] = {facet: {} for facet in sets}
    for facet, values in sets.items():
        for v in values:
            for s in sorted(_spellings(cat, facet, v)):
                spellings[facet].setdefault(s, v)
    return {"ids": [e.id for e in chosen], "facets": sets, "facet_order": list(sets), "spellings": spellings,
            **fuzzy_data(chosen), **({"text": dict(page_texts(cat, chosen))} if with_text else {}), **fold_tables()}


def fuzzy_data(entries: Sequence[Entry]) -> dict[str, Any]:
    """What the page needs to forgive a typo as ``jwtool search`` does: each entry's name, alias
    and id words as the CLI's :func:`jwtool.query.search.name_tokens` splits them, the similarity
    cutoff and the shortest word that is forgiven."""
    return {"names": {e.id: name_tokens(e) for e in sorted(entries, key=lambda e: e.id)},
            "fuzzy_cutoff": FUZZY_CUTOFF, "fuzzy_min_length": FUZZY_MIN_LENGTH}


def page_texts(cat: Catalogue, entries: Sequence[Entry]) -> Iterator[tuple[str, str]]:
    """(entry id, its searchable text as the page filters on it), by id: the order of the JSON's
    sorted keys."""
    for e in cat.full(sorted(entries, key=lambda e: e.id)):  # one full record at a time
        yield e.id, _tokens(searchable_text(e, cat.vocab))


def _tokens(text: str) -> str:
    """Each whitespace-separated token of ``text`` once, in order: a search word never holds
    whitespace, so it occurs in the text exactly when it occurs in one of these tokens (and a
    large catalogue's page carries a third less text)."""
    return " ".join(dict.fromkeys(text.split()))


@lru_cache(maxsize=1)
def fold_tables() -> dict[str, Any]:
    """What the page needs to fold and split typed text as Python does (the browser's own tables
    differ): ``marks``, the characters :func:`jwtool.catalogue.text.fold` drops (combining class
    not 0), and ``spaces``, those ``str.split`` splits on, each as the body of a JavaScript
    regular-expression class; ``casefold``, each character whose ``casefold()`` is not its
    ``lower()`` (``ß`` → ``ss``)."""
    # every code point in one string (decoded, not chr'd one by one: a third of the time), searched
    # with C loops; casefold is compared per block of 256, then per character where a block differs
    codes = array("I", range(sys.maxunicode + 1))  # 4 bytes each, in the machine's byte order
    everything = codes.tobytes().decode(f"utf-32-{sys.byteorder[0]}e", "surrogatepass")
    marks = _runs(compress(count(), map(unicodedata.combining, everything)))
    spaces = _runs(m.start() for m in re.finditer(r"\s", everything))  # \s is str.isspace
    casefold: dict[str, str] = {}
    for start in range(0, len(everything), 256):
        block = everything[start:start + 256]
        if block.casefold() != block.lower():
            casefold.update((c, c.casefold()) for c in block if c.casefold() != c.lower())
    return {"marks": _js_class(marks), "spaces": _js_class(spaces), "casefold": casefold}


def _runs(codes: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending code points as runs of consecutive ones, (first, last)."""
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def _js_class(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"\\u{{{a:x}}}" + (f"-\\u{{{b:x}}}" if b != a else "") for a, b in ranges)


_BLOCK_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def as_json(data: dict[str, Any], texts: Iterable[tuple[str, str]] = ()) -> str:
    """JSON for a ``<script type="application/json">`` block: sorted keys, and ``<``, ``>``, ``&``
    escaped so no entry text can close the block. ASCII only (``\\u`` escapes): a large
    catalogue's text then takes one byte a character in memory, not two or four. ``texts``
    (:func:`page_texts`) become the "text" object one entry at a time, never a dict of them all."""
    return "".join(json_chunks(data, texts))


def json_chunks(data: dict[str, Any], texts: Iterable[tuple[str, str]] = ()) -> Iterator[str]:
    """:func:`as_json` as a stream of pieces of about 64 KB: the page of a large catalogue is
    written without its filter data (25 MB at 10,000 entries) whole in memory."""
    if "text" in data or not texts:
        yield _dumps(data)
        return
    head = _dumps({**data, "text": {}})
    assert head.endswith('"text":{}}')  # "text" sorts last
    pairs = (f"{',' if i else ''}{_dumps(k)}:{_dumps(v)}" for i, (k, v) in enumerate(texts))
    yield from gathered(chain([head[:-2]], pairs, ["}}"]))


class Streamed:
    """The filter data for a template: ``{% for part in filter_json %}{{ part|safe }}{% endfor %}``
    writes it piece by piece; ``{{ filter_json|safe }}`` (a template of one's own) still works."""

    def __init__(self, data: dict[str, Any], texts: Callable[[], Iterable[tuple[str, str]]]) -> None:
        self._data, self._texts = data, texts

    def __iter__(self) -> Iterator[str]:
        return json_chunks(self._data, self._texts())

    def __html__(self) -> str:
        return "".join(self)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":")).translate(_BLOCK_SAFE)
