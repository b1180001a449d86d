"""The catalogue as a dataset: tidy tables for pandas, R and SQL, one per kind of thing, joined
by keys (:func:`tables`; docs/dataset-format.md is made by :func:`markdown`).
:func:`datapackage_files` writes them as a Frictionless Tabular Data Package, :func:`write_sqlite`
as one SQLite database with foreign keys and FTS5 full-text search, which Datasette serves as it is.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from jwtool.catalogue.model import Entry, as_list, dig
from jwtool.catalogue.sources import Source
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.labels import Message

DATASET_NAME = "jwtool-catalogue"
DATASET_VERSION = 1  # raise when a table or column is removed or renamed
# (vocabulary, table) for every vocabulary a column points to
VOCAB_TABLES = {v: "vocab_" + v.replace("-", "_") for v in (
    "phases", "education-levels", "target-characteristics", "goal-tags", "evidence-levels", "working-elements",
    "success-factors", "study-designs", "outcome-domains")}
_SQL_TYPE = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
# full-text search: (table, its text columns)
FTS = {"entries": ("name", "summary", "activities", "results_description", "evidence_verdict"), "findings": ("quote", "note")}


@dataclass
class Table:
    """One tidy table: its columns as (name, Frictionless type, description), keys and rows."""

    name: str
    description: str
    columns: list[tuple[str, str, str]]
    primary_key: list[str]
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)  # (fields, table, its fields)
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, *values: Any) -> None:
        self.rows.append(tuple(values))


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """(1-based position, item) for the mappings of a list."""
    return ((i, item) for i, item in enumerate(as_list(value), 1) if isinstance(item, dict))


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _edtf(date: Any) -> str | None:
    """A CSL date as EDTF (level 0, ISO 8601), as biblatex's ``date`` writes it: ``{date-parts: [[2019]]}``
    is 2019, ``[[2019, 10]]`` 2019-10, ``[[2019, 10, 31]]`` 2019-10-31, a range of two dates 2019-10/2020-02;
    None without date-parts or with any part that is no whole number."""
    parts = as_list(date.get("date-parts") if isinstance(date, dict) else None)
    if not parts or not all(as_list(p) and all(_int(n) is not None for n in p) for p in parts):
        return None
    return "/".join("-".join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(p)) for p in parts)


def _joined(value: Any) -> str | None:
    items = [str(v) for v in as_list(value) if v is not None]
    return " | ".join(items) if items else None


E = "entry_id"
TO_ENTRY = ([E], "entries", ["id"])


def _vocab_fk(column: str, vocabulary: str) -> tuple[list[str], str, list[str]]:
    return ([column], VOCAB_TABLES[vocabulary], ["id"])


# The columns of the table entries: (field path, type); a column is named by its path (see _entry_column).
_ENTRY_FIELDS = (
    ("id", "string"), ("name", "string"), ("kind", "string"), ("summary", "string"), ("activities", "string"),
    ("providers.description", "string"), ("region.scope", "string"), ("target_group.description", "string"),
    ("target_group.summary", "string"), ("target_group.age.min", "integer"), ("target_group.age.max", "integer"),
    ("goals.description", "string"), ("goals.summary", "string"), ("course.description", "string"),
    ("course.start_year", "integer"), ("course.end_year", "integer"), ("course.status", "string"),
    *((f"course.scale.{k}", "integer") for k in ("participants", "schools", "municipalities", "regions", "year")),
    ("course.scale.note", "string"), ("results.description", "string"), ("evidence.verdict", "string"),
    ("evidence.level", "string"), ("evidence.control_group", "boolean"), ("evidence.cost_benefit", "boolean"),
    ("last_reviewed", "date"))
_ENTRY_MEANING = {"id": "Entry id (its file name)", "name": "Name as the source writes it",
                  "kind": "interventie or praktijkvoorbeeld",
                  "evidence.verdict": "The source's own words on the evidence",
                  "evidence.level": "Step on the evidence ladder (vocab_evidence_levels)",
                  "last_reviewed": "Date the entry was last checked against its sources"}
_VALUE = {"string": _text, "date": _text, "integer": _int, "number": _number, "boolean": _bool}
# The fields of a figure (schemas/intervention.schema.json, $defs/figure), as columns: of the table figures for
# results.figures, of findings (named figure_<field>) for a finding's figure; the same fields, types and meanings.
_FIGURE_COLUMNS = (
    ("measure", "string", "What was measured"), ("value", "number", "The number as the source gives it"),
    ("unit", "string", "aantal, procent, euro, jaar or maanden"), ("n", "integer", "Base of a percentage or total, where the source gives it"),
    ("year", "integer", "Year the figure refers to"), ("period", "string", "Period as the source writes it"),
    ("quote", "string", "The source's sentence the figure comes from, verbatim"))


def _figure(fig: Any) -> tuple[Any, ...]:
    """A figure's values in the order of _FIGURE_COLUMNS; all None for no figure."""
    fig = fig if isinstance(fig, dict) else {}
    return tuple(_VALUE[kind](fig.get(name)) for name, kind, _ in _FIGURE_COLUMNS)


