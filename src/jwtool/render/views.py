"""What list, search, show and compare print, as plain data and text, without rich.

The CLI turns these into rich tables on a terminal; JSON, CSV, Markdown and piped text come
straight from here, so scripts and tests see exactly what people see.
"""

from __future__ import annotations

from typing import Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.labels import DEFAULT_LANG, fields, label, label_or
from jwtool.labels.view import entry_view
from jwtool.query.compare import Comparison
from jwtool.query.export import csv_rows, dumps
from jwtool.query.search import Hit
from jwtool.render import escaping as mdtext

Vocab = dict[str, Vocabulary]


# The compare JSON document as scripts have always read it: aspect labels in English, the
# vocabularies' own (Dutch) labels. JSON never follows --lang, so a script's input does not
# depend on the language of the person who runs it.
JSON_LANG, JSON_TERM_LANG = "en", "nl"


def _label(vocab: Vocab | None, name: str, term: str, lang: str = DEFAULT_LANG) -> str:
    v = (vocab or {}).get(name)
    return v.label(term, lang) if v else term


def summary(entry: Entry) -> dict[str, Any]:
    """The columns of ``jwtool list``: id, name, kind, phases, education levels, evidence level."""
    return {
        "id": entry.id,
        "name": entry.name,
        "kind": entry.kind,
        "phases": entry.phases,
        "education_levels": entry.education_levels,
        "evidence_level": entry.evidence_level,
    }


def hit_row(hit: Hit) -> dict[str, Any]:
    row = summary(hit.entry)
    if hit.field:
        row.update(score=hit.score, match={"tier": hit.tier, "field": hit.field, "snippet": hit.snippet})
    return row


def field_label(path: str, lang: str) -> str:
    """The name people know a field by, for the path of a search hit: ``notes[5]`` is "Notities",
    ``evidence.studies[0].findings[1].quote`` "Evaluatiestudies". JSON and CSV keep the path."""
    top = path.split(".")[0].split("[")[0]
    if top == "evidence" and path.startswith("evidence.studies"):
        top = "evidence.studies"
    return label_or(f"f.{top}", lang, path)


def shown(row: dict[str, Any], vocab: Vocab | None, lang: str) -> dict[str, Any]:
    """A summary or hit row for people: kind, phases and evidence level as their labels in
    ``lang`` (education levels keep their short names: vso, pro, mbo-2), the field of a hit by its
    name. JSON and CSV keep ids and paths."""
    out = row | {
        "kind": label_or(f"kind.{row['kind']}", lang, row["kind"]) if row["kind"] else "",
        "phases": [_label(vocab, "phases", p, lang) for p in row["phases"]],
        "evidence_level": _label(vocab, "evidence-levels", row["evidence_level"], lang) if row["evidence_level"] else "",
    }
    if row.get("match"):
        out["match"] = row["match"] | {"field": field_label(str(row["match"].get("field", "")), lang)}
    return out


def text_header(with_match: bool, lang: str) -> list[str]:
    """The column names of piped ``list`` and ``search`` text, in ``lang``."""
    names = ["list.id", "list.title", "list.kind", "list.phases", "list.levels", "list.evidence"]
    return [label(n, lang) for n in names + (["list.field", "list.snippet"] if with_match else [])]


def flat_row(row: dict[str, Any]) -> list[str]:
    """A summary or hit row as CSV/TSV cells (lists joined with `` | ``)."""
    cells = []
    for value in row.values():
        if isinstance(value, dict):
            cells.extend(str(v) for v in value.values())
        elif isinstance(value, list):
            cells.append(" | ".join(value))
        else:
            cells.append(str(value))
    return cells


def row_header(with_match: bool) -> list[str]:
    header = list(summary(Entry({})).keys())
    return header + ["score", "match_tier", "match_field", "snippet"] if with_match else header


# --- list and search rows as text --------------------------------------------------------------


def json_rows(rows: list[dict[str, Any]], with_match: bool, vocab: Vocab | None = None, lang: str = DEFAULT_LANG) -> str:
    """An array of rows with ids, the same in every language."""
    return dumps(rows)


