"""The shape of a schema, as :meth:`jwtool.validate.schema.LocalSchemas.refusals` walks it: how
deep it goes and whether its ``$ref`` links loop without checking anything, the two ways a hostile
schema makes a validator recurse without end (or, in jsonschema-rs, accept any value)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jwtool.catalogue.yamlfile import escape_pointer
from jwtool.labels import Message

# How deep a schema may go from its root, each object, list and $ref followed a level (a $ref back
# to a level on the way, as in a recursive schema, is not followed again). jsonschema spends about
# two Python frames a level: a chain of 1,200 $refs overflowed Python's stack (1,000 frames), and
# `jwtool new` one frame a $ref. jwtool's own schemas go 20 levels deep (export), the entry schema
# 16. What the bound cannot see, a loop of $refs that never goes into a part of the value, _ref_loop
# finds; should one still recurse without end, SchemaChecker.check makes that the entry's problem.
MAX_SCHEMA_DEPTH = 64


Link = tuple[Any, str, str]  # a level below an object or list: its value, its key, the $ref followed to it ("" for a value inside)


def _too_deep(root: Any, below: dict[int, list[Link]]) -> tuple[str, str] | None:
    """Where the deepest way down from ``root`` passes :data:`MAX_SCHEMA_DEPTH`: at the last $ref
    followed before it, as ``(ref, "")``, or without one at the level itself, as ``("", pointer)``;
    None within the bound. Each level is measured once (its height: the most levels below it), so
    definitions that refer to one another many times over cost no more than the walk."""
    height: dict[int, int] = {}
    deepest: dict[int, Link] = {}  # the level below each on its deepest way down
    stack: list[tuple[Any, list[Link] | None]] = [(root, None)]  # (level, None) to enter it, (level, its links) to leave it
    while stack:
        node, links = stack.pop()
        if links:
            deepest[id(node)] = max(links, key=lambda link: height[id(link[0])])
            height[id(node)] = 1 + height[id(deepest[id(node)][0])]
        elif links is None and id(node) not in height:
            height[id(node)] = 0  # on the way down: a $ref back to it (a recursive schema) adds no more
            links = [link for link in below.get(id(node), []) if isinstance(link[0], (dict, list))]
            stack.append((node, links))
            stack.extend((link[0], None) for link in links)
    if height[id(root)] <= MAX_SCHEMA_DEPTH:
        return None
    node, ref, pointer = root, "", ""
    for _ in range(MAX_SCHEMA_DEPTH + 1):
        node, key, via = deepest[id(node)]
        ref, pointer = (via, "") if via else (ref, f"{pointer}/{escape_pointer(key)}")
    return ref, "" if ref else pointer


# The keywords whose schemas apply to the value itself, not to a property or item of it (then and
# else only beside an if): a loop of schemas through these and $refs alone never reaches a smaller
# part of the value, so checking a value there never ends (jsonschema-rs took any value instead).
_SAME_VALUE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas")


def _same_value(node: Any, below: dict[int, list[Link]]) -> Iterator[tuple[Any, str]]:
    """The schemas checked against the same value as ``node``, each with the keyword of the $ref
    followed to it ("" for one inside ``node``)."""
    for value, key, via in below.get(id(node), []):
        if via:
            yield value, key
        elif key in _SAME_VALUE and isinstance(node, dict) and (key not in ("then", "else") or "if" in node):
            # any value, as what is under a keyword JSON Schema does not know was never checked
            subs = value.values() if key == "dependentSchemas" and isinstance(value, dict) else value if key.endswith("Of") and isinstance(value, list) else [value]
            yield from ((sub, "") for sub in subs if isinstance(sub, dict))


def _ref_loop(root: Any, below: dict[int, list[Link]]) -> list[tuple[dict[str, Any], str]]:
    """The $refs of a loop of schemas that :func:`_same_value` leads round, as (the object holding
    the $ref, its keyword), or [] without one. A recursive schema that goes into a property or item
    on the way is no such loop; :func:`_too_deep` cannot see one, as no $ref is followed twice.
    Each walked level is entered once: time linear in the walk."""
    state: dict[int, int] = {}  # 1 while on the way down from the current start, 2 once left
    starts = (value for links in below.values() for value, _, _ in links)
    for start in (root, *starts):
        if not isinstance(start, dict) or id(start) in state:
            continue
        way: list[tuple[Any, Iterator[tuple[Any, str]], str]] = [(start, _same_value(start, below), "")]  # level, what is left below it, the $ref taken
        at = {id(start): 0}  # a level on the way -> its place in it
        state[id(start)] = 1
        while way:
            node, rest, _ = way[-1]
            target, kw = next(rest, (None, ""))
            if target is None:
                state[id(node)] = 2
                del at[id(node)]
                way.pop()
                continue
            way[-1] = (node, rest, kw)
            if state.get(id(target)) == 1:  # back to a level on the way: a loop
                return [(level, taken) for level, _, taken in way[at[id(target)]:] if taken]
            if id(target) not in state:
                state[id(target)] = 1
                at[id(target)] = len(way)
                way.append((target, _same_value(target, below), ""))
    return []


def _pointers(root: Any) -> dict[int, str]:
    """The JSON Pointer of each object and list in ``root``, by its id."""
    out: dict[int, str] = {}
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        out[id(node)] = pointer
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((f"{pointer}/{escape_pointer(k)}", v) for k, v in items if isinstance(v, (dict, list)))
    return out


def shape_refusals(schema: Any, below: dict[int, list[Link]]) -> list[tuple[str, Message, str]]:
    """The refusals (as ``refusals`` gives them) of a schema too deep or with a $ref loop that checks nothing."""
    out: list[tuple[str, Message, str]] = []
    too_deep = _too_deep(schema, below)
    if too_deep is not None:
        ref, pointer = too_deep
        out.append((ref, Message("problem.schema_file.too_deep", depth=MAX_SCHEMA_DEPTH), pointer))
    loop = _ref_loop(schema, below)
    if loop:  # placed at a $ref of the loop in this file, the first by its pointer; else named by its ref
        pointers = _pointers(schema)
        holder, kw = min(loop, key=lambda step: (id(step[0]) not in pointers, pointers.get(id(step[0]), ""), step[1]))
        message = Message("problem.schema_file.ref_loop", keyword=kw, ref=repr(holder[kw]))
        out.append(("", message, f"{pointers[id(holder)]}/{kw}") if id(holder) in pointers else (holder[kw], message, ""))
    return out
