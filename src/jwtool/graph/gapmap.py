"""The evidence gap map in its standard form (Campbell/3ie): working elements × outcome domains.

Each cell counts the distinct studies with a finding on that outcome among the entries that carry
the row's element (a study with two findings on one outcome counts once), names the strongest
design among them (highest ``rank`` in study-designs.yaml) and the entries behind it. Rows are the
working elements (default), their vocabulary groups, or the entries themselves; every row of the
vocabulary is kept, also without studies: an empty row or cell is a gap. Columns are the outcome
domains in vocabulary order. Everything comes out in a fixed order (vocabulary order, then report
order), so the same catalogue always gives the same map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jwtool.catalogue.model import ELEMENT_SOURCES, Entry, Study
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.graph.analysis import check_choice, vocabulary

ROW_KINDS = ("elements", "groups", "entries")


@dataclass(frozen=True)
class GapCell:
    """One outcome of one row: the studies with a finding on it, and the entries they belong to."""

    outcome: str
    studies: tuple[str, ...]  # study ids, each once, in report order of their entries
    entries: tuple[Entry, ...]  # the entries whose studies these are, in report order
    design: str  # the strongest design among the studies ("" when there are none)

    @property
    def count(self) -> int:
        return len(self.studies)


@dataclass(frozen=True)
class GapRow:
    """An element, a group of elements or an entry, with one cell per outcome domain."""

    id: str
    label: str
    group: str  # the element's group id (elements rows only)
    entries: tuple[Entry, ...]  # the entries that carry the row (an entries row: the entry itself)
    cells: tuple[GapCell, ...]
    studies: tuple[str, ...]  # the row's distinct studies with any finding

    @property
    def count(self) -> int:
        return len(self.studies)


@dataclass(frozen=True)
class GapMap:
    rows_by: str  # one of ROW_KINDS
    source: str  # where element tags come from: one of ELEMENT_SOURCES
    columns: tuple[tuple[str, str], ...]  # outcome domains: (id, label)
    rows: tuple[GapRow, ...]
    entries: tuple[Entry, ...]  # every entry considered, in report order


def design_ranks(vocab: dict[str, Vocabulary]) -> dict[str, int]:
    """Design id -> rank (higher is stronger); a design without a rank counts as weakest."""
    return {t.id: t.rank if t.rank is not None else 0 for t in vocabulary(vocab, "study-designs")}


def strongest(studies: Sequence[Study], ranks: dict[str, int]) -> str:
    """The highest-ranked design among the studies; ties (equal or unknown ranks) go to the design
    named first. Unknown designs rank below every known one."""
    return max((d for study in studies for d in study.designs), key=lambda d: ranks.get(d, -1), default="")


def _row_keys(entries: Sequence[Entry], vocab: dict[str, Vocabulary], rows_by: str, source: str) -> list[tuple[str, str, str]]:
    """(id, label, group) of every row, in a fixed order."""
    wev = vocabulary(vocab, "working-elements")
    if rows_by == "entries":
        return [(e.id, e.name, "") for e in entries]
    if rows_by == "groups":
        return [(g, str(d.get("label", g)), "") for g, d in wev.groups.items()]
    keys = [(t.id, t.label, t.group) for t in wev]
    used = {x for e in entries for x in e.elements_from(source)}
    return keys + [(x, x, "") for x in sorted(used - set(wev.terms))]


def _carriers(entries: Sequence[Entry], vocab: dict[str, Vocabulary], rows_by: str, source: str) -> dict[str, list[Entry]]:
    """Row id -> the entries that carry it, in report order."""
    wev = vocabulary(vocab, "working-elements")
    out: dict[str, list[Entry]] = {}
    for e in entries:
        keys = ([e.id] if rows_by == "entries" else e.elements_from(source) if rows_by == "elements"
                else [wev.terms[x].group for x in e.elements_from(source) if x in wev.terms and wev.terms[x].group])
        for k in dict.fromkeys(keys):
            out.setdefault(k, []).append(e)
    return out


def gap_map(entries: Sequence[Entry], vocab: dict[str, Vocabulary], rows_by: str = "elements", source: str = "all") -> GapMap:
    """The map of ``entries``: rows by ``rows_by`` (:data:`ROW_KINDS`), element tags from ``source``
    (:data:`jwtool.catalogue.model.ELEMENT_SOURCES`), one column per outcome domain."""
    check_choice(rows_by, ROW_KINDS, "rows")
    check_choice(source, ELEMENT_SOURCES, "element source")
    chosen = sorted(entries, key=Entry.sort_key)
    # the outcome domains; one the vocabulary does not know is an error validate reports, not a column
    columns = [(t.id, t.label) for t in vocabulary(vocab, "outcome-domains")]
    ranks = design_ranks(vocab)
    carriers = _carriers(chosen, vocab, rows_by, source)
    findings = {e.id: _by_outcome(e) for e in chosen}
    rows = []
    for rid, rlabel, group in _row_keys(chosen, vocab, rows_by, source):
        holders = carriers.get(rid, [])
        cells = tuple(_cell(outcome, holders, findings, ranks) for outcome, _ in columns)
        studies = tuple(dict.fromkeys(sid for c in cells for sid in c.studies))
        rows.append(GapRow(rid, rlabel, group, tuple(holders), cells, studies))
    return GapMap(rows_by, source, tuple(columns), tuple(rows), tuple(chosen))


def _by_outcome(entry: Entry) -> dict[str, dict[str, Study]]:
    """Outcome -> the entry's studies with a finding on it, by study id (each study once)."""
    out: dict[str, dict[str, Study]] = {}
    for i, study in enumerate(entry.studies):
        key = study.id or f"{entry.id}#{i + 1}"  # ids are unique in a valid catalogue
        for outcome in study.outcomes:
            out.setdefault(outcome, {}).setdefault(key, study)
    return out


def _cell(outcome: str, holders: Sequence[Entry], findings: dict[str, dict[str, dict[str, Study]]], ranks: dict[str, int]) -> GapCell:
    """The studies of ``holders`` with a finding on ``outcome``, each counted once."""
    seen: dict[str, Study] = {}
    behind: dict[str, Entry] = {}
    for e in holders:
        for key, study in findings[e.id].get(outcome, {}).items():
            if key not in seen:
                seen[key] = study
                behind.setdefault(e.id, e)
    return GapCell(outcome, tuple(seen), tuple(behind.values()), strongest(list(seen.values()), ranks))
