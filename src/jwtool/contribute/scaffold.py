"""A new entry to fill in: every field of the schema, a Dutch comment above each, placeholders.

A file that holds every field, says in Dutch what belongs there (with an example) and fails
``jwtool validate`` until each ``<vul in: …>`` is replaced or removed guides contributors better
than a blank page. An entry that claims a row of a source's table also gets the name of the
column beside each field it fills. The file is written as text, not dumped, so that comments sit
above the fields they explain.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jwtool.catalogue.files import FileTaken, OutputError, write_atomic
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.problems import Problem
from jwtool.catalogue.text import http_url, placeholder, slugify
from jwtool.catalogue.vocabularies import Vocabulary, did_you_mean, suggest
from jwtool.catalogue.yamlfile import value_at
from jwtool.labels import Message
from jwtool.labels.view import column_fields, column_label
from jwtool.validate.rules import VOCAB_REFS
from jwtool.validate.schema import schema_checker

MODELINE = "# yaml-language-server: $schema=../schemas/intervention.schema.json"
KINDS = ("interventie", "praktijkvoorbeeld")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PLAIN = re.compile(r"^[a-z][a-z0-9-]*$")  # a date is quoted: YAML 1.1 readers would make it a date, not text
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


class ScaffoldError(ValueError):
    """A value given for the new entry that cannot be used (a usage error); the argument is a
    :class:`jwtool.labels.Message`."""


@dataclass
class Draft:
    """What is known about the new entry before the contributor opens the file."""

    name: str
    kind: str = "interventie"
    id: str = ""
    summary: str | None = None
    phases: list[str] = field(default_factory=list)
    evidence_level: str | None = None  # None: new's default (niet-onderzocht for a praktijkvoorbeeld); "": left open for the maintainer
    source: str | None = None  # id of the source in sources/ the entry cites
    table: str | None = None  # a row of a table the source declares, only when asked for
    order: int | None = None
    sections: list[str] = field(default_factory=list)
    last_reviewed: str | None = None
    column_hints: dict[str, str] = field(default_factory=dict)  # field path -> where the claimed table has it
    values: dict[str, Any] = field(default_factory=dict)  # field path -> a value known beforehand (e.g. from an issue form)

    @property
    def slug(self) -> str:
        return self.id or slugify(self.name)


# ----------------------------------------------------------------------------- checking values


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ScaffoldError(Message("error.new.empty_name"))
    return name


def check_slug(slug: str) -> str:
    if not slug:
        raise ScaffoldError(Message("error.new.no_id"))
    if not _SLUG.match(slug) or len(slug) > 80:
        raise ScaffoldError(Message("problem.schema.id", value=repr(slug), example=repr(slugify(slug) or "mijn-aanpak")))
    return slug


def check_choice(value: str, options: tuple[str, ...], what: str | Message) -> str:
    """``value`` if it is one of ``options``; ``what`` names it in a message (an option, or a
    label such as ``problem.term.phases``)."""
    if value not in options:
        raise ScaffoldError(Message("cli.unknown_value", option=what, value=value, hint=did_you_mean(suggest(value, options)), choices=", ".join(options)))
    return value


def check_terms(values: list[str], vocab: Vocabulary, what: str | Message) -> list[str]:
    """Vocabulary ids for ids, labels or synonyms; an unknown value lists the valid ids."""
    out: list[str] = []
    for value in check_sections(values):
        term = vocab.resolve(value)
        if term is None:
            raise ScaffoldError(Message("cli.unknown_value", option=what, value=value, hint=did_you_mean(vocab.suggest(value)), choices=", ".join(t.id for t in vocab.ordered())))
        if term not in out:
            out.append(term)
    return out


def check_url(url: str) -> str:
    url = url.strip()
    if not http_url(url):
        raise ScaffoldError(Message("problem.url", value=repr(url)))
    return url


def check_date(value: str) -> str:
    try:
        day = _dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ScaffoldError(Message("problem.date", value=repr(value))) from None
    if day > _dt.date.today():
        raise ScaffoldError(Message("error.new.future", date=value))
    return day.isoformat()


def check_sections(values: list[str]) -> list[str]:
    """The comma-separated items of ``values``, stripped, once each."""
    return list(dict.fromkeys(v.strip() for raw in values for v in raw.split(",") if v.strip()))


# ----------------------------------------------------------------------------- a table's columns

def column_hints(table_id: str, columns: tuple[str, ...], summary: bool) -> dict[str, str]:
    """For an entry that is a row of table ``table_id``: each field a column fills -> a Dutch
    comment naming that column (its heading in the label catalogue)."""
    hints: dict[str, str] = {}
    for column in columns:
        heading = column_label(column, "nl")
        for path in column_fields(column, summary):
            where = "de tekst onder de naam in kolom" if path == "providers.description" else "kolom"
            hints[path] = f"In tabel {table_id} van de bron: {where} '{heading}'."
    return hints


# ----------------------------------------------------------------------------- the template


@dataclass
class Field:
    key: str
    comment: str
    value: Any  # a scalar, a list of scalars, a Map or an Items


@dataclass
class Map:
    fields: list[Field]


@dataclass
class Items:
    """A list of mappings; the template shows one item to copy."""

    items: list[Map]


class SchemaFileError(ValueError):
    """The entry schema cannot be used (missing, not JSON, no JSON Schema, a $ref validate refuses,
    no fields); the argument is the list of :class:`jwtool.catalogue.problems.Problem` to report,
    those of ``jwtool validate`` where it has one."""


def entry_schema(layout: Layout | None = None) -> dict[str, Any]:
    """The entry schema of a catalogue (the bundled one when its folder has no schemas/), or
    :class:`SchemaFileError`: the schema arrives by pull request, and a file validate cannot use,
    one that names no fields to fill in, or one whose fields multiply past :data:`_MAX_FIELDS`,
    gets a problem, not a traceback or a run that fills the memory."""
    layout = layout if layout is not None else Layout(Path("."))
    checker, problems = schema_checker(layout, "intervention.schema.json")
    if checker is None:
        raise SchemaFileError(problems)
    fields = _resolve(checker.schema, checker.schema)[0].get("properties")
    rel = layout.rel(layout.schemas / "intervention.schema.json")
    if not (isinstance(fields, dict) and fields):
        raise SchemaFileError([Problem(rel, 1, 1, "schema-file", Message("problem.schema_file.no_fields"))])
    try:
        template(Draft(name="-"), {}, checker.schema, most=_MAX_FIELDS)
    except _TooManyFields:
        raise SchemaFileError([Problem(rel, 1, 1, "schema-file", Message("problem.schema_file.too_many_fields", limit=_MAX_FIELDS))]) from None
    return checker.schema


# Which vocabulary lists the valid ids of a field (from validate's vocabulary checks).
_VOCAB_OF = {".".join(step for step in steps if step): name for name, steps in VOCAB_REFS}
_VOCAB_LIMIT = 12  # ids shown in a comment; longer vocabularies say how many there are


def _choices(vocab: dict[str, Vocabulary], name: str) -> str:
    """The ids of a vocabulary for a comment: an ordinal ladder as ``a < b < c``, else ``a, b, c``."""
    v = vocab.get(name)
    if v is None:
        return ""
    terms = list(v.ordered())
    if all(t.rank is not None for t in terms) and terms:
        return " < ".join(t.id for t in terms)
    shown = ", ".join(t.id for t in terms[:_VOCAB_LIMIT])
    return shown + (f" … ({len(terms)} in totaal)" if len(terms) > _VOCAB_LIMIT else "")


Seen = frozenset[str]  # the $refs being expanded on the way to a field


def _resolve(schema: dict[str, Any], node: Any, seen: Seen = frozenset()) -> tuple[dict[str, Any], Seen]:
    """``node`` with a ``$ref`` inside the schema merged in (the node's own title and description
    win), and the $refs expanded to get there. A $ref already being expanded stays as it is, so a
    recursive schema ends in a placeholder; a $ref to another file is not followed. ``true`` and
    ``false`` say nothing about a field: ``{}``."""
    if not isinstance(node, dict):
        return {}, seen
    ref = node.get("$ref")
    local = isinstance(ref, str) and (ref == "#" or ref.startswith("#/")) and ref not in seen  # a pointer into this schema, not an anchor
    target = value_at(schema, unquote(ref[1:])) if local else None  # a $ref's fragment is percent-encoded
    if target is None:
        return node, seen
    merged, seen = _resolve(schema, target, seen | {ref})
    return {**merged, **{k: v for k, v in node.items() if k != "$ref"}}, seen


_DEPTH = 20  # fields nested deeper get a placeholder: no entry needs more, and Python's stack would not hold hundreds
# Fields in a new entry from the schema alone: the bundled schema makes 101 to 104. Definitions
# that refer to one another several times over multiply (8 fields a level that are all the next
# definition, 8 levels: 16 million fields, a minute and gigabytes) though no $ref repeats on a way down.
_MAX_FIELDS = 2_000
_TYPED = re.compile(r"^([-+]?[\d.]+|true|false|null|yes|no|on|off|~|\d{4}-\d\d?-\d\d?.*)$", re.IGNORECASE)  # read as no text (a date: as a date)
_FLOW_PLAIN = re.compile(r"^[^\s,\[\]{}:#\"'&*!|>%@`-][^,\[\]{}:#\"]*$")


class _TooManyFields(Exception):
    """The schema makes more than _MAX_FIELDS fields."""


def _example(value: Any, top: bool = True) -> str:
    """An example as YAML flow text, as a contributor would type it (a text on its own unquoted)."""
    if isinstance(value, list):
        return "[" + ", ".join(_example(v, False) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_example(v, False)}" for k, v in value.items()) + "}"
    if isinstance(value, str) and (top or _FLOW_PLAIN.match(value)) and not _TYPED.match(value):
        return value
    return _scalar(value)


def _comment_of(node: dict[str, Any], required: bool, path: str, vocab: dict[str, Vocabulary], hints: dict[str, str]) -> str:
    """The schema's Dutch description of a field, with "(verplicht)", the claimed table's column,
    the vocabulary's ids and an example."""
    parts = ["(verplicht)"] if required else []
    parts.append(str(node.get("description") or node.get("title") or ""))
    if path in hints:
        parts.append(hints[path])
    if path in _VOCAB_OF and (choices := _choices(vocab, _VOCAB_OF[path])):
        parts.append(f"Keuze uit: {choices}.")
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        parts.append(f"Voorbeeld: {_example(examples[0])}")
    return " ".join(p for p in parts if p)