def csv_rows_of(rows: list[dict[str, Any]], with_match: bool, vocab: Vocab | None = None, lang: str = DEFAULT_LANG) -> str:
    """CSV with a header of field names, then ids."""
    return csv_rows([row_header(with_match), *(flat_row(r) for r in rows)])


def text_rows(rows: list[dict[str, Any]], with_match: bool, vocab: Vocab | None = None, lang: str = DEFAULT_LANG) -> str:
    """Tab-separated text for people: a header line in ``lang``, then one line per row with
    labels; nothing at all for no rows."""
    out = ["\t".join(text_header(with_match, lang)) + "\n"] if rows else []
    for r in (shown(r, vocab, lang) for r in rows):
        cells = flat_row({k: (", ".join(v) if isinstance(v, list) else v) for k, v in r.items() if k != "score"})
        if with_match:  # drop the match tier: keep id, name, kind, phases, levels, evidence, field, snippet
            cells = cells[:6] + cells[7:]
        out.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return "".join(out)


# The formats of list and search rows (``--format``)
ROW_FORMATS = {"text": text_rows, "json": json_rows, "csv": csv_rows_of}


def render_rows(rows: list[dict[str, Any]], fmt: str, with_match: bool, vocab: Vocab | None = None, lang: str = DEFAULT_LANG) -> str:
    """List or search rows in one of :data:`ROW_FORMATS`."""
    return ROW_FORMATS[fmt](rows, with_match, vocab, lang)


# --- show: an entry as a card -------------------------------------------------------------------

Field = tuple[str, "str | list[str]"]


def _t(value: str) -> str:
    return " ".join(value.split())


def _block(value: str) -> str:
    """Verbatim text with its line structure (numbered lists in `activities`)."""
    return "\n".join(line.rstrip() for line in value.strip().splitlines())


def card(entry: Entry, vocab: Vocab | None = None, lang: str = DEFAULT_LANG) -> list[tuple[str, list[Field]]]:
    """The entry's view (:func:`jwtool.labels.view.entry_view`) in sections of (label, text or
    list of texts), a section per study; empty fields are left out."""
    out: list[tuple[str, list[Field]]] = []
    for section in entry_view(entry, vocab, lang).shown():
        if section.key == "evidence.studies":
            out += [(title, [(k, v) for k, v in items if v]) for title, items in (_study_section(s, lang) for s in section.fields[0].items)]
            continue
        out.append((section.label, [(f.label, [_t(x) for x in f.value] if isinstance(f.value, tuple) else _block(f.value) if f.block else _t(f.value))
                                    for f in section.fields]))
    return out


def _study_section(study: dict[str, Any], lang: str) -> tuple[str, list[Field]]:
    """A study as a section of the card, right after the evidence level it stands behind."""
    t = lambda key: label(key, lang)  # noqa: E731
    sources = [", ".join(x for x in (c["title"], label("study.page", lang, page=c["page"]) if c["page"] else "", ", ".join(c["sections"])) if x)
               for c in study["sources"]]
    return (label("study.heading", lang, title=study["title"]), [
        (t("study.id"), study["id"] if study["title"] != study["id"] else ""), (t("study.designs"), ", ".join(study["designs"])),
        (t("study.participants"), study["participants"]), (t("study.period"), study["period"]),
        (t("study.description"), study["description"]), (t("study.sources"), sources),
        (t("study.findings"), [fields.finding_line(f, lang) for f in study["findings"]])])


def card_text(entry: Entry, vocab: Vocab | None = None, lang: str = DEFAULT_LANG) -> str:
    """The card as plain text (piped output): a title line, then ``Label: value`` lines."""
    lines = [f"{entry.name} ({entry.id})"]
    for title, items in card(entry, vocab, lang):
        lines.append("")
        if title:
            lines.append(title)
        for name, value in items:
            indent = "  " if title else ""
            if name == title:
                lines.extend(f"  - {v}" for v in value) if isinstance(value, list) else lines.extend(f"  {v}" for v in value.splitlines())
            elif isinstance(value, list):
                lines.append(f"{indent}{name}:")
                lines.extend(f"{indent}  - {v}" for v in value)
            elif "\n" in value:
                lines.append(f"{indent}{name}:")
                lines.extend(f"{indent}  {v}" for v in value.splitlines())
            else:
                lines.append(f"{indent}{name}: {value}")
    return "\n".join(lines) + "\n"


