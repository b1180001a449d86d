"""The reading overview: an index, every entry, the map and the gap maps, as a view model and a document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import group_label
from jwtool.catalogue.workers import started
from jwtool.graph.analysis import DEFAULT_SOURCE, crosstab, element_order, order_key, vocabulary
from jwtool.graph.exports import to_mermaid
from jwtool.graph.network import build_graph, element_network
from jwtool.graph.svg import render_svg
from jwtool.labels import fields, label, label_or, plural
from jwtool.labels import labels as table_of
from jwtool.labels.fields import clean
from jwtool.labels.view import kind_legend
from jwtool.render.citations import apa
from jwtool.render.entry import PIECE_TEMPLATES, entry_view, evidence_rank, row_view
from jwtool.render.environment import (
    csp,
    environment,
    inline_asset,
    marks_js,
    svg_styles,
    template_chunks,
    template_dirs,
)
from jwtool.render.escaping import anchor_ids
from jwtool.render.filterdata import FACETS, SINGLE, Streamed, filter_data, page_texts
from jwtool.render.gapmap import view as gapmap_view

if TYPE_CHECKING:
    from jinja2 import Environment

    from jwtool.catalogue.load import Catalogue

_str = fields.text


GAP_LIST_MAX = 25  # a cell names at most this many entries, then says how many more


def gap_maps(entries: Sequence[Entry], cat: Catalogue, lang: str, anchors: dict[str, str], source: str = DEFAULT_SOURCE) -> dict[str, Any]:
    """Working elements (tagged on the working elements, components or both: ``source``) × phases
    and × evidence levels; each cell lists the entries (a gap is empty).

    A cell names its first :data:`GAP_LIST_MAX` entries and counts the rest, so the page of a
    large catalogue stays readable.
    """
    vocab = cat.vocab
    elements_vocab = vocabulary(vocab, "working-elements")
    by_order = order_key(element_order(vocab))

    def cell(column: str, members: Sequence[Entry]) -> dict[str, Any]:
        refs = [{"id": e.id, "anchor": anchors[e.id], "name": _str(e.name) or e.id} for e in members[:GAP_LIST_MAX]]
        return {"column": column, "entries": refs, "count": len(members), "more": max(0, len(members) - GAP_LIST_MAX)}

    def grid(by: str, name: str) -> dict[str, Any]:  # graph.analysis.crosstab, with a row for every element of the vocabulary
        tab = crosstab(entries, vocab, by, source)
        found = {r.id: r.cells for r in tab.rows}
        columns = [{"id": c, "label": fields.vocab_label(vocab, name, c, lang)} for c, _ in tab.columns]
        rows = []
        for el in sorted(found.keys() | elements_vocab.terms.keys(), key=by_order):
            term = elements_vocab.terms.get(el)
            group = elements_vocab.groups.get(term.group, {}) if term else {}
            cells = found.get(el, ((),) * len(columns))
            rows.append({"id": el, "label": fields.vocab_label(vocab, "working-elements", el, lang), "group": _str(group_label(group, lang)),
                         "cells": [cell(c["label"], members) for c, members in zip(columns, cells)], "total": len({e.id for m in cells for e in m})})
        return {"columns": columns, "rows": rows}

    return {"phases": grid("phase", "phases"), "levels": grid("evidence", "evidence-levels")}


def mermaid_map(entries: Sequence[Entry], cat: Catalogue, lang: str) -> str:
    """The working-element map as a Mermaid flowchart (without the fence) for the Markdown overview:
    the map ``jwtool map`` exports (:func:`jwtool.graph.exports.to_mermaid`, which escapes the
    labels), of the elements only above :data:`MAP_ENTRIES_MAX` entries (GitHub draws no more)."""
    return to_mermaid(_map_graph(entries, cat), cat.vocab).rstrip("\n")


MAP_ENTRIES_MAX = 200  # beyond this a map of every entry is unreadable: the elements are drawn instead


def _map_graph(entries: Sequence[Entry], cat: Catalogue) -> Any:
    """What the overview's map draws: every entry and its elements, or only the elements."""
    return (element_network if len(entries) > MAP_ENTRIES_MAX else build_graph)(list(entries), cat.vocab)


def map_svg(entries: Sequence[Entry], cat: Catalogue, lang: str) -> str:
    """The working-element map (:func:`_map_graph`) as inline SVG, by :func:`jwtool.graph.svg.render_svg`."""
    return render_svg(_map_graph(entries, cat), cat.vocab, title=label("overview.map", lang), lang=lang, kinds=kind_legend(entries, lang))


def map_alt(entries: Sequence[Entry], lang: str, small: str = "overview.map.alt") -> str:
    """The map's caption (``small``: the label for a map of every entry); what the map shows
    depends on the number of entries (see :func:`_map_graph`)."""
    return label("overview.map.alt.elements", lang, n=len(entries)) if len(entries) > MAP_ENTRIES_MAX else label(small, lang)


