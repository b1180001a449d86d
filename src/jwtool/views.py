"""What list, search, show and compare print, as plain data and text, without rich.

The CLI turns these into rich tables on a terminal; JSON, CSV, Markdown and piped text come
straight from here, so scripts and tests see exactly what people see.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jwtool import mdtext
from jwtool.model import Entry
from jwtool.query import Comparison, Hit
from jwtool.vocab import Vocabulary

Vocab = dict[str, Vocabulary]
SHARE_LABELS = {"all": "shared by all", "some": "shared by some", "unique": "unique"}


def _label(vocab: Vocab | None, name: str, term: str) -> str:
    v = (vocab or {}).get(name)
    return v.label(term) if v else term


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


# --- list and search rows as text: one fragment per row, joined ----------------------------------

ROW_FORMATS = ("text", "json", "csv")  # "text" is the piped form; a terminal gets a rich table
FRAGMENT_JOINERS = {"text": "", "json": ",\n", "csv": ""}  # between the fragments of two rows


def row_fragments(rows: list[dict[str, Any]], fmt: str, with_match: bool) -> list[str]:
    """Each row as it stands in the output of ``fmt``. The output is the fragments joined
    (:func:`rows_document`), so the search index can store them and join a selection later."""
    if fmt == "json":
        return [_json_item(r) for r in rows]
    if fmt == "csv":
        from jwtool.export import csv_lines

        return csv_lines([flat_row(r) for r in rows])
    out = []
    for r in rows:
        cells = flat_row({k: (", ".join(v) if isinstance(v, list) else v) for k, v in r.items() if k != "score"})
        if with_match:  # drop the match tier: keep id, name, kind, phases, levels, evidence, field, snippet
            cells = cells[:6] + cells[7:]
        out.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return out


def _json_item(row: dict[str, Any]) -> str:
    """The row as an item of the indented list :func:`jwtool.export.dumps` writes.

    Rows of strings and lists of strings (all of ``list``, and search without TEXT) are put
    together from strings encoded by the C encoder: the indenting encoder is pure Python and
    took most of the time of building the search index. Other rows go through ``dumps``.
    """
    # encode_basestring: the C function json.dumps(ensure_ascii=False) encodes strings with
    from json.encoder import encode_basestring as enc

    from jwtool.export import dumps

    if row and all(isinstance(k, str) and (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))) for k, v in row.items()):

        def value(v: str | list[str]) -> str:
            if isinstance(v, str):
                return enc(v)
            return "[\n" + ",\n".join("      " + enc(x) for x in v) + "\n    ]" if v else "[]"

        return "  {\n" + ",\n".join(f"    {enc(k)}: {value(v)}" for k, v in row.items()) + "\n  }"
    return "  " + dumps(row).rstrip("\n").replace("\n", "\n  ")


def join_fragments(fragments: Iterable[str], fmt: str) -> str:
    return FRAGMENT_JOINERS[fmt].join(fragments)


def rows_document(joined: str, count: int, fmt: str, with_match: bool) -> str:
    """The whole output around ``count`` joined fragments: a JSON array, a CSV table with its
    header line, or tab-separated lines (nothing at all for no rows)."""
    if fmt == "json":
        return f"[\n{joined}\n]\n" if count else "[]\n"
    if fmt == "csv":
        from jwtool.export import csv_rows

        return csv_rows([row_header(with_match)]) + joined
    return joined


def render_rows(rows: list[dict[str, Any]], fmt: str, with_match: bool) -> str:
    """List or search rows as JSON (an array), CSV (with a header) or tab-separated text."""
    return rows_document(join_fragments(row_fragments(rows, fmt, with_match), fmt), len(rows), fmt, with_match)


# --- show: an entry as a card -------------------------------------------------------------------

Field = tuple[str, "str | list[str]"]


def _t(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "", [], {}) else ""


def _block(value: Any) -> str:
    """Verbatim text with its line structure (numbered lists in `activities`)."""
    return "\n".join(line.rstrip() for line in str(value).strip().splitlines()) if value not in (None, "") else ""


def _years(course: dict[str, Any]) -> str:
    start, end = _t(course.get("start_year")), _t(course.get("end_year"))
    return f"{start}–{end}" if start and end else f"from {start}" if start else f"until {end}" if end else ""


def card(entry: Entry, vocab: Vocab | None = None) -> list[tuple[str, list[Field]]]:
    """The entry in sections of (label, text or list of texts); empty fields are left out."""
    d = entry.data
    lab = lambda name, ids: [_label(vocab, name, i) for i in ids]  # noqa: E731
    sub = lambda key: d.get(key) if isinstance(d.get(key), dict) else {}  # noqa: E731
    course, results, prov = sub("course"), sub("results"), entry.provenance
    lo, hi = entry.age
    age = f"{lo}–{hi}" if lo is not None and hi is not None else f"{lo} and older" if lo is not None else f"up to {hi}" if hi is not None else ""
    scale = course.get("scale") if isinstance(course.get("scale"), dict) else {}
    region = entry.region
    figures = []
    for f in results.get("figures") or []:
        if isinstance(f, dict):
            extra = ", ".join(x for x in (f"n={f['n']}" if "n" in f else "", _t(f.get("year")), _t(f.get("period"))) if x)
            figures.append(f"{_t(f.get('measure'))}: {_t(f.get('value'))} {_t(f.get('unit'))}" + (f" ({extra})" if extra else ""))
    ev = entry.evidence
    sections: list[tuple[str, list[Field]]] = [
        ("", [("Id", entry.id), ("Kind", entry.kind), ("Aliases", entry.aliases), ("Summary", _t(entry.summary))]),
        ("Providers", [("Description", _t(entry.providers.get("description"))), ("Organisations", [str(x) for x in entry.providers.get("organisations") or []]),
                       ("Commissioned by", [str(x) for x in entry.providers.get("commissioned_by") or []]),
                       ("Developed by", [str(x) for x in entry.providers.get("developed_by") or []]),
                       ("Region", ", ".join(x for x in [_t(region.get("scope"))] + [_t(n) for n in region.get("names") or []] if x))]),
        ("Phases", [("Phases", lab("phases", entry.phases))]),
        ("Target group", [("Description", _t(entry.target_group.get("description"))), ("Summary", _t(entry.target_group.get("summary"))),
                          ("Education levels", lab("education-levels", entry.education_levels)), ("Ages", age),
                          ("Characteristics", lab("target-characteristics", entry.characteristics))]),
        ("Goals", [("Description", _t(entry.goals.get("description"))), ("Summary", _t(entry.goals.get("summary"))),
                   ("Tags", lab("goal-tags", entry.goal_tags))]),
        ("Components", [("Components", [_t(c) for c in d.get("components") or []])]),
        ("Activities", [("Activities", _block(d.get("activities")))]),
        ("Course", [("Description", _t(course.get("description"))),
                    ("Years", _years(course)),
                    ("Status", _t(course.get("status"))),
                    ("Scale", ", ".join(f"{v} {k}" for k, v in scale.items() if k != "year") + (f" ({scale['year']})" if "year" in scale else ""))]),
        ("Results", [("Description", _t(results.get("description"))), ("Figures", figures)]),
        ("Evidence", [("Level", _label(vocab, "evidence-levels", entry.evidence_level) if entry.evidence_level else ""),
                      ("Verdict", _t(ev.get("verdict"))),
                      ("Control group", {True: "yes", False: "no"}.get(ev.get("control_group"), "")),  # type: ignore[arg-type]
                      ("Cost-benefit analysis", {True: "yes", False: "no"}.get(ev.get("cost_benefit"), "")),  # type: ignore[arg-type]
                      ("Studies", [str(s) for s in ev.get("studies") or []])]),
        ("Working elements", [("Working elements", [f"{_t(w.get('text'))} → {', '.join(lab('working-elements', [str(x) for x in w.get('elements') or []]))}" for w in entry.working_elements])]),
        ("Success factors", [("Success factors", [f"{_label(vocab, 'success-factors', str(s.get('factor', '')))}: {_t(s.get('title'))}" + (f" ({_t(s.get('section'))})" if s.get("section") else "") for s in entry.success_factors])]),
        ("Sources", [("Sources", [" — ".join(x for x in (_t(s.get("title")), _t(s.get("url")), _t(s.get("kind"))) if x) for s in entry.sources])]),
        ("Provenance", [("Report", _t(prov.get("report"))), ("Table", _t(prov.get("table"))), ("Summary table", _t(prov.get("summary_table"))),
                        ("Order", _t(prov.get("order"))), ("Sections", [str(s) for s in prov.get("sections") or []])]),
        ("Notes", [("Notes", [_t(n) for n in entry.notes])]),
        ("", [("Last reviewed", _t(d.get("last_reviewed")))]),
    ]
    return [(title, [(k, v) for k, v in fields if v]) for title, fields in sections if any(v for _, v in fields)]


def card_text(entry: Entry, vocab: Vocab | None = None) -> str:
    """The card as plain text (piped output): a title line, then ``Label: value`` lines."""
    lines = [f"{entry.name} ({entry.id})"]
    for title, fields in card(entry, vocab):
        lines.append("")
        if title:
            lines.append(title)
        for label, value in fields:
            indent = "  " if title else ""
            if label == title:
                lines.extend(f"  - {v}" for v in value) if isinstance(value, list) else lines.extend(f"  {v}" for v in value.splitlines())
            elif isinstance(value, list):
                lines.append(f"{indent}{label}:")
                lines.extend(f"{indent}  - {v}" for v in value)
            elif "\n" in value:
                lines.append(f"{indent}{label}:")
                lines.extend(f"{indent}  {v}" for v in value.splitlines())
            else:
                lines.append(f"{indent}{label}: {value}")
    return "\n".join(lines) + "\n"


def card_markdown(entry: Entry, vocab: Vocab | None = None) -> str:
    """The card as Markdown; all entry text escaped, links only for http(s) URLs."""
    lines = [f"# {mdtext.escape(entry.name)}"]
    for title, fields in card(entry, vocab):
        lines.append("")
        if title:
            lines.extend([f"## {mdtext.escape(title)}", ""])
        for label, value in fields:
            if isinstance(value, list):
                show_label = label != title
                if show_label:
                    lines.append(f"**{label}:**")
                    lines.append("")
                link = label in ("Studies",)
                lines.extend(f"- {mdtext.url(v) if link else mdtext.escape(v)}" for v in value)
                if show_label:
                    lines.append("")
            elif label == title:
                lines.extend([mdtext.escape(value).replace("\n", "  \n"), ""])
            else:
                lines.append(f"**{label}:** {mdtext.escape(value)}  ")
    text = "\n".join(lines).replace("\n\n\n", "\n\n").rstrip() + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


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


def caveat_line(c: Comparison) -> str:
    return f"Caveat: {c.caveat}" + (f" (Source: {c.caveat_source})" if c.caveat_source else "")


def element_summary(c: Comparison) -> list[tuple[str, str]]:
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
        out.append((SHARE_LABELS[share].capitalize(), text))
    return out


def comparison_text(c: Comparison) -> str:
    """Plain text for pipes: per aspect a heading and one line per entry (no table to break)."""
    lines = ["Compare: " + " | ".join(f"{e.name} ({e.id})" for e in c.entries)]
    for a in c.aspects:
        lines += ["", a.label]
        for e, value in zip(c.entries, a.values):
            lines.append(f"  {e.name}: " + ("; ".join(value) if value else "–"))
        if a.key == "results":
            lines += ["", caveat_line(c)]
    lines += ["", "Working elements"]
    lines += [f"  {head}: {text}" for head, text in element_summary(c)] or ["  –"]
    if c.similarity is not None:
        lines += ["", "Similarity of working elements (Jaccard)"]
        for i, (e, row) in enumerate(zip(c.entries, c.similarity), start=1):
            lines.append(f"  {i}. {e.name}: " + " ".join(similarity_value(v) for v in row))
    return "\n".join(lines) + "\n"


def comparison_markdown(c: Comparison) -> str:
    """A Markdown table (one column per entry), the caveat under the results, elements, matrix."""
    names = [mdtext.cell(e.name) for e in c.entries]
    lines = ["| Aspect | " + " | ".join(names) + " |", "|---|" + "---|" * len(c.entries)]
    for a in c.aspects:
        lines.append(f"| {a.label} | " + " | ".join(mdtext.cell("\n".join(v)) or "–" for v in a.values) + " |")
    lines += ["", f"> **Caveat:** {mdtext.escape(c.caveat)}" + (f" (Source: {mdtext.escape(c.caveat_source)})" if c.caveat_source else ""), ""]
    lines += ["## Working elements", ""]
    lines += [f"- **{head}:** {mdtext.escape(text)}" for head, text in element_summary(c)] or ["- –"]
    if c.similarity is not None:
        lines += ["", "## Similarity of working elements (Jaccard)", "",
                  "| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(c.entries)]
        for name, row in zip(names, c.similarity):
            lines.append(f"| {name} | " + " | ".join(similarity_value(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
