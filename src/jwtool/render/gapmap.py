"""The evidence gap map (elements × outcome domains) as JSON, CSV, Markdown and a view for the templates.

The map itself is computed by :func:`jwtool.graph.gapmap.gap_map`; this module only writes it.
JSON and CSV keep ids (the same in every language); Markdown, the terminal table and the HTML
overview use the labels of ``lang``. A design is shown by its short label (``gapmap.design.<id>``,
e.g. RCT), explained in the legend under every table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Term, Vocabulary, group_label
from jwtool.graph.gapmap import GapCell, GapMap, design_ranks, gap_map
from jwtool.labels import fields, label, label_or, plural
from jwtool.labels.fields import clean
from jwtool.query.export import BOM, LIST_SEPARATOR, csv_rows
from jwtool.render.escaping import cell as md_cell

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue

GAP_MARKER = "·"  # an empty cell of a row with entries: none of their studies has a finding there, a gap
NONE_MARKER = "–"  # an empty cell of a row without entries: no selected entry has the element, nothing to study
CSV_COLUMNS = ("row_kind", "row_id", "row_name", "row_entries", "outcome", "outcome_name", "count", "design", "design_name", "entries", "studies")
SHADES = 4  # cells are shaded n1..n4 by their count (4 = four studies or more)
CELL_LIST_MAX = 25  # an HTML cell names at most this many entries, then says how many more


def _designs(vocab: dict[str, Vocabulary]) -> Vocabulary:
    return vocab.get("study-designs") or Vocabulary(name="study-designs")


def _ranked_designs(vocab: dict[str, Vocabulary]) -> list[Term]:
    """The study designs, strongest first."""
    return sorted(_designs(vocab), key=lambda t: -(t.rank or 0))


def design_short(design: str, lang: str) -> str:
    """A design's short label (RCT, CG, ...; label keys spell the id's hyphens as underscores), or
    its id when there is none."""
    return label_or(f"gapmap.design.{design.replace('-', '_')}", lang, design)


def design_meaning(short: str, full: str) -> str:
    """What a short label stands for in a legend "RCT = …": the design's label without a short
    label it repeats at its end ("Gerandomiseerd onderzoek (RCT)" → "Gerandomiseerd onderzoek")."""
    return full.removesuffix(f" ({short})") or full


def row_label(gm: GapMap, row_id: str, name: str, vocab: dict[str, Vocabulary], lang: str) -> str:
    """A row's name in ``lang``: an element or group by its vocabulary label, an entry by its name."""
    wev = vocab.get("working-elements")
    if gm.rows_by == "elements":
        return fields.vocab_label(vocab, "working-elements", row_id, lang)
    if gm.rows_by == "groups" and wev is not None:
        return clean(group_label(wev.groups.get(row_id, {}), lang, row_id))
    return clean(name)


def column_label(outcome: str, vocab: dict[str, Vocabulary], lang: str) -> str:
    return fields.vocab_label(vocab, "outcome-domains", outcome, lang)


def cell_text(c: GapCell, lang: str, carried: bool = True) -> str:
    """What a cell shows in a table: its count and the strongest design's short label; empty, the
    gap marker, or the no-entries marker when no selected entry carries the row (``carried`` false)."""
    if not c.count:
        return GAP_MARKER if carried else NONE_MARKER
    return f"{c.count} {design_short(c.design, lang)}".strip()


def none_label(rows_by: str, lang: str) -> str:
    """What the no-entries marker means for rows of this kind ("" for entries rows, which always
    have their entry): a different answer from a gap, so it has its own words."""
    return "" if rows_by == "entries" else label(f"gapmap.none.{rows_by}", lang)


def legend(gm: GapMap, vocab: dict[str, Vocabulary], lang: str) -> str:
    """One line under a table: what a cell says, the designs' short labels (strongest first), the
    gap marker and (rows of elements or groups) the no-entries marker."""
    named = "; ".join(f"{design_short(t.id, lang)} = {design_meaning(design_short(t.id, lang), clean(t.label_for(lang)))}" for t in _ranked_designs(vocab))
    text = label("gapmap.legend", lang, designs=named, gap=GAP_MARKER)
    none = none_label(gm.rows_by, lang)
    return f"{text} {NONE_MARKER} = {none}." if none else text


