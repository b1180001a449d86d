"""One entry as a section of the overview and a page of the site, and on its own (``show --format md``).

The fields come from :func:`jwtool.labels.view.entry_view`; this module adds what a page needs
around them (anchor, evidence rank, the elements an index row lists) and renders the section
template ``partials/entry.<fmt>.j2``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.graph.analysis import DEFAULT_SOURCE
from jwtool.labels import fields
from jwtool.labels import labels as table_of
from jwtool.labels.view import entry_view as full_view
from jwtool.render.environment import environment, template_dirs
from jwtool.render.escaping import anchor_ids

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue

_str = fields.text

PIECE_TEMPLATES = {"row": "partials/index-row.{fmt}.j2", "section": "partials/entry.{fmt}.j2"}


def evidence_rank(cat: Catalogue, level: str) -> int:
    """The rank of an evidence level (-1 for none), as ``--min-evidence`` compares them."""
    vocab = cat.vocab.get("evidence-levels")
    term = vocab.terms.get(level) if vocab is not None else None
    if term is None:
        return -1
    return term.rank if term.rank is not None else [t.id for t in vocab.ordered()].index(level)


DESCRIPTION_WORDS = 12


def target_cell(entry: Entry, cat: Catalogue, lang: str) -> tuple[str, bool]:
    """What the index's Doelgroep column says of an entry, from its own data, and whether that is
    the source's (Dutch) wording: the target group's summary; else its education levels; else its
    characteristics and ages in words; else the first words of its description ("…" when cut)."""
    vocab, group = cat.vocab, entry.target_group
    summary = fields.text(group.get("summary"))
    if summary:
        return summary, True
    if entry.education_levels:
        return ", ".join(fields.vocab_label(vocab, "education-levels", x, lang) for x in entry.education_levels), False
    described = [fields.vocab_label(vocab, "target-characteristics", x, lang) for x in entry.characteristics]
    age = fields.age(entry, lang)
    if age:
        described.append(age)
    if described:
        return ", ".join(described), False
    words = fields.line(group.get("description")).split()
    return " ".join(words[:DESCRIPTION_WORDS]) + (" …" if len(words) > DESCRIPTION_WORDS else ""), True


def row_view(entry: Entry, cat: Catalogue, lang: str, anchors: dict[str, str]) -> dict[str, Any]:
    """What the overview's index row shows of one entry, and its section too (the filter's data
    comes from :mod:`jwtool.render.filterdata`, not from the row)."""
    vocab = cat.vocab
    cell, cell_is_source = target_cell(entry, cat, lang)
    return {
        "id": entry.id, "anchor": anchors[entry.id], "name": _str(entry.name) or entry.id,
        "kind": fields.kind(entry, lang), "kind_id": entry.kind,
        "phases": [fields.vocab_label(vocab, "phases", p, lang) for p in entry.phases],
        "target_group": {"summary": _str(entry.target_group.get("summary")),
                         "levels": [fields.vocab_label(vocab, "education-levels", x, lang) for x in entry.education_levels],
                         "cell": cell, "cell_is_source": cell_is_source},
        "evidence": {"level": fields.vocab_label(vocab, "evidence-levels", entry.evidence_level, lang) if entry.evidence_level else ""},
        "element_labels": [fields.vocab_label(vocab, "working-elements", i, lang) for i in entry.elements_from(DEFAULT_SOURCE)],
        "evidence_level_id": entry.evidence_level,
        "evidence_rank": evidence_rank(cat, entry.evidence_level),
        "slug": anchors[entry.id][2:],
    }


def entry_view(entry: Entry, cat: Catalogue, lang: str, anchors: dict[str, str]) -> dict[str, Any]:
    """Every field of one entry, labelled and cleaned (:func:`jwtool.labels.view.entry_view`), for
    its section of the overview: each field's value by its path (``e.target_group.summary``),
    ``e.view`` the view itself, and what its index row shows."""
    view = full_view(entry, cat.vocab, lang)
    return {**row_view(entry, cat, lang, anchors), **view.tree(), "view": view}


def entry_document(cat: Catalogue, entry: Entry, fmt: str = "md", lang: str = "nl", templates: Path | None = None) -> str:
    """One entry on its own (``show --format md``): its section of the overview, from the same
    template, as a document of its own (a top-level heading, no link back to an index)."""
    env = environment(template_dirs(cat, templates), fmt, lang)
    view = entry_view(entry, cat, lang, anchor_ids([entry]))
    text = env.get_template(PIECE_TEMPLATES["section"].format(fmt=fmt)).render(e=view, labels=table_of(lang), lang=lang, site_root=None, alone=True)
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
