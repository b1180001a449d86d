"""What a change does to the catalogue, file by file and field by field (a line diff of YAML
shows only which lines moved): entries, ``sources/``, ``catalogue.yaml``, vocabularies, schemas.
Files are matched by path, then by id, then by similar content (a file renamed with its id is a
rename); vocabulary terms and a source's tables are compared by id, not by position.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from jwtool.catalogue.files import Outside
from jwtool.catalogue.layout import Layout, discover
from jwtool.catalogue.yamlfile import Limits, read_yaml
from jwtool.contribute import git as gitlog
from jwtool.labels import DEFAULT_LANG, Message, label, worded
from jwtool.query.export import dumps
from jwtool.render.escaping import cell, escape

RENAME_SIMILARITY = 0.5  # share of identical fields for two files to count as one renamed entry
STATUS_ORDER = ("added", "renamed", "changed", "removed")
_MISSING = object()


@dataclass(frozen=True)
class FieldChange:
    path: str  # dotted path, e.g. ``evidence.level`` or ``working_elements[2].text``
    change: str  # added | removed | changed
    old: Any = None
    new: Any = None


# The kinds of files compared are gitlog.FILE_KINDS; the reports title them by the labels
# diff.kind.<kind> and word a status by diff.status.<status>.
@dataclass
class EntryChange:
    """A changed file: an entry, a source, catalogue.yaml, a vocabulary or a schema (``kind``)."""

    status: str  # added | renamed | changed | removed
    id: str
    name: str
    file: str
    old_file: str = ""
    old_id: str = ""
    similarity: float | None = None
    fields: list[FieldChange] = field(default_factory=list)
    problem: str = ""  # why a side could not be read, if so (a Message)
    kind: str = "entries"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "status": self.status, "file": self.file,
            "old_file": self.old_file or None, "old_id": self.old_id or None,
            "similarity": self.similarity, "problem": self.problem or None,
            "fields": [asdict(f) for f in self.fields],
        }


@dataclass
class Side:
    """One end of the comparison: a git revision or the working tree."""

    label: str  # as the user wrote it, or "working tree"
    commit: str | None = None


@dataclass
class CatalogueDiff:
    old: Side
    new: Side
    changes: list[EntryChange]

    def of(self, kind: str) -> list[EntryChange]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self, kind: str = "entries") -> dict[str, int]:
        return {s: sum(e.status == s for e in self.of(kind)) for s in STATUS_ORDER}

    def to_dict(self) -> dict[str, Any]:
        """``summary`` counts the entries (as ``by_kind`` every kind); one list of changes per kind."""
        return {
            "from": {"rev": self.old.label, "commit": self.old.commit},
            "to": {"rev": self.new.label, "commit": self.new.commit},
            "summary": self.counts(),
            "by_kind": {k: self.counts(k) for k in gitlog.FILE_KINDS},
            **{k: [e.to_dict() for e in self.of(k)] for k in gitlog.FILE_KINDS},
        }


@dataclass
class _Doc:
    data: dict[str, Any] | None
    problem: str = ""


# ----------------------------------------------------------------------------- reading snapshots


def _parse(rel: str, path: Path, limits: Limits) -> _Doc:
    """One file, parsed as the catalogue reads it: YAML with the safe loader, a schema as JSON."""
    if rel.endswith(".json"):
        try:
            if path.stat().st_size > limits.max_file_size:
                return _Doc(None, Message("error.in_file", file=rel, message=Message("problem.file_size.growing", limit=limits.max_file_size)))
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            return _Doc(None, Message("error.in_file", file=rel, message=Message("problem.schema_file.not_json", detail=str(exc))))
        return _Doc(data) if isinstance(data, dict) else _Doc(None, Message("diff.not_a_mapping"))
    return _doc(read_yaml(path, rel, limits))


def _doc(yf: Any) -> _Doc:
    errors = [p for p in yf.problems if p.severity == "error" and p.rule != "line-endings"]
    if isinstance(yf.data, dict):
        return _Doc(yf.data, errors[0].located() if errors else "")
    return _Doc(None, errors[0].located() if errors else Message("diff.not_a_mapping"))


def snapshot_at(root: Path, rev: str, limits: Limits = Limits()) -> dict[str, _Doc]:
    """Every catalogue file at ``rev`` (see :func:`jwtool.contribute.git.file_kind`), parsed with
    the same safe loader as files on disk (through a private temporary folder)."""
    out: dict[str, _Doc] = {}
    with tempfile.TemporaryDirectory(prefix="jwtool-diff-") as tmp:
        for i, (rel, raw) in enumerate(sorted(gitlog.catalogue_blobs(root, rev).items())):
            path = Path(tmp) / f"{i}-{rel.rsplit('/', 1)[-1]}"
            path.write_bytes(raw)
            out[rel] = _parse(rel, path, limits)
    return out


def snapshot_working_tree(root: Path, limits: Limits = Limits()) -> dict[str, _Doc]:
    """Every catalogue file in the working tree, parsed; a file a symbolic link takes out of the
    catalogue is left out (:func:`jwtool.catalogue.files.confine`: nothing outside is read)."""
    layout = Layout(root)
    files, _ = discover(layout)
    out = {rel: _doc(read_yaml(path, rel, limits)) for path, rel in files}
    others = [root / "catalogue.yaml", *sorted((root / "sources").glob("*")), *sorted((root / "schemas").glob("*")),
              *sorted((root / "schemas" / "vocabularies").glob("*"))]
    for path in others:
        rel = path.relative_to(root).as_posix()
        if not (gitlog.file_kind(rel) and path.is_file()):
            continue
        try:
            layout.confine(path)
        except Outside:
            continue
        out[rel] = _parse(rel, path, limits)
    return out


# ----------------------------------------------------------------------------- comparing


def _join(path: str, key: Any) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))


def _canon(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Field-level changes from ``old`` to ``new``; lists of mappings are aligned item by item."""
    if old is _MISSING:
        return [FieldChange(path, "added", None, new)]
    if new is _MISSING:
        return [FieldChange(path, "removed", old, None)]
    if old == new and type(old) is type(new):
        return []
    if isinstance(old, dict) and isinstance(new, dict):  # old's keys in their order, then the new ones
        return [c for k in {**old, **new} for c in diff_values(old.get(k, _MISSING), new.get(k, _MISSING), _join(path, k))]
    if isinstance(old, list) and isinstance(new, list) and any(isinstance(v, dict) for v in old + new):
        out: list[FieldChange] = []
        matcher = difflib.SequenceMatcher(None, [_canon(v) for v in old], [_canon(v) for v in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                out += diff_values(old[i1 + k], new[j1 + k], _join(path, j1 + k))
            out += [FieldChange(_join(path, i), "removed", old[i], None) for i in range(i1 + paired, i2)]
            out += [FieldChange(_join(path, j), "added", None, new[j]) for j in range(j1 + paired, j2)]
        return out
    return [FieldChange(path, "changed", old, new)]


def _leaves(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_leaves(v, _join(path, k)) for k, v in value.items())) if value else {path + "={}"}
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return set().union(*(_leaves(v, _join(path, i)) for i, v in enumerate(value)))
    return {f"{path}={_canon(value)}"}


def similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Share of identical fields (Jaccard index of path=value pairs)."""
    la, lb = _leaves(a), _leaves(b)
    return len(la & lb) / len(la | lb) if la | lb else 1.0


# Lists compared by their items' ids, per kind: a vocabulary's terms and groups, a source's tables.
_KEYED = {"vocabularies": ("terms", "groups"), "sources": ("tables",)}


def _by_id(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """``data`` with the lists of :data:`_KEYED` as mappings id -> item (when every item has a
    distinct string id), so a changed term reads ``terms.nazorg.label`` wherever it stands."""
    out = dict(data)
    for key in _KEYED.get(kind, ()):
        items = data.get(key)
        if isinstance(items, list) and items and all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
            ids = [i["id"] for i in items]
            if len(set(ids)) == len(ids):
                out[key] = {i["id"]: {k: v for k, v in i.items() if k != "id"} for i in items}
    return out


def _ident(doc: _Doc, rel: str) -> tuple[str, str]:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0].removesuffix(".schema")
    data = doc.data or {}
    eid = data.get("id") if isinstance(data.get("id"), str) and not data["id"].startswith("http") else stem
    name = next((data[k] for k in ("name", "title", "vocabulary") if isinstance(data.get(k), str)), eid)
    return str(eid), str(name)


def _whole(doc: _Doc, kind: str, status: str) -> list[FieldChange]:
    """An added or removed source, catalogue.yaml, vocabulary or schema field by field (an added
    entry is shown by its id and name only: its file is the review)."""
    if kind == "entries" or doc.data is None:
        return []
    return [FieldChange(k, status, *((v, None) if status == "removed" else (None, v))) for k, v in doc.data.items()]


def compare_snapshots(old: dict[str, _Doc], new: dict[str, _Doc]) -> list[EntryChange]:
    """The changes from ``old`` to ``new``, kind by kind (a file is never renamed into another kind)."""
    changes: list[EntryChange] = []
    for kind in gitlog.FILE_KINDS:
        part = lambda snap: {rel: d if d.data is None else _Doc(_by_id(d.data, kind), d.problem)  # noqa: E731
                             for rel, d in snap.items() if gitlog.file_kind(rel) == kind}
        changes += [replace(c, kind=kind) for c in _compare_kind(part(old), part(new), kind)]
    return changes


def _compare_kind(old: dict[str, _Doc], new: dict[str, _Doc], kind: str) -> list[EntryChange]:
    changes: list[EntryChange] = []
    for rel in sorted(set(old) & set(new)):
        a, b = old[rel], new[rel]
        if a.data is not None and b.data is not None:
            fields = diff_values(a.data, b.data)
            if fields:
                changes.append(EntryChange("changed", *_ident(b, rel), rel, fields=fields))
        elif a.problem != b.problem or (a.data is None) != (b.data is None):
            changes.append(EntryChange("changed", *_ident(b, rel), rel, problem=b.problem or a.problem))

    gone = sorted(set(old) - set(new))
    came = sorted(set(new) - set(old))
    pairs: list[tuple[float, str, str]] = []
    for o in gone:
        for n in came:
            a, b = old[o], new[n]
            if a.data is None or b.data is None:
                continue
            same_id = _ident(a, o)[0] == _ident(b, n)[0]
            score = similarity(a.data, b.data)
            if same_id or score >= RENAME_SIMILARITY:
                pairs.append((2.0 if same_id else score, o, n))
    paired: set[str] = set()  # the old and the new paths of renames (no path is both)
    for _, o, n in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if o in paired or n in paired:
            continue
        paired |= {o, n}
        a, b = old[o], new[n]
        changes.append(EntryChange("renamed", *_ident(b, n), n, old_file=o, old_id=_ident(a, o)[0],
                                   similarity=round(similarity(a.data or {}, b.data or {}), 2), fields=diff_values(a.data, b.data)))
    changes += [EntryChange("added", *_ident(new[n], n), n, problem=new[n].problem, fields=_whole(new[n], kind, "added")) for n in came if n not in paired]
    changes += [EntryChange("removed", *_ident(old[o], o), "", old_file=o, problem=old[o].problem, fields=_whole(old[o], kind, "removed"))
                for o in gone if o not in paired]
    changes.sort(key=lambda c: (STATUS_ORDER.index(c.status), c.id, c.file or c.old_file))
    return changes


def catalogue_diff(root: Path, old_rev: str, new_rev: str | None = None, limits: Limits = Limits()) -> CatalogueDiff:
    """Changes to the catalogue's files from ``old_rev`` to ``new_rev`` (default: the working tree)."""
    old_side = Side(old_rev, gitlog.resolve(root, old_rev))
    old = snapshot_at(root, old_side.commit or old_rev, limits)
    if new_rev is None:
        new_side, new = Side(gitlog.WORKING_TREE), snapshot_working_tree(root, limits)
    else:
        new_side = Side(new_rev, gitlog.resolve(root, new_rev))
        new = snapshot_at(root, new_side.commit or new_rev, limits)
    return CatalogueDiff(old_side, new_side, compare_snapshots(old, new))


# ----------------------------------------------------------------------------- presenting


def _one_line(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return " ".join(str(text).split())


def _window(text: str, start: int, width: int) -> str:
    """At most ``width`` characters of ``text`` from ``start``, with "…" where it is cut."""
    head = "…" if start else ""
    rest = text[start:]
    room = width - len(head)
    return head + (rest if len(rest) <= room else rest[: room - 1] + "…")


def show(value: Any, width: int = 80) -> str:
    """A value on one line, shortened for text and Markdown."""
    return _window(_one_line(value), 0, width)


CHANGE_MAX = 400  # a side of a change shows at most this many characters of what changed


def show_change(old: Any, new: Any, width: int = 80) -> tuple[str, str]:
    """Both sides of a change on one line each, shortened so that the change stays in sight: when
    the texts differ only past what a shortened line shows, both start a little before the word
    where they part (a reviewer would otherwise read the same cut-off text twice), and each side
    runs on to the end of what changed in it (up to :data:`CHANGE_MAX`), so that a long insertion
    is read whole, not cut off after ``width`` characters."""
    a, b = _one_line(old), _one_line(new)
    same = len(os.path.commonprefix((a, b)))
    start = 0
    if same > width - width // 4:  # as much as fits before the change, from the start of a word
        start = max(1, min(same - width // 4, max(len(a), len(b)) - width + 1))
        space = a.find(" ", start - 1, same)
        start = space + 1 if space != -1 else start
    tail = len(os.path.commonprefix((a[same:][::-1], b[same:][::-1])))  # what both end with, after they part
    return tuple(_window(t, start, min(max(width, len(t) - tail - start + width // 8), CHANGE_MAX)) for t in (a, b))  # type: ignore[return-value]


def _counted(c: dict[str, int], lang: str) -> str:
    return ", ".join(f"{c[s]} {label(f'diff.status.{s}', lang)}" for s in STATUS_ORDER if c[s])


def _summary(d: CatalogueDiff, lang: str) -> str:
    """The entries' changes (or "no entry changed"), then every other kind that changed."""
    parts = [_counted(d.counts(), lang) or label("diff.none", lang)]
    parts += [f"{label(f'diff.kind.{k}', lang)}: {_counted(d.counts(k), lang)}"
              for k in gitlog.FILE_KINDS if k != "entries" and d.of(k)]
    return "; ".join(parts)


def _side(s: Side, lang: str) -> str:
    name = label("diff.working_tree", lang) if s.label == gitlog.WORKING_TREE else s.label
    return f"{name} ({s.commit[:12]})" if s.commit and s.commit[:12] != s.label[:12] else name


def _field_line(f: FieldChange) -> str:
    if f.change == "added":
        return f"{f.path}: + {show(f.new)}"
    if f.change == "removed":
        return f"{f.path}: - {show(f.old)}"
    return "{}: {} → {}".format(f.path, *show_change(f.old, f.new))


def to_text(d: CatalogueDiff, lang: str = DEFAULT_LANG) -> str:
    """The changes as plain text, worded in ``lang``."""
    lines = [label("diff.title", lang, old=_side(d.old, lang), new=_side(d.new, lang), summary=_summary(d, lang))]
    width = max(len(label(f"diff.status.{s}", lang)) for s in STATUS_ORDER) + 1
    for kind in gitlog.FILE_KINDS:
        group = d.of(kind)
        if kind != "entries" and group:
            lines.append(f"{label(f'diff.kind.{kind}', lang)}: {_counted(d.counts(kind), lang)}")
        for e in group:
            status = label(f"diff.status.{e.status}", lang).ljust(width)
            if e.status == "renamed":
                head = f"{status} {e.old_id} → {e.id}  {e.name}  ({e.old_file} → {e.file}, {label('diff.same', lang, n=round((e.similarity or 0) * 100))})"
            else:
                head = f"{status} {e.id}  {e.name}  ({e.file or e.old_file})"
            lines.append(head)
            if e.problem:
                lines.append(f"  {label('diff.unreadable', lang, problem=worded(e.problem, lang))}")
            lines += [f"  {_field_line(f)}" for f in e.fields]
    return "\n".join(lines) + "\n"


MARKER = "<!-- jwtool-diff -->"


def to_markdown(d: CatalogueDiff, lang: str = DEFAULT_LANG) -> str:
    """A PR comment, worded in ``lang``: every piece of entry text escaped, so a contributor's text stays text."""

    out = [MARKER, f"### {escape(label('diff.md.title', lang, old=_side(d.old, lang), new=_side(d.new, lang)))}", "", f"**{escape(_summary(d, lang))}**", ""]
    for kind in gitlog.FILE_KINDS:
        for status in STATUS_ORDER:
            group = [e for e in d.of(kind) if e.status == status]
            if not group:
                continue
            title = label(f"diff.status.{status}", lang)
            heading = title.capitalize() if kind == "entries" else f"{label(f'diff.kind.{kind}', lang)}: {title}"
            out += [f"#### {escape(heading)} ({len(group)})", ""]
            for e in group:
                where = f"{escape(e.old_file)} → {escape(e.file)}" if status == "renamed" else escape(e.file or e.old_file)
                same = label("diff.same", lang, n=round((e.similarity or 0) * 100))
                extra = f", id {escape(e.old_id)} → {escape(e.id)}, {same}" if status == "renamed" else f", id {escape(e.id)}"
                out.append(f"- **{escape(e.name)}** ({where}{extra})")
                if e.problem:
                    out.append(f"  - {escape(label('diff.unreadable', lang, problem=worded(e.problem, lang)))}")
                if e.fields and (status != "added" or kind != "entries"):
                    columns = " | ".join(label(f"diff.column.{c}", lang) for c in ("field", "old", "new"))
                    out += ["", f"  | {columns} |", "  | --- | --- | --- |"]
                    for f in e.fields:
                        old, new = show_change(f.old, f.new, 200)
                        old = "" if f.change == "added" else cell(old)
                        new = "" if f.change == "removed" else cell(new)
                        out.append(f"  | {cell(f.path)} | {old} | {new} |")
                    out.append("")
            out.append("")
    text = "\n".join(out).rstrip("\n") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def to_json(d: CatalogueDiff) -> str:
    return dumps(d.to_dict())
