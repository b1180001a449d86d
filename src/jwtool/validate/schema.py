"""A catalogue's JSON Schemas are input, not code: they arrive by pull request like its entries.

So two things a schema can ask for are bounded here. A ``$ref`` is served only from files inside
the catalogue's ``schemas/`` folder: never the network, never a file elsewhere (``file:///etc/...``
or ``../../``). And every regular expression (``pattern``, ``patternProperties``) runs on RE2,
whose matching time is linear in the text, so a pattern such as ``^(a+)+$`` cannot hang a
validation; a pattern RE2 cannot run (lookaround, backreferences) is refused when the schema
loads. Both validators obey this: the Python ``jsonschema`` one through a ``referencing``
registry and RE2 keyword functions, the Rust ``jsonschema-rs`` one through its ``retriever``
and its linear ``regex`` engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import re2
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry, Resource
from referencing.exceptions import NoSuchAnchor, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from jwtool.catalogue.files import Outside
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.problems import Finding, Problem, position_of, short
from jwtool.catalogue.text import slugify
from jwtool.catalogue.vocabularies import close_matches, did_you_mean
from jwtool.catalogue.yamlfile import (
    escape_pointer,
)


class SchemaRefused(Exception):
    """A schema asks for something jwtool will not do; the message says what and how to fix it."""


@lru_cache(maxsize=256)
def regex(pattern: str) -> Any:
    """``pattern`` compiled by RE2, or SchemaRefused when RE2 cannot run it."""

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own message on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise SchemaRefused(f"pattern {pattern!r} cannot be run in linear time ({reason}); write it without lookaround "
                            "or backreferences") from None


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
            raise SchemaRefused(f"{uri!r} is outside the catalogue's schemas/ folder; only files in schemas/ can be referenced")
        try:
            target = (self.folder / unquote(rel)).resolve()
        except (OSError, RuntimeError):
            target = None
        if target is None or not target.is_relative_to(self.folder):
            raise SchemaRefused(f"{uri!r} is outside the catalogue's schemas/ folder; only files in schemas/ can be referenced")
        if target not in self._loaded:
            try:
                self._loaded[target] = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SchemaRefused(f"schemas/{target.relative_to(self.folder).as_posix()} cannot be read as JSON ({exc})") from None
        return self._loaded[target]

    def registry(self) -> Any:
        """A ``referencing`` registry whose only retrieval is :meth:`contents`."""

        def retrieve(uri: str) -> Any:
            return Resource.from_contents(self.contents(uri), default_specification=DRAFT202012)

        return Registry(retrieve=retrieve)  # type: ignore[call-arg]

    def refusals(self, schema: dict[str, Any]) -> list[tuple[str, str]]:
        """Why the schema cannot be used, as (the offending $ref or pattern, message): every
        ``$ref`` is resolved now (so a bad one is one clear problem, not an error halfway through
        validating an entry) and every pattern compiled. The JSON Schema meta-schemas, which
        ``referencing`` bundles, are served but not walked: they are not the catalogue's."""

        root = Resource.from_contents(schema, default_specification=DRAFT202012)
        resolver = SPECIFICATIONS.combine(self.registry()).resolver_with_root(root)
        out: list[tuple[str, str]] = []
        seen = {id(SPECIFICATIONS[uri].contents) for uri in SPECIFICATIONS}
        uses = {"patternProperties": False, "unevaluatedProperties": False}
        stack: list[tuple[str, Any, Any]] = [("", schema, resolver)]
        while stack:
            where, node, res = stack.pop()
            if id(node) in seen or not isinstance(node, (dict, list)):
                continue
            seen.add(id(node))
            if isinstance(node, list):
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
                        out.append((ref, f"{where or '/'}: {kw} {ref!r} cannot be used: {_reason(exc)}"))
                    else:
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
                    out.append((pattern, f"{where or '/'}: {exc}"))
            stack.extend((f"{where}/{k}", v, res) for k, v in node.items())
        if all(uses.values()):
            out.append(("unevaluatedProperties", "patternProperties together with unevaluatedProperties is not supported (its patterns would run "
                       "on a backtracking engine); use additionalProperties instead"))
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


