"""What list and search print, as plain data and text, without rich: a row per entry (id, name,
kind, phases, education levels, evidence level) and for a search hit where it matched.

The CLI turns these into a rich table on a terminal; JSON, CSV and piped text come straight from
here, so scripts and tests see exactly what people see.
"""

from __future__ import annotations

from typing import Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.labels import DEFAULT_LANG, label, label_or
from jwtool.labels.fields import vocab_label
from jwtool.query.export import csv_rows, dumps
from jwtool.query.search import Hit

Vocab = dict[str, Vocabulary]


def summary(entry: Entry) -> dict[str, Any]:
    """The columns of ``jwtool list``: id, name, kind, phases, education levels, evidence level."""
    return {"id": entry.id, "name": entry.name, "kind": entry.kind, "phases": entry.phases,
            "education_levels": entry.education_levels, "evidence_level": entry.evidence_level}


def hit_row(hit: Hit) -> dict[str, Any]:
    row = summary(hit.entry)
    if hit.field:
        row.update(score=hit.score, match={"tier": hit.tier, "field": hit.field, "snippet": hit.snippet})
    return row


def field_label(path: str, lang: str) -> str:
    """The name people know a field by, for the path of a search hit: ``notes[5]`` is "Notities",
    ``evidence.studies[0].findings[1].quote`` "Evaluatiestudies", ``cites[0].source`` "Bronnen".
    JSON and CSV keep the path."""
    top = path.split(".")[0].split("[")[0]
    if top == "evidence" and path.startswith("evidence.studies"):
        top = "evidence.studies"
    return label_or(f"f.{FIELD_NAMED_BY.get(top, top)}", lang, path)


FIELD_NAMED_BY = {"cites": "sources", "reviewed_warnings": "notes"}  # fields shown under another's name: the sources an entry cites, editors' notes on a warning


def shown(row: dict[str, Any], vocab: Vocab | None, lang: str) -> dict[str, Any]:
    """A summary or hit row for people: kind, phases and evidence level as their labels in
    ``lang`` (education levels keep their short names: vso, pro, mbo-2), the field of a hit by its
    name. JSON and CSV keep ids and paths."""
    vocab, level = vocab or {}, row["evidence_level"]
    out = row | {
        "kind": label_or(f"kind.{row['kind']}", lang, row["kind"]) if row["kind"] else "",
        "phases": [vocab_label(vocab, "phases", p, lang) for p in row["phases"]],
        "evidence_level": vocab_label(vocab, "evidence-levels", level, lang) if level else "",
    }
    if row.get("match"):
        out["match"] = row["match"] | {"field": field_label(str(row["match"].get("field", "")), lang)}
    return out


def text_header(with_match: bool, lang: str) -> list[str]:
    """The column names of piped ``list`` and ``search`` text, in ``lang``."""
    names = ["f.id", "f.name", "f.kind", "f.phases", "list.levels", "list.evidence"]  # a field's own label where the column is the field
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
