"""Text search: every word must occur, accents and case ignored; names weigh more than elements, elements more than body text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import fold
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.query.export import Full

# The tier of a top-level field (any other: "body").
_TIERS = {"id": "name", "name": "name", "aliases": "name", "working_elements": "element"}
WEIGHTS = {"name": 100, "element": 10, "body": 1}
FUZZY = "fuzzy"  # the tier of a hit by a name, alias or id that is like a word of the text, not the word itself


@dataclass(frozen=True)
class Hit:
    """One entry found by :func:`search`: why it matched (tier, field) and where (snippet)."""

    entry: Entry
    score: int
    tier: str  # "name", "element" or "body": the best place a search term was found; FUZZY: a name like a word
    field: str  # dotted path of that place, e.g. "working_elements[2].text"
    snippet: str


def text_fields(data: object, path: str = "") -> Iterable[tuple[str, str]]:
    """Every string in an entry, with its dotted path, in file order."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from text_fields(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from text_fields(v, f"{path}[{i}]")
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield path, str(data)


def _tier(path: str) -> str:
    return _TIERS.get(path.split(".", 1)[0].split("[", 1)[0], "body")


def _best(fields: list[tuple[str, str, str]], needle: str) -> tuple[int, int, str, str] | None:
    """(-weight, field number, path, original text) of the weightiest field (the first of those)
    whose folded text holds ``needle``; None if none does."""
    return min(((-WEIGHTS[_tier(p)], i, p, s) for i, (p, s, f) in enumerate(fields) if needle in f), default=None)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of the original character."""
    if text.isascii():  # folding ASCII is lower-casing, one character for one
        return text.lower(), list(range(len(text)))
    folded = [fold(c) for c in text]
    return "".join(folded), [i for i, f in enumerate(folded) for _ in f]


def snippet(text: str, needle: str, width: int = 80) -> str:
    """The part of ``text`` around the first (folded) occurrence of ``needle``, on one line."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    folded, where = _folded_with_map(flat)
    at = folded.find(fold(needle))
    if at < 0:
        return flat[:width] + "…"
    start_o = where[at]
    end_o = where[min(at + len(fold(needle)), len(where)) - 1] + 1
    room = max(0, width - (end_o - start_o))
    lo = max(0, start_o - room // 3)
    if lo > 0:  # start at a word boundary
        space = flat.find(" ", lo, start_o)
        lo = space + 1 if space >= 0 else lo
    hi = min(len(flat), max(end_o, lo + width))
    if hi < len(flat):
        space = flat.rfind(" ", end_o, hi)
        hi = space if space > 0 else hi
    return ("…" if lo > 0 else "") + flat[lo:hi] + ("…" if hi < len(flat) else "")


def _search_fields(entry: Entry, elements: Vocabulary | None) -> list[tuple[str, str, str]]:
    """(path, original text, folded text) of every string; the name before the id, and an
    element's label before its bare id, so snippets read well. The folded text is the fold of the
    original, so a word found in a field is found in its snippet too."""
    texts: list[tuple[str, str]] = []
    ids: list[tuple[str, str]] = []
    for path, text in text_fields(entry.data):
        if path == "id":
            ids.append((path, text))
        elif elements is not None and path.startswith(("working_elements[", "components[")) and ".elements[" in path and text in elements:
            texts += [(path, elements.label(text)), (path, text)]
        else:
            texts.append((path, text))
    return [(path, text, fold(" ".join(text.split()))) for path, text in texts + ids]


def searchable_text(entry: Entry, vocab: dict[str, Vocabulary] | None = None) -> str:
    """Every folded field :func:`search` looks in, one per line: a search word (never holding
    whitespace) occurs in this text exactly when it occurs in one of the fields, so the HTML
    overview filters on it with the same answers as ``jwtool search``."""
    elements = vocab.get("working-elements") if vocab else None
    return "\n".join(f for _, _, f in _search_fields(entry, elements))


def search(entries: Iterable[Entry], text: str, vocab: dict[str, Vocabulary] | None = None, *, fuzzy: bool = False,
           full: Full = iter) -> list[Hit]:
    """Entries that contain every word of ``text`` somewhere (case- and accent-insensitive),
    ranked by :data:`WEIGHTS` of where each word is found, plus the whole phrase in one field;
    equal scores keep report order. ``fuzzy`` forgives typos in names (:func:`fuzzy_search`).
    ``full`` gives each entry's full record as it is searched (``entries`` may be summaries)."""
    entries = list(entries)
    words = fold(text).split()
    if not words:
        return [Hit(e, 0, "", "", "") for e in sorted(entries, key=Entry.sort_key)]
    elements = vocab.get("working-elements") if vocab else None
    hits = _exact(entries, words, elements, full)
    if hits or not fuzzy:
        return hits
    return fuzzy_search(entries, words, elements, full)


def _exact(entries: list[Entry], words: list[str], elements: Vocabulary | None, full: Full) -> list[Hit]:
    phrase = " ".join(words)
    hits: list[Hit] = []
    for entry, whole in zip(entries, full(entries)):
        fields = _search_fields(whole, elements)
        score = 0
        tops: list[tuple[int, int, str, str]] = []  # (-weight, field number, path, original text)
        for word in words:
            top = _best(fields, word)
            if top is None:
                break
            tops.append(top)
            score += -top[0]
        else:
            best = min(tops)
            in_phrase = _best(fields, phrase) if len(words) > 1 else None
            if in_phrase:
                score += -in_phrase[0]
                best = min(in_phrase, best, key=lambda t: t[0])
            flat = fields[best[1]][2]  # the best field's folded text: it holds the phrase or a word
            needle = phrase if phrase in flat else next(w for w in words if w in flat)
            hits.append(Hit(entry, score, _tier(best[2]), best[2], snippet(best[3], needle)))
    hits.sort(key=lambda h: (-h.score, h.entry.sort_key()))
    return hits


FUZZY_MIN_LENGTH = 4  # shorter words are too often another word with one letter changed
FUZZY_CUTOFF = 85  # rapidfuzz's normalised Indel similarity of word and name word, 0-100: one typo in a word of 6+ letters


def _name_words(entry: Entry) -> list[tuple[str, str, list[str]]]:
    """(path, original text, its folded words) of the name, the aliases and the id."""
    named = [("name", entry.name)] + [(f"aliases[{i}]", a) for i, a in enumerate(entry.aliases)] + [("id", entry.id)]
    return [(path, text, _WORD.findall(fold(text))) for path, text in named if text]


_WORD = re.compile(r"[0-9a-z]+")


def name_tokens(entry: Entry) -> list[str]:
    """Every word :func:`fuzzy_search` compares a typed word with (name, aliases, id), once each,
    in that order: what the HTML overview gets to forgive the same typos."""
    return list(dict.fromkeys(t for _, _, tokens in _name_words(entry) for t in tokens))


def fuzzy_search(entries: Iterable[Entry], words: list[str], elements: Vocabulary | None = None, full: Full = iter) -> list[Hit]:
    """The forgiving pass of :func:`search`: a word that no entry holds exactly may match a word of
    an entry's name, alias or id that differs by a typo (rapidfuzz similarity >= FUZZY_CUTOFF;
    words of FUZZY_MIN_LENGTH letters or more); every other word must still occur as written.
    A fuzzy hit counts half a name hit, scaled by its similarity; its tier is FUZZY; ties keep
    report order."""
    from rapidfuzz import fuzz  # deferred: only a word that no entry holds as written needs it

    entries = list(entries)
    missing = list(dict.fromkeys(words))
    for whole in full(entries):  # which words no entry holds as written
        folded = [f for _, _, f in _search_fields(whole, elements)]
        missing = [w for w in missing if not any(w in f for f in folded)]
        if not missing:
            return []
    if any(len(w) < FUZZY_MIN_LENGTH for w in missing):
        return []
    hits: list[Hit] = []
    for entry, whole in zip(entries, full(entries)):
        fields = _search_fields(whole, elements)
        score, best = 0, None
        for word in words:
            if word in missing:
                close = [(fuzz.ratio(word, token, score_cutoff=FUZZY_CUTOFF), -i, path, text, token)
                         for i, (path, text, tokens) in enumerate(_name_words(entry)) for token in tokens]
                close = [c for c in close if c[0]]
                if not close:
                    break
                top = max(close)
                score += round(WEIGHTS["name"] * top[0] / 200)
                best = best or top
            else:
                found = _best(fields, word)
                if found is None:
                    break
                score += -found[0]
        else:
            if best is not None:  # always: at least one word is missing, and it matched
                _, _, path, text, token = best
                hits.append(Hit(entry, score, FUZZY, path, snippet(text, token)))
    hits.sort(key=lambda h: (-h.score, h.entry.sort_key()))
    return hits
