"""Filtering entries: the questions policy staff ask ("vso/pro, after school, some evidence").

Filters combine with AND; the values of one filter combine with OR. Every value is resolved
against its vocabulary first (ids, labels and synonyms, case- and accent-insensitive), so a typo
is an error that lists the valid values instead of an empty result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jwtool.catalogue.model import ELEMENT_SOURCES, Entry
from jwtool.catalogue.text import fold, key
from jwtool.catalogue.vocabularies import Vocabulary, did_you_mean, suggest

KINDS = {"interventie": ("interventie", "interventies", "intervention"),  # what an entry is, not where it comes from
         "praktijkvoorbeeld": ("praktijkvoorbeeld", "praktijkvoorbeelden", "praktijk", "practice", "practice-example", "voorbeeld")}


class FilterError(ValueError):
    """A filter value that names nothing (or an age out of range): the option, the value, the
    valid values and the closest ones, so that the command line words the message in its language."""

    def __init__(self, option: str, value: str, valid: Sequence[str], suggestions: Sequence[str] = ()) -> None:
        self.option, self.value, self.valid, self.suggestions = option, value, list(valid), list(suggestions)
        super().__init__(f"unknown {option} value {value!r}{did_you_mean(self.suggestions)}; valid values: {', '.join(self.valid)}")


AGES = range(0, 121)  # what --age accepts: an age in whole years


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
    outcomes: tuple[str, ...] = ()  # outcome-domain ids: some study has a finding on one of them
    min_design_rank: int | None = None  # some study's strongest design ranks at least this
    element_source: str = "all"  # where --element looks: working elements, components or both (ELEMENT_SOURCES)
    evidence_ranks: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    design_ranks: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


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
    outcome: list[str] = field(default_factory=list)
    min_design: str | None = None
    element_source: str = "all"  # --from

    def given(self) -> dict[str, Any]:
        """The filters that select something (a value given), without ``element_source``: --from
        only says where --element looks, it drops no entry by itself."""
        return {k: v for k, v in vars(self).items() if k != "element_source" and v not in (None, [])}


def _ranks(vocab: Vocabulary) -> dict[str, int]:
    """Each term's rank (its place in the vocabulary where it has none), for a ``--min-*`` filter."""
    return {t.id: (t.rank if t.rank is not None else i) for i, t in enumerate(vocab.ordered())}


def _resolve(vocab: Vocabulary, value: str, option: str) -> str:
    tid = vocab.resolve(value)
    if tid is None:
        raise FilterError(option, value, [t.id for t in vocab], vocab.suggest(value))
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
        raise FilterError("--target", value, candidates, sugg[:1])
    kind_of = {n: k for k, names in KINDS.items() for n in names}
    kind_of_key = {key(n): k for n, k in kind_of.items()}
    for value in raw.kind:
        if key(value) not in kind_of_key:
            raise FilterError("--kind", value, list(KINDS), [kind_of[n] for n in suggest(value, kind_of)])
    ev, designs = vocab["evidence-levels"], vocab["study-designs"]
    ranks, design_ranks = _ranks(ev), _ranks(designs)
    min_rank = ranks[_resolve(ev, raw.min_evidence, "--min-evidence")] if raw.min_evidence else None
    min_design = design_ranks[_resolve(designs, raw.min_design, "--min-design")] if raw.min_design else None
    if raw.element_source not in ELEMENT_SOURCES:
        raise FilterError("--from", raw.element_source, ELEMENT_SOURCES, suggest(raw.element_source, ELEMENT_SOURCES))
    for a in raw.age:
        if a not in AGES:
            raise FilterError("--age", str(a), [])
    return Filters(
        levels=tuple(levels),
        characteristics=tuple(chars),
        phases=tuple(_resolve(vocab["phases"], v, "--phase") for v in raw.phase),
        elements=tuple(_resolve(vocab["working-elements"], v, "--element") for v in raw.element),
        goals=tuple(_resolve(vocab["goal-tags"], v, "--goal") for v in raw.goal),
        min_rank=min_rank,
        ages=tuple(raw.age),
        providers=tuple(fold(p) for p in raw.provider),
        kinds=tuple(kind_of_key[key(v)] for v in raw.kind),
        regions=tuple(fold(r) for r in raw.region),
        outcomes=tuple(_resolve(vocab["outcome-domains"], v, "--outcome") for v in raw.outcome),
        min_design_rank=min_design,
        element_source=raw.element_source,
        evidence_ranks=ranks,
        design_ranks=design_ranks,
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


def study_outcomes(entry: Entry) -> set[str]:
    """The outcome domains ``--outcome`` looks at: those some study of the entry has a finding on."""
    return {o for s in entry.studies for o in s.outcomes}


def strongest_design(entry: Entry, design_ranks: dict[str, int]) -> int | None:
    """The rank ``--min-design`` compares: the highest rank of any design of any study of the
    entry (a study combining designs counts as its strongest one); None without ranked designs."""
    ranks = [design_ranks[d] for s in entry.studies for d in s.designs if d in design_ranks]
    return max(ranks, default=None)


def _any(wanted: Iterable[str], have: Iterable[str]) -> bool:
    return bool(set(wanted) & set(have))


def matches(entry: Entry, f: Filters) -> bool:
    """True when the entry passes every active filter."""
    if (f.levels or f.characteristics) and not (  # --target values OR together, whether they are levels or characteristics
            any(group & set(entry.education_levels) for group in f.levels) or _any(f.characteristics, entry.characteristics)):
        return False
    if f.phases and not _any(f.phases, entry.phases):
        return False
    if f.elements and not _any(f.elements, entry.elements_from(f.element_source)):
        return False
    if f.goals and not _any(f.goals, entry.goal_tags):
        return False
    if f.min_rank is not None and f.evidence_ranks.get(entry.evidence_level, -1) < f.min_rank:
        return False
    if f.ages:
        lo, hi = entry.age
        if (lo is None and hi is None) or not any((lo is None or lo <= a) and (hi is None or a <= hi) for a in f.ages):
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
    if f.outcomes and not _any(f.outcomes, study_outcomes(entry)):
        return False
    if f.min_design_rank is not None:
        best = strongest_design(entry, f.design_ranks)
        if best is None or best < f.min_design_rank:
            return False
    return True


def filter_entries(entries: Iterable[Entry], f: Filters) -> list[Entry]:
    return [e for e in entries if matches(e, f)]
