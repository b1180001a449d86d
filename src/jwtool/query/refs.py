"""References: how people name an entry (id, name, alias, a unique prefix), with suggestions when none fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import fold, key
from jwtool.labels import Message

SUGGEST_CUTOFF = 80  # rapidfuzz WRatio, 0-100: "borris-brengt" → Boris brengt … (86), "zeppelin" → nothing (60)
SUGGEST_MAX = 5


class RefError(LookupError):
    """A reference that names no entry, or more than one; carries suggestions for the message."""

    def __init__(self, ref: str, candidates: Sequence[Entry], ambiguous: bool) -> None:
        self.ref, self.candidates, self.ambiguous = ref, list(candidates), ambiguous
        names = ", ".join(f"{e.id!r} ({e.name})" for e in self.candidates[:8])
        super().__init__(Message("ref.ambiguous", ref=repr(ref), n=len(self.candidates), names=names) if ambiguous
                         else Message("ref.suggest", ref=repr(ref), names=names) if self.candidates else Message("ref.unknown", ref=repr(ref)))

    def message(self, lang: str) -> str:
        """The message in ``lang``: "did you mean …?" / "bedoelde u …?" with the candidates."""
        return self.args[0].text(lang)  # type: ignore[no-any-return]


def _names(entry: Entry) -> list[str]:
    return [entry.id, entry.name, *entry.aliases]


def resolve_ref(entries: Sequence[Entry], ref: str) -> Entry:
    """The entry that ``ref`` names: id, alias or name (any case, with or without accents and
    punctuation), or a prefix of one of those that fits exactly one entry."""
    wanted = key(ref)
    if not wanted:
        raise RefError(ref, [], ambiguous=False)
    for e in entries:
        if e.id == ref:
            return e
    for fits in (str.__eq__, str.startswith):  # the same name, else the start of one
        found = [e for e in entries if any(fits(key(n), wanted) for n in _names(e))]
        if len(found) == 1:
            return found[0]
        if found:
            raise RefError(ref, found, ambiguous=True)
    raise RefError(ref, suggestions(entries, ref), ambiguous=False)


_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def suggestions(entries: Sequence[Entry], ref: str, limit: int = SUGGEST_MAX) -> list[Entry]:
    """The entries whose id, name or alias is most like ``ref`` (typos forgiven: rapidfuzz's
    WRatio at least SUGGEST_CUTOFF), best first, ties in catalogue order; then entries whose id
    starts with ``ref`` or whose name contains it."""
    from rapidfuzz import fuzz  # deferred: every command imports this module, and only a mistyped REF needs it

    wanted = _words(ref)
    best: dict[str, tuple[float, int]] = {}  # entry id -> (-score, position)
    for pos, e in enumerate(entries):
        for n in _names(e):
            score = fuzz.WRatio(wanted, _words(n), score_cutoff=SUGGEST_CUTOFF)
            if score and (e.id not in best or -score < best[e.id][0]):
                best[e.id] = (-score, pos)
    by_id = {e.id: e for e in entries}
    close = [by_id[i] for i, _ in sorted(best.items(), key=lambda kv: kv[1])]
    found = [e for e in entries if e.id.startswith(ref) or fold(ref) in fold(e.name)]  # substring hint
    out: list[Entry] = []
    for e in close + found:
        if e not in out:
            out.append(e)
    return out[:limit]


def resolve_refs(entries: Sequence[Entry], refs: Sequence[str]) -> list[Entry]:
    return [resolve_ref(entries, r) for r in refs]
