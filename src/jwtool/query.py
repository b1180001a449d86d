"""Filtering entries: the questions policy staff ask ("vso/pro, after school, some evidence").

Filters combine with AND; the values of one filter combine with OR. Every value is resolved
against its vocabulary first (ids, labels and synonyms, case- and accent-insensitive), so a typo
is an error that lists the valid values instead of an empty result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jwtool import fields
from jwtool.fields import DEFAULT_CAVEAT, DEFAULT_CAVEAT_SOURCE  # noqa: F401 - the caveat compare() falls back to
from jwtool.labels import CLI_LANG, label
from jwtool.model import Entry
from jwtool.textnorm import fold, key
from jwtool.vocab import Vocabulary

KINDS = {"interventie": ("interventie", "interventies", "intervention", "appendix", "bijlage"),
         "praktijkvoorbeeld": ("praktijkvoorbeeld", "praktijkvoorbeelden", "praktijk", "practice", "practice-example", "voorbeeld")}


class FilterError(ValueError):
    """A filter value that names nothing; carries the valid values for the message."""

    def __init__(self, option: str, value: str, valid: Sequence[str], hint: str = "") -> None:
        self.option, self.value, self.valid, self.hint = option, value, list(valid), hint
        super().__init__(f"unknown {option} value {value!r}{hint}; valid values: {', '.join(self.valid)}")


@dataclass(frozen=True)
class Filters:
    """Resolved filter values (vocabulary ids). Empty tuples mean "no restriction"."""

    levels: tuple[frozenset[str], ...] = ()  # each --target that is an education level, expanded
    characteristics: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    min_rank: int | None = None
    ages: tuple[int, ...] = ()
    providers: tuple[str, ...] = ()  # folded substrings
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # folded substrings
    evidence_ranks: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def active(self) -> bool:
        return any((self.levels, self.characteristics, self.phases, self.elements, self.goals,
                    self.min_rank is not None, self.ages, self.providers, self.kinds, self.regions))


@dataclass
class RawFilters:
    """Filter values as typed on the command line or passed from Python."""

    target: list[str] = field(default_factory=list)
    phase: list[str] = field(default_factory=list)
    element: list[str] = field(default_factory=list)
    goal: list[str] = field(default_factory=list)
    min_evidence: str | None = None
    age: list[int] = field(default_factory=list)
    provider: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)


def _resolve(vocab: Vocabulary, value: str, option: str) -> str:
    tid = vocab.resolve(value)
    if tid is None:
        suggestion = vocab.suggest(value)
        hint = f" (did you mean {suggestion[0]!r}?)" if suggestion else ""
        raise FilterError(option, value, [t.id for t in vocab], hint)
    return tid


def resolve_filters(raw: RawFilters, vocab: dict[str, Vocabulary]) -> Filters:
    """Turn typed values into vocabulary ids; raises :class:`FilterError` for unknown values."""
    levels_vocab, chars_vocab = vocab["education-levels"], vocab["target-characteristics"]
    levels: list[frozenset[str]] = []
    chars: list[str] = []
    for value in raw.target:
        level = levels_vocab.resolve(value)
        if level:
            # a query for mbo-2 also finds entries that name "mbo" without a level
            broader = {t.broader for t in levels_vocab if t.id == level and t.broader}
            levels.append(frozenset(levels_vocab.narrower(level) | broader))
            continue
        char = chars_vocab.resolve(value)
        if char:
            chars.append(char)
            continue
        candidates = [t.id for t in levels_vocab] + [t.id for t in chars_vocab]
        sugg = levels_vocab.suggest(value) or chars_vocab.suggest(value)
        raise FilterError("--target", value, candidates, f" (did you mean {sugg[0]!r}?)" if sugg else "")
    kinds = []
    for value in raw.kind:
        found = [k for k, names in KINDS.items() if key(value) in {key(n) for n in names}]
        if not found:
            raise FilterError("--kind", value, list(KINDS))
        kinds.append(found[0])
    ev = vocab["evidence-levels"]
    ranks = {t.id: (t.rank if t.rank is not None else i) for i, t in enumerate(ev.ordered())}
    min_rank = ranks[_resolve(ev, raw.min_evidence, "--min-evidence")] if raw.min_evidence else None
    for a in raw.age:
        if not 0 <= a <= 120:
            raise FilterError("--age", str(a), ["a whole number of years between 0 and 120"])
    return Filters(
        levels=tuple(levels),
        characteristics=tuple(chars),
        phases=tuple(_resolve(vocab["phases"], v, "--phase") for v in raw.phase),
        elements=tuple(_resolve(vocab["working-elements"], v, "--element") for v in raw.element),
        goals=tuple(_resolve(vocab["goal-tags"], v, "--goal") for v in raw.goal),
        min_rank=min_rank,
        ages=tuple(raw.age),
        providers=tuple(fold(p) for p in raw.provider),
        kinds=tuple(kinds),
        regions=tuple(fold(r) for r in raw.region),
        evidence_ranks=ranks,
    )


def provider_text(entry: Entry) -> str:
    """What ``--provider`` looks in: organisations, commissioners, developers and the description, folded."""
    return fold(" ".join(entry.organisations + [str(entry.providers.get("description", ""))]))


def region_text(entry: Entry) -> str:
    """What ``--region`` looks in: the scope and the region names, folded (one name that is
    not in a list counts as a name; anything else there is ignored rather than a crash)."""
    region = entry.region
    names = region.get("names")
    names = names if isinstance(names, list) else [names] if isinstance(names, (str, int, float)) and not isinstance(names, bool) else []
    return fold(" ".join([str(region.get("scope", ""))] + [str(n) for n in names]))


def _any(wanted: Iterable[str], have: Iterable[str]) -> bool:
    return bool(set(wanted) & set(have))


def matches(entry: Entry, f: Filters) -> bool:
    """True when the entry passes every active filter."""
    if f.levels or f.characteristics:
        # --target values OR together, whether they are levels or characteristics
        by_level = any(group & set(entry.education_levels) for group in f.levels)
        by_char = _any(f.characteristics, entry.characteristics)
        if not (by_level or by_char):
            return False
    if f.phases and not _any(f.phases, entry.phases):
        return False
    if f.elements and not _any(f.elements, entry.element_ids):
        return False
    if f.goals and not _any(f.goals, entry.goal_tags):
        return False
    if f.min_rank is not None and f.evidence_ranks.get(entry.evidence_level, -1) < f.min_rank:
        return False
    if f.ages:
        lo, hi = entry.age
        if lo is None and hi is None:
            return False
        if not any((lo is None or lo <= a) and (hi is None or a <= hi) for a in f.ages):
            return False
    if f.providers:
        haystack = provider_text(entry)
        if not any(p in haystack for p in f.providers):
            return False
    if f.kinds and entry.kind not in f.kinds:
        return False
    if f.regions:
        haystack = region_text(entry)
        if not any(r in haystack for r in f.regions):
            return False
    return True


def filter_entries(entries: Iterable[Entry], f: Filters) -> list[Entry]:
    return [e for e in entries if matches(e, f)]


# --- References: how people name an entry --------------------------------------------------


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


# --- Text search ------------------------------------------------------------------------------

NAME_FIELDS = ("id", "name", "aliases")
ELEMENT_FIELDS = ("working_elements",)
WEIGHTS = {"name": 100, "element": 10, "body": 1}


@dataclass(frozen=True)
class Hit:
    """One entry found by :func:`search`: why it matched (tier, field) and where (snippet)."""

    entry: Entry
    score: int
    tier: str  # "name", "element" or "body": the best place a search term was found
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
    top = path.split(".", 1)[0].split("[", 1)[0]
    if top in NAME_FIELDS:
        return "name"
    if top in ELEMENT_FIELDS:
        return "element"
    return "body"


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the index of the original character."""
    if text.isascii():  # folding ASCII is lower-casing, one character for one
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = fold(c)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


