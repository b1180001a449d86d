"""Render the report's appendix and a reading overview of the catalogue from Jinja2 templates.

The work is split in two: plain functions here turn entries into *view models* (dicts of
strings, lists and labels, sorted and deterministic), and templates only lay them out. Word output
(:mod:`jwtool.render_docx`) reads the same view model, so every format shows the same rows.

Entries are untrusted, so escaping is not left to template authors' care: HTML templates are
autoescaped, Markdown templates escape every ``{{ value }}`` through ``finalize`` (a template
must opt out explicitly with a filter that returns Markup), and links are only made for http(s)
URLs. Templates are looked up in ``--templates DIR`` first, then in the catalogue's
``templates/``; an undefined variable is an error, not an empty string.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool import fields, mdtext
from jwtool.fields import clean
from jwtool.labels import LANGS, LabelError, label
from jwtool.labels import labels as table_of
from jwtool.model import Entry

if TYPE_CHECKING:
    from jinja2 import Environment

    from jwtool.catalogue import Catalogue
    from jwtool.vocab import Vocabulary

FORMATS_APPENDIX = ("md", "html", "docx")
FORMATS_OVERVIEW = ("md", "html")
STYLES = ("full", "summary")
APPENDIX_TABLES = ("B2.1", "B2.2")
SUMMARY_TABLES = ("3.1", "3.2")

FULL_COLUMNS = ("target_group", "goals", "activities", "course", "results", "evidence", "working_elements")
SUMMARY_COLUMNS = ("target_group", "goals", "components")


class RenderError(Exception):
    """A template cannot be found, parsed or filled; the message names the template and line."""


# --- Safe text -------------------------------------------------------------------------------

_HTTP_URL = re.compile(r"^https?://[^\s<>\"'`\\\x00-\x1f\x7f]+$", re.IGNORECASE)


def http_url(value: Any) -> str:
    """The URL if it is a plain http(s) URL, else ""; ``javascript:``, ``data:`` etc. never link."""
    text = str(value or "").strip()
    return text if _HTTP_URL.match(text) else ""


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_marks(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


def fold_for_search(text: str) -> str:
    """Lower-case without accents; the overview's filter script folds typed text the same way.

    Only the non-ASCII runs are looked at character by character: at 10,000 entries the search
    text of the overview is 15 MB, and a loop over every character took seconds.
    """
    decomposed = unicodedata.normalize("NFD", text)
    if not decomposed.isascii():
        decomposed = _NON_ASCII.sub(_drop_marks, decomposed)
    return " ".join(decomposed.lower().split())


def anchor_ids(entries: Sequence[Entry]) -> dict[str, str]:
    """A safe, unique HTML id per entry id (``e-`` + slug); ids from strangers never reach markup raw."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for e in entries:
        base = "e-" + (re.sub(r"[^a-z0-9-]+", "-", e.id.lower()).strip("-") or "entry")
        aid, n = base, 2
        while aid in used:
            aid, n = f"{base}-{n}", n + 1
        used.add(aid)
        out[e.id] = aid
    return out


# --- Jinja2 environments -----------------------------------------------------------------------