def _entry_column(path: str) -> str:
    return path.replace("target_group.age.", "age_").replace("course.scale.", "scale_").replace(".", "_")


def _schema() -> list[Table]:
    s, i, b = "string", "integer", "boolean"
    return [
        Table("entries", "One row per intervention or practice example.",
              [(_entry_column(path), kind, _ENTRY_MEANING.get(path, f"The entry's {path}"))
               for path, kind in _ENTRY_FIELDS],
              ["id"], [_vocab_fk("evidence_level", "evidence-levels")]),
        Table("entry_lists", "The entries' plain lists, one item a row: aliases, providers.organisations, providers.commissioned_by, "
              "providers.developed_by, region.names, notes.", [(E, s, ""), ("list", s, "Field path in the entry"), ("position", i, ""), ("value", s, "")],
              [E, "list", "position"], [TO_ENTRY]),
        Table("phases", "Phases an entry supports.", [(E, s, ""), ("position", i, ""), ("phase", s, "")], [E, "phase"],
              [TO_ENTRY, _vocab_fk("phase", "phases")]),
        Table("education_levels", "Education levels of an entry's target group.", [(E, s, ""), ("position", i, ""), ("level", s, "")], [E, "level"],
              [TO_ENTRY, _vocab_fk("level", "education-levels")]),
        Table("characteristics", "Characteristics of an entry's target group.", [(E, s, ""), ("position", i, ""), ("characteristic", s, "")],
              [E, "characteristic"], [TO_ENTRY, _vocab_fk("characteristic", "target-characteristics")]),
        Table("goal_tags", "Goals of an entry, as tags.", [(E, s, ""), ("position", i, ""), ("tag", s, "")], [E, "tag"],
              [TO_ENTRY, _vocab_fk("tag", "goal-tags")]),
        Table("components", "An entry's components (section 'components', tables 3.1/3.2) and working elements (section "
              "'working_elements', appendix column '(Mogelijk) werkzame elementen'), in the source's wording.",
              [(E, s, ""), ("section", s, "components or working_elements"), ("position", i, ""), ("text", s, "")],
              [E, "section", "position"], [TO_ENTRY]),
        Table("element_tags", "The working elements (vocabulary) each component or working element is tagged with.",
              [(E, s, ""), ("section", s, ""), ("position", i, ""), ("element", s, "")], [E, "section", "position", "element"],
              [([E, "section", "position"], "components", [E, "section", "position"]), _vocab_fk("element", "working-elements")]),
        Table("studies", "Studies of an entry's results or effects.", [
            (E, s, ""), ("study_id", s, ""), ("position", i, ""), ("title", s, ""), ("description", s, ""), ("participants", i, ""), ("period", s, "")],
            [E, "study_id"], [TO_ENTRY]),
        Table("study_designs", "The designs of each study.", [(E, s, ""), ("study_id", s, ""), ("design", s, "")], [E, "study_id", "design"],
              [([E, "study_id"], "studies", [E, "study_id"]), _vocab_fk("design", "study-designs")]),
        Table("findings", "What a study found on one outcome domain, with the quote it rests on and, if the source gives one, "
              "the finding's figure: the columns figure_* hold the fields the table figures holds (all empty without a figure).", [
            (E, s, ""), ("study_id", s, ""), ("position", i, ""), ("outcome", s, ""), ("direction", s, ""), ("comparison", b, "Found against a comparison group"),
            ("quote", s, ""), ("note", s, ""), *((f"figure_{c}", k, f"{desc} (the finding's figure.{c})") for c, k, desc in _FIGURE_COLUMNS)],
            [E, "study_id", "position"],
            [([E, "study_id"], "studies", [E, "study_id"]), _vocab_fk("outcome", "outcome-domains")]),
        Table("figures", "Result figures an entry reports (results.figures; a study finding's figure is in findings).",
              [(E, s, ""), ("position", i, ""), *_FIGURE_COLUMNS], [E, "position"], [TO_ENTRY]),
        Table("success_factors", "Success factors (section 3.2) an entry illustrates.", [
            (E, s, ""), ("position", i, ""), ("factor", s, ""), ("title", s, ""), ("example", s, ""), ("section", s, "")], [E, "position"],
            [TO_ENTRY, _vocab_fk("factor", "success-factors")]),
        Table("citations", "Where an entry's facts come from: a source and its locators.", [
            (E, s, ""), ("position", i, ""), ("source_id", s, ""), ("rows", s, "Table rows, 'table:row', joined by ' | '"),
            ("sections", s, "Joined by ' | '"), ("page", s, ""), ("quote", s, ""), ("note", s, "")], [E, "position"],
            [TO_ENTRY, (["source_id"], "sources", ["id"])]),
        Table("study_citations", "Where a study's facts come from.", [
            (E, s, ""), ("study_id", s, ""), ("position", i, ""), ("source_id", s, ""), ("rows", s, ""), ("sections", s, ""), ("page", s, ""),
            ("quote", s, ""), ("note", s, "")], [E, "study_id", "position"],
            [([E, "study_id"], "studies", [E, "study_id"]), (["source_id"], "sources", ["id"])]),
        Table("sources", "The sources entries cite (CSL-JSON fields).", [
            ("id", s, ""), ("type", s, "CSL type"), ("kind", s, ""), ("title", s, ""), ("issued_year", i, "Year of issue (the first year of issued)"),
            ("issued", s, "Date of issue (CSL issued) in EDTF: 2019, 2019-10, 2019-10-31, or a range 2019/2020"), ("publisher", s, ""),
            ("publisher_place", s, ""), ("genre", s, ""), ("url", s, ""), ("doi", s, ""), ("citation", s, "The source's own reference text")],
            ["id"]),
        Table("source_authors", "Authors of each source: a person (family, given) or an organisation (literal).", [
            ("source_id", s, ""), ("position", i, ""), ("family", s, ""), ("given", s, ""), ("literal", s, "")], ["source_id", "position"],
            [(["source_id"], "sources", ["id"])]),
    ] + [Table(table, f"The terms of the vocabulary {vocab} (schemas/vocabularies/{vocab}.yaml).", [
        ("id", s, ""), ("position", i, ""), ("label", s, ""), ("label_en", s, ""), ("group", s, ""), ("rank", i, ""), ("definition", s, "")], ["id"])
        for vocab, table in VOCAB_TABLES.items()]