def _reason(exc: BaseException) -> str:
    """What went wrong with a $ref: jwtool's refusal where there was one (``referencing`` wraps
    it), else the kind of failure without the whole target document."""

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SchemaRefused):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, (PointerToNowhere, NoSuchAnchor)):
        return "the part after '#' names nothing in the referenced schema"
    return f"it cannot be resolved ({type(exc).__name__})"


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
    """JSON Schema validation with messages that say what to do, placed on the key or value.

    The schema is the catalogue's own, so ``local`` bounds what it may reach (see
    :mod:`jwtool.validate.schema`): $refs only inside schemas/, regexes on a linear-time engine.
    """

    schema: dict[str, Any]
    local: LocalSchemas

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
        if self._full is None:
            self._full = self.local.full_validator(self.schema)
        for err in self._full.iter_errors(data):
            yield from self._explain(err)

    def _explain(self, err: Any) -> Iterator[Finding]:
        pointer = "".join(f"/{escape_pointer(p)}" for p in err.absolute_path)
        kw, inst, sch = err.validator, err.instance, err.schema
        if kw == "additionalProperties" and isinstance(inst, dict):
            allowed = sorted(sch.get("properties", {}))
            for extra in sorted(set(inst) - set(allowed), key=str):
                hint = did_you_mean(close_matches(str(extra), allowed))
                yield "schema", f"{pointer}/{escape_pointer(extra)}", f"unknown field {str(extra)!r}{hint}; allowed here: {', '.join(allowed)}", True
        elif kw == "required":
            missing = re.findall(r"'([^']+)' is a required property", err.message) or [str(err.validator_value)]
            for m in missing:
                hint = _REQUIRED_HINTS.get(m, "") if pointer.rsplit("/", 2)[-2:-1] == ["findings"] else ""
                yield "schema", pointer, f"missing required field {m!r} in {_where(pointer)}{hint}", bool(pointer)
        elif kw == "type":
            expected = err.validator_value if isinstance(err.validator_value, str) else "/".join(err.validator_value)
            names = {"string": "a text", "integer": "a whole number", "number": "a number", "object": "a mapping of fields", "array": "a list", "boolean": "true or false"}
            hint = ' (put it in quotes to make it text, e.g. "2010")' if expected == "string" and isinstance(inst, (int, float, bool)) else ""
            hint = hint or (" (use a list: one '- item' per line)" if expected == "array" and isinstance(inst, str) else "")
            yield "schema", pointer, f"expected {names.get(expected, expected)}, got {_type_name(inst)} {short(inst)}{hint}", False
        elif kw == "enum":
            options = [str(o) for o in err.validator_value]
            hint = did_you_mean(close_matches(str(inst), options))
            yield "schema", pointer, f"{short(inst)} is not one of: {', '.join(options)}{hint}", False
        elif kw in ("pattern", "minLength") and sch.get("pattern") == r"\S" or kw == "minLength" and sch.get("minLength") == 1:
            yield "empty-string", pointer, "text is empty; fill it in or leave the field out", False
        elif kw == "pattern" and str(sch.get("pattern", "")).startswith("^https?://"):
            yield "url", pointer, f"{short(inst)} is not an http(s) URL; only http:// and https:// links are allowed", False
        elif kw == "pattern" and str(sch.get("pattern", "")).startswith("^10\\."):
            yield "doi", pointer, f"{short(inst)} is not a DOI; write it as 10.<registrant>/<suffix>, e.g. 10.1234/abcd, without https://doi.org/", False
        elif kw == "pattern" and "a-z0-9" in str(sch.get("pattern", "")):
            yield "schema", pointer, f"{short(inst)} is not a valid id: use lower-case letters, digits and hyphens, e.g. {slugify(str(inst))!r}", False
        elif kw == "format" and err.validator_value == "date" or kw == "pattern" and "\\d{4}" in str(sch.get("pattern", "")):
            if kw == "format" or not _is_date_like(inst):
                yield "year" if kw == "format" else "schema", pointer, f"{short(inst)} is not a valid date; write YYYY-MM-DD, e.g. 2026-11-28", False
        elif kw in ("minimum", "maximum") and sch.get("title") == "Jaar":
            return  # the 'year' rule reports implausible years with the plausible range
        elif kw == "uniqueItems":
            yield "schema", pointer, "the list contains the same item twice; remove the repeat", False
        elif kw == "minItems":
            yield "schema", pointer, f"the list needs at least {err.validator_value} item(s)", False
        elif kw == "maxLength" and isinstance(inst, str):
            yield "schema", pointer, f"{short(inst)} is too long: {len(inst):,} characters, at most {err.validator_value} here; shorten it", False
        else:
            message = err.message if len(err.message) < 200 else err.message[:200] + "…"
            yield "schema", pointer, message, False


# What a missing field of a finding is for (the message stands at the finding)
_REQUIRED_HINTS = {"quote": ": every finding rests on the source's own words; add quote: with the sentence(s) it rests on, verbatim"}


def _where(pointer: str) -> str:
    """``/evidence/studies/0/findings/1`` → ``evidence.studies[0].findings[1]``; "the entry" for ""."""
    out = ""
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "the entry"


def _is_date_like(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _type_name(value: Any) -> str:
    return {str: "text", int: "number", float: "number", bool: "boolean", list: "a list", dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__)



@lru_cache(maxsize=8)
def _load_schema_cached(path: str, mtime: float) -> Any:
    return Layout(Path(path).parent).read_json(Path(path))


def load_schema(layout: Layout, path: Path, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        layout.confine(path)
        return _load_schema_cached(str(path), path.stat().st_mtime), []
    except Outside as exc:
        return None, [Problem(rel, 1, 1, exc.rule, exc.message)]
    except FileNotFoundError:
        return None, [Problem(rel, 1, 1, "schema-file", "schema file is missing")]
    except (OSError, ValueError) as exc:
        line, col = (getattr(exc, "lineno", 1), getattr(exc, "colno", 1))
        return None, [Problem(rel, line, col, "schema-file", f"schema file is not valid JSON: {getattr(exc, 'msg', exc)}")]


def schema_checker(layout: Layout, name: str) -> tuple[SchemaChecker | None, list[Problem]]:
    """The checker for ``schemas/NAME``, or the problems that make that schema unusable: not
    JSON, a $ref outside schemas/, a pattern that cannot run in linear time."""
    path = layout.schemas / name
    rel = layout.rel(path)
    schema, problems = load_schema(layout, path, rel)
    if schema is None:
        return None, problems
    local = LocalSchemas(layout.schemas, path, schema)
    refused = local.refusals(schema) if isinstance(schema, dict) else [("", "the schema is not a JSON object")]
    if refused:
        text = path.read_text(encoding="utf-8")
        return None, [Problem(rel, *_line_of(text, json.dumps(literal, ensure_ascii=False)), "schema-file", f"{message}; no file was checked against this schema")
                      for literal, message in refused]
    return SchemaChecker(schema, local), []


def _line_of(text: str, needle: str) -> tuple[int, int]:
    """Line and column of the first ``needle`` in ``text`` (1, 1 when absent): where a refused
    $ref or pattern stands in a schema file."""

    at = text.find(needle)
    return position_of(text, at) if at >= 0 else (1, 1)