def _md_finalize(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return mdtext.escape(clean(value))


def _md_cell(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, (list, tuple)):
        return Markup("<br>".join("• " + mdtext.cell(clean(v)) for v in value if str(v).strip()))
    return Markup(mdtext.cell(clean(value)))


def _md_text(value: Any) -> Any:
    """A paragraph of escaped Markdown; line breaks are kept as hard breaks."""
    from markupsafe import Markup

    lines = [mdtext.escape(" ".join(line.split())) for line in clean(value).split("\n")]
    return Markup("  \n".join(line for line in lines if line))


def _md_link(url: Any, text: Any = None) -> Any:
    from markupsafe import Markup

    label = mdtext.escape(" ".join(clean(text if text is not None else url).split()))
    target = http_url(url)
    if not target:
        return Markup(label)
    target = target.replace("(", "%28").replace(")", "%29")
    return Markup(f"[{label}](<{target}>)")


def _md_anchor_link(anchor: str, text: Any) -> Any:
    from markupsafe import Markup

    return Markup(f"[{mdtext.escape(' '.join(clean(text).split()))}](#{anchor})")


def _html_link(url: Any, text: Any = None) -> Any:
    from markupsafe import Markup, escape

    label = escape(clean(text if text is not None else url))
    target = http_url(url)
    if not target:
        return label
    return Markup('<a href="{0}" rel="noopener noreferrer">{1}</a>').format(target, label)


def _html_text(value: Any) -> Any:
    """Escaped text with line breaks kept as <br>."""
    from markupsafe import Markup, escape

    return Markup("<br>\n").join(escape(line) for line in clean(value).strip().split("\n"))


def _label_filter(lang: str) -> Any:
    def label_filter(key: str, **kwargs: Any) -> str:
        try:
            return label(key, lang, **kwargs)
        except LabelError as exc:
            raise RenderError(str(exc)) from None

    return label_filter


def template_dirs(cat: Catalogue, extra: Path | None = None) -> list[Path]:
    """Where templates are looked up: ``--templates DIR`` first, then the catalogue's templates/."""
    dirs = [extra] if extra is not None else []
    dirs.append(cat.layout.templates)
    return dirs


def environment(dirs: Sequence[Path], fmt: str, lang: str) -> Environment:
    """A strict environment: HTML autoescaped, Markdown escaped by ``finalize``.

    Sandboxed: templates come from the catalogue's templates/ or ``--templates DIR``, so a pull
    request can change them; Jinja's sandbox refuses access to internals (``__class__``,
    ``__subclasses__``, ``__globals__``...), which is how a template would reach ``os.popen``.
    The refusal is a ``SecurityError``, reported like any other template error.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in dirs])
    if fmt == "html":
        env = SandboxedEnvironment(loader=loader, autoescape=True, undefined=StrictUndefined,
                                   keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        env.filters.update(link=_html_link, text=_html_text)
    else:
        env = SandboxedEnvironment(loader=loader, autoescape=False, undefined=StrictUndefined, finalize=_md_finalize,
                                   keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        env.filters.update(link=_md_link, cell=_md_cell, text=_md_text, anchor_link=_md_anchor_link)
    env.filters["http_url"] = http_url
    env.filters["label"] = _label_filter(lang)
    env.tests["http_url"] = lambda v: bool(http_url(v))
    env.globals["lang"] = lang
    return env


def render_template(dirs: Sequence[Path], name: str, fmt: str, lang: str, context: dict[str, Any]) -> str:
    """Fill one template; every Jinja2 problem becomes a :class:`RenderError` with file and line."""
    return "".join(template_chunks(environment(dirs, fmt, lang), dirs, name, context))


def template_chunks(env: Environment, dirs: Sequence[Path], name: str, context: dict[str, Any]) -> Iterator[str]:
    """The filled template as a stream of text that ends with a newline; Jinja2 problems (also
    in pieces rendered on the way) become a :class:`RenderError` with file and line."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    from jwtool.safetext import visible

    last = ""
    try:
        template = env.get_template(name)
        for chunk in template.generate(**context):
            if chunk:
                last = chunk
                yield visible(chunk)  # a control character that reached a page is shown, not kept raw
    except TemplateNotFound as exc:
        raise RenderError(f"template {exc.name!r} not found in {', '.join(str(d) for d in dirs)}") from None
    except TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}") from None
    except TemplateError as exc:
        where = _template_line(exc)
        raise RenderError(f"template {name}{where}: {exc}") from None
    if not last.endswith("\n"):
        yield "\n"


def _template_line(exc: BaseException) -> str:
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f" ({filename}:{tb.tb_lineno})"
        tb = tb.tb_next
    return found


# --- View models ---------------------------------------------------------------------------------


_str, _strs = fields.text, fields.texts


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _vlabel(vocab: dict[str, Vocabulary], name: str, term: str, lang: str) -> str:
    v = vocab.get(name)
    return clean(v.label(term, lang)) if v is not None else term