def _placeholder_of(node: dict[str, Any]) -> str:
    """What a placeholder asks for: the allowed values, an address, yes/no, or the field's title."""
    if isinstance(node.get("enum"), list) and node["enum"]:
        options = [str(o) for o in node["enum"]]
        return placeholder(", ".join(options[:-1]) + " of " + options[-1] if len(options) > 1 else options[0])
    if "http" in str(node.get("pattern", "")):
        return placeholder("https://...")
    if node.get("type") == "boolean":
        return placeholder("true of false")
    return placeholder(str(node.get("title") or "waarde").lower())


def _field(schema: dict[str, Any], key: str, node: Any, required: bool, path: str,
           given: dict[str, Any], vocab: dict[str, Vocabulary], hints: dict[str, str], seen: Seen, made: Iterator[int]) -> Field:
    if next(made, None) is None:  # the fields allowed are used up
        raise _TooManyFields
    node, seen = _resolve(schema, node, seen)
    comment = _comment_of(node, required, path, vocab, hints)
    if path in given:
        value = given[path]
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):  # known items of a list of mappings
            items, inner = _resolve(schema, node.get("items"), seen)
            return Field(key, comment, Items([Map(_fields(schema, items, f"{path}.", {**given, **{f"{path}.{k}": v for k, v in item.items()}}, vocab, hints, inner, made))
                                              for item in value]))
        return Field(key, comment, value)
    if path.count(".") >= _DEPTH:
        return Field(key, comment, _placeholder_of(node))
    if node.get("type") == "object" and isinstance(node.get("properties"), dict):
        return Field(key, comment, Map(_fields(schema, node, f"{path}.", given, vocab, hints, seen, made)))
    if node.get("type") == "array":
        items, inner = _resolve(schema, node.get("items"), seen)
        if items.get("type") == "object" and isinstance(items.get("properties"), dict):
            return Field(key, comment, Items([Map(_fields(schema, items, f"{path}.", given, vocab, hints, inner, made))]))
        return Field(key, comment, [_placeholder_of(items) if "enum" in items or "http" in str(items.get("pattern", "")) else placeholder(str(node.get("title", "waarde")).lower())])
    return Field(key, comment, _placeholder_of(node))


