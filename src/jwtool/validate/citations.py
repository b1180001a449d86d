"""Rules for sources and citations: source files, locators, and table rows across entries.

A citation (of an entry, or of one of its studies) names a source in ``sources/``; a table row is claimed only in a table that source
declares, with a row number from 1 to the table's row count, and by one entry only; every
declared row is claimed (no gap); a source file that no entry cites is worth a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jwtool.catalogue.layout import Layout
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.problems import WARNING, Finding, Problem
from jwtool.catalogue.sources import Library, Source, cites, read_sources
from jwtool.catalogue.vocabularies import close_matches, did_you_mean
from jwtool.catalogue.yamlfile import YamlFile
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


@dataclass
class SourceFiles:
    """The parsed source files and the library made of the clean ones."""

    docs: list[YamlFile] = field(default_factory=list)
    library: Library = field(default_factory=Library)


def check_sources(layout: Layout, meta: Any, checker: SchemaChecker | None, limits: Limits) -> tuple[SourceFiles, list[Problem]]:
    """Every source file: readable, matching source.schema.json, id = file name."""
    problems: list[Problem] = []
    files = SourceFiles()
    main = meta.get("main_source") if isinstance(meta, dict) else None
    files.library.main = main if isinstance(main, str) else ""
    for doc in read_sources(layout, limits):
        files.docs.append(doc)
        problems += doc.problems
        if not isinstance(doc.data, dict):
            continue
        if checker:
            problems += [doc.problem(r, m, p, key=k) for r, p, m, k in checker.check(doc.data)]
        sid, stem = doc.data.get("id"), doc.path.name.rsplit(".", 1)[0]
        if isinstance(sid, str) and sid != stem:
            problems.append(doc.problem("id-filename", f"id {sid!r} differs from the file name {stem!r}; rename the file to {sid}.yaml or change the id", "/id"))
        if isinstance(sid, str):
            files.library.sources.setdefault(sid, Source(doc.data, doc.rel))
    if files.library.main and layout.meta_file.is_file() and files.library.main not in files.library.sources:
        problems.append(Problem("catalogue.yaml", 1, 1, "citation", f"main_source {files.library.main!r} is not a file in sources/; add sources/{files.library.main}.yaml or name another source"))
    return files, problems


def entry_findings(data: dict[str, Any], library: Library) -> Iterator[Finding]:
    """A wrong locator, in words a researcher understands."""
    for old in ("provenance", "sources"):
        if old in data:
            yield "old-format", f"/{old}", f"'{old}' is the old format (schema version 1): entries now cite sources under 'cites'; run `jwtool upgrade` to move it", True
    yield from citation_findings(cites(data), "/cites", library, "an entry")
    for base, items in study_citations(data):
        yield from citation_findings([c for c in items if isinstance(c, dict)], base, library, "a study")


def citation_findings(items: list[dict[str, Any]], base: str, library: Library, who: str) -> Iterator[Finding]:
    """Each citation of ``items`` (at JSON pointer ``base``) names a source in sources/, and only
    tables and rows that source declares; ``who`` cites (an entry, a study), for the messages."""
    known = sorted(library.sources)
    for i, c in enumerate(items):
        sid = c.get("source")
        if not isinstance(sid, str):
            continue
        source = library.get(sid)
        if source is None:
            yield "citation", f"{base}/{i}/source", f"source {sid!r} is not in sources/{did_you_mean(close_matches(sid, known))}; add sources/{sid}.yaml (jwtool new can create it) or cite an existing source", False
            continue
        tables = source.tables
        rows = c.get("rows") if isinstance(c.get("rows"), list) else []
        for j, r in enumerate(rows):
            if not isinstance(r, dict):
                continue
            table, row = r.get("table"), r.get("row")
            if isinstance(table, str) and table not in tables:
                declared = ", ".join(tables) or "no tables"
                yield "citation", f"{base}/{i}/rows/{j}/table", f"{source.title!r} has no table {table!r} (it declares {declared}); a row can only be claimed in a table the source declares in {source.file}", False
            elif isinstance(table, str) and isinstance(row, int) and not isinstance(row, bool) and row > tables[table].rows:
                yield "citation", f"{base}/{i}/rows/{j}/row", f"table {table} of {source.title!r} has {tables[table].rows} rows, so there is no row {row}; {who} that is not a row of its table needs no rows at all", False


def without_old_format_echoes(findings: list[Finding]) -> list[Finding]:
    """An entry in the old format gets its 'old-format' problem (which names the upgrade), not also
    schema complaints that it lacks 'cites' or has the old fields: one cause, one message."""
    old = {f[1] for f in findings if f[0] == "old-format"}
    if not old:
        return findings
    return [f for f in findings if f[0] != "schema" or not (f[1].startswith(tuple(old)) or f[1] == "" and "'cites'" in f[2])]



def source_findings(files: SourceFiles, claimed: dict[tuple[str, str, int], Any], cited: set[str]) -> Iterator[Problem]:
    """Per source file: rows nobody claims (a gap), and a source nobody cites (a warning)."""
    for doc in files.docs:
        if not isinstance(doc.data, dict) or not isinstance(doc.data.get("id"), str):
            continue
        sid = doc.data["id"]
        source = files.library.get(sid)
        if source is None or source.file != doc.rel:
            continue
        if sid not in cited and sid != files.library.main:
            yield doc.problem("unused-source", f"no entry cites {sid!r}, not even in a study; cite it from an entry (cites: - source: {sid}) or a study, or remove the file", "", severity=WARNING)
        for k, t in enumerate(doc.data.get("tables") or []):
            table = source.tables.get(t.get("id")) if isinstance(t, dict) else None
            if table is None:
                continue
            missing = [n for n in range(1, table.rows + 1) if (sid, table.id, n) not in claimed]
            if missing:
                shown = ", ".join(str(n) for n in missing[:10]) + (" ..." if len(missing) > 10 else "")
                yield doc.problem("row-gap", f"table {table.id} declares {table.rows} rows but no entry is row {shown}; add the entry for that row or lower rows", f"/tables/{k}/rows")