def catalogue_date(entries: Iterable[Entry]) -> str:
    """The newest ``last_reviewed`` of the entries: the date the output was rendered from."""
    dates = [d for d in (_str(e.data.get("last_reviewed")) for e in entries) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]
    return max(dates) if dates else ""


@dataclass
class SourceIndex:
    """Numbers the sources of a document in order of first appearance (one URL, one number)."""

    items: list[dict[str, Any]]

    def number(self, source: dict[str, Any]) -> dict[str, Any]:
        url = _str(source.get("url"))
        title = _str(source.get("title")) or url
        for item in self.items:
            if item["url"] == url and item["title"] == title:
                return item
        item = {"n": len(self.items) + 1, "title": title, "url": url, "link": http_url(url),
                "note": _str(source.get("note")), "kind": _str(source.get("kind"))}
        self.items.append(item)
        return item


def _report(cat: Catalogue) -> dict[str, str]:
    r = cat.report()
    return {"title": _str(r.get("title")), "citation": _str(r.get("citation")), "year": _str(r.get("year")),
            "publisher": _str(r.get("publisher")), "id": _str(r.get("id"))}


def _cell(key: str, entry: Entry) -> dict[str, Any]:
    d = entry.data
    text, items = "", []
    if key == "target_group":
        text = _str(entry.target_group.get("description"))
    elif key == "goals":
        text = _str(entry.goals.get("description"))
    elif key == "activities":
        text = _str(d.get("activities"))
    elif key == "course":
        text = _str(_dict(d.get("course")).get("description"))
    elif key == "results":
        text = _str(_dict(d.get("results")).get("description"))
    elif key == "evidence":
        text = _str(entry.evidence.get("verdict"))
    elif key == "working_elements":
        items = [t for t in (_str(w.get("text")) for w in entry.working_elements) if t]
    elif key == "components":
        items = _strs(d.get("components"))
    return {"key": key, "text": text, "items": items}


def _summary_cell(key: str, entry: Entry) -> dict[str, Any]:
    if key == "target_group":
        return {"key": key, "text": _str(entry.target_group.get("summary")) or _str(entry.target_group.get("description")), "items": []}
    if key == "goals":
        return {"key": key, "text": _str(entry.goals.get("summary")) or _str(entry.goals.get("description")), "items": []}
    return _cell(key, entry)


def appendix_entries(entries: Iterable[Entry], style: str = "full") -> dict[str, list[Entry]]:
    """The rows of each appendix table (B2.1/B2.2, or 3.1/3.2 for the summary), in report order."""
    tables = SUMMARY_TABLES if style == "summary" else APPENDIX_TABLES
    out: dict[str, list[Entry]] = {t: [] for t in tables}
    for e in sorted(entries, key=Entry.sort_key):
        table = _str(e.provenance.get("summary_table")) if style == "summary" else e.table
        if table in out:
            out[table].append(e)
    return out


def appendix_context(cat: Catalogue, entries: Sequence[Entry], style: str = "full", lang: str = "nl") -> dict[str, Any]:
    """The view model of ``render appendix``: tables of rows, their columns and numbered sources."""
    labels = table_of(lang)
    keys = SUMMARY_COLUMNS if style == "summary" else FULL_COLUMNS
    columns = [{"key": "interventie", "label": label("col.interventie", lang)}]
    columns += [{"key": k, "label": label(f"col.{k}", lang)} for k in keys]
    sources = SourceIndex([])
    anchors = anchor_ids(list(entries))
    tables = []
    for table_id, rows in appendix_entries(entries, style).items():
        out_rows = []
        for e in rows:
            refs = [sources.number(s) for s in e.sources] if style == "full" else []
            cells = [(_summary_cell if style == "summary" else _cell)(k, e) for k in keys]
            out_rows.append({"id": e.id, "anchor": anchors[e.id], "name": _str(e.name) or e.id,
                             "providers": _str(e.providers.get("description")) if style == "full" else "",
                             "refs": refs, "cells": cells})
        tables.append({"id": table_id, "title": label(f"table.{table_id}", lang), "rows": out_rows})
    return {
        "labels": labels, "lang": lang, "style": style,
        "title": label("appendix.title.summary" if style == "summary" else "appendix.title", lang),
        "catalogue_title": _str(cat.meta.get("title")),
        "columns": columns, "tables": [t for t in tables if t["rows"]], "all_tables": tables,
        "sources": sources.items, "date": catalogue_date(entries), "report": _report(cat),
        "count": sum(len(t["rows"]) for t in tables),
    }