def _fields(schema: dict[str, Any], node: dict[str, Any], prefix: str, given: dict[str, Any], vocab: dict[str, Vocabulary],
            hints: dict[str, str], seen: Seen, made: Iterator[int]) -> list[Field]:
    required = set(node.get("required") or [])
    return [_field(schema, key, sub, key in required, prefix + key, given, vocab, hints, seen, made)
            for key, sub in (node.get("properties") or {}).items() if given.get(prefix + key, True) is not None]


def template(draft: Draft, vocab: dict[str, Vocabulary], schema: dict[str, Any] | None = None, most: int | None = None) -> list[Field]:
    """Every field of the entry schema, in its order, each with the schema's Dutch guidance as a
    comment; what the draft already knows is filled in, the rest holds a placeholder. More than
    ``most`` fields is :class:`_TooManyFields` (:func:`entry_schema` asks, with a bare draft: the
    items a draft brings, from an issue form, add fields in proportion, not by multiplying)."""
    schema = schema if schema is not None else entry_schema()
    d = draft
    # Values known before the file is opened; None leaves a field out.
    given: dict[str, Any] = {"id": d.slug, "name": d.name, "kind": d.kind}
    level = "niet-onderzocht" if d.evidence_level is None and d.kind == "praktijkvoorbeeld" else d.evidence_level
    optional = {
        "summary": d.summary, "phases": d.phases or None, "evidence.level": level or None,
        "cites.source": d.source, "evidence.studies.cites.source": d.source,
        "cites.rows.table": d.table, "cites.rows.row": d.order, "cites.sections": d.sections or None, "last_reviewed": d.last_reviewed,
    }
    given.update({k: v for k, v in optional.items() if v is not None})
    if d.table is None:  # a row of a report's table is claimed only when asked for (jwtool new --table --order)
        given["cites.rows"] = None
    # A study cites its source by page or section; the entry, not its study, is a table's row.
    # A reviewed warning is marked after a review of the validator's warning, never in a new file.
    given["evidence.studies.cites.rows"] = given["reviewed_warnings"] = None
    given.update(d.values)
    root, seen = _resolve(schema, schema)
    made = iter(range(most)) if most is not None else itertools.count()
    return _fields(schema, root, "", given, vocab, d.column_hints, seen, made)