def document(gm: GapMap, vocab: dict[str, Vocabulary]) -> dict[str, Any]:
    """The map as one JSON document: ids throughout, names from the vocabularies, each cell with its
    count, strongest design, entries and studies."""
    return {
        "rows": gm.rows_by, "from": gm.source, "entries": len(gm.entries),
        "columns": [{"id": c, "name": name} for c, name in gm.columns],
        "designs": [{"id": t.id, "name": t.label, "rank": t.rank} for t in _ranked_designs(vocab)],
        "map": [{"id": r.id, "name": r.label, **({"group": r.group} if gm.rows_by == "elements" else {}),
                 "entries": [e.id for e in r.entries], "studies": r.count,
                 "cells": [{"outcome": c.outcome, "count": c.count, "design": c.design or None,
                            "entries": [e.id for e in c.entries], "studies": list(c.studies)} for c in r.cells]}
                for r in gm.rows],
    }


def csv_chunks(gm: GapMap, vocab: dict[str, Vocabulary], bom: bool = True) -> Iterator[str]:
    """Long format, one line per cell (row × outcome, empty cells too, count 0): what
    ``pandas.read_csv`` or R's ``read.csv`` loads and pivots (``pivot(index="row_id",
    columns="outcome", values="count")``); lists joined by `` | ``. ``row_entries`` is how many
    selected entries carry the row: count 0 with row_entries 0 is a row nobody has, not a gap."""
    yield (BOM if bom else "") + csv_rows([CSV_COLUMNS])
    names, designs = dict(gm.columns), _designs(vocab)
    for r in gm.rows:
        yield csv_rows([[gm.rows_by, r.id, r.label, str(len(r.entries)), c.outcome, names.get(c.outcome, c.outcome), str(c.count), c.design,
                         designs.label(c.design) if c.design else "", LIST_SEPARATOR.join(e.id for e in c.entries), LIST_SEPARATOR.join(c.studies)]
                        for c in r.cells])


