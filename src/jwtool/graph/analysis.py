"""The map of shared working elements: which entries share which elements, and how they cluster.

The report's central finding is that interventions with different names share the same working
elements, and that regions keep reinventing them. A bipartite graph (entries on one side,
working elements on the other) makes that structure queryable: counts and cross-tabulations
(:func:`element_use`, :func:`crosstab`), likeness (:func:`similar`), and clusters, bridging
elements and co-occurrence (:func:`summarize`).

Everything is deterministic: nodes are added in report order (entries) and vocabulary order
(elements), ties are broken by those orders, community detection uses a fixed seed and numbers
are rounded before they leave this module. The graphs themselves (networkx) are in
:mod:`jwtool.graph.network`, so counting and likeness never import networkx.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jwtool.catalogue.model import ELEMENT_SOURCES, Entry
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.query.filters import KINDS

ENTRY, ELEMENT, FACTOR, TARGET = "entry", "element", "factor", "target"
NODE_TYPES = (ENTRY, ELEMENT, FACTOR, TARGET)
EXTRA_TYPES = {"factors": FACTOR, "targets": TARGET}  # the --include choices
PROJECTIONS = ("bipartite", "entries", "elements")
BY_CHOICES = ("phase", "evidence", "target", "kind")
DEFAULT_SEED = 42
DEFAULT_SOURCE = "all"  # where element ids come from by default: working elements and components (ELEMENT_SOURCES)


def node_id(kind: str, ref: str) -> str:
    """Node ids carry their type, so an element and an entry with the same id never collide."""
    return f"{kind}:{ref}"


def vocabulary(vocab: dict[str, Vocabulary], name: str) -> Vocabulary:
    return vocab.get(name) or Vocabulary(name=name)


def element_order(vocab: dict[str, Vocabulary]) -> dict[str, int]:
    """Position of each element in working-elements.yaml: the tie-breaker everywhere."""
    return {t.id: i for i, t in enumerate(vocabulary(vocab, "working-elements"))}


def order_key(order: dict[str, int]) -> Any:
    return lambda eid: (order.get(eid, len(order)), eid)


# --- Counting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElementUse:
    """One working element and the entries that name it."""

    id: str
    label: str
    group: str
    entries: tuple[Entry, ...]
    total: int  # number of entries considered (the base of ``share``)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


def check_choice(value: str, choices: Sequence[str], what: str) -> None:
    """ValueError unless ``value`` is one of ``choices``, naming them."""
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")


def element_use(entries: Sequence[Entry], vocab: dict[str, Vocabulary], source: str = DEFAULT_SOURCE) -> list[ElementUse]:
    """Every element ``entries`` name in ``source`` (:data:`ELEMENT_SOURCES`), most shared first (ties: vocabulary order)."""
    check_choice(source, ELEMENT_SOURCES, "element source")
    holders: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for eid in entry.elements_from(source):
            holders[eid].append(entry)
    return _ranked(holders, vocab, len(entries))


def _ranked(holders: dict[str, list[Entry]], vocab: dict[str, Vocabulary], total: int) -> list[ElementUse]:
    """The uses of the elements in ``holders`` (element -> the entries that name it), in :func:`element_use`'s order."""
    order = element_order(vocab)
    wev = vocabulary(vocab, "working-elements")
    ids = sorted(holders, key=lambda e: (-len(holders[e]), *order_key(order)(e)))
    return [ElementUse(e, wev.label(e), wev.terms[e].group if e in wev.terms else "", tuple(holders[e]), total) for e in ids]


@dataclass(frozen=True)
class CrossRow:
    id: str
    label: str
    cells: tuple[tuple[Entry, ...], ...]  # per column: the entries with this element and value

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(len(c) for c in self.cells)


@dataclass(frozen=True)
class CrossTab:
    """Elements × values of one entry attribute: an evidence gap map, empty cells are gaps."""

    by: str
    columns: tuple[tuple[str, str], ...]  # (id, label)
    column_entries: tuple[tuple[Entry, ...], ...]  # per column: all entries with that value
    rows: tuple[CrossRow, ...]
    uses: tuple[ElementUse, ...]


# Per --by choice: an entry's values, and the vocabulary whose terms are the columns (kind: KINDS).
_VALUES = {"phase": lambda e: e.phases, "evidence": lambda e: [e.evidence_level] if e.evidence_level else [],
           "target": lambda e: e.education_levels, "kind": lambda e: [e.kind] if e.kind else []}
_TERMS = {"phase": "phases", "evidence": "evidence-levels", "target": "education-levels"}


def crosstab(entries: Sequence[Entry], vocab: dict[str, Vocabulary], by: str, source: str = DEFAULT_SOURCE) -> CrossTab:
    """Every column of the vocabulary is kept (in rank order where ranked), also when empty: an
    empty column is a gap too. One pass over the entries: each entry's values once, then its elements."""
    check_choice(by, BY_CHOICES, "cross-tabulation")
    check_choice(source, ELEMENT_SOURCES, "element source")
    holders: dict[str, list[Entry]] = defaultdict(list)  # element -> the entries with it (the uses)
    column_entries: dict[str, list[Entry]] = defaultdict(list)  # value -> the entries with it
    cells: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))  # element -> value -> the entries with both
    for entry in entries:
        values = dict.fromkeys(_VALUES[by](entry))
        for v in values:
            column_entries[v].append(entry)
        for el in entry.elements_from(source):
            holders[el].append(entry)
            for v in values:
                cells[el][v].append(entry)
    columns = [(t.id, t.label) for t in vocabulary(vocab, _TERMS[by]).ordered()] if by in _TERMS else [(k, k) for k in KINDS]
    columns += [(v, v) for v in sorted(column_entries.keys() - {c for c, _ in columns})]  # values outside the vocabulary
    uses = _ranked(holders, vocab, len(entries))
    rows = tuple(CrossRow(u.id, u.label, tuple(tuple(cells[u.id].get(c, ())) for c, _ in columns)) for u in uses)
    return CrossTab(by, tuple(columns), tuple(tuple(column_entries.get(c, ())) for c, _ in columns), rows, tuple(uses))


# --- Likeness ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # Jaccard index of the two sets of working elements
    shared: tuple[str, ...]  # element ids, in the order the reference entry names them


def similar(ref: Entry, candidates: Iterable[Entry], top: int | None = 5, source: str = DEFAULT_SOURCE) -> list[Match]:
    """Entries most alike ``ref`` by shared elements from ``source`` (Jaccard).

    Entries that share nothing are left out. Ties: more shared elements first, then report order.
    """
    mine = ref.elements_from(source)
    a = set(mine)
    matches = []
    for other in candidates:
        if other.id == ref.id:
            continue
        b = set(other.elements_from(source))
        shared = a & b
        if not shared:
            continue
        matches.append(Match(other, len(shared) / len(a | b), tuple(e for e in mine if e in shared)))
    matches.sort(key=lambda m: (-m.score, -len(m.shared), m.entry.sort_key()))
    return matches if top is None else matches[:top]


def percent(share: float) -> str:
    """A share as a whole percentage, the way the tables show it."""
    return f"{math.floor(share * 100 + 0.5)}%"