def row_view(entry: Entry, cat: Catalogue, lang: str, anchors: dict[str, str]) -> dict[str, Any]:
    """What the overview's index row shows of one entry, and what its client-side filter matches."""
    vocab, d = cat.vocab, entry.data
    elements = [_str(w.get("text")) for w in entry.working_elements]
    element_labels = [_vlabel(vocab, "working-elements", i, lang) for w in entry.working_elements for i in _strs(w.get("elements"))]
    targets = entry.education_levels + entry.characteristics
    search_parts = [entry.id, entry.name, *entry.aliases, entry.summary, _str(entry.providers.get("description")),
                    *entry.organisations, _str(entry.target_group.get("description")), _str(entry.target_group.get("summary")),
                    _str(entry.goals.get("description")), *_strs(d.get("components")), *elements, *element_labels]
    return {
        **_heading_view(entry, cat, lang, anchors),
        # what the overview's client-side filter matches on
        "filter": {"phases": " ".join(entry.phases), "targets": " ".join(targets), "elements": " ".join(entry.element_ids),
                   "search": fold_for_search(" ".join(p for p in search_parts if p))},
    }


def _heading_view(entry: Entry, cat: Catalogue, lang: str, anchors: dict[str, str]) -> dict[str, Any]:
    """The fields an index row and a section both show."""
    vocab = cat.vocab
    return {
        "id": entry.id, "anchor": anchors[entry.id], "name": _str(entry.name) or entry.id,
        "kind": fields.kind(entry, lang), "kind_id": entry.kind,
        "phases": [_vlabel(vocab, "phases", p, lang) for p in entry.phases],
        "target_group": {"summary": _str(entry.target_group.get("summary")),
                         "levels": [_vlabel(vocab, "education-levels", x, lang) for x in entry.education_levels]},
        "evidence": {"level": _vlabel(vocab, "evidence-levels", entry.evidence_level, lang) if entry.evidence_level else ""},
        "element_labels": [_vlabel(vocab, "working-elements", i, lang) for i in entry.element_ids],
        "evidence_level_id": entry.evidence_level,
    }