def _cite_locators(c: dict[str, Any]) -> tuple[Any, ...]:
    rows = [f"{r.get('table')}:{r.get('row')}" for _, r in _dicts(c.get("rows"))]
    return (_text(c.get("source")), " | ".join(rows) or None, _joined(c.get("sections")), _text(c.get("page")), _text(c.get("quote")), _text(c.get("note")))


def tables(entries: Sequence[Entry], sources: Sequence[Source], vocab: dict[str, Vocabulary]) -> list[Table]:
    """Every table of the dataset, filled from ``entries`` (in catalogue order), ``sources`` and ``vocab``."""
    t = {table.name: table for table in _schema()}
    for e in entries:
        d = e.data
        t["entries"].add(e.id, *(_VALUE[kind](dig(d, *path.split("."))) for path, kind in _ENTRY_FIELDS[1:]))
        for path in ("aliases", "providers.organisations", "providers.commissioned_by", "providers.developed_by", "region.names", "notes"):
            for pos, value in enumerate(as_list(dig(d, *path.split("."))), 1):
                t["entry_lists"].add(e.id, path, pos, _text(value))
        for table, values in (("phases", d.get("phases")), ("education_levels", dig(d, "target_group", "education_levels")),
                              ("characteristics", dig(d, "target_group", "characteristics")), ("goal_tags", dig(d, "goals", "tags"))):
            for pos, value in enumerate(dict.fromkeys(v for v in as_list(values) if isinstance(v, str)), 1):
                t[table].add(e.id, pos, value)
        for section in ("components", "working_elements"):
            for pos, item in _dicts(d.get(section)):
                t["components"].add(e.id, section, pos, _text(item.get("text")))
                for element in dict.fromkeys(x for x in as_list(item.get("elements")) if isinstance(x, str)):
                    t["element_tags"].add(e.id, section, pos, element)
        for pos, study in _dicts(dig(d, "evidence", "studies")):
            sid = _text(study.get("id"))
            t["studies"].add(e.id, sid, pos, _text(study.get("title")), _text(study.get("description")), _int(study.get("participants")), _text(study.get("period")))
            for design in dict.fromkeys(x for x in as_list(study.get("designs")) if isinstance(x, str)):
                t["study_designs"].add(e.id, sid, design)
            for fpos, f in _dicts(study.get("findings")):
                t["findings"].add(e.id, sid, fpos, _text(f.get("outcome")), _text(f.get("direction")), _bool(f.get("comparison")),
                                  _text(f.get("quote")), _text(f.get("note")), *_figure(f.get("figure")))
            for cpos, c in _dicts(study.get("cites")):
                t["study_citations"].add(e.id, sid, cpos, *_cite_locators(c))
        for pos, fig in _dicts(dig(d, "results", "figures")):
            t["figures"].add(e.id, pos, *_figure(fig))
        for pos, sf in _dicts(d.get("success_factors")):
            t["success_factors"].add(e.id, pos, _text(sf.get("factor")), _text(sf.get("title")), _text(sf.get("example")), _text(sf.get("section")))
        for pos, c in _dicts(d.get("cites")):
            t["citations"].add(e.id, pos, *_cite_locators(c))
    for src in sources:
        sd = src.data
        parts = dig(sd, "issued", "date-parts")
        year = parts[0][0] if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] else None
        t["sources"].add(src.id, _text(sd.get("type")), _text(sd.get("kind")), _text(sd.get("title")), _int(year), _edtf(sd.get("issued")),
                         _text(sd.get("publisher")), _text(sd.get("publisher-place")), _text(sd.get("genre")), _text(sd.get("URL")), _text(sd.get("DOI")), _text(sd.get("citation")))
        for pos, name in _dicts(sd.get("author")):
            family = " ".join(str(name[k]) for k in ("non-dropping-particle", "family") if name.get(k)) or None
            t["source_authors"].add(src.id, pos, family, _text(name.get("given")), _text(name.get("literal")))
    for name, table in VOCAB_TABLES.items():
        v = vocab.get(name)
        for pos, term in enumerate(v.terms.values() if v else [], 1):
            t[table].add(term.id, pos, term.label, term.label_en or None, term.group or None, term.rank, term.definition or None)
    return list(t.values())


