"""Filtering entries: the questions policy staff ask ("vso/pro, after school, some evidence").

Filters combine with AND; the values of one filter combine with OR. Every value is resolved
against its vocabulary first (ids, labels and synonyms, case- and accent-insensitive), so a typo
is an error that lists the valid values instead of an empty result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


Check = Callable[[Entry], bool]


def checks(f: Filters) -> list[Check]:
    """One check per active filter, each with its wanted values made into a set once: what
    :func:`filter_entries` asks of an entry, in a form that costs little per entry (the HTML overview
    runs a filter per facet value over every entry)."""
    out: list[Check] = []
    if f.levels or f.characteristics:  # --target values OR together, whether they are levels or characteristics
        levels, chars = frozenset().union(*f.levels), frozenset(f.characteristics)
        out.append(lambda e: not levels.isdisjoint(e.education_levels) or not chars.isdisjoint(e.characteristics))
    if f.phases:
        phases = frozenset(f.phases)
        out.append(lambda e: not phases.isdisjoint(e.phases))
    if f.elements:
        elements, source = frozenset(f.elements), f.element_source
        out.append(lambda e: not elements.isdisjoint(e.elements_from(source)))
    if f.goals:
        goals = frozenset(f.goals)
        out.append(lambda e: not goals.isdisjoint(e.goal_tags))
    if f.min_rank is not None:
        ranks, min_rank = f.evidence_ranks, f.min_rank
        out.append(lambda e: ranks.get(e.evidence_level, -1) >= min_rank)
    if f.ages:
        out.append(lambda e: _of_age(e.age, f.ages))
    if f.providers:
        out.append(lambda e: _any_in(f.providers, provider_text(e)))
    if f.kinds:
        kinds = frozenset(f.kinds)
        out.append(lambda e: e.kind in kinds)
    if f.regions:
        out.append(lambda e: _any_in(f.regions, region_text(e)))
    if f.outcomes:
        outcomes = frozenset(f.outcomes)
        out.append(lambda e: not outcomes.isdisjoint(e.study_outcomes))
    if f.min_design_rank is not None:  # the strongest design of any study ranks high enough: one of them does
        strong = frozenset(d for d, rank in f.design_ranks.items() if rank >= f.min_design_rank)
        out.append(lambda e: not strong.isdisjoint(e.study_designs))
    return out


def _of_age(span: tuple[int | None, int | None], ages: tuple[int, ...]) -> bool:
    """Whether one of ``ages`` lies in an entry's age span (open at a missing end); never for an entry without one."""
    lo, hi = span
    return not (lo is None and hi is None) and any((lo is None or lo <= a) and (hi is None or a <= hi) for a in ages)


def _any_in(needles: tuple[str, ...], haystack: str) -> bool:
    return any(n in haystack for n in needles)


def filter_entries(entries: Iterable[Entry], f: Filters) -> list[Entry]:
    """The entries that pass every active filter, in their order: one filter at a time over
    what the filters before it kept."""
    chosen = list(entries)
    for check in checks(f):
        chosen = [e for e in chosen if check(e)]
    return chosen