def entry_view(entry: Entry, cat: Catalogue, lang: str, anchors: dict[str, str]) -> dict[str, Any]:
    """Every field of one entry, labelled and cleaned, for its section of the overview."""
    vocab, d = cat.vocab, entry.data
    prov, course, results, ev = entry.provenance, _dict(d.get("course")), _dict(d.get("results")), entry.evidence
    elements = []
    for w in entry.working_elements:
        ids = _strs(w.get("elements"))
        elements.append({"text": _str(w.get("text")), "elements": [_vlabel(vocab, "working-elements", i, lang) for i in ids]})
    factors = [{"factor": _vlabel(vocab, "success-factors", _str(s.get("factor")), lang), "title": _str(s.get("title")),
                "example": _str(s.get("example")), "section": _str(s.get("section"))} for s in entry.success_factors]
    sources = [{"title": _str(s.get("title")) or _str(s.get("url")), "url": _str(s.get("url")), "link": http_url(s.get("url")),
                "kind": _str(s.get("kind")), "note": _str(s.get("note"))} for s in entry.sources]
    studies = [{"url": u, "link": http_url(u)} for u in _strs(ev.get("studies"))]
    view = {
        "id": entry.id, "anchor": anchors[entry.id], "name": _str(entry.name) or entry.id,
        "kind": fields.kind(entry, lang), "kind_id": entry.kind,
        "aliases": entry.aliases and _strs(entry.aliases), "summary": _str(entry.summary),
        "providers": {"description": _str(entry.providers.get("description")),
                      "organisations": _strs(entry.providers.get("organisations")),
                      "commissioned_by": _strs(entry.providers.get("commissioned_by")),
                      "developed_by": _strs(entry.providers.get("developed_by"))},
        "region": fields.region(entry, lang),
        "phases": [_vlabel(vocab, "phases", p, lang) for p in entry.phases],
        "target_group": {"description": _str(entry.target_group.get("description")), "summary": _str(entry.target_group.get("summary")),
                         "levels": [_vlabel(vocab, "education-levels", x, lang) for x in entry.education_levels],
                         "age": fields.age(entry, lang),
                         "characteristics": [_vlabel(vocab, "target-characteristics", x, lang) for x in entry.characteristics]},
        "goals": {"description": _str(entry.goals.get("description")), "summary": _str(entry.goals.get("summary")),
                  "tags": [_vlabel(vocab, "goal-tags", x, lang) for x in entry.goal_tags]},
        "components": _strs(d.get("components")),
        "activities": _str(d.get("activities")),
        "course": {"description": _str(course.get("description")), "period": fields.period(course, lang),
                   "status": fields.status(course, lang), "scale": fields.scale(course, lang)},
        "results": {"description": _str(results.get("description")), "figures": fields.figures(entry, lang)},
        "evidence": {"verdict": _str(ev.get("verdict")),
                     "level": _vlabel(vocab, "evidence-levels", entry.evidence_level, lang) if entry.evidence_level else "",
                     "control_group": fields.yes_no(ev.get("control_group"), lang),
                     "cost_benefit": fields.yes_no(ev.get("cost_benefit"), lang),
                     "studies": studies},
        "working_elements": elements,
        "success_factors": factors,
        "sources": sources,
        "provenance": {"report": _str(prov.get("report")), "table": _str(prov.get("table")),
                       "summary_table": _str(prov.get("summary_table")), "order": _str(prov.get("order")),
                       "sections": _strs(prov.get("sections"))},
        "notes": _strs(d.get("notes")),
        "last_reviewed": _str(d.get("last_reviewed")),
    }
    return {**_heading_view(entry, cat, lang, anchors), **view}


def _used_terms(vocab: Vocabulary | None, used: set[str], lang: str) -> list[dict[str, str]]:
    if vocab is None:
        return [{"id": t, "label": t} for t in sorted(used)]
    known = [{"id": t.id, "label": clean(t.label_for(lang))} for t in vocab.ordered() if t.id in used]
    return known + [{"id": t, "label": t} for t in sorted(used - {t.id for t in vocab})]


GAP_LIST_MAX = 25  # a cell names at most this many entries, then says how many more