# --- compare ----------------------------------------------------------------------------------


def similarity_value(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def comparison_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as one JSON document; the caveat is part of it, always."""
    ids = [e.id for e in c.entries]
    doc: dict[str, Any] = {
        "entries": [{"id": e.id, "name": e.name, "kind": e.kind} for e in c.entries],
        "aspects": [{"aspect": a.key, "label": a.label,
                     "values": [{"id": i, "lines": list(v)} for i, v in zip(ids, a.values)]} for a in c.aspects],
        "working_elements": [{"id": el, "label": c.element_labels[el], "shared": share,
                              "entries": [e.id for e in c.holders(el)]} for el, share in c.element_share.items()],
        "similarity": None,
        "caveat": {"text": c.caveat, "source": c.caveat_source},
    }
    if c.similarity is not None:
        doc["similarity"] = {"method": "jaccard", "of": "working elements", "ids": ids,
                             "matrix": [[None if v is None else round(v, 3) for v in row] for row in c.similarity]}
    return doc


def caveat_line(c: Comparison, lang: str = DEFAULT_LANG) -> str:
    return f"{label('compare.caveat', lang)}: {c.caveat}" + (f" ({label('compare.source', lang)}: {c.caveat_source})" if c.caveat_source else "")


def element_summary(c: Comparison, lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
    """(heading, text) lines: elements shared by all, by some (with who), unique (with whose)."""
    out: list[tuple[str, str]] = []
    for share in ("all", "some", "unique"):
        els = c.elements_by_share(share)
        if not els:
            continue
        if share == "all":
            text = ", ".join(c.element_labels[e] for e in els)
        else:
            text = "; ".join(f"{c.element_labels[e]} ({', '.join(h.name for h in c.holders(e))})" for e in els)
        out.append((label(f"compare.share.{share}", lang), text))
    return out


def comparison_text(c: Comparison, lang: str = DEFAULT_LANG) -> str:
    """Plain text for pipes: per aspect a heading and one line per entry (no table to break)."""
    lines = [f"{label('compare.title', lang)}: " + " | ".join(f"{e.name} ({e.id})" for e in c.entries)]
    for a in c.aspects:
        lines += ["", a.label]
        for e, value in zip(c.entries, a.values):
            lines.append(f"  {e.name}: " + ("; ".join(value) if value else "–"))
        if a.key == "results":
            lines += ["", caveat_line(c, lang)]
    lines += ["", label("compare.elements", lang)]
    lines += [f"  {head}: {text}" for head, text in element_summary(c, lang)] or ["  –"]
    if c.similarity is not None:
        lines += ["", label("compare.similarity", lang)]
        for i, (e, row) in enumerate(zip(c.entries, c.similarity), start=1):
            lines.append(f"  {i}. {e.name}: " + " ".join(similarity_value(v) for v in row))
    return "\n".join(lines) + "\n"


def comparison_markdown(c: Comparison, lang: str = DEFAULT_LANG) -> str:
    """A Markdown table (one column per entry), the caveat under the results, elements, matrix."""
    names = [mdtext.cell(e.name) for e in c.entries]
    lines = [f"| {label('compare.aspect', lang)} | " + " | ".join(names) + " |", "|---|" + "---|" * len(c.entries)]
    for a in c.aspects:
        lines.append(f"| {a.label} | " + " | ".join(mdtext.cell("\n".join(v)) or "–" for v in a.values) + " |")
    source = f" ({label('compare.source', lang)}: {mdtext.escape(c.caveat_source)})" if c.caveat_source else ""
    lines += ["", f"> **{label('compare.caveat', lang)}:** {mdtext.escape(c.caveat)}{source}", ""]
    lines += [f"## {label('compare.elements', lang)}", ""]
    lines += [f"- **{head}:** {mdtext.escape(text)}" for head, text in element_summary(c, lang)] or ["- –"]
    if c.similarity is not None:
        lines += ["", f"## {label('compare.similarity', lang)}", "",
                  "| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(c.entries)]
        for name, row in zip(names, c.similarity):
            lines.append(f"| {name} | " + " | ".join(similarity_value(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
