"""Rules for sources and citations: source files, locators, and table rows across entries.

A citation (of an entry, or of one of its studies) names a source in ``sources/``; a table row is claimed only in a table that source
declares, with a row number from 1 to the table's row count, and by one entry only; every
declared row is claimed (no gap); a source file that no entry cites is worth a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jwtool.catalogue.layout import Layout
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.model import as_list
from jwtool.catalogue.problems import WARNING, Finding, Problem
from jwtool.catalogue.sources import Library, cites, library_of, read_sources
from jwtool.catalogue.vocabularies import close_matches, did_you_mean
from jwtool.catalogue.yamlfile import YamlFile
from jwtool.labels import Message
from jwtool.validate.schema import SchemaChecker
from jwtool.validate.studies import study_citations

RULES: dict[str, str] = {
    "citation": "A citation names a source that is not in sources/, or a table or row that source does not have.",
    "unique-order": "Two entries claim the same row of a source's table.",
    "row-gap": "A row of a declared table is claimed by no entry.",
    "unused-source": "A source file is cited by no entry and no study (warning).",
    "doi": "A DOI is not written as 10.<registrant>/<suffix>.",
    "old-format": "The catalogue or an entry is in an older format: run jwtool upgrade.",
}


def check_sources(layout: Layout, meta: Any, checker: SchemaChecker | None,
                  limits: Limits) -> tuple[list[YamlFile], Library, list[Problem]]:
    """The parsed source files, the library made of them, and their problems: every source file
    readable, matching source.schema.json, id = file name."""
    problems: list[Problem] = []
    docs = read_sources(layout, limits)
    library = library_of(docs, meta)
    for doc in docs:
        problems += doc.problems
        if not isinstance(doc.data, dict):
            continue
        if checker:
            problems += [doc.problem(r, m, p, key=k) for r, p, m, k in checker.check(doc.data)]
        sid, stem = doc.data.get("id"), doc.path.name.rsplit(".", 1)[0]
        if isinstance(sid, str) and sid != stem:
            problems.append(doc.problem("id-filename", Message("problem.id_filename", id=repr(sid), stem=repr(stem), file=f"{sid}.yaml"), "/id"))
    if library.main and layout.meta_file.is_file() and library.main not in library.sources:
        problems.append(Problem("catalogue.yaml", 1, 1, "citation", Message("problem.main_source", id=repr(library.main), file=f"sources/{library.main}.yaml")))
    return docs, library, problems


def entry_findings(data: dict[str, Any], library: Library) -> Iterator[Finding]:
    """A wrong locator, in words a researcher understands."""
    for old in ("provenance", "sources"):
        if old in data:
            yield "old-format", f"/{old}", Message("problem.old_field", field=repr(old)), True
    yield from citation_findings(cites(data), "/cites", library, "problem.citation.not_a_row.entry")
    for base, items in study_citations(data):
        yield from citation_findings([c for c in items if isinstance(c, dict)], base, library, "problem.citation.not_a_row.study")


def citation_findings(items: list[dict[str, Any]], base: str, library: Library, not_a_row: str) -> Iterator[Finding]:
    """Each citation of ``items`` (at JSON pointer ``base``) names a source in sources/, and only
    tables and rows that source declares; ``not_a_row``: the label that says what to do when the
    citing entry or study is not a row of the table."""
    known = sorted(library.sources)
    for i, c in enumerate(items):
        sid = c.get("source")
        if not isinstance(sid, str):
            continue
        source = library.get(sid)
        if source is None:
            named = next((s for s in library.sources.values() if s.file == f"sources/{sid}.yaml"), None)  # its file, under another id
            yield "citation", f"{base}/{i}/source", (
                Message("problem.citation.other_id", id=repr(sid), file=named.file, other=repr(named.id)) if named is not None else
                Message("problem.citation.source", id=repr(sid), hint=did_you_mean(close_matches(sid, known)), file=f"sources/{sid}.yaml")), False
            continue
        tables = source.tables
        for j, r in enumerate(as_list(c.get("rows"))):
            if not isinstance(r, dict):
                continue
            table, row = r.get("table"), r.get("row")
            if isinstance(table, str) and table not in tables:
                declared = ", ".join(tables) or Message("problem.citation.no_tables")
                yield "citation", f"{base}/{i}/rows/{j}/table", Message("problem.citation.table", title=repr(source.title), table=repr(table), declared=declared, file=source.file), False
            elif isinstance(table, str) and isinstance(row, int) and not isinstance(row, bool) and row > tables[table].rows:
                yield "citation", f"{base}/{i}/rows/{j}/row", Message("problem.citation.row", table=table, title=repr(source.title), rows=tables[table].rows, row=row, hint=Message(not_a_row)), False


def without_old_format_echoes(findings: list[Finding]) -> list[Finding]:
    """An entry in the old format gets its 'old-format' problem (which names the upgrade), not also
    schema complaints that it lacks 'cites' or has the old fields: one cause, one message."""
    old = {f[1] for f in findings if f[0] == "old-format"}
    if not old:
        return findings
    return [f for f in findings if f[0] != "schema" or not (f[1].startswith(tuple(old)) or f[1] == "" and dict(f[2].values).get("field") == "'cites'")]


def source_findings(docs: list[YamlFile], library: Library, claimed: dict[tuple[str, str, int], Any],
                    cited: set[str]) -> Iterator[Problem]:
    """Per source file: rows nobody claims (a gap), and a source nobody cites (a warning)."""
    for doc in docs:
        if not isinstance(doc.data, dict) or not isinstance(doc.data.get("id"), str):
            continue
        sid = doc.data["id"]
        source = library.get(sid)
        if source is None or source.file != doc.rel:
            continue
        if sid not in cited and sid != library.main and doc.path.stem == sid:  # under another id than its name: id-filename says so
            yield doc.problem("unused-source", Message("problem.unused_source", id=repr(sid), source=sid), "", severity=WARNING)
        for k, t in enumerate(doc.data.get("tables") or []):
            table = source.tables.get(t.get("id")) if isinstance(t, dict) else None
            if table is None:
                continue
            missing = [n for n in range(1, table.rows + 1) if (sid, table.id, n) not in claimed]
            if missing:
                shown = ", ".join(str(n) for n in missing[:10]) + (" ..." if len(missing) > 10 else "")
                yield doc.problem("row-gap", Message("problem.row_gap", table=table.id, rows=table.rows, missing=shown), f"/tables/{k}/rows")