def markdown(gm: GapMap, vocab: dict[str, Vocabulary], lang: str) -> str:
    """A Markdown table (rows × outcome domains), every name escaped for a cell, with its legend."""
    head = [label(f"gapmap.rows.{gm.rows_by}", lang)] + [column_label(c, vocab, lang) for c, _ in gm.columns]
    lines = ["| " + " | ".join(md_cell(h) for h in head) + " |", "|" + " --- |" * len(head)]
    for r in gm.rows:
        cells = [md_cell(row_label(gm, r.id, r.label, vocab, lang))] + [md_cell(cell_text(c, lang, bool(r.entries))) for c in r.cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + md_cell(legend(gm, vocab, lang)) + "\n"


MARK_BOX = 32  # px: the square a cell's mark is drawn in
MARK_MIN, MARK_MAX = 4.0, 15.0  # px: the radius of a mark of one study, and of the most studies in the map


def mark_radius(count: int, most: int) -> float:
    """A cell's mark: its area grows with the number of studies (the square root of the share of
    the map's largest count), so a cell of four studies looks twice the size of one of one."""
    share = min(count, most) / max(most, 1)
    return round(MARK_MIN + (MARK_MAX - MARK_MIN) * share ** 0.5, 1)


def design_colours(vocab: dict[str, Vocabulary]) -> dict[str, int]:
    """Design id -> its colour (1 = the strongest design's, darkest), in rank order."""
    return {t.id: i for i, t in enumerate(_ranked_designs(vocab), 1)}


def _studies_in(entry: Entry, outcome: str, vocab: dict[str, Vocabulary], lang: str) -> list[dict[str, str]]:
    """The entry's studies with a finding on ``outcome``: title (:func:`jwtool.labels.fields.study_title`;
    ``own`` when it is the record's, in the catalogue's Dutch) and designs in words."""
    out = []
    for study in entry.studies:
        if outcome in study.outcomes:
            designs = ", ".join(fields.vocab_label(vocab, "study-designs", d, lang) for d in study.designs)
            title, own = fields.study_title(study, entry, lang)
            out.append({"title": title, "own": own, "designs": designs})
    return out


def view(entries: Sequence[Entry], cat: Catalogue, lang: str, anchors: dict[str, str], rows_by: str = "elements",
         source: str = "all") -> dict[str, Any]:
    """What the overview's templates show: columns, rows of cells (count, mark size and colour,
    design, entries as links with their studies), the designs for the legend, the gap marker and
    the no-entries marker with its words."""
    vocab = cat.vocab
    gm = gap_map(entries, vocab, rows_by, source)
    colours = design_colours(vocab)
    most = max((c.count for r in gm.rows for c in r.cells), default=1)
    rows = []
    for r in gm.rows:
        cells = []
        for c in r.cells:
            refs = [{"id": e.id, "anchor": anchors[e.id], "name": clean(e.name) or e.id,
                     "studies": _studies_in(e, c.outcome, vocab, lang)} for e in c.entries[:CELL_LIST_MAX]]
            cells.append({"outcome": column_label(c.outcome, vocab, lang), "count": c.count, "shade": min(c.count, SHADES),
                          "design": design_short(c.design, lang) if c.design else "",
                          "design_label": fields.vocab_label(vocab, "study-designs", c.design, lang) if c.design else "",
                          "colour": colours.get(c.design, len(colours) + 1) if c.design else 0,
                          "radius": mark_radius(c.count, most),
                          "studies": plural("gapmap.studies", c.count, lang), "text": cell_text(c, lang, bool(r.entries)),
                          "entries": refs, "more": max(0, len(c.entries) - CELL_LIST_MAX)})
        rows.append({"id": r.id, "label": row_label(gm, r.id, r.label, vocab, lang), "cells": cells, "total": r.count,
                     "carried": bool(r.entries)})
    return {
        "rows_by": rows_by, "corner": label(f"gapmap.rows.{rows_by}", lang),
        "columns": [{"id": c, "label": column_label(c, vocab, lang)} for c, _ in gm.columns],
        "rows": rows, "gap_marker": GAP_MARKER, "none_marker": NONE_MARKER, "none_label": none_label(rows_by, lang),
        "designs": [{"id": t.id, "short": (short := design_short(t.id, lang)), "label": (full := clean(t.label_for(lang))),
                     "meaning": design_meaning(short, full), "colour": colours[t.id]} for t in _ranked_designs(vocab)],
        "studies": len({s.id for e in gm.entries for s in e.studies}), "entries": len(gm.entries),
        "most": most, "box": MARK_BOX, "sizes": sorted({1, (most + 1) // 2, most}),
        "radii": {n: mark_radius(n, most) for n in {1, (most + 1) // 2, most}},
    }


def page_data(entries: Sequence[Entry], cat: Catalogue, lang: str, anchors: dict[str, str], source: str = "all") -> dict[str, Any]:
    """What the Bewijskaart page needs to draw the map again for the entries a link selects, as
    :func:`jwtool.graph.gapmap.gap_map` does (``jwtool gaps`` with the same filters): each entry's
    elements and studies (id, designs, outcomes, title), the rows, columns, design ranks and
    words. The entries a filter value selects come from the index's filter data."""
    vocab = cat.vocab
    gm = gap_map(entries, vocab, "elements", source)
    chosen = sorted(entries, key=Entry.sort_key)
    return {
        "entries": {e.id: {"name": clean(e.name) or e.id, "anchor": anchors[e.id][2:], "elements": list(dict.fromkeys(e.elements_from(source))),
                           "studies": [{"key": s.id or f"{e.id}#{i + 1}", **dict(zip(("title", "own"), fields.study_title(s, e, lang))),
                                        "designs": list(s.designs), "outcomes": list(dict.fromkeys(s.outcomes))}
                                       for i, s in enumerate(e.studies)]} for e in chosen},
        "order": [e.id for e in chosen],
        "rows": [{"id": r.id, "label": row_label(gm, r.id, r.label, vocab, lang)} for r in gm.rows],
        "columns": [{"id": c, "label": column_label(c, vocab, lang)} for c, _ in gm.columns],
        "ranks": design_ranks(vocab), "colours": design_colours(vocab),
        "design_labels": {t.id: clean(t.label_for(lang)) for t in _designs(vocab)},
        "design_short": {t.id: design_short(t.id, lang) for t in _designs(vocab)},
        "most": max((c.count for r in gm.rows for c in r.cells), default=1), "mark": [MARK_MIN, MARK_MAX],
        "list_max": CELL_LIST_MAX, "gap_marker": GAP_MARKER, "none_marker": NONE_MARKER,
        "labels": {"study_one": label("gapmap.studies.one", lang), "study_other": label("gapmap.studies.other", lang),
                   "strongest": label("gapmap.strongest", lang), "gap": label("gapmap.empty", lang),
                   "none": none_label("elements", lang), "or": label("site.selection.or", lang)},
    }
