"""References: how people name an entry (id, name, alias, a unique prefix), with suggestions when none fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import fold, key


class RefError(LookupError):
    """A reference that names no entry, or more than one; carries suggestions for the message."""

    def __init__(self, ref: str, candidates: Sequence[Entry], ambiguous: bool) -> None:
        self.ref, self.candidates, self.ambiguous = ref, list(candidates), ambiguous
        names = ", ".join(f"{e.id!r} ({e.name})" for e in self.candidates[:8])
        if ambiguous:
            message = f"{ref!r} matches {len(self.candidates)} entries; did you mean {names}?"
        elif self.candidates:
            message = f"no entry {ref!r}; did you mean {names}?"
        else:
            message = f"no entry {ref!r}; run 'jwtool list' to see all entries"
        super().__init__(message)


def _names(entry: Entry) -> list[str]:
    return [entry.id, entry.name, *entry.aliases]


def resolve_ref(entries: Sequence[Entry], ref: str) -> Entry:
    """The entry that ``ref`` names: id, alias or name (any case, with or without accents and
    punctuation), or a prefix of one of those that fits exactly one entry."""
    import difflib

    wanted = key(ref)
    if not wanted:
        raise RefError(ref, [], ambiguous=False)
    for e in entries:
        if e.id == ref:
            return e
    exact = [e for e in entries if any(key(n) == wanted for n in _names(e))]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise RefError(ref, exact, ambiguous=True)
    prefixed = [e for e in entries if any(key(n).startswith(wanted) for n in _names(e))]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise RefError(ref, prefixed, ambiguous=True)
    by_key = {}
    for e in entries:
        for n in _names(e):
            by_key.setdefault(key(n), e)
    close = difflib.get_close_matches(wanted, list(by_key), n=5, cutoff=0.6)
    found = [e for e in entries if e.id.startswith(ref) or fold(ref) in fold(e.name)]  # substring hint
    suggestions: list[Entry] = []
    for e in [by_key[c] for c in close] + found:
        if e not in suggestions:
            suggestions.append(e)
    raise RefError(ref, suggestions[:5], ambiguous=False)


def resolve_refs(entries: Sequence[Entry], refs: Sequence[str]) -> list[Entry]:
    return [resolve_ref(entries, r) for r in refs]