class OverviewEntry:
    """One entry as the overview page template sees it: ``e.row`` (its index row) and
    ``e.section`` (its full section), each rendered when the template asks for it, so the page
    never holds every section at once."""

    __slots__ = ("_pieces", "anchor", "entry", "id", "index", "name", "site_root")

    def __init__(self, entry: Entry, index: int, anchor: str, pieces: Pieces, site_root: str | None = None) -> None:
        self.entry, self.index, self.id, self.anchor, self._pieces = entry, index, entry.id, anchor, pieces
        self.name = _str(entry.name) or entry.id
        self.site_root = site_root  # the way from the page it is shown on to the site's top; None on one page

    def at(self, site_root: str | None) -> OverviewEntry:
        """The same entry as a page ``site_root`` below the site's top shows it."""
        return OverviewEntry(self.entry, self.index, self.anchor, self._pieces, site_root)

    @property
    def row(self) -> Any:
        return self._pieces.render("row", self.entry, self.site_root)

    @property
    def section(self) -> Any:
        return self._pieces.render("section", self.entry, self.site_root)


class Pieces:
    """Renders an entry's index row or section through its partial template; with :meth:`ahead`,
    the sections of a page are rendered in worker processes while the page is written."""

    def __init__(self, cat: Catalogue, env: Environment, fmt: str, lang: str, entries: Sequence[Entry]) -> None:
        self.cat, self.env, self.fmt, self.lang = cat, env, fmt, lang
        self.anchors = anchor_ids(entries)
        self._templates: dict[str, Any] = {}
        self._ahead: tuple[Sequence[Entry], Iterator[str]] | None = None
        self._at = 0

    def render(self, kind: str, entry: Entry, site_root: str | None = None) -> Any:
        """``site_root``: the way from the page the piece is on to the site's top ("../"), None on one page."""
        if kind == "section" and site_root is None and self._ahead is not None:
            entries, texts = self._ahead
            if self._at < len(entries) and entries[self._at] is entry:  # the one the workers rendered next
                self._at += 1
                return Markup(next(texts))
        return Markup(self._template(kind).render(**self._context(kind, entry, site_root)))

    def _template(self, kind: str) -> Any:
        if kind not in self._templates:
            self._templates[kind] = self.env.get_template(PIECE_TEMPLATES[kind].format(fmt=self.fmt))
        return self._templates[kind]

    def _context(self, kind: str, entry: Entry, site_root: str | None) -> dict[str, Any]:
        if kind == "section":  # the full record, read now: a catalogue of summaries never holds them all
            entry = next(self.cat.full([entry]))
        view = (row_view if kind == "row" else entry_view)(entry, self.cat, self.lang, self.anchors)
        return {"e": view, "labels": table_of(self.lang), "lang": self.lang, "site_root": site_root, "alone": False}

    @contextmanager
    def ahead(self, entries: Sequence[Entry], dirs: Sequence[Path]) -> Iterator[None]:
        """Within the block the sections of ``entries`` on one page are rendered in their order by
        worker processes (:func:`jwtool.catalogue.workers.started`), each under its own bounds
        (:func:`template_chunks`), as the page asks for them in that order; a section asked for out
        of that order is rendered when asked."""
        name = PIECE_TEMPLATES["section"].format(fmt=self.fmt)
        job = lambda i: "".join(template_chunks(self.env, dirs, name, self._context("section", entries[i], None)))  # noqa: E731
        with started(len(entries), job, ahead=4) as texts:  # before the page's bounded render, not in it
            self._ahead, self._at = (entries, texts), 0
            try:
                yield
            finally:
                self._ahead = None


def overview_context(cat: Catalogue, entries: Sequence[Entry] | None = None, lang: str = "nl", fmt: str = "html",
                     pieces: Pieces | None = None) -> dict[str, Any]:
    """The view model of ``render overview``: index, entries, map, gap maps, caveat, source, date.
    ``entries`` become :class:`OverviewEntry` items whose row and section render on demand through
    ``pieces`` (by default from the catalogue's templates)."""
    labels = table_of(lang)
    chosen = sorted(entries if entries is not None else cat.entries, key=Entry.sort_key)
    if pieces is None:
        pieces = Pieces(cat, environment(template_dirs(cat), fmt, lang), fmt, lang, chosen)
    anchors = pieces.anchors
    caveat, caveat_source = fields.caveat(cat.meta, lang, chosen)
    whole = _whole_page(cat, chosen, lang, fmt, anchors)
    return {
        "site_root": None, "page": "",
        "labels": labels, "lang": lang,
        "title": _str(cat.meta.get("title")) or label("overview.title", lang),
        "description": " ".join(_str(cat.meta.get("description")).split()),
        "report": fields.report(cat), "origins": origins(cat, chosen, lang), "caveat": caveat, "caveat_source": caveat_source,
        "caveat_is_source": caveat != label("caveat.default", lang),  # catalogue.yaml's words (Dutch), or jwtool's own
        "entries": [OverviewEntry(e, i, anchors[e.id], pieces) for i, e in enumerate(chosen)],
        **whole,
        "map_svg": Markup(whole["map_svg"]) if whole["map_svg"] else None,
    }


