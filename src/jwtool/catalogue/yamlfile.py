"""Read YAML files safely and remember where every value stands.

The one place that deals with PyYAML's traps (see STYLE.md): duplicate keys are reported, anchors,
aliases, merge keys and unknown tags are refused (no "billion laughs" reaches the rest of jwtool),
dates stay strings, and a file too big, too deep, not UTF-8 or empty gets a positioned problem
instead of a traceback. Files are parsed once with libyaml's ``CSafeLoader`` where available; a
field's line and column are composed again only when a problem needs them.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jwtool.catalogue.files import Outside, confine
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.problems import Problem, position_of
from jwtool.catalogue.text import describe, first_control, invisible
from jwtool.labels import Message, os_error

try:  # libyaml is ten times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
# An anchor is "&name" where a node starts (line start, after a blank or a flow indicator). The
# pattern leads with the literal "&" so the regex engine can skip to candidates.
_MAY_ANCHOR = re.compile(r"(?<![^\s\[\{,:])&[^\s\[\]\{\},]")
_MAX_INVISIBLE = 10  # invisible characters reported per file


class _Refused(Exception):
    """A construct we refuse to load, with the node where it starts."""

    def __init__(self, rule: str, message: Message, node: Node) -> None:
        super().__init__(message)
        self.rule, self.message, self.node = rule, message, node


class _FastLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that refuses merge keys and notices duplicate keys; used for text without anchors.

    Merge keys are refused on the resolved tag, so every spelling (``<<``, ``!!merge``, a verbatim or
    %-escaped tag) is caught. Only a mapping that constructs into fewer keys than it has pairs is
    searched for the duplicate.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, Node, Node]] = []
        self.unquoted_dates: list[Node] = []
        self.not_finite = False  # a float is .nan or infinite (see _float)

    def resolve(self, kind: type[Node], value: str | None, implicit: Any) -> str:
        """PyYAML's ``BaseResolver.resolve`` for a resolver without path resolvers (the safe
        loader has none): the tag of an untagged node. The original, called for every node, was a
        third of a file's parse."""
        if kind is ScalarNode:
            if implicit[0]:  # plain: the implicit resolvers for its first character
                for tag, regexp in _IMPLICIT.get(value[:1], ()):  # type: ignore[index]
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    def flatten_mapping(self, node: MappingNode) -> None:
        # Replaces SafeConstructor.flatten_mapping, whose only other job is expanding merges.
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise _Refused("yaml-alias", Message("problem.merge_key"), key_node)
            if key_node.tag == _VALUE_TAG:
                key_node.tag = _STR_TAG

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep)
        if isinstance(node, MappingNode) and len(mapping) != len(node.value):
            seen: dict[tuple[str, str], Node] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode):
                    first = seen.setdefault((key_node.tag, key_node.value), key_node)
                    if first is not key_node:
                        self.duplicates.append((key_node.value, first, key_node))
        return mapping  # type: ignore[no-any-return]


class _Loader(_FastLoader):
    """Also refuses aliases; used when the text could hold an anchor, which every alias needs."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:  # the same node twice: an alias (*name)
            raise _Refused("yaml-alias", Message("problem.anchor"), node)
        return super().construct_object(node, deep)


def _unquoted_date(loader: _FastLoader, node: ScalarNode) -> str:
    """A date written without quotes stays text (JSON Schema checks ``format: date``, and an
    impossible date such as 2023-13-01 becomes a positioned problem instead of a ValueError deep
    inside PyYAML), and is noted: other YAML 1.1 readers (PyYAML's ``safe_load``) make it a date."""
    loader.unquoted_dates.append(node)
    return SafeConstructor.construct_yaml_str(loader, node)  # type: ignore[no-any-return]


def _float(loader: _FastLoader, node: ScalarNode) -> float:
    """A float, noted when it is not finite (.nan, .inf, or too large: 1.0e999), which no JSON can hold."""
    value: float = SafeConstructor.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        loader.not_finite = True
    return value


_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _unquoted_date)  # _Loader shares its constructors
_FastLoader.add_constructor("tag:yaml.org,2002:float", _float)
# The safe loader's implicit resolvers by first character; it has none for any character (None) and
# no path resolvers, which PyYAML's resolve also asks (a test holds _FastLoader.resolve to PyYAML's).
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = _FastLoader.yaml_implicit_resolvers


class _NotPlain(Exception):
    """The document needs more than plain mappings, lists and scalars; construct it the general way."""


_PLAIN_SCALARS = {
    tag: _FastLoader.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
}