def gap_maps(entries: Sequence[Entry], cat: Catalogue, lang: str, anchors: dict[str, str]) -> dict[str, Any]:
    """Working elements × phases and × evidence levels; each cell lists the entries (a gap is empty).

    A cell names its first :data:`GAP_LIST_MAX` entries and counts the rest: at 10,000 entries a
    full list made the page tens of megabytes of links nobody reads.
    """
    vocab = cat.vocab
    elements_vocab = vocab.get("working-elements")
    element_ids = [t.id for t in elements_vocab] if elements_vocab else []
    used_elements = {x for e in entries for x in e.element_ids}
    element_ids += sorted(used_elements - set(element_ids))
    groups = elements_vocab.groups if elements_vocab else {}

    def columns(name: str, used: set[str]) -> list[dict[str, str]]:
        v = vocab.get(name)
        cols = [{"id": t.id, "label": clean(t.label_for(lang))} for t in v.ordered()] if v else []
        return cols + [{"id": u, "label": u} for u in sorted(used - {c["id"] for c in cols})]

    def grid(cols: list[dict[str, str]], values: Any) -> list[dict[str, Any]]:
        # one pass over the entries (not elements × columns × entries: that was minutes at 10,000)
        col_ids = [c["id"] for c in cols]
        cells_of: dict[str, dict[str, list[Entry]]] = {el: {c: [] for c in col_ids} for el in element_ids}
        totals: dict[str, set[str]] = {el: set() for el in element_ids}
        for e in entries:
            vs = [v for v in dict.fromkeys(values(e)) if v in col_ids]
            for el in e.element_ids:
                for v in vs:
                    cells_of[el][v].append(e)
                    totals[el].add(e.id)
        rows = []
        for el in element_ids:
            term = elements_vocab.terms.get(el) if elements_vocab else None
            group = groups.get(term.group, {}) if term else {}
            glabel = _str(group.get("label_en") if lang == "en" and group.get("label_en") else group.get("label"))
            cells = []
            for c in cols:
                members = cells_of[el][c["id"]]
                refs = [{"id": e.id, "anchor": anchors[e.id], "name": _str(e.name) or e.id} for e in members[:GAP_LIST_MAX]]
                cells.append({"column": c["label"], "entries": refs, "count": len(members), "more": max(0, len(members) - GAP_LIST_MAX)})
            rows.append({"id": el, "label": _vlabel(vocab, "working-elements", el, lang), "group": glabel,
                         "cells": cells, "total": len(totals[el])})
        return rows

    phase_cols = columns("phases", {p for e in entries for p in e.phases})
    level_cols = columns("evidence-levels", {e.evidence_level for e in entries if e.evidence_level})
    return {
        "phases": {"columns": phase_cols, "rows": grid(phase_cols, lambda e: e.phases)},
        "levels": {"columns": level_cols, "rows": grid(level_cols, lambda e: [e.evidence_level])},
    }


def mermaid_map(entries: Sequence[Entry], cat: Catalogue, lang: str) -> str:
    """The working-element map as a Mermaid flowchart (without the fence) for the Markdown overview.

    Drawn by :func:`jwtool.graph_export.to_mermaid` (the same map ``jwtool map`` exports), so both
    commands show one picture; labels are escaped there. Above :data:`MAP_ENTRIES_MAX` entries the
    elements named together, as in :func:`map_svg` (every entry took 12 s and 54 MB at 10,000
    entries, for a diagram GitHub refuses to draw).
    """
    from jwtool.graph_export import to_mermaid

    lines = to_mermaid(_map_graph(entries, cat), cat.vocab).strip().splitlines()
    return "\n".join(line for line in lines if not line.startswith("```"))


MAP_ENTRIES_MAX = 200  # beyond this a map of every entry is unreadable: the elements are drawn instead


def _map_graph(entries: Sequence[Entry], cat: Catalogue) -> Any:
    """What the overview's map draws: every entry and its elements, or only the elements."""
    from jwtool.graph import build_graph, element_network

    return (element_network if len(entries) > MAP_ENTRIES_MAX else build_graph)(list(entries), cat.vocab)


def map_svg(entries: Sequence[Entry], cat: Catalogue, lang: str) -> str:
    """The working-element map as inline SVG, drawn by :func:`jwtool.graph_svg.render_svg` (see
    :func:`_map_graph`; a drawing of 10,000 rows helps nobody and took seconds)."""
    from jwtool.graph_svg import render_svg

    return render_svg(_map_graph(entries, cat), cat.vocab, title=label("overview.map", lang), lang=lang)


def map_alt(entries: Sequence[Entry], lang: str, small: str = "overview.map.alt") -> str:
    """The map's caption (``small``: the label for a map of every entry); what the map shows
    depends on the number of entries (see :func:`_map_graph`)."""
    if len(entries) > MAP_ENTRIES_MAX:
        return label("overview.map.alt.elements", lang, n=len(entries))
    return label(small, lang)


