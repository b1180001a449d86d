"""What show and compare print, as plain data and text, without rich (list and search rows:
:mod:`jwtool.render.rows`).

The CLI turns these into rich tables on a terminal; JSON, Markdown and piped text come
straight from here, so scripts and tests see exactly what people see.
"""

from __future__ import annotations

from typing import Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.labels import DEFAULT_LANG, fields, label
from jwtool.labels.view import entry_view
from jwtool.query.compare import Comparison
from jwtool.render import escaping as mdtext

Vocab = dict[str, Vocabulary]


# The compare JSON document as scripts have always read it: aspect labels in English, the
# vocabularies' own (Dutch) labels. JSON never follows --lang, so a script's input does not
# depend on the language of the person who runs it.
JSON_LANG, JSON_TERM_LANG = "en", "nl"


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
    sources = [", ".join(x for x in (c["title"], label("study.page", lang, page=c["page"]) if c["page"] else "",
                                       label("study.sections", lang, sections=", ".join(c["sections"])) if c["sections"] else "") if x)
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
            below = [f"- {v}" for v in value] if isinstance(value, list) else value.splitlines()  # lines under a heading
            if name == title:
                lines.extend(f"  {v}" for v in below)
            elif isinstance(value, list) or "\n" in value:
                lines.append(f"{indent}{name}:")
                lines.extend(f"{indent}  {v}" for v in below)
            else:
                lines.append(f"{indent}{name}: {value}")
    return "\n".join(lines) + "\n"


# --- compare ----------------------------------------------------------------------------------


def similarity_value(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def comparison_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as one JSON document; the caveat is part of it, always."""
    ids = [e.id for e in c.entries]
    return {
        "entries": [{"id": e.id, "name": e.name, "kind": e.kind} for e in c.entries],
        "aspects": [{"aspect": a.key, "label": a.label,
                     "values": [{"id": i, "lines": list(v)} for i, v in zip(ids, a.values)]} for a in c.aspects],
        "working_elements": [{"id": el, "label": c.element_labels[el], "shared": share,
                              "entries": [e.id for e in c.holders(el)]} for el, share in c.element_share.items()],
        "similarity": None if c.similarity is None else {
            "method": "jaccard", "of": "working elements", "ids": ids,
            "matrix": [[None if v is None else round(v, 3) for v in row] for row in c.similarity]},
        "caveat": {"text": c.caveat, "source": c.caveat_source},
    }


def caveat_line(c: Comparison, lang: str = DEFAULT_LANG) -> str:
    return f"{label('compare.caveat', lang)}: {c.caveat}" + (f" ({label('compare.source', lang)}: {c.caveat_source})" if c.caveat_source else "")


def element_summary(c: Comparison, lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
    """(heading, text) lines: elements shared by all, by some (with who), unique (with whose)."""
    out: list[tuple[str, str]] = []
    for share in ("all", "some", "unique"):
        els = c.elements_by_share(share)
        if not els:
            continue
        text = (", ".join(c.element_labels[e] for e in els) if share == "all" else
                "; ".join(f"{c.element_labels[e]} ({', '.join(h.name for h in c.holders(e))})" for e in els))
        out.append((label(f"compare.share.{share}", lang), text))
    return out


def comparison_text(c: Comparison, lang: str = DEFAULT_LANG) -> str:
    """Plain text for pipes: per aspect a heading and one line per entry (no table to break)."""
    lines = [f"{label('compare.title', lang)}: " + " | ".join(f"{e.name} ({e.id})" for e in c.entries)]
    for a in c.aspects:
        lines += ["", a.label]
        for e, value in zip(c.entries, a.values):
            lines.append(f"  {e.name}: " + (fields.clauses(value) if value else "–"))
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