# ----------------------------------------------------------------------------- rendering


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _comment(text: str, indent: int, out: list[str]) -> None:
    for line in textwrap.wrap(text, width=max(40, 100 - indent - 2), break_long_words=False, break_on_hyphens=False):
        out.append(" " * indent + "# " + line)


def _render(fields: list[Field], indent: int, out: list[str], first_lead: str | None = None) -> None:
    for i, f in enumerate(fields):
        lead = first_lead if first_lead is not None and i == 0 else " " * indent
        _comment(f.comment, len(lead) - 2 if lead is first_lead else indent, out)
        if isinstance(f.value, Map):
            out.append(f"{lead}{f.key}:")
            _render(f.value.fields, indent + 2, out)
        elif isinstance(f.value, Items):
            out.append(f"{lead}{f.key}:")
            for item in f.value.items:
                _render(item.fields, indent + 4, out, first_lead=" " * (indent + 2) + "- ")
        elif isinstance(f.value, list):
            out.append(f"{lead}{f.key}: [{', '.join(_scalar(v) for v in f.value)}]")
        else:
            out.append(f"{lead}{f.key}: {_scalar(f.value)}")


def render(draft: Draft, vocab: dict[str, Vocabulary], schema: dict[str, Any] | None = None) -> str:
    """The text of the new entry file; its first line is the schema modeline for editors."""
    out = [
        MODELINE,
        f"# Nieuwe vermelding. Vervang elke {placeholder('…')} door de tekst van de bron, of haal het veld weg",
        "# als de bron er niets over zegt (velden met '(verplicht)' moeten blijven). Zie",
        "# schemas/ENTRY-FORMAT.md en CONTRIBUTING.md. Controleer daarna met:",
        f"#   jwtool validate interventions/{draft.slug}.yaml",
    ]
    _render(template(draft, vocab, schema), 0, out)
    return "\n".join(out) + "\n"


def entry_path(layout: Layout, slug: str) -> Path:
    return layout.interventions / f"{slug}.yaml"


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``, atomically and never over anything already there (a
    FileExistsError): the one rule of :mod:`jwtool.catalogue.files`."""
    try:
        write_atomic(path, text)
    except FileTaken:
        raise
    except OutputError as exc:  # a folder or a device by that name: the name is taken all the same
        raise FileTaken(*exc.args) from None