class OverviewEntry:
    """One entry as the overview page template sees it: ``e.row`` (its index row) and
    ``e.section`` (its full section), each rendered when the template asks for it, so the page
    never holds every section at once."""

    __slots__ = ("_pieces", "anchor", "entry", "id", "index", "name")

    def __init__(self, entry: Entry, index: int, anchor: str, pieces: Pieces) -> None:
        self.entry, self.index, self.id, self.anchor, self._pieces = entry, index, entry.id, anchor, pieces
        self.name = _str(entry.name) or entry.id

    @property
    def row(self) -> Any:
        return self._pieces.render("row", self.entry)

    @property
    def section(self) -> Any:
        return self._pieces.render("section", self.entry)


PIECE_TEMPLATES = {"row": "partials/index-row.{fmt}.j2", "section": "partials/entry.{fmt}.j2"}


class Pieces:
    """Renders an entry's index row or section through its partial template."""

    def __init__(self, cat: Catalogue, env: Environment, fmt: str, lang: str, entries: Sequence[Entry]) -> None:
        self.cat, self.env, self.fmt, self.lang = cat, env, fmt, lang
        self.anchors = anchor_ids(entries)
        self._templates: dict[str, Any] = {}

    def render(self, kind: str, entry: Entry) -> Any:
        from markupsafe import Markup

        if kind not in self._templates:
            self._templates[kind] = self.env.get_template(PIECE_TEMPLATES[kind].format(fmt=self.fmt))
        view = (row_view if kind == "row" else entry_view)(entry, self.cat, self.lang, self.anchors)
        return Markup(self._templates[kind].render(e=view, labels=table_of(self.lang), lang=self.lang))


def overview_context(cat: Catalogue, entries: Sequence[Entry] | None = None, lang: str = "nl", fmt: str = "html",
                     pieces: Pieces | None = None) -> dict[str, Any]:
    """The view model of ``render overview``: index, entries, map, gap maps, caveat, source, date.

    ``entries`` are :class:`OverviewEntry` items whose row and section render on demand through
    ``pieces`` (by default from the catalogue's templates).
    """
    from markupsafe import Markup

    labels = table_of(lang)
    chosen = sorted(entries if entries is not None else cat.entries, key=Entry.sort_key)
    if pieces is None:
        pieces = Pieces(cat, environment(template_dirs(cat), fmt, lang), fmt, lang, chosen)
    anchors = pieces.anchors
    caveat, caveat_source = fields.caveat(cat.meta)
    whole = _whole_page(cat, chosen, lang, fmt, anchors)
    return {
        "labels": labels, "lang": lang,
        "title": _str(cat.meta.get("title")) or label("overview.title", lang),
        "description": " ".join(_str(cat.meta.get("description")).split()),
        "report": _report(cat), "caveat": caveat, "caveat_source": caveat_source,
        "entries": [OverviewEntry(e, i, anchors[e.id], pieces) for i, e in enumerate(chosen)],
        **whole,
        "map_svg": Markup(whole["map_svg"]) if whole["map_svg"] else None,
    }


def _whole_page(cat: Catalogue, chosen: Sequence[Entry], lang: str, fmt: str, anchors: dict[str, str]) -> dict[str, Any]:
    """The parts of the overview that look at every entry at once: filter options, gap maps,
    map, date."""
    levels_used = {x for e in chosen for x in e.education_levels}
    chars_used = {x for e in chosen for x in e.characteristics}
    elements_vocab = cat.vocab.get("working-elements")
    element_opts = _used_terms(elements_vocab, {x for e in chosen for x in e.element_ids}, lang)
    return {
        "date": catalogue_date(chosen),
        "filters": {
            "levels": _used_terms(cat.vocab.get("education-levels"), levels_used, lang),
            "characteristics": _used_terms(cat.vocab.get("target-characteristics"), chars_used, lang),
            "phases": _used_terms(cat.vocab.get("phases"), {p for e in chosen for p in e.phases}, lang),
            "elements": element_opts,
        },
        "gap": gap_maps(chosen, cat, lang, anchors),
        "map_svg": map_svg(chosen, cat, lang) if fmt == "html" else None,
        "map_alt": map_alt(chosen, lang, "map.mermaid_note" if fmt == "md" else "overview.map.alt"),
        "mermaid": mermaid_map(chosen, cat, lang) if fmt == "md" else "",
    }


