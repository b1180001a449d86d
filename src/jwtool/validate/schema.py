"""A catalogue's JSON Schemas are input, not code: they arrive by pull request like its entries.

So a ``$ref`` is served only from files inside the catalogue's ``schemas/`` folder (never the
network, never ``file:///etc/...`` or ``../../``), and every regular expression runs on RE2, in time
linear in the text (``^(a+)+$`` cannot hang a validation; a pattern RE2 cannot run is refused when
the schema loads). Both validators obey this: ``jsonschema`` through a ``referencing`` registry and
RE2 keyword functions, ``jsonschema-rs`` through its ``retriever`` and linear ``regex`` engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import re2
from jsonschema import Draft202012Validator, FormatChecker, SchemaError, ValidationError, validators
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry, Resource
from referencing.exceptions import NoSuchAnchor, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from jwtool.catalogue.files import Outside
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.problems import Finding, Problem, dotted, position_of, short
from jwtool.catalogue.text import slugify
from jwtool.catalogue.vocabularies import close_matches, did_you_mean
from jwtool.catalogue.yamlfile import YamlFile, escape_pointer
from jwtool.labels import Message
from jwtool.validate.schemashape import Link, shape_refusals


class SchemaRefused(Exception):
    """A schema asks for something jwtool will not do; the message (a :class:`Message`) says what
    and how to fix it."""


@lru_cache(maxsize=256)
def regex(pattern: str) -> Any:
    """``pattern`` compiled by RE2, or SchemaRefused when RE2 cannot run it."""
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own message on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise SchemaRefused(Message("problem.schema_file.pattern", pattern=repr(pattern), reason=reason)) from None


class LocalSchemas:
    """Serves ``$ref`` targets from one ``schemas/`` folder and from nowhere else."""

    def __init__(self, folder: Path, schema_file: Path, schema: Any) -> None:
        self.folder = folder.resolve()
        own_id = schema.get("$id") if isinstance(schema, dict) else None
        # A URI stands for a file in the folder when it starts with one of these bases: the
        # folder's own file URI, or the folder of the schema's $id (where its siblings live).
        self.bases = [self.folder.as_uri() + "/"]
        if isinstance(own_id, str) and urlsplit(own_id).scheme:
            self.bases.append(urljoin(own_id, "."))
        self.base_uri = own_id if isinstance(own_id, str) and urlsplit(own_id).scheme else schema_file.resolve().as_uri()
        self._loaded: dict[Path, Any] = {}

    def contents(self, uri: str) -> Any:
        """The JSON document that ``uri`` names inside the folder, or SchemaRefused."""
        uri = uri.split("#", 1)[0]
        rel = next((uri[len(b):] for b in self.bases if uri.startswith(b)), None)
        if rel is None and not urlsplit(uri).scheme:
            rel = uri  # a relative reference in a schema without $id
        if rel is None:
            raise SchemaRefused(Message("problem.schema_file.outside", uri=repr(uri)))
        try:
            target = (self.folder / unquote(rel)).resolve()
        except (OSError, RuntimeError):
            target = None
        if target is None or not target.is_relative_to(self.folder):
            raise SchemaRefused(Message("problem.schema_file.outside", uri=repr(uri)))
        if target not in self._loaded:
            try:
                self._loaded[target] = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SchemaRefused(Message("problem.schema_file.unreadable", file=f"schemas/{target.relative_to(self.folder).as_posix()}", error=str(exc))) from None
        return self._loaded[target]

    def registry(self) -> Any:
        """A ``referencing`` registry whose only retrieval is :meth:`contents`."""
        def retrieve(uri: str) -> Any:
            return Resource.from_contents(self.contents(uri), default_specification=DRAFT202012)

        return Registry(retrieve=retrieve)  # type: ignore[call-arg]

    def refusals(self, schema: dict[str, Any]) -> list[tuple[str, Message, str]]:
        """Why the schema cannot be used, as (the offending $ref or pattern, message, or "" and the
        JSON pointer to place it at): every ``$ref`` is resolved now (so a bad one is one clear
        problem, not an error halfway through validating an entry), every pattern compiled, the
        depth measured and a loop of $refs that checks no part of the value looked for. The JSON
        Schema meta-schemas, which ``referencing`` bundles, are served but not walked: they are not
        the catalogue's."""
        root = Resource.from_contents(schema, default_specification=DRAFT202012)
        resolver = SPECIFICATIONS.combine(self.registry()).resolver_with_root(root)
        out: list[tuple[str, Message, str]] = []
        seen = {id(SPECIFICATIONS[uri].contents) for uri in SPECIFICATIONS}
        below: dict[int, list[Link]] = {}  # the walked objects and lists -> the levels right below each
        uses = {"patternProperties": False, "unevaluatedProperties": False}
        stack: list[tuple[str, Any, Any]] = [("", schema, resolver)]
        while stack:
            where, node, res = stack.pop()
            if id(node) in seen or not isinstance(node, (dict, list)):
                continue
            seen.add(id(node))
            links = below[id(node)] = []
            if isinstance(node, list):
                links += [(v, str(i), "") for i, v in enumerate(node)]
                stack.extend((f"{where}/{i}", v, res) for i, v in enumerate(node))
                continue
            if isinstance(node.get("$id"), str) and node is not schema:
                res = res.in_subresource(DRAFT202012.create_resource(node))
            for kw in ("$ref", "$dynamicRef"):
                ref = node.get(kw)
                if isinstance(ref, str):
                    try:
                        found = res.lookup(ref)
                    except Unresolvable as exc:
                        out.append((ref, Message("problem.schema_file.ref", where=where or "/", keyword=kw, ref=repr(ref), reason=_reason(exc)), ""))
                    else:  # a target outside what read_schema checked (another file, an unknown keyword) is checked here
                        wrong = _not_json_schema(found.contents)
                        if wrong is not None:
                            out.append((ref, Message("problem.schema_file.ref", where=where or "/", keyword=kw, ref=repr(ref), reason=wrong[1]), ""))
                        else:
                            links.append((found.contents, kw, ref))
                            stack.append((f"{where}/{kw}", found.contents, found.resolver))
            patterns = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
            if isinstance(node.get("patternProperties"), dict):
                uses["patternProperties"] = True
                patterns += list(node["patternProperties"])
            uses["unevaluatedProperties"] |= "unevaluatedProperties" in node
            for pattern in patterns:
                try:
                    regex(pattern)
                except SchemaRefused as exc:
                    out.append((pattern, Message("error.in_file", file=where or "/", message=exc.args[0]), ""))
            links += [(v, str(k), "") for k, v in node.items()]
            stack.extend((f"{where}/{k}", v, res) for k, v in node.items())
        if all(uses.values()):
            out.append(("unevaluatedProperties", Message("problem.schema_file.unevaluated"), ""))
        out += shape_refusals(schema, below)
        return sorted(set(out))

    def fast_validator(self, schema: dict[str, Any]) -> Any:
        """The ``jsonschema-rs`` validator under the same rules, or None where it cannot be built."""
        try:
            import jsonschema_rs

            return jsonschema_rs.validator_for(schema, validate_formats=True, retriever=self.contents, base_uri=self.base_uri,
                                               pattern_options=jsonschema_rs.RegexOptions())
        except Exception:  # noqa: BLE001 - not installed or cannot compile: the Python validator alone
            return None

    def full_validator(self, schema: dict[str, Any]) -> Any:
        """The Python ``jsonschema`` validator under the same rules (it explains the errors)."""
        return _re2_validator_class()(schema, registry=self.registry(), format_checker=FormatChecker())