def origins(cat: Catalogue, entries: Sequence[Entry], lang: str) -> list[dict[str, str]]:
    """The sources the entries come from, with counts (:func:`jwtool.labels.fields.origins`); a
    source without a citation of its own is cited in APA style from its record."""
    out = fields.origins(cat, entries, lang)
    for o in out:
        record = cat.library.get(o["id"])
        if record is not None and not _str(record.data.get("citation")):
            o["citation"] = apa([record], lang).strip() or o["citation"]
    return out


def _whole_page(cat: Catalogue, chosen: Sequence[Entry], lang: str, fmt: str, anchors: dict[str, str]) -> dict[str, Any]:
    """The parts of the overview that look at every entry at once: facets and their data, gap
    maps (by phase and level, and by outcome), map, the evidence ladder, date."""
    data = filter_data(cat, chosen, with_text=False) if fmt == "html" else {}
    return {
        "date": fields.catalogue_date(chosen),
        "facets": facet_views(cat, lang, data) if fmt == "html" else [],
        "filter_data": data,  # the site's Bewijskaart page selects as the index does (jwtool.render.site.map_json)
        "filter_json": Streamed(data, lambda: page_texts(cat, chosen)) if fmt == "html" else "",
        "ladder": ladder(cat, chosen, lang),
        "gap": gap_maps(chosen, cat, lang, anchors),
        "gapmap": gapmap_view(chosen, cat, lang, anchors),
        "map_svg": map_svg(chosen, cat, lang) if fmt == "html" else None,
        "map_alt": map_alt(chosen, lang, "map.mermaid_note" if fmt == "md" else "overview.map.alt"),
        "mermaid": mermaid_map(chosen, cat, lang) if fmt == "md" else "",
    }


def facet_views(cat: Catalogue, lang: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The index's facets: name (the CLI option and URL parameter), label, and per value its
    label and how many entries it selects (``data``: :func:`filter_data`; the page updates the
    counts as filters change)."""
    out = []
    for facet, values in data["facets"].items():
        opts = []
        for v in values:
            text = label_or(f"kind.{v}", lang, v) if facet == "kind" else next(
                (fields.vocab_label(cat.vocab, n, v, lang) for n in FACETS[facet] if cat.vocab.get(n) is not None and v in cat.vocab[n]), v)
            opts.append({"id": v, "label": text, "count": len(values[v])})
        out.append({"name": facet, "label": label(f"site.facet.{facet.replace('-', '_')}", lang), "options": opts,
                    "single": facet in SINGLE})
    return out


def ladder(cat: Catalogue, entries: Sequence[Entry], lang: str) -> list[dict[str, Any]]:
    """The evidence ladder as the vocabulary defines it, highest level first, with how many
    entries stand on each step."""
    vocab = cat.vocab.get("evidence-levels")
    if vocab is None:
        return []
    # the verdicts' wordings, credited to the source they quote; none in a catalogue without that
    # source, and none from a vocabulary that does not say which source it is (a copy made before
    # wordings_source quotes the 2023 report, whatever the catalogue's main source now is)
    source = cat.library.sources.get(vocab.wordings_source) if vocab.wordings_source else None
    wordings_in = label("site.ladder.wordings_in", lang, source=fields.short_citation(source, lang)) if source else ""
    return [{"id": t.id, "label": clean(t.label_for(lang)), "definition": " ".join(t.definition.split()),
             "wordings": list(t.report_wordings) if source else [], "wordings_in": wordings_in, "rank": evidence_rank(cat, t.id),
             "count": plural("site.ladder.entries", sum(1 for e in entries if e.evidence_level == t.id), lang)}
            for t in reversed(vocab.ordered())]


def render_overview(cat: Catalogue, fmt: str = "html", lang: str = "nl", templates: Path | None = None,
                    entries: Sequence[Entry] | None = None) -> bytes:
    """The reading overview as one Markdown file or one self-contained HTML page."""
    return "".join(overview_chunks(cat, fmt, lang, templates, entries)).encode("utf-8")


def overview_chunks(cat: Catalogue, fmt: str = "html", lang: str = "nl", templates: Path | None = None,
                    entries: Sequence[Entry] | None = None) -> Iterator[str]:
    """The overview as a stream of text, so a large page is written without being held in memory."""
    # The collector stays on: Jinja2 leaves reference cycles behind (contexts, macros), and a
    # paused collector would keep them all for the whole page.
    dirs = template_dirs(cat, templates)
    env = environment(dirs, fmt, lang)
    chosen = sorted(entries if entries is not None else cat.entries, key=Entry.sort_key)
    pieces = Pieces(cat, env, fmt, lang, chosen)
    context = overview_context(cat, chosen, lang, fmt, pieces)
    if fmt == "html":
        context["css"] = inline_asset(dirs, "overview.css")
        context["script"] = inline_asset(dirs, "selection.js", "overview.js", *marks_js(dirs))
        context["csp"] = csp(style_hashes=[context["css"], *svg_styles(context["map_svg"])], script_hashes=[context["script"]])
    with pieces.ahead(chosen, dirs):
        yield from template_chunks(env, dirs, f"overview.{fmt}.j2", context)