# --- Frictionless data package -------------------------------------------------------------------


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)  # text as written: data tools read it (a spreadsheet gets export --format csv, which defuses formulas)


def _csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c[0] for c in table.columns])
    kinds = [c[1] for c in table.columns]
    for row in table.rows:
        writer.writerow([_cell(v, k) for v, k in zip(row, kinds)])
    return buf.getvalue()


def descriptor(all_tables: Sequence[Table], meta: dict[str, Any]) -> dict[str, Any]:
    """``datapackage.json``: a Tabular Data Package (Frictionless v1 spec) describing the CSV files."""
    resources = []
    for table in all_tables:
        schema: dict[str, Any] = {
            "fields": [{"name": c, "type": k} | ({"format": "%Y-%m-%d"} if k == "date" else {}) | ({"description": desc} if desc else {})
                       for c, k, desc in table.columns],
            "primaryKey": table.primary_key,
        }
        if table.foreign_keys:
            schema["foreignKeys"] = [{"fields": f, "reference": {"resource": r, "fields": rf}} for f, r, rf in table.foreign_keys]
        resources.append({"name": table.name, "path": f"data/{table.name}.csv", "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "description": table.description, "schema": schema})
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "generator": "jwtool",  # first: how jwtool knows a folder it may replace (--force)
        "name": DATASET_NAME,
        "title": str(meta.get("title") or "jwtool catalogue"),
        "description": str(meta.get("description") or "").strip(),
        "version": f"{DATASET_VERSION}.0.0",
    }
    if isinstance(meta.get("license"), str):
        package["licenses"] = [{"name": meta["license"], "path": f"https://spdx.org/licenses/{meta['license']}.html", "title": meta["license"]}]
    return package | {"resources": resources}


def datapackage_files(all_tables: Sequence[Table], meta: dict[str, Any]) -> list[tuple[str, str]]:
    """The files of the data package folder: ``datapackage.json`` and ``data/<table>.csv``."""
    files = [("datapackage.json", json.dumps(descriptor(all_tables, meta), ensure_ascii=False, indent=2) + "\n")]
    return files + [(f"data/{t.name}.csv", _csv(t)) for t in all_tables]


# --- SQLite --------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_sqlite(path: str, all_tables: Sequence[Table], meta: dict[str, Any]) -> None:
    """The tables as one SQLite database at ``path`` (a new file): the same columns and keys, foreign
    keys declared (and checked once written: a row pointing to nothing is an error), FTS5 full-text indexes ``entries_fts`` and
    ``findings_fts`` in the form Datasette and sqlite-utils recognise."""
    con = sqlite3.connect(path)
    try:
        with con:
            for table in all_tables:
                cols = [f"{_quote(c)} {_SQL_TYPE[k]}" for c, k, _ in table.columns]
                cols.append(f"PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
                for fields, ref, ref_fields in table.foreign_keys:
                    cols.append(f"FOREIGN KEY ({', '.join(map(_quote, fields))}) REFERENCES {_quote(ref)} ({', '.join(map(_quote, ref_fields))})")
                con.execute(f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(cols) + "\n)")
            for table in all_tables:
                marks = ", ".join("?" for _ in table.columns)
                con.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})", table.rows)
            for table, columns in FTS.items():
                con.execute(f"CREATE VIRTUAL TABLE {_quote(table + '_fts')} USING fts5({', '.join(map(_quote, columns))}, content={_quote(table)})")
                con.execute(f"INSERT INTO {_quote(table + '_fts')} ({_quote(table + '_fts')}) VALUES ('rebuild')")
            con.execute("CREATE TABLE _jwtool (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany("INSERT INTO _jwtool VALUES (?, ?)", [("format", DATASET_NAME), ("version", str(DATASET_VERSION)),
                                                                 ("title", str(meta.get("title") or "")), ("license", str(meta.get("license") or ""))])
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(Message("error.dataset.dangling", n=len(problems), table=problems[0][0]))
        con.execute("VACUUM")
    finally:
        con.close()