def _construct_plain(loader: _FastLoader, node: Node) -> Any:
    """The value of a document of plain mappings, lists and scalars, or _NotPlain.

    PyYAML's general constructor is half the load time, and entries are plain data, so they are built
    directly; anything else (another tag, a merge or duplicate key, a non-scalar key) goes to the
    general constructor, so the result never differs. Anchors never reach here (see read_yaml) and
    nesting is bounded before. A module-level function: a recursive closure would keep every file's
    nodes alive until the collector runs.
    """
    cls = node.__class__
    if cls is ScalarNode:
        if node.tag == _STR_TAG:
            return node.value
        construct = _PLAIN_SCALARS.get(node.tag)
        if construct is None:
            raise _NotPlain
        return construct(loader, node)
    if cls is MappingNode and node.tag == _MAP_TAG:
        out = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _NotPlain  # (a merge key has no plain tag, so it fails as a scalar)
            out[_construct_plain(loader, key_node)] = _construct_plain(loader, value_node)
        if len(out) != len(node.value):
            raise _NotPlain  # a duplicate key: the general constructor records where
        return out
    if cls is SequenceNode and node.tag == _SEQ_TAG:
        return [_construct_plain(loader, item) for item in node.value]
    raise _NotPlain


def reader_key(limits: Limits) -> str:
    """Everything besides a file's bytes and jwtool's own code that shapes what :func:`read_yaml`
    makes of it: the limits, the YAML library and whether its C parser is used, and Python."""
    return f"{limits!r} PyYAML={yaml.__version__} loader={_BaseLoader.__name__} python={sys.version}"