# --- Documents -----------------------------------------------------------------------------------


def render_appendix(cat: Catalogue, entries: Sequence[Entry], fmt: str = "md", style: str = "full", lang: str = "nl",
                    templates: Path | None = None) -> bytes:
    """The appendix tables as Markdown, HTML or Word (bytes, deterministic)."""
    context = appendix_context(cat, entries, style, lang)
    dirs = template_dirs(cat, templates)
    if fmt == "docx":
        from jwtool.render_docx import appendix_docx

        return appendix_docx(context, reference=find_template(dirs, "reference.docx"))
    context["css"] = _css(dirs, "appendix.css") if fmt == "html" else ""
    context["csp"] = _csp(style_hashes=[context["css"]]) if fmt == "html" else ""
    return render_template(dirs, f"appendix.{fmt}.j2", fmt, lang, context).encode("utf-8")


def render_overview(cat: Catalogue, fmt: str = "html", lang: str = "nl", templates: Path | None = None,
                    entries: Sequence[Entry] | None = None) -> bytes:
    """The reading overview as one Markdown file or one self-contained HTML page."""
    return "".join(overview_chunks(cat, fmt, lang, templates, entries)).encode("utf-8")


def overview_chunks(cat: Catalogue, fmt: str = "html", lang: str = "nl", templates: Path | None = None,
                    entries: Sequence[Entry] | None = None) -> Iterator[str]:
    """The overview as a stream of text, so a large page is written without being held in memory."""
    # The collector stays on: Jinja2 leaves reference cycles behind (contexts, macros; 60 objects
    # per entry), and pausing it kept them all (+90 MB at 10,000 entries) to save 0.3 s of 11.
    dirs = template_dirs(cat, templates)
    env = environment(dirs, fmt, lang)
    chosen = sorted(entries if entries is not None else cat.entries, key=Entry.sort_key)
    pieces = Pieces(cat, env, fmt, lang, chosen)
    context = overview_context(cat, chosen, lang, fmt, pieces)
    if fmt == "html":
        context["css"] = _css(dirs, "overview.css")
        context["script"] = _asset(dirs, "overview.js")
        context["csp"] = _csp(style_hashes=[context["css"], *_svg_styles(context["map_svg"])], script_hashes=[context["script"]])
    yield from template_chunks(env, dirs, f"overview.{fmt}.j2", context)


def find_template(dirs: Sequence[Path], name: str) -> Path | None:
    for d in dirs:
        if (d / name).is_file():
            return d / name
    return None


def _asset(dirs: Sequence[Path], name: str) -> str:
    """A CSS or JS file from the templates folders, inlined (the page then needs no other file)."""
    path = find_template(dirs, name)
    if path is None:
        raise RenderError(f"template {name!r} not found in {', '.join(str(d) for d in dirs)}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"{path}: cannot read: {exc}") from None
    if "</" in text:
        raise RenderError(f"{path}: an inlined asset may not contain '</' (it would end the <style>/<script> element)")
    return text.replace("\r\n", "\n")


def _css(dirs: Sequence[Path], name: str) -> str:
    return _asset(dirs, name)


def _svg_styles(svg: str | None) -> list[str]:
    """Contents of <style> elements inside the inlined SVG map: they need a CSP hash too."""
    if not svg:
        return []
    return re.findall(r"<style[^>]*>(.*?)</style>", svg, flags=re.DOTALL)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _csp(style_hashes: Sequence[str] = (), script_hashes: Sequence[str] = ()) -> str:
    """A Content-Security-Policy for a page that loads nothing: only its own hashed inline CSS/JS."""
    styles = " ".join(sorted({_sha256(s) for s in style_hashes})) or "'none'"
    scripts = " ".join(sorted({_sha256(s) for s in script_hashes})) or "'none'"
    return (f"default-src 'none'; img-src 'self' data:; style-src {styles}; script-src {scripts}; "
            "base-uri 'none'; form-action 'none'")