# --- documentation -------------------------------------------------------------------------------


def markdown() -> str:
    """docs/dataset-format.md, made from the table definitions above (a test keeps them equal):
    ``python -m jwtool.query.dataset > docs/dataset-format.md``."""
    out = [f"# Dataset format (`jwtool export --format datapackage|sqlite`), version {DATASET_VERSION}", "",
           "Generated from `src/jwtool/query/dataset.py` (`python -m jwtool.query.dataset > docs/dataset-format.md`); "
           "a test keeps the two equal.", "",
           "`--format datapackage -o DIR` writes `DIR/datapackage.json` (a Frictionless Tabular Data Package: every column's "
           "type, the primary and foreign keys, the catalogue's licence from `catalogue.yaml`) and one CSV file per table in "
           "`DIR/data/` (UTF-8, a header row, an empty cell for a missing value; every text exactly as the catalogue holds it, "
           "also one that begins with `-` or `=`: open the tables with a data tool, or in a spreadsheet through "
           "`export --format csv`, whose cells a spreadsheet never runs as a formula). `--format sqlite -o FILE` writes the same tables to one SQLite database with the same "
           "keys, full-text search tables `entries_fts` and `findings_fts` (FTS5, `content=` the table, as Datasette and "
           "sqlite-utils expect) and a table `_jwtool` (format, version, title, licence). Positions count from 1 in the order "
           "of the entry; a field path such as `course.scale.year` is explained in schemas/ENTRY-FORMAT.md. The same catalogue "
           "always gives the same bytes.", ""]
    for table in _schema():
        out += [f"## `{table.name}`", "", table.description, "",
                f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}."]
        for fields, ref, ref_fields in table.foreign_keys:
            out.append(f"Foreign key: {', '.join(f'`{f}`' for f in fields)} → `{ref}` ({', '.join(f'`{f}`' for f in ref_fields)}).")
        out += ["", "| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c}` | {k} | {desc} |" for c, k, desc in table.columns]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