def _reason(exc: BaseException) -> Message:
    """What went wrong with a $ref: jwtool's refusal where there was one (``referencing`` wraps
    it), else the kind of failure without the whole target document."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SchemaRefused):
            return seen.args[0]  # type: ignore[no-any-return]
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, (PointerToNowhere, NoSuchAnchor)):
        return Message("problem.schema_file.anchor")
    return Message("problem.schema_file.unresolvable", kind=type(exc).__name__)


# ------------------------------------------------- jsonschema keywords that match regexes, on RE2


def _matches(pattern: str, text: str) -> bool:
    return regex(pattern).search(text) is not None


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for k, v in instance.items():
            if _matches(pattern, k):
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def _additional_properties(validator: Any, allowed: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    properties, patterns = schema.get("properties", {}), list(schema.get("patternProperties", {}))
    extras = [k for k in instance if k not in properties and not any(_matches(p, k) for p in patterns)]
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif not allowed and extras:
        listed = ", ".join(repr(k) for k in sorted(extras, key=str))
        if patterns:
            verb = "does" if len(extras) == 1 else "do"
            yield ValidationError(f"{listed} {verb} not match any of the regexes: {', '.join(repr(p) for p in sorted(patterns))}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            yield ValidationError(f"Additional properties are not allowed ({listed} {verb} unexpected)")


@lru_cache(maxsize=1)
def _re2_validator_class() -> Any:
    return validators.extend(Draft202012Validator, {
        "pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties,
    })


# --- the checker: JSON Schema errors worded for contributors


@dataclass
class SchemaChecker:
    """JSON Schema validation with messages that say what to do, placed on the key or value; ``local``
    bounds what the catalogue's own schema may reach ($refs only inside schemas/, regexes on RE2);
    ``rel`` names the schema file in a message."""

    schema: dict[str, Any]
    local: LocalSchemas
    rel: str = ""

    def __post_init__(self) -> None:
        self._full: Any = None
        self._fast: Any = self.local.fast_validator(self.schema)  # Rust: ~30x faster yes/no; most files are valid

    def check(self, data: Any) -> Iterator[Finding]:
        if self._fast is not None:
            try:
                if self._fast.is_valid(data):
                    return
            except Exception:  # noqa: BLE001 - e.g. values JSON cannot hold; let jsonschema explain
                pass
        try:
            if self._full is None:
                self._full = self.local.full_validator(self.schema)
            errors = list(self._full.iter_errors(data))
        except RecursionError:  # endless within the depth bound, though refusals() found no $ref loop: a last net
            yield "schema-file", "", Message("problem.schema_file.recursion", schema=self.rel), False
            return
        for err in errors:
            yield from self._explain(err)

    def _explain(self, err: Any) -> Iterator[Finding]:
        """A jsonschema error as findings: one per unknown or missing field, else the first row
        of :data:`EXPLANATIONS` that fits (none for an error another rule reports)."""
        pointer = "".join(f"/{escape_pointer(p)}" for p in err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(allowed), key=str):
                yield "schema", f"{pointer}/{escape_pointer(extra)}", Message(
                    "problem.schema.unknown_field", field=repr(str(extra)), hint=did_you_mean(close_matches(str(extra), allowed)), allowed=", ".join(allowed)), True
        elif err.validator == "required":
            where = dotted(pointer) or Message("problem.the_entry")
            in_finding = pointer.rsplit("/", 2)[-2:-1] == ["findings"]
            for missing in re.findall(r"'([^']+)' is a required property", err.message) or [str(err.validator_value)]:
                hint = Message(f"problem.schema.required.{missing}") if in_finding and missing in _REQUIRED_HINTS else ""
                message = Message("problem.schema.required", field=repr(missing), where=where, hint=hint)
                yield "schema", pointer, message, bool(pointer)
        else:
            rule, key, values = next((row[1:] for row in EXPLANATIONS if row[0](err)), FALLBACK)
            if key:
                yield rule, pointer, Message(key, **values(err)), False


def _regex_of(err: Any) -> str:
    """The regular expression a ``pattern`` error is about ("" for other keywords)."""
    return str(err.schema.get("pattern", "")) if err.validator == "pattern" else ""


def _type_values(err: Any) -> dict[str, Any]:
    expected = err.validator_value if isinstance(err.validator_value, str) else "/".join(err.validator_value)
    inst = err.instance
    key = ("problem.schema.type.quote" if expected == "string" and isinstance(inst, (int, float, bool))
           else "problem.schema.type.list" if expected == "array" and isinstance(inst, str) else "")
    hint = Message(key) if key else ""
    parts = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", inst.strip()) if isinstance(inst, str) else None
    if expected == "object" and "date-parts" in err.schema.get("properties", {}) and parts:  # a source's date written as text
        hint = Message("problem.schema.type.csl_date", field=str(err.absolute_path[-1]) if err.absolute_path else "issued",
                       parts=", ".join(str(int(p)) for p in parts.groups() if p))
    got = {str: "text", int: "number", float: "number", bool: "boolean", list: "list", dict: "mapping", type(None): "nothing"}.get(type(inst), "unknown")
    return {"expected": Message(f"problem.schema.expected.{expected}") if expected in _TYPES else expected,
            "got": Message(f"problem.schema.got.{got}"), "value": "" if inst is None else f" {short(inst)}", "hint": hint}


_TYPES = ("string", "integer", "number", "object", "array", "boolean")
_REQUIRED_HINTS = ("quote",)  # a missing field of a finding whose label says what it is for (problem.schema.required.<field>)

# How a jsonschema error is worded: (does this row fit the error?, rule, label key, values of the
# label). The first row that fits wins; a row without a key reports nothing, because another
# rule reports the same thing better (the 'year' rule gives implausible years their range).
Explanation = tuple[Callable[[Any], bool], str, str, Callable[[Any], dict[str, Any]]]
EXPLANATIONS: list[Explanation] = [
    (lambda e: e.validator == "type", "schema", "problem.schema.type", _type_values),
    (lambda e: e.validator == "enum", "schema", "problem.schema.enum",
     lambda e: {"value": short(e.instance), "choices": ", ".join(map(str, e.validator_value)),
                "hint": did_you_mean(close_matches(str(e.instance), [str(o) for o in e.validator_value]))}),
    (lambda e: (e.validator in ("pattern", "minLength") and e.schema.get("pattern") == r"\S") or (e.validator == "minLength" and e.schema.get("minLength") == 1),
     "empty-string", "problem.empty_string", lambda e: {}),
    (lambda e: _regex_of(e).startswith("^https?://"), "url", "problem.url", lambda e: {"value": short(e.instance)}),
    (lambda e: _regex_of(e).startswith("^10\\."), "doi", "problem.doi", lambda e: {"value": short(e.instance)}),
    (lambda e: "a-z0-9" in _regex_of(e), "schema", "problem.schema.id", lambda e: {"value": short(e.instance), "example": repr(slugify(str(e.instance)))}),
    (lambda e: e.validator == "format" and e.validator_value == "date", "year", "problem.date", lambda e: {"value": short(e.instance)}),
    (lambda e: "\\d{4}" in _regex_of(e) and not (isinstance(e.instance, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.instance)),
     "schema", "problem.date", lambda e: {"value": short(e.instance)}),
    (lambda e: "\\d{4}" in _regex_of(e), "schema", "", dict),  # a date that matches its form: nothing to say
    (lambda e: e.validator in ("minimum", "maximum") and e.schema.get("title") == "Jaar", "year", "", dict),
    (lambda e: e.validator == "pattern", "schema", "problem.schema.pattern", lambda e: {"value": short(e.instance), "pattern": repr(e.validator_value)}),
    (lambda e: e.validator == "minimum", "schema", "problem.schema.minimum", lambda e: {"value": short(e.instance), "limit": e.validator_value}),
    (lambda e: e.validator == "maximum", "schema", "problem.schema.maximum", lambda e: {"value": short(e.instance), "limit": e.validator_value}),
    (lambda e: e.validator == "uniqueItems", "schema", "problem.schema.unique_items", lambda e: {}),
    (lambda e: e.validator == "minItems", "schema", "problem.schema.min_items", lambda e: {"n": e.validator_value}),
    (lambda e: e.validator == "maxLength" and isinstance(e.instance, str), "schema", "problem.schema.max_length",
     lambda e: {"value": short(e.instance), "length": len(e.instance), "limit": e.validator_value}),
]
# Any other keyword: jsonschema's own (English) words, cut short
FALLBACK = ("schema", "problem.schema.unexplained", lambda e: {"detail": e.message if len(e.message) < 200 else e.message[:200] + "…"})


@lru_cache(maxsize=8)
def _load_schema_cached(path: str, mtime: float) -> Any:
    return Layout(Path(path).parent).read_json(Path(path))


def read_schema(layout: Layout, name: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The JSON object in ``schemas/NAME``, or the problem that makes it unusable: missing, a link
    out of the catalogue, not JSON, not a JSON object (``null`` too: a schema replaced by ``null``
    must not switch its checks off unnoticed), or no valid JSON Schema. ``jwtool validate`` and
    ``jwtool new`` report the same problem for the same file."""
    path = layout.schemas / name
    rel = layout.rel(path)
    try:
        layout.confine(path)
        schema = _load_schema_cached(str(path), path.stat().st_mtime)
    except Outside as exc:
        return None, [Problem(rel, 1, 1, exc.rule, exc.message)]
    except FileNotFoundError:
        return None, [Problem(rel, 1, 1, "schema-file", Message("problem.schema_file.missing"))]
    except (OSError, ValueError) as exc:
        line, col = (getattr(exc, "lineno", 1), getattr(exc, "colno", 1))
        detail = getattr(exc, "msg", exc)
        return None, [Problem(rel, line, col, "schema-file", Message("problem.schema_file.not_json", detail=detail if isinstance(detail, Message) else str(detail)))]
    if not isinstance(schema, dict):  # the whole value is wrong: placed where it starts
        text = path.read_text(encoding="utf-8")
        line, column = position_of(text, len(text) - len(text.lstrip(" \t\r\n")))
        return None, [Problem(rel, line, column, "schema-file", Message("problem.schema_file.unused", message=Message("problem.schema_file.not_object")))]
    wrong = _not_json_schema(schema)
    if wrong is not None:  # placed on the offending value, found through the file as YAML
        pointer, message = wrong
        line, column = YamlFile(path, rel, text=path.read_text(encoding="utf-8"), data=schema).position(pointer)
        return None, [Problem(rel, line, column, "schema-file", Message("problem.schema_file.unused", message=message))]
    return schema, []


