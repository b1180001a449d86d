"""``jwtool upgrade``: move a catalogue of schema version 1 or 2 to version 3, in place.

Version 1: ``catalogue.yaml`` listed ``reports``; entries had ``provenance`` and free-text
``sources``. Version 2: a ``sources/`` folder of CSL-JSON-shaped records that entries ``cite``.
Version 3: components tagged like working elements (``{text, elements}``) and ``evidence.studies``
as study records (a version-2 study URL is dropped when a cited source has it, else it becomes a
source and a citation). An inline source becomes a source file once (the same URL, or the same
title), or reuses a source file with that URL, title or alias. A second run changes nothing;
ruamel.yaml's round trip keeps comments, key order, quoting and block scalars.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from jwtool.catalogue.files import FileTaken, OutputError, check_target, write_atomic
from jwtool.catalogue.layout import Layout, discover
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.progress import track
from jwtool.catalogue.sources import CSL_TYPE, SCHEMA_VERSION, format_problem, format_version
from jwtool.catalogue.text import key, slugify
from jwtool.catalogue.yamlfile import YamlFile, read_in
from jwtool.labels import Message, label
from jwtool.render.environment import FULL_COLUMNS, SUMMARY_COLUMNS

# The two tables of each kind that version 1 knew (its schema allowed no others).
_V1_FULL = ("B2.1", "B2.2")
_V1_SUMMARY = ("3.1", "3.2")


class UpgradeError(Exception):
    """A file the upgrade cannot read; nothing has been written (the argument: a :class:`Message`)."""


@dataclass
class Result:
    """What an upgrade changed (paths relative to the catalogue root)."""

    written: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _yaml() -> Any:
    y = YAML()  # round trip: comments, order, quotes and block scalars are kept
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a line that was written by hand
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _load(layout: Layout, path: Path, limits: Limits) -> Any:
    """A file for rewriting: first through jwtool's safe reader (confined, bounded in size and
    depth, no aliases or tags), and only then through ruamel.yaml's round trip, which keeps the
    comments; None for a file that holds no mapping."""
    doc = read_in(layout, path, limits)
    refused = [p for p in doc.problems if p.rule not in ("empty-file", "not-a-mapping")] if doc.data is None else []
    if refused:
        p = refused[0]  # the command says it is an error: the problem's place and words, without a second "error:"
        raise UpgradeError(Message("error.upgrade.unsafe", file=p.file, line=p.line, column=p.column, field=f"{p.dotted}: " if p.path else "",
                                   message=p.message, rule=p.rule))
    if not isinstance(doc.data, dict):
        return None
    try:
        return _yaml().load(doc.text)
    except YAMLError as exc:
        raise UpgradeError(Message("error.upgrade.unreadable", file=doc.rel, detail=str(exc).splitlines()[0] if str(exc) else repr(exc))) from exc


def _dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def _replace_key(mapping: Any, old: str, new: str, value: Any) -> None:
    """Put ``new: value`` where ``old`` was (keeping the key order) and drop ``old``."""
    keys = list(mapping.keys())
    at = keys.index(old) if old in keys else len(keys)
    mapping.insert(at, new, value)
    if old in mapping and old != new:
        del mapping[old]


def _source_id(title: str, taken: set[str]) -> str:
    base = slugify(title)[:60].rstrip("-") or "bron"
    if "-" in base and len(slugify(title)) > 60:
        base = base.rsplit("-", 1)[0]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _source_for(dedupe: str, name: str, src: dict[str, Any], existing: dict[str, str], taken: set[str],
                new_sources: dict[str, dict[str, Any]]) -> str:
    """The id of the source known by ``dedupe`` (a URL, or a folded title); a new record of ``src``,
    with an id made of ``name``, when there is none yet."""
    if dedupe not in existing:
        existing[dedupe] = sid = _source_id(name, taken)
        new_sources[sid] = _inline_source(src, sid)
    return existing[dedupe]


def _report_source(report: dict[str, Any], tables: list[dict[str, Any]]) -> dict[str, Any]:
    """A version-1 report of catalogue.yaml as a version-2 source record (CSL-JSON field names)."""

    out = CommentedMap({"id": report["id"], "type": "report", "kind": "rapport", "title": report["title"]})
    if report.get("subtitle"):
        out["genre"] = report["subtitle"]
    if report.get("authors"):
        out["author"] = CommentedSeq([{"literal": a} for a in report["authors"]])
    if isinstance(report.get("year"), int):
        out["issued"] = _issued(report["year"])
    for old, new in (("publisher", "publisher"), ("place", "publisher-place"), ("url", "URL"), ("commissioned_by", "commissioned_by"),
                     ("research_questions", "research_questions"), ("citation", "citation"), ("notes", "notes")):
        if old in report:
            out[new] = report[old]
    out["tables"] = tables
    return out


def _inline_source(src: dict[str, Any], sid: str) -> dict[str, Any]:
    kind = str(src.get("kind", "website"))
    out = CommentedMap({"id": sid, "type": CSL_TYPE.get(kind, "document"), "kind": kind, "title": src.get("title")})
    if isinstance(src.get("year"), int):
        out["issued"] = _issued(src["year"])
    if src.get("url"):
        out["URL"] = src["url"]
    return out


def _old_sort_key(data: dict[str, Any]) -> tuple[int, str, int, str]:
    prov = data.get("provenance") if isinstance(data.get("provenance"), dict) else {}
    table, order = str(prov.get("table", "")), prov.get("order")
    return ({"B2.1": 0, "B2.2": 1}.get(table, 2), table, order if isinstance(order, int) else 10_000, str(data.get("id", "")))


def _declared_tables(entries: list[dict[str, Any]], report_id: str) -> list[dict[str, Any]]:
    """The tables version-1 entries are rows of, with as many rows as the entries claim."""

    tables = []
    for table in _V1_FULL + _V1_SUMMARY:
        summary = table in _V1_SUMMARY
        field_name = "summary_table" if summary else "table"
        claimed = [d for d in entries if d["provenance"].get("report") == report_id and d["provenance"].get(field_name) == table]
        if not claimed:
            continue
        rows = len(claimed) if summary else max((d["provenance"].get("order") or 0 for d in claimed), default=0)
        t = CommentedMap()
        t["id"] = table
        title = label(f"table.{table}", "nl")
        if title != f"table.{table}":
            t["title"] = title
        t["rows"] = rows
        t["columns"] = _flow_seq(["interventie", *(SUMMARY_COLUMNS if summary else FULL_COLUMNS)])
        if summary:
            t["summary"] = True
        tables.append(t)
    return tables


def upgrade(root: Path, limits: Limits = Limits()) -> Result:
    """Upgrade the catalogue at ``root`` in place; a second run changes nothing.

    Every file is read through the safe reader before anything is written; a new source file
    never replaces a file that is there (whatever its id), and all new names are checked to be
    free before the first write."""
    layout = Layout(root)
    result = Result()
    meta = _load(layout, layout.meta_file, limits) if layout.meta_file.is_file() else None
    wrong = format_problem(meta) if isinstance(meta, dict) and "schema_version" in meta else None
    if wrong is not None and wrong.key != "problem.old_catalogue":  # a newer format, or "3" in quotes: not ours to convert
        raise UpgradeError(Message("error.in_file", file="catalogue.yaml", message=wrong))
    files, _ = discover(layout)  # (a link out of the catalogue or a loop is left alone; validate reports it)
    # Only the files that need it are loaded with ruamel (slow, and heavy on memory); a file it
    # cannot read stops the upgrade before anything is written (_load says why).
    docs = [(path, rel, _load(layout, path, limits)) for path, rel in track(files, len(files), "upgrade")
            if _needs_upgrade(read_in(layout, path, limits))]
    old = [d for _, _, d in docs if isinstance(d, dict) and "provenance" in d and isinstance(d["provenance"], dict)]

    existing = {}  # dedupe key → source id, from source files already there
    ids: set[str] = set()  # ids of the source records there
    taken: set[str] = set()  # and the names of every file there, whatever it holds
    if layout.sources.is_dir():
        names = sorted(p for p in layout.sources.iterdir() if not p.name.startswith("."))
        taken.update(p.name.rsplit(".", 1)[0] for p in names)
        for p in names:
            rec = read_in(layout, p, limits).data if p.suffix == ".yaml" else None  # (a loop or a link out: not read)
            if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                ids.add(rec["id"])
                taken.add(rec["id"])
                if isinstance(rec.get("URL"), str):
                    existing.setdefault(rec["URL"], rec["id"])
                for title in [rec.get("title"), *(rec.get("aliases") or [])]:
                    if isinstance(title, str):
                        existing.setdefault(key(title), rec["id"])

    new_sources: dict[str, dict[str, Any]] = {}
    meta_changed = isinstance(meta, dict) and format_version(meta) < SCHEMA_VERSION
    if meta_changed:
        reports = [r for r in meta.get("reports") or [] if isinstance(r, dict) and isinstance(r.get("id"), str)]
        for r in reports:
            if r["id"] not in ids:  # (a file of that name with another id stops the upgrade below)
                taken.add(r["id"])
                new_sources[r["id"]] = _report_source(r, _declared_tables(old, r["id"]))
        if "schema_version" in meta:
            meta["schema_version"] = SCHEMA_VERSION
        else:
            meta.insert(0, "schema_version", SCHEMA_VERSION)
        if reports:
            _replace_key(meta, "reports", "main_source", reports[0]["id"])
        elif "reports" in meta:
            del meta["reports"]

    summary_rows: dict[tuple[str, str], dict[str, int]] = {}
    for d in sorted(old, key=_old_sort_key):
        prov = d["provenance"]
        if prov.get("summary_table"):
            rows = summary_rows.setdefault((str(prov.get("report")), str(prov["summary_table"])), {})
            rows[str(d.get("id"))] = len(rows) + 1

    rewrites: list[tuple[Path, str, Any]] = []
    for path, rel, data in docs:
        if not isinstance(data, dict):
            continue
        v1 = "cites" not in data and ("provenance" in data or "sources" in data)
        if v1:  # 1 → 2
            _replace_key(data, "sources" if "sources" in data else "provenance", "cites", _entry_cites(data, summary_rows, existing, taken, new_sources))
            if "provenance" in data:
                del data["provenance"]
        if v1 | _tag_components(data) | _study_urls(data, existing, taken, new_sources) | _quote_dates(data):  # 2 → 3, then dates; every step runs
            rewrites.append((path, rel, data))

    created = [(layout.sources / f"{sid}.yaml", "# yaml-language-server: $schema=../schemas/source.schema.json\n" + _dump(rec))
               for sid, rec in new_sources.items()]
    if created:
        layout.sources.mkdir(exist_ok=True)
    try:
        for target, _ in created:  # every new name is free before anything is written
            check_target(target)
        for target, text in created:
            write_atomic(target, text)  # never force: a file that appeared meanwhile stays
            result.created.append(layout.rel(target))
    except OutputError as exc:
        for rel in result.created:
            (layout.root / rel).unlink(missing_ok=True)
        said = "error.upgrade.source_exists" if isinstance(exc, FileTaken) else "error.upgrade.source_unwritable"
        raise UpgradeError(Message(said, error=exc.args[0])) from None
    for path, rel, data in rewrites:  # files the upgrade read and changes in place
        write_atomic(path, _dump(data), force=True)
        result.written.append(rel)
    if isinstance(meta, dict) and _quote_dates(meta) or meta_changed:
        write_atomic(layout.meta_file, _dump(meta), force=True)
        result.written.insert(0, "catalogue.yaml")
    return result


def _needs_upgrade(doc: YamlFile) -> bool:
    """Whether an entry (as the fast reader reads it) may be changed by :func:`upgrade`: of
    version 1 (provenance or sources, no cites), plain-text components or study URLs (version 2),
    or a date not in quotes anywhere in it. Errs on the side of yes: a file it cannot read is
    loaded anyway."""
    data = doc.data
    if not isinstance(data, dict) or any(p.rule == "unquoted-date" for p in doc.problems):
        return True
    evidence = data.get("evidence")
    studies = evidence.get("studies") if isinstance(evidence, dict) else None
    components = data.get("components")
    return (("cites" not in data and ("provenance" in data or "sources" in data))
            or isinstance(components, list) and any(isinstance(c, (str, int, float)) for c in components)
            or isinstance(studies, list) and any(isinstance(s, str) for s in studies))


def _entry_cites(data: Any, summary_rows: dict[tuple[str, str], dict[str, int]], existing: dict[str, str], taken: set[str],
                 new_sources: dict[str, dict[str, Any]]) -> Any:
    """The ``cites`` list of a version-1 entry: its report with rows and sections, then its sources."""

    out = CommentedSeq()
    prov = data.get("provenance") if isinstance(data.get("provenance"), dict) else {}
    if isinstance(prov.get("report"), str):
        first = CommentedMap({"source": prov["report"]})
        rows = CommentedSeq()
        if prov.get("table") and isinstance(prov.get("order"), int):
            rows.append(_flow({"table": prov["table"], "row": prov["order"]}))
        if prov.get("summary_table"):
            n = summary_rows.get((prov["report"], str(prov["summary_table"])), {}).get(str(data.get("id")))
            if n:
                rows.append(_flow({"table": prov["summary_table"], "row": n}))
        if rows:
            first["rows"] = rows
        if prov.get("sections"):
            first["sections"] = prov["sections"]
        out.append(first)
    for src in data.get("sources") or []:
        if not isinstance(src, dict):
            continue
        url, title = src.get("url"), src.get("title")
        dedupe = url if isinstance(url, str) and url else key(str(title or ""))
        cite = CommentedMap({"source": _source_for(dedupe, str(title or url or "bron"), src, existing, taken, new_sources)})
        if src.get("note"):
            cite["note"] = src["note"]
        out.append(cite)
    return out


def _tag_components(data: Any) -> bool:
    """Plain-text components (version 2) as ``{text, elements: []}``: untagged until someone tags them."""

    components = data.get("components")
    if not isinstance(components, list) or not any(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in components):
        return False
    if hasattr(components, "fa"):
        components.fa.set_block_style()  # [a, b] would become a line of mappings
    for i, c in enumerate(components):
        if isinstance(c, (str, int, float)) and not isinstance(c, bool):
            item = CommentedMap({"text": c, "elements": _flow_seq([])})
            comment = (components.ca.items.pop(i, None) or [None])[0] if hasattr(components, "ca") else None
            if comment is not None:  # the item's end-of-line comment moves to its text
                item.yaml_add_eol_comment(comment.value.strip(), "text")
            components[i] = item
    return True


def _study_urls(data: Any, existing: dict[str, str], taken: set[str], new_sources: dict[str, dict[str, Any]]) -> bool:
    """Version-2 ``evidence.studies`` URLs: dropped when a cited source has the URL, otherwise a
    source record (reused when one has that URL) and a citation of it; study records stay."""

    evidence = data.get("evidence")
    studies = evidence.get("studies") if isinstance(evidence, dict) else None
    if not isinstance(studies, list) or not any(isinstance(s, str) for s in studies):
        return False
    if not isinstance(data.get("cites"), list):
        data["cites"] = CommentedSeq()
    cited = {c.get("source") for c in data["cites"] if isinstance(c, dict)}
    for url in (s for s in studies if isinstance(s, str)):
        src = {"title": url, "url": url, "kind": "evaluatie"}
        sid = _source_for(url, url.split("://", 1)[-1], src, existing, taken, new_sources)
        if sid not in cited:
            data["cites"].append(CommentedMap({"source": sid}))
            cited.add(sid)
    records = CommentedSeq(s for s in studies if not isinstance(s, str))
    if records:
        evidence["studies"] = records
    else:
        del evidence["studies"]
    return True


def _quote_dates(node: Any) -> bool:
    """Write every date in quotes ("2026-11-28"), as the schema's text: a date without them is a
    date to YAML 1.1 readers (PyYAML's ``safe_load``), and the entry then fails its schema in their
    scripts. True if one was changed."""
    changed = False
    slots = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in list(slots):
        if isinstance(v, (dt.date, dt.datetime)):
            node[k] = DoubleQuotedScalarString(v.isoformat())
            changed = True
        elif isinstance(v, (dict, list)):
            changed = _quote_dates(v) or changed
    return changed


def _flow(mapping: dict[str, Any]) -> Any:
    m = CommentedMap(mapping)
    m.fa.set_flow_style()
    return m


def _flow_seq(items: list[Any]) -> Any:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _issued(year: int) -> Any:
    """CSL-JSON's date: ``{date-parts: [[2023]]}``, written on one line."""
    return _flow({"date-parts": [[year]]})
