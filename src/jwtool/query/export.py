"""Full records for analysis elsewhere (pandas, R, Excel): JSON, JSON Lines and flat CSV.

The JSON layout is versioned (docs/export-format.md: raise :data:`EXPORT_VERSION` when a
consumer would have to change); CSV has a row per entry and always the schema's columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from jwtool.catalogue.files import gathered
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.model import Entry

EXPORT_FORMAT = "jwtool-export"
EXPORT_VERSION = 1
LIST_SEPARATOR = " | "  # between the items of a list in one CSV cell
INNER_SEPARATOR = ", "  # between the items of a list inside a list item (working_elements.elements)
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


Full = Callable[[Iterable[Entry]], Iterator[Entry]]  # summaries -> full entries, one at a time (Catalogue.full)


class Streamed(list):  # type: ignore[type-arg]
    """A list that JSON's encoder (the indenting one :func:`dump_chunks` uses) walks item by item:
    its length is known up front, its items are made as they are written, so an export of a
    large catalogue never holds every full record."""

    def __init__(self, length: int, items: Callable[[], Iterator[Any]]) -> None:
        super().__init__()
        self._length, self._items = length, items

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Any]:
        return self._items()


class NotJSONError(ValueError):
    """A value that JSON cannot hold (NaN or an infinity, from ``.nan``/``.inf`` in a file that
    was not validated): written, it would make the document unreadable for other tools."""

    def __init__(self) -> None:
        super().__init__("a number is NaN or infinite (.nan or .inf in an entry), which JSON cannot hold; run 'jwtool validate' to find it")


def json_text(data: Any, indent: int | None = 2, sort_keys: bool = False) -> str:
    """``json.dumps`` as jwtool writes JSON: UTF-8 text, key order kept, never NaN or Infinity
    (:class:`NotJSONError` instead)."""
    try:
        return json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys, allow_nan=False)
    except ValueError as exc:
        if "JSON compliant" in str(exc):  # json's words for NaN and Infinity
            raise NotJSONError from None
        raise


def dumps(data: Any) -> str:
    """JSON as every jwtool command writes it: UTF-8 text, two-space indent, key order kept."""
    return json_text(data) + "\n"


def dump_chunks(data: Any) -> Iterator[str]:
    """:func:`dumps` as a stream of text (about 64 KB a piece), so a large export is written to
    its file without a second copy of the catalogue as one text."""
    tokens = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False).iterencode(data)
    try:
        yield from gathered(chain(tokens, ["\n"]))
    except ValueError as exc:
        raise NotJSONError from exc


def export_document(entries: Sequence[Entry], meta: dict[str, Any] | None = None,
                    vocab_versions: dict[str, int] | None = None, query: dict[str, Any] | None = None,
                    full: Full = iter) -> dict[str, Any]:
    """The versioned export envelope (see docs/export-format.md); ``full`` gives each entry's full
    record as the document is written (:meth:`jwtool.catalogue.load.Catalogue.full`)."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "catalogue": dict(meta or {}),
        "vocabularies": dict(sorted((vocab_versions or {}).items())),
        "query": dict(query or {}),
        "count": len(entries),
        "entries": Streamed(len(entries), lambda: (e.data for e in full(entries))),
        "sources": cited_sources(entries),
    }


def cited_sources(entries: Sequence[Entry]) -> dict[str, Any]:
    """The records of sources/ that the entries cite, by id (sorted): where each entry comes from,
    without a second file to read."""
    out: dict[str, Any] = {}
    for e in entries:
        for c in e.cites:
            source = e.library.get(c.get("source")) if isinstance(c.get("source"), str) else None
            if source is not None:
                out[source.id] = source.data
    return dict(sorted(out.items()))


def jsonl_chunks(entries: Iterable[Entry]) -> Iterator[str]:
    """One entry per line, nothing else: ``pandas.read_json(path, lines=True)``."""
    for e in entries:
        yield json_text(e.data, indent=None) + "\n"


# --- CSV ----------------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection): prefix a quote."""
    return "'" + cell if cell.startswith(_FORMULA_START) or cell.lstrip().startswith(_FORMULA_START[:4]) else cell


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return INNER_SEPARATOR.join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return json_text(value, indent=None, sort_keys=True)
    return str(value)


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested fields as dotted columns; a list of objects becomes one column per field, with
    the items' values joined by `` | `` in item order (an empty slot where an item lacks it)."""
    flat: dict[str, str] = {}
    for k, value in data.items():
        name = f"{prefix}{k}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            items = [flatten(v) if isinstance(v, dict) else {"": _scalar(v)} for v in value]
            for sub in dict.fromkeys(s for item in items for s in item):
                flat[f"{name}.{sub}" if sub else name] = LIST_SEPARATOR.join(item.get(sub, "") for item in items)
        elif isinstance(value, list):
            if not value:  # an empty list says nothing; its column (from the schema) stays empty
                continue
            flat[name] = LIST_SEPARATOR.join(_scalar(v) for v in value)
        else:
            flat[name] = _scalar(value)
    return flat


def schema_columns(schema: dict[str, Any]) -> list[str]:
    """Dotted leaf paths of the entry schema, in its property order."""
    defs = schema.get("$defs") if isinstance(schema.get("$defs"), dict) else {}

    def deref(node: Any, depth: int = 0) -> Any:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/") and depth < 20:
            node, depth = defs.get(node["$ref"][len("#/$defs/"):], {}), depth + 1
        return node

    out: list[str] = []

    def walk(node: Any, path: str, depth: int) -> None:
        node = deref(node)
        if not isinstance(node, dict) or depth > 20:
            out.append(path)
            return
        if isinstance(node.get("properties"), dict):
            for k, sub in node["properties"].items():
                walk(sub, f"{path}.{k}" if path else k, depth + 1)
            return
        items = deref(node.get("items"))
        if node.get("type") == "array" and isinstance(items, dict) and isinstance(items.get("properties"), dict):
            walk(items, path, depth + 1)
            return
        out.append(path)

    walk(schema, "", 0)
    return [c for c in out if c]


def load_schema_columns(schemas_dir: Path) -> list[str]:
    try:
        schema = Layout(schemas_dir.parent).read_json(schemas_dir / "intervention.schema.json")
    except (OSError, ValueError):  # also a link out of the catalogue (Outside)
        return []
    return schema_columns(schema) if isinstance(schema, dict) else []


def csv_rows(rows: Iterable[Sequence[str]]) -> str:
    """Rows as CSV lines (CRLF), every cell guarded by :func:`neutralise`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return buf.getvalue()


def csv_chunks(entries: Sequence[Entry], columns: Sequence[str] = (), bom: bool = True, full: Full = iter) -> Iterator[str]:
    """One row per entry: the schema's columns first (all of them), then any others alphabetically.
    Streamed 500 rows at a time; ``full`` is walked twice (the header needs every entry's fields),
    so only one full record is held at a time."""
    header = list(dict.fromkeys(columns))
    header += sorted({k for e in full(entries) for k in flatten(e.data)} - set(header))
    yield (BOM if bom else "") + csv_rows([header])
    rows: list[list[str]] = []
    for e in full(entries):
        flat = flatten(e.data)
        rows.append([flat.get(c, "") for c in header])
        if len(rows) == 500:
            yield csv_rows(rows)
            rows = []
    if rows:
        yield csv_rows(rows)