@dataclass
class YamlFile:
    """One loaded file: its data (or None), the problems found while reading, and positions."""

    path: Path
    rel: str
    text: str | None = None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    _index: dict[str, tuple[int, int, int, int]] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.severity == "error" for p in self.problems)

    def problem(self, rule: str, message: str, pointer: str = "", *, key: bool = False, severity: str = "error") -> Problem:
        line, column = self.position(pointer, key=key)
        return Problem(self.rel, line, column, rule, message, pointer, severity)

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at a JSON Pointer (or of its key), or its nearest parent."""
        if self._index is None:
            self._index = build_position_index(self.text) if self.text is not None and self.data is not None else {}
        probe = pointer
        while probe not in self._index:
            if not probe:
                return 1, 1
            probe = probe.rsplit("/", 1)[0]
        kl, kc, vl, vc = self._index[probe]
        return (kl, kc) if kl and (key or probe != pointer) else (vl, vc)


def _at(mark: Any) -> tuple[int, int]:
    """1-based line and column of a PyYAML mark; (1, 1) without one."""
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def escape_pointer(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def value_at(data: Any, pointer: str) -> Any:
    """The value at a JSON Pointer ("/a/0/b") in ``data``, or None where there is none."""
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def build_position_index(text: str) -> dict[str, tuple[int, int, int, int]]:
    """JSON Pointer → (key line, key column, value line, value column), 1-based."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    if root is None:
        return {}
    index: dict[str, tuple[int, int, int, int]] = {"": (0, 0, *_at(root.start_mark))}
    stack: list[tuple[str, Node]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                child = f"{pointer}/{escape_pointer(key_node.value if isinstance(key_node, ScalarNode) else '?')}"
                if child not in index:  # first occurrence wins, as for duplicate keys the message names both
                    index[child] = (*_at(key_node.start_mark), *_at(value_node.start_mark))
                    stack.append((child, value_node))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                child = f"{pointer}/{i}"
                index[child] = (0, 0, *_at(item.start_mark))
                stack.append((child, item))
    return index


_DEEP_INDENT = "\n" + " " * 200  # block nesting this deep needs at least this much indentation


def _too_deep(text: str, max_depth: int) -> int | None:
    """Index where nesting exceeds ``max_depth``, or None. libyaml's composer recurses in C and crashes
    on ~100,000 nested brackets, so a suspicious file is first walked as a flat event stream."""
    openers = text.count("[") + text.count("{") + text.count("- -")
    if openers <= max_depth and _DEEP_INDENT not in text:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > max_depth:
                    return int(event.start_mark.index)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:  # libyaml's own limit (1000 levels) says the same
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            return int(exc.problem_mark.index)
    except yaml.YAMLError:
        pass  # the real parse reports the syntax error with its position
    return None


_UNCLOSED = {"[": "problem.yaml.unclosed_sequence", "{": "problem.yaml.unclosed_mapping"}


def _unclosed(exc: yaml.MarkedYAMLError, text: str, at: int) -> tuple[str, Any] | None:
    """(label, mark where it opens) of what a syntax error at index ``at`` leaves open, or None: a
    quoted text the file (or its document) ends in, or that runs on to the error (its closing quote
    was meant to open the next text); where the file ends, the innermost [ or { still open. Taken
    from PyYAML's own tokens, so a quote in a block scalar, a comment or plain text (d'r, Schoor's)
    never counts, where libyaml itself reports an unclosed quote only far below its start."""
    if exc.context == "while scanning a quoted scalar" and re.search("end of stream|unexpected document", exc.problem or ""):
        return "problem.unclosed_quote", exc.context_mark
    opened: list[tuple[str, Any]] = []
    last = None
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if token.start_mark.index >= at:
                break
            last = token
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append((_UNCLOSED[token.id], token.start_mark))
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and opened:
                opened.pop()
    except yaml.YAMLError:
        pass
    if isinstance(last, yaml.ScalarToken) and last.style in ('"', "'") and last.end_mark.index == at:
        first, *rest = text.split("\n")[last.start_mark.line:last.end_mark.line + 1]
        depth = len(first) - len(first.lstrip(" "))  # a line in it indented no further is a field, no continuation
        if any(line.strip() and not line.startswith(" " * (depth + 1)) for line in rest):
            return "problem.unclosed_quote", last.start_mark
    return opened[-1] if opened and not text[at:].strip() else None


# PyYAML's common problems, worded with a fix (labels problem.yaml.*): (words in PyYAML's
# ``problem`` — libyaml's or the pure-Python parser's spelling —, label, whether the start of
# the construct (``context_mark``) is the place to show). Anything else quotes PyYAML.
_WORDED: tuple[tuple[str, str, bool], ...] = (
    ("tab character", "problem.yaml.tab", False),
    ("expected ',' or ']'", "problem.yaml.flow_sequence", False),
    ("expected ',' or '}'", "problem.yaml.flow_mapping", False),
    ("mapping values are not allowed", "problem.yaml.mapping_values", False),
    ("could not find expected ':'", "problem.yaml.no_colon", True),
    ("found undefined alias", "problem.yaml.undefined_alias", False),
    ("unexpected end of stream", "problem.yaml.end_of_stream", False),
    ("cannot start any token", "problem.yaml.bad_character", False),
    ("expected node content", "problem.yaml.bad_character", False),
    ("expected <block end>", "problem.yaml.indent", False),
    ("did not find expected key", "problem.yaml.indent", False),
    ("expected '-' indicator", "problem.yaml.dash", False),
    ("unknown escape character", "problem.yaml.escape", False),
    ("but found another document", "problem.yaml.two_documents", False),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[Message, int, int]:
    """Message, line and column for a YAML syntax error: the common causes worded with a fix
    (``_WORDED``); any other quotes the parser's own (English) words."""
    mark = exc.problem_mark or exc.context_mark
    line, col = _at(mark)
    start = exc.context_mark.line + 1 if exc.context_mark else line
    detail = ", ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
    at = mark.index if mark else -1
    char = text[at] if 0 <= at < len(text) else ""
    if char == "\t" or "\t" in detail:
        return Message("problem.yaml.tab"), line, col
    unclosed = _unclosed(exc, text, at) if mark else None
    if unclosed is not None:  # shown where it opens; the quote's label says where YAML tripped
        return Message(unclosed[0], line=line), *_at(unclosed[1])
    for words, key, at_start in _WORDED:
        if words in (exc.problem or ""):
            if at_start and exc.context_mark:
                line, col = _at(exc.context_mark)
            return Message(key, start=start, char=char), line, col
    return Message("problem.yaml_syntax", detail=detail), line, col


def read_yaml(path: Path, rel: str, limits: Limits = Limits(), inside: Path | None = None) -> YamlFile:
    """Read one YAML file into a :class:`YamlFile`; never raises for bad content. The one reader of
    every YAML file jwtool takes from a catalogue; ``inside``: the folder the file must stay in
    (:func:`jwtool.catalogue.files.confine`)."""
    doc = YamlFile(path=path, rel=rel)

    def add(rule: str, message: Message, line: int = 1, column: int = 1, severity: str = "error") -> YamlFile:
        doc.problems.append(Problem(rel, line, column, rule, message, severity=severity))
        return doc

    if inside is not None:
        try:
            confine(path, inside)
        except Outside as exc:
            return add(exc.rule, exc.message)

    try:
        with open(path, "rb") as fh:  # reading one byte past the limit bounds memory for any file
            raw = fh.read(limits.max_file_size + 1)
            if len(raw) > limits.max_file_size:
                size = os.fstat(fh.fileno()).st_size
                return add("file-size", Message("problem.file_size", size=size, limit=limits.max_file_size) if size > limits.max_file_size
                           else Message("problem.file_size.growing", limit=limits.max_file_size))
    except OSError as exc:
        return add("unreadable", Message("problem.unreadable", error=os_error(exc)))

    if raw.startswith(codecs.BOM_UTF8):
        add("encoding", Message("problem.bom"))
        raw = raw[len(codecs.BOM_UTF8):]
    nul = raw.find(b"\x00")
    if nul >= 0:  # positions in bytes: latin-1 keeps one character per byte
        return add("encoding", Message("problem.nul_byte"), *position_of(raw[:nul].decode("latin-1"), nul))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = position_of(raw[:exc.start].decode("latin-1"), exc.start)
        return add("encoding", Message("problem.not_utf8", byte=f"0x{raw[exc.start]:02x}"), *at)
    if "\r" in text:
        add("line-endings", Message("problem.line_endings"), *position_of(text, text.index("\r")))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc.text = text
    if not text.strip():
        return add("empty-file", Message("problem.empty_file"))

    deep_at = _too_deep(text, limits.max_depth)
    if deep_at is not None:
        return add("nesting", Message("problem.nesting", depth=limits.max_depth), *position_of(text, deep_at))

    # An alias needs an anchor (libyaml refuses an undefined one); without "&name" where a node
    # starts, the loader without the per-node alias check is safe. ("Mbo & Arbeidsmarkt" or "W&I"
    # are no anchors: 15% of real-looking entries have such an "&".)
    may_anchor = "&" in text and _MAY_ANCHOR.search(text) is not None
    loader = _Loader(text) if may_anchor else _FastLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            data = None
        elif may_anchor:
            data = loader.construct_document(root)
        else:
            try:
                data = _construct_plain(loader, root)
            except _NotPlain:
                data = loader.construct_document(root)
    except _Refused as exc:
        return add(exc.rule, exc.message, *_at(exc.node.start_mark))
    except yaml.MarkedYAMLError as exc:
        if isinstance(exc, ConstructorError) and exc.problem and "could not determine a constructor" in exc.problem:
            tag = exc.problem.split("tag", 1)[-1].strip()
            return add("yaml-tag", Message("problem.yaml_tag", tag=tag), *_at(exc.problem_mark or exc.context_mark))
        return add("yaml-syntax", *_syntax_problem(exc, text))
    except yaml.reader.ReaderError as exc:
        line, col = position_of(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return add("encoding", Message("problem.control_in_yaml", code=f"U+{code:04X}"), line, col)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        return add("yaml-syntax", Message("problem.yaml_unparsable", detail=str(exc)))
    finally:
        loader.dispose()

    for key, first, second in loader.duplicates:
        add("duplicate-key", Message("problem.duplicate_key", name=repr(key), line=first.start_mark.line + 1), *_at(second.start_mark))
    for node in loader.unquoted_dates:
        add("unquoted-date", Message("problem.unquoted_date", date=node.value), *_at(node.start_mark), severity="warning")
    if data is None:
        return add("empty-file", Message("problem.no_content"))
    if not isinstance(data, dict):
        kind = {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(type(data), "unknown")
        return add("not-a-mapping", Message("problem.not_a_mapping", kind=Message(f"problem.holds.{kind}")))
    doc.data = data
    for at in list(invisible(text))[:_MAX_INVISIBLE]:
        add("invisible-character", Message("problem.invisible", char=describe(text[at])), *position_of(text, at))
    if "\\" in text or loader.not_finite:  # only escapes make control characters
        doc.problems += [doc.problem(rule, message, pointer, key=on_key) for rule, pointer, message, on_key in _unsafe_values(data)]
    return doc


def read_in(layout: Layout, path: Path, limits: Limits = Limits()) -> YamlFile:
    """One YAML file of the catalogue through :func:`read_yaml`, confined to the catalogue."""
    return read_yaml(path, layout.rel(path), limits, inside=layout.base_of(path))


def _unsafe_values(data: Any) -> Iterator[tuple[str, str, Message, bool]]:
    """(rule, JSON pointer, message, on the key?) for every key or text holding a control character
    (which a double-quoted YAML string can carry as an escape) and every number that is not
    finite (``.nan``, ``.inf``), which no JSON output can hold."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, str):
            at = first_control(value)
            if at is not None:
                yield "control-character", pointer, Message("problem.control_character", char=describe(value[at])), False
        elif isinstance(value, float) and not math.isfinite(value):
            spelled = ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
            yield "number", pointer, Message("problem.not_finite", value=spelled), False
        elif isinstance(value, dict):
            for k, v in value.items():
                child = f"{pointer}/{escape_pointer(k)}"
                at = first_control(k) if isinstance(k, str) else None
                if at is not None:
                    yield "control-character", child, Message("problem.control_character", char=describe(k[at])), True
                stack.append((child, v))
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(value))