def _not_json_schema(schema: Any) -> tuple[str, Message] | None:
    """Where and why ``schema`` is no valid JSON Schema (draft 2020-12, which the ``jsonschema``
    validator uses whatever its ``$schema`` says), or None: that validator would fail halfway
    through an entry on, say, ``"required": 5`` (``jsonschema-rs`` refuses to be built from it).
    ``jsonschema-rs`` says yes or no in a millisecond; ``jsonschema`` explains a no (it takes
    ~30 ms for the entry schema). Formats are not checked: patterns are RE2's to judge."""
    try:
        import jsonschema_rs

        as_2020 = {**schema, "$schema": Draft202012Validator.META_SCHEMA["$id"]} if isinstance(schema, dict) else schema
        if jsonschema_rs.meta.is_valid(as_2020):
            return None
    except Exception:  # noqa: BLE001 - not installed, too old, or a $schema it cannot load: jsonschema decides
        pass
    try:
        Draft202012Validator.check_schema(schema, format_checker=None)
    except SchemaError as exc:
        pointer = "".join(f"/{escape_pointer(p)}" for p in exc.path)
        _, key, values = next((row[1:] for row in EXPLANATIONS if row[2] and row[0](exc)), FALLBACK)  # worded as an entry's error
        return pointer, Message("problem.schema_file.invalid", where=pointer or "/", detail=Message(key, **values(exc)))
    except RecursionError:
        return "", Message("problem.too_deep")
    return None


def schema_checker(layout: Layout, name: str) -> tuple[SchemaChecker | None, list[Problem]]:
    """The checker for ``schemas/NAME``, or the problems that make that schema unusable: those of
    :func:`read_schema`, a $ref outside schemas/ or to no valid JSON Schema, a pattern that cannot
    run in linear time, a schema too deep or a loop of $refs that checks nothing."""
    schema, problems = read_schema(layout, name)
    if schema is None:
        return None, problems
    path = layout.schemas / name
    rel = layout.rel(path)
    local = LocalSchemas(layout.schemas, path, schema)
    refused = local.refusals(schema)
    if not refused:
        return SchemaChecker(schema, local, rel), []
    text = path.read_text(encoding="utf-8")
    problems = []
    for literal, message, pointer in refused:  # placed where the refused $ref or pattern stands in the file
        at = text.find(json.dumps(literal, ensure_ascii=False)) if literal else -1
        line, column = (position_of(text, at) if at >= 0 else
                        YamlFile(path, rel, text=text, data=schema).position(pointer) if pointer else (1, 1))
        problems.append(Problem(rel, line, column, "schema-file",
                                Message("problem.schema_file.unused", message=message)))
    return None, problems