def snippet(text: str, needle: str, width: int = 80) -> str:
    """The part of ``text`` around the first (folded) occurrence of ``needle``, on one line."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    folded, where = _folded_with_map(flat)
    at = folded.find(fold(needle))
    if at < 0:
        return flat[:width] + ("…" if len(flat) > width else "")
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
    """(path, original text, folded text) of every string; the name before the id, and a
    working element's label before its bare id, so snippets read well.

    The folded text is always the fold of the original text, so a word found in a field is also
    found in its snippet: a working element's id is a field of its own, not folded into its
    label's text (a word only in the id, such as "leren" in ``bewijs-van-leren``, crashed the
    snippet).
    """
    texts: list[tuple[str, str]] = []
    ids: list[tuple[str, str]] = []
    for path, text in text_fields(entry.data):
        if path == "id":
            ids.append((path, text))
        elif elements is not None and path.startswith("working_elements[") and ".elements[" in path and text in elements:
            texts += [(path, elements.label(text)), (path, text)]
        else:
            texts.append((path, text))
    return [(path, text, fold(" ".join(text.split()))) for path, text in texts + ids]


def search(entries: Iterable[Entry], text: str, vocab: dict[str, Vocabulary] | None = None) -> list[Hit]:
    """Entries that contain every word of ``text`` somewhere (case- and accent-insensitive).

    Ranking: a word found in the name, id or an alias counts most, then one found in a working
    element (its text or the label of its element), then anything else; the whole phrase found in
    one field adds a bonus. Equal scores keep report order.
    """
    words = fold(text).split()
    phrase = " ".join(words)
    if not words:
        return [Hit(e, 0, "", "", "") for e in sorted(entries, key=Entry.sort_key)]
    elements = vocab.get("working-elements") if vocab else None
    hits: list[Hit] = []
    for entry in entries:
        fields = _search_fields(entry, elements)
        score = 0
        tops: list[tuple[int, int, str, str]] = []  # (-weight, field number, path, original text)
        for word in words:
            found = [(-WEIGHTS[_tier(p)], i, p, s) for i, (p, s, f) in enumerate(fields) if word in f]
            if not found:
                break
            tops.append(min(found))
            score += -tops[-1][0]
        else:
            best = min(tops)
            if len(words) > 1:
                in_phrase = [(-WEIGHTS[_tier(p)], i, p, s) for i, (p, s, f) in enumerate(fields) if phrase in f]
                if in_phrase:
                    score += -min(in_phrase)[0]
                    best = min(min(in_phrase), best, key=lambda t: t[0])
            flat = fields[best[1]][2]  # the best field's folded text: it holds the phrase or a word
            needle = phrase if phrase in flat else next(w for w in words if w in flat)
            hits.append(Hit(entry, score, _tier(best[2]), best[2], snippet(best[3], needle)))
    hits.sort(key=lambda h: (-h.score, h.entry.sort_key()))
    return hits


# --- Compare ----------------------------------------------------------------------------------

# The rows of a comparison, in order; each is labelled by ``compare.aspect.<key>`` in the label catalogue.
ASPECTS = ("providers", "phases", "target_group", "ages", "goals", "components", "course", "working_elements", "evidence", "results")
SHARED_ALL, SHARED_SOME, UNIQUE = "all", "some", "unique"


@dataclass(frozen=True)
class Aspect:
    key: str
    label: str
    values: tuple[tuple[str, ...], ...]  # per entry: lines of text (empty tuple = not stated)


@dataclass(frozen=True)
class Comparison:
    """Entries side by side; the caveat travels with the results wherever they are shown."""

    entries: tuple[Entry, ...]
    aspects: tuple[Aspect, ...]
    element_share: dict[str, str]  # element id -> "all" | "some" | "unique"
    element_labels: dict[str, str]
    similarity: tuple[tuple[float | None, ...], ...] | None  # Jaccard matrix, three or more entries
    caveat: str
    caveat_source: str

    def elements_by_share(self, share: str) -> list[str]:
        return [e for e, s in self.element_share.items() if s == share]

    def holders(self, element: str) -> list[Entry]:
        return [e for e in self.entries if element in e.element_ids]


def jaccard(a: set[str], b: set[str]) -> float | None:
    """|a ∩ b| / |a ∪ b|; None when neither entry names a working element."""
    union = a | b
    return len(a & b) / len(union) if union else None


def _labels(vocab: dict[str, Vocabulary] | None, name: str, ids: Iterable[str]) -> str:
    v = (vocab or {}).get(name)
    return ", ".join(v.label(i) if v else i for i in ids)


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _aspect_values(entry: Entry, aspect: str, vocab: dict[str, Vocabulary] | None, share: dict[str, str], labels: dict[str, str],
                   lang: str) -> tuple[str, ...]:
    lines: list[str] = []

    def add(*parts: str) -> None:
        lines.extend(p for p in parts if p)

    if aspect == "providers":
        p = entry.providers
        add(_text(p.get("description")) or ", ".join(entry.organisations))
        region = fields.region(entry, lang)
        if region:
            add(label("compare.region", lang, text=region))
    elif aspect == "phases":
        add(_labels(vocab, "phases", entry.phases))
    elif aspect == "target_group":
        tg = entry.target_group
        add(_text(tg.get("summary")) or _text(tg.get("description")))
        if entry.education_levels:
            add(label("compare.levels", lang, text=_labels(vocab, "education-levels", entry.education_levels)))
        if entry.characteristics:
            add(label("compare.characteristics", lang, text=_labels(vocab, "target-characteristics", entry.characteristics)))
    elif aspect == "ages":
        add(fields.age(entry, lang))
    elif aspect == "goals":
        g = entry.goals
        add(_text(g.get("summary")) or _text(g.get("description")))
        if entry.goal_tags:
            add(label("compare.tags", lang, text=_labels(vocab, "goal-tags", entry.goal_tags)))
    elif aspect == "components":
        add(*[_text(c) for c in entry.data.get("components") or [] if isinstance(c, (str, int))])
    elif aspect == "course":
        c = entry.data.get("course") if isinstance(entry.data.get("course"), dict) else {}
        add("; ".join(x for x in (fields.period(c, lang), fields.status(c, lang)) if x))
        scale = fields.scale(c, lang)
        if scale:
            add(label("compare.scale", lang, text=", ".join(scale)))
        add(_text(c.get("description")))
    elif aspect == "results":
        r = entry.data.get("results") if isinstance(entry.data.get("results"), dict) else {}
        add(_text(r.get("description")))
    elif aspect == "evidence":
        ev = entry.evidence
        add(_labels(vocab, "evidence-levels", [entry.evidence_level]) if entry.evidence_level else "")
        add(_text(ev.get("verdict")))
        flags = [flag for flag in ("control_group", "cost_benefit") if ev.get(flag) is True]
        if flags:
            add(label(f"compare.with.{flags[0] if len(flags) == 1 else 'both'}", lang))
    elif aspect == "working_elements":
        add(*[f"{labels[e]} [{share[e]}]" for e in entry.element_ids])
    return tuple(lines)


def compare(entries: Sequence[Entry], vocab: dict[str, Vocabulary] | None = None, meta: dict[str, object] | None = None,
            lang: str = CLI_LANG) -> Comparison:
    """Put two or more entries side by side; see :data:`ASPECTS` for the rows (labelled in ``lang``)."""
    if len(entries) < 2:
        raise ValueError("compare needs at least two entries")
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ValueError("compare needs different entries; " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})) + " is named twice")
    sets = [set(e.element_ids) for e in entries]
    order: list[str] = []
    for e in entries:
        order.extend(x for x in e.element_ids if x not in order)
    share: dict[str, str] = {}
    for el in order:
        n = sum(el in s for s in sets)
        share[el] = SHARED_ALL if n == len(entries) else SHARED_SOME if n > 1 else UNIQUE
    rank = {SHARED_ALL: 0, SHARED_SOME: 1, UNIQUE: 2}
    share = dict(sorted(share.items(), key=lambda kv: (rank[kv[1]], order.index(kv[0]))))
    v = (vocab or {}).get("working-elements")
    labels = {el: v.label(el) if v else el for el in share}
    aspects = tuple(Aspect(k, label(f"compare.aspect.{k}", lang), tuple(_aspect_values(e, k, vocab, share, labels, lang) for e in entries))
                    for k in ASPECTS)
    similarity = None
    if len(entries) >= 3:
        similarity = tuple(tuple(jaccard(a, b) for b in sets) for a in sets)
    caveat, source = fields.caveat(meta or {})
    return Comparison(tuple(entries), aspects, share, labels, similarity, caveat, source)
