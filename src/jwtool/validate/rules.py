"""Validation: rules that turn a catalogue into a sorted list of positioned problems.

Per file: read (:func:`jwtool.catalogue.yamlfile.read_yaml`), JSON Schema, then the entry rules
(``ENTRY_RULES``); across entries, the catalogue rules (uniqueness, cross references). Vocabularies
and ``catalogue.yaml`` are validated too: a broken vocabulary makes every reference check meaningless.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jwtool.catalogue.layout import Layout, discover, links_out
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.load import load_vocabularies, read_entries
from jwtool.catalogue.model import VOCAB_REFS, as_list, dig, values_at
from jwtool.catalogue.problems import ERROR, WARNING, Finding, Problem, short, sort_problems
from jwtool.catalogue.progress import track
from jwtool.catalogue.sources import Library, format_problem, rows_of
from jwtool.catalogue.text import key
from jwtool.catalogue.vocabularies import Vocabulary, did_you_mean
from jwtool.catalogue.yamlfile import YamlFile, escape_pointer, read_in, read_yaml, value_at
from jwtool.labels import Message
from jwtool.validate import citations as citation_rules
from jwtool.validate import studies as study_rules
from jwtool.validate.schema import schema_checker
from jwtool.validate.vocabfiles import check_vocabulary

# Every rule id jwtool can report, with what it means. Tests assert each one fires.
RULES: dict[str, str] = {
    "unreadable": "The file cannot be read at all.",
    "file-size": "The file is larger than the configured limit.",
    "file-name": "The file name has spaces, non-ASCII letters or the wrong extension.",
    "symlink": "A symbolic link points outside the catalogue.",
    "encoding": "The file is not plain UTF-8 text (BOM, invalid bytes, NUL or control characters).",
    "line-endings": "The file has CRLF or CR line endings instead of LF.",
    "empty-file": "The file has no content.",
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-alias": "The file uses anchors, aliases or merge keys.",
    "yaml-tag": "The file uses a YAML tag such as !!python/object.",
    "nesting": "The structure is nested deeper than allowed.",
    "duplicate-key": "A mapping has the same key twice.",
    "unquoted-date": "A date is not in quotes, so YAML 1.1 readers (PyYAML) read it as a date instead of text.",
    "not-a-mapping": "The top level of the file is not a mapping.",
    "schema": "The entry does not match the JSON Schema.",
    "empty-string": "A text field is empty or only whitespace.",
    "control-character": "A text holds a control character written as an escape (\\e, \\x07, \\0, \\x9b, ...).",
    "invisible-character": "A text holds an invisible or direction-changing character (U+202E, U+2066-2069, zero-width space, a BOM inside text, ...).",
    "number": "A number is not finite (.nan, .inf).",
    "url": "A URL is not an http(s) address.",
    "id-filename": "The id does not equal the file name.",
    "unique-id": "Two entries, or two studies, have the same id.",
    "unique-alias": "A name or alias is used by two entries.",
    "vocabulary": "A value is not a term of its controlled vocabulary.",
    "age-range": "The minimum age is above the maximum age.",
    "percentage": "A percentage is outside 0-100.",
    "count": "A count is inconsistent (larger than its total n).",
    "year": "A year or date is implausible.",
    "placeholder": "A field still holds a template placeholder.",
    "schema-file": "A JSON Schema file of the catalogue is broken.",
    "vocabulary-file": "A vocabulary file is broken or inconsistent.",
    "catalogue-file": "catalogue.yaml is broken.",
    "format-version": "catalogue.yaml declares a schema_version newer than this jwtool reads, or one that is no whole number.",
    **citation_rules.RULES,
    **study_rules.RULES,
}

PLACEHOLDER = re.compile(r"<\s*vul\s+in|\bTODO\b|\bFIXME\b|\bTBD\b|\{\{|\}\}|^\s*(\.\.\.|…)\s*$", re.IGNORECASE)


# ----------------------------------------------------------------------------- context


@dataclass
class Context:
    """What rules may consult: vocabularies, the sources, today's date."""

    vocab: dict[str, Vocabulary]
    library: Library = field(default_factory=Library)
    today: _dt.date = field(default_factory=_dt.date.today)
    vocab_ok: set[str] = field(default_factory=set)  # vocabularies that loaded cleanly


EntryRule = Callable[[dict[str, Any], YamlFile, Context], Iterator[Finding]]
ENTRY_RULES: list[EntryRule] = []


def entry_rule(fn: EntryRule) -> EntryRule:
    ENTRY_RULES.append(fn)
    return fn


# ----------------------------------------------------------------------------- entry rules


@entry_rule
def id_matches_file_name(data: dict[str, Any], doc: YamlFile, ctx: Context) -> Iterator[Finding]:
    stem = doc.path.name.rsplit(".", 1)[0]
    if isinstance(data.get("id"), str) and data["id"] != stem:
        yield "id-filename", "/id", Message("problem.id_filename", id=repr(data["id"]), stem=repr(stem), file=f"{data['id']}.yaml"), False


# (vocabulary name, JSON pointer pattern as steps); a message names the kind of value by the
# label problem.term.<vocabulary name, with _ for ->


def term_key(vocabulary: str) -> str:
    """The label that names a value of ``vocabulary`` in a message ("fase", "werkzaam element")."""
    return f"problem.term.{vocabulary.replace('-', '_')}"


def _walk_steps(data: Any, steps: tuple[str | None, ...], pointer: str = "") -> Iterator[tuple[str, Any]]:
    if not steps:
        yield pointer, data
        return
    head, rest = steps[0], steps[1:]
    if head is None:
        for i, item in enumerate(as_list(data)):
            yield from _walk_steps(item, rest, f"{pointer}/{i}")
    elif isinstance(data, dict) and head in data:
        yield from _walk_steps(data[head], rest, f"{pointer}/{head}")


@entry_rule
def vocabulary_terms_exist(data: dict[str, Any], doc: YamlFile, ctx: Context) -> Iterator[Finding]:
    for name, steps in VOCAB_REFS:
        if name not in ctx.vocab_ok:
            continue
        vocab = ctx.vocab[name]
        if all(not isinstance(v, str) or v in vocab.terms for v in values_at(data, steps)):
            continue  # the common case: pointers are only worked out for a file with an unknown term
        for pointer, value in _walk_steps(data, steps):
            if isinstance(value, str) and value not in vocab:
                resolved = vocab.resolve(value)
                hint = did_you_mean([resolved] if resolved else vocab.suggest(value))
                yield "vocabulary", pointer, Message("problem.vocabulary", value=repr(value), term=Message(term_key(name)), hint=hint, name=name), False


@entry_rule
def age_range_is_ordered(data: dict[str, Any], doc: YamlFile, ctx: Context) -> Iterator[Finding]:
    lo, hi = dig(data, "target_group", "age", "min"), dig(data, "target_group", "age", "max")
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        yield "age-range", "/target_group/age/min", Message("problem.age_range", low=lo, high=hi), False


@entry_rule
def figures_are_consistent(data: dict[str, Any], doc: YamlFile, ctx: Context) -> Iterator[Finding]:
    for base, fig in study_rules.figures(data):
        value, unit, n = fig.get("value"), fig.get("unit"), fig.get("n")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value or value in (float("inf"), float("-inf")):
            continue  # (.nan and .inf are the 'number' rule's)
        if unit == "procent" and not 0 <= value <= 100:
            yield "percentage", f"{base}/value", Message("problem.percentage", value=value), False
        if unit == "aantal" and value < 0:
            yield "count", f"{base}/value", Message("problem.count.negative", value=value), False
        if unit == "aantal" and isinstance(n, int) and value > n:
            yield "count", f"{base}/value", Message("problem.count.above_n", value=value, n=n), False
    schools, parts = dig(data, "course", "scale", "schools"), dig(data, "course", "scale", "participants")
    if isinstance(schools, int) and isinstance(parts, int) and parts and schools > parts:
        message = Message("problem.count.schools", schools=schools, participants=parts)
        yield "count", "/course/scale/schools", message, False


_YEAR_FIELDS = [("course", "start_year"), ("course", "end_year"), ("course", "scale", "year")]


@entry_rule
def years_are_plausible(data: dict[str, Any], doc: YamlFile, ctx: Context) -> Iterator[Finding]:
    latest = ctx.today.year + 1
    found: list[tuple[str, Any]] = [("/" + "/".join(p), dig(data, *p)) for p in _YEAR_FIELDS]
    found += [(f"{base}/year", f.get("year")) for base, f in study_rules.figures(data)]
    for pointer, year in found:
        if isinstance(year, int) and not isinstance(year, bool) and not 1950 <= year <= latest:
            yield "year", pointer, Message("problem.year", year=year, latest=latest), False
    start, end = dig(data, "course", "start_year"), dig(data, "course", "end_year")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        yield "year", "/course/end_year", Message("problem.year.end_before_start", end=end, start=start), False
    dates = [("/last_reviewed", "problem.future.last_reviewed", data.get("last_reviewed"))]
    dates += [(f"/reviewed_warnings/{i}/reviewed", "problem.future.marker", m.get("reviewed"))
              for i, m in enumerate(as_list(data.get("reviewed_warnings"))) if isinstance(m, dict)]
    for pointer, label, reviewed in dates:
        if study_rules.in_the_future(reviewed, ctx.today):
            yield "year", pointer, Message(label, date=reviewed), False


ENTRY_RULES += [lambda data, doc, ctx: citation_rules.entry_findings(data, ctx.library),  # citations fit their sources
                lambda data, doc, ctx: study_rules.level_findings(data, ctx.vocab, ctx.vocab_ok),  # the level agrees with the studies
                lambda data, doc, ctx: study_rules.flag_findings(data, ctx.vocab, ctx.vocab_ok)]  # so do control_group and cost_benefit


def _strings(data: Any) -> Iterator[tuple[str, str]]:
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        ptr, value, d = stack.pop()
        if isinstance(value, str):
            yield ptr, value
        elif d < 16 and isinstance(value, dict):
            stack.extend((f"{ptr}/{escape_pointer(k)}", v, d + 1) for k, v in value.items())
        elif d < 16 and isinstance(value, list):
            stack.extend((f"{ptr}/{i}", v, d + 1) for i, v in enumerate(value))


_VUL_IN = re.compile(r"<\s*vul\s+in", re.IGNORECASE)
_ELLIPSIS_AT_END = re.compile(r"(?:\.\.\.|…)[\"']?[ \t]*$", re.MULTILINE)


def _may_hold_placeholder(text: str) -> bool:
    """A cheap superset of PLACEHOLDER on the raw file text (substring tests first): when it
    says no, no string in the file can be a placeholder and the strings need not be walked. A
    backslash may be an escape in a quoted string, which can spell anything ("TO\\x44O")."""
    low = text.lower()  # PLACEHOLDER ignores case
    return (
        "\\" in text or "todo" in low or "fixme" in low or "tbd" in low or "{{" in text or "}}" in text
        or ("<" in text and _VUL_IN.search(text) is not None)
        or (("..." in text or "…" in text) and _ELLIPSIS_AT_END.search(text) is not None)
    )


@entry_rule
def no_placeholders(data: dict[str, Any], doc: YamlFile, ctx: Context) -> Iterator[Finding]:
    if doc.text is not None and not _may_hold_placeholder(doc.text):
        return  # nothing in the file could be a placeholder: skip walking every string
    for pointer, text in _strings(data):
        if PLACEHOLDER.search(text):
            yield "placeholder", pointer, Message("problem.placeholder", text=short(text)), False


def _place(doc: YamlFile, finding: Finding) -> Problem:
    rule, pointer, message, on_key = finding
    return doc.problem(rule, message, pointer, key=on_key, severity=WARNING if rule in study_rules.WARNING_RULES else ERROR)


# ----------------------------------------------------------------------------- driver


@dataclass
class Report:
    """The outcome of a validation run."""

    problems: list[Problem]
    files_checked: int

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def silenced(self) -> int:
        """Warnings a reviewed marker silences: reported, but no problem."""
        return sum(p.severity == study_rules.SILENCED for p in self.problems)


def validate(root: Path, paths: list[Path] | None = None, limits: Limits = Limits(), added: list[Path] | None = None, *,
             use_cache: bool = False) -> Report:
    """Validate the catalogue at ``root`` (or only ``paths`` in it, plus catalogue-wide checks).
    ``added``: entry files new since a revision; a value two entries share is reported on the
    checked file, and of two checked files on the added one (see :func:`_catalogue_rules`).
    ``use_cache``: entries parsed before come from the catalogue's cache (:func:`read_entries`)."""
    layout = Layout(root)
    made = [schema_checker(layout, f"{name}.schema.json")
            for name in ("intervention", "vocabulary", "catalogue", "source")]
    checker, vchecker, cchecker, schecker = (c for c, _ in made)
    problems: list[Problem] = [p for _, found in made for p in found]

    vocab, vocab_docs, vocab_problems = load_vocabularies(layout, limits)
    problems += vocab_problems
    ctx = Context(vocab=vocab)
    for doc in vocab_docs:
        name = doc.path.name.rsplit(".", 1)[0]
        found = check_vocabulary(doc, name, vchecker, vocab)
        problems += found
        if doc.data is not None and not any(p.severity == "error" for p in found):
            ctx.vocab_ok.add(name)

    meta_data: Any = None
    if layout.meta_file.is_file():
        meta = read_in(layout, layout.meta_file, limits)
        problems += meta.problems
        meta_data = meta.data
        wrong = format_problem(meta.data) if isinstance(meta.data, dict) else None
        if wrong is not None:
            # One clear message instead of a problem for every entry of a catalogue of another format.
            rule = "old-format" if wrong.key == "problem.old_catalogue" else "format-version"
            return Report([meta.problem(rule, wrong, "/schema_version" if "schema_version" in meta.data else "")], 1)
        if isinstance(meta.data, dict) and cchecker:
            problems += [_place(meta, f) for f in cchecker.check(meta.data)]
    source_docs, ctx.library, source_problems = citation_rules.check_sources(layout, meta_data, schecker, limits)
    problems += _with_source_placeholders(source_docs, source_problems, ctx)

    selected, discover_problems = discover(layout, paths)
    problems += discover_problems
    if (layout.root / "templates").is_dir() or (layout.root / "templates").is_symlink():
        problems += links_out(layout, layout.root / "templates")
    selected_rels = {rel for _, rel in selected}
    everything = selected if paths is None else discover(layout)[0]

    # One pass, one file at a time: check it, keep only the few facts the catalogue-wide rules
    # need, and let the rest go (10,000 entries stay a few MB instead of hundreds).
    facts: list[_Facts] = []
    for doc in track(read_entries(root, everything, limits, use_cache=use_cache), len(everything), "validate"):
        if doc.rel in selected_rels:
            problems += doc.problems
            if isinstance(doc.data, dict):
                findings: list[Finding] = list(checker.check(doc.data)) if checker else []
                for rule in ENTRY_RULES:
                    findings += rule(doc.data, doc, ctx)
                findings = citation_rules.without_old_format_echoes(findings)
                placed = [_place(doc, f) for f in _without_echoes(doc.data, findings)]
                problems += study_rules.with_reviewed_markers(doc, placed, ctx.today)
        if isinstance(doc.data, dict):
            facts.append(_Facts.of(doc, limits))

    problems += _catalogue_rules(facts, selected_rels, {layout.rel(p) for p in added or []})
    # A row no entry claims and a source no entry cites are judged on every entry: while one entry
    # file cannot be read (its own problem says why), they would blame the sources for it.
    every_entry_read = len(facts) == len(everything) and not any(p.file not in selected_rels for p in discover_problems)
    if paths is None and every_entry_read:
        claimed = {(sid, table, row) for f in facts for sid, table, row, _ in f.rows}
        cited = {sid for f in facts for sid in f.cited}
        problems += citation_rules.source_findings(source_docs, ctx.library, claimed, cited)
    read = len(selected) + len(vocab_docs) + len(source_docs) + layout.meta_file.is_file()  # every file whose problems are listed
    return Report(problems=sort_problems(_one_per_mistake(problems)), files_checked=read)


def _one_per_mistake(problems: list[Problem]) -> list[Problem]:
    """No unquoted-date warning where an error stands on the same line: a date where the schema wants
    something else (a source's CSL date) is that error, not a quoting matter. And a message once
    where two rules word one mistake alike (a date that is no date: the schema's and the year rule's)."""
    errors = {(p.file, p.line) for p in problems if p.severity == ERROR}
    said: set[tuple[object, ...]] = set()
    out = []
    for p in problems:
        said_here = (p.file, p.line, p.column, p.severity, str(p.message))
        if not (p.rule == "unquoted-date" and (p.file, p.line) in errors) and said_here not in said:
            said.add(said_here)
            out.append(p)
    return out


def _with_source_placeholders(docs: list[YamlFile], problems: list[Problem], ctx: Context) -> list[Problem]:
    """A new source file from ``jwtool new`` holds placeholders too: each is one 'placeholder'
    problem, instead of a schema complaint about the same value."""
    out = list(problems)
    for doc in docs:
        if isinstance(doc.data, dict):
            found = list(no_placeholders(doc.data, doc, ctx))
            held = {f[1] for f in found}
            out = [p for p in out if not (p.file == doc.rel and p.path in held)] + [_place(doc, f) for f in found]
    return out


def _without_echoes(data: Any, findings: list[Finding]) -> list[Finding]:
    """One message for one mistake in a value: a field that still holds ``<vul in: ...>`` gets one
    'placeholder' problem, not also a schema or vocabulary complaint (a fresh ``jwtool new`` file
    stays readable); a value the vocabulary rule reports ('VSO': unknown, did you mean 'vso'?) is not
    also the schema's 'not a valid id'."""
    in_vocabulary = {f[1] for f in findings if f[0] == "vocabulary"}
    return [f for f in findings if not (f[0] == "schema" and f[1] in in_vocabulary)
            and (f[0] == "placeholder" or not (isinstance(value := value_at(data, f[1]), str) and PLACEHOLDER.search(value)))]


@dataclass
class _Facts:
    """What the catalogue-wide rules need of one entry; positions are found again only for the
    few entries that have a problem."""

    path: Path
    rel: str
    limits: Limits
    id: Any
    names: list[tuple[str, Any]]
    rows: list[tuple[str, str, int, str]]  # (source, table, row, JSON pointer of the row number)
    cited: set[str]
    studies: list[tuple[str, str]]  # (JSON pointer of the id, study id)

    @classmethod
    def of(cls, doc: YamlFile, limits: Limits) -> _Facts:
        data = doc.data
        names = [("/name", data.get("name"))] + [(f"/aliases/{i}", a) for i, a in enumerate(as_list(data.get("aliases")))]
        rows = [(sid, table, row, f"/cites/{i}/rows/{j}/row") for i, j, sid, table, row in rows_of(data)]
        cited = {c["source"] for _, cs in [("", data.get("cites")), *study_rules.study_citations(data)] if isinstance(cs, list)
                 for c in cs if isinstance(c, dict) and isinstance(c.get("source"), str)}
        # A placeholder ('<vul in: andere namen>' in every file `jwtool new` writes) is no name or id
        # yet: the 'placeholder' rule reports it, and two fresh files do not share it as a name.
        names = [(pointer, n) for pointer, n in names if not (isinstance(n, str) and PLACEHOLDER.search(n))]
        studies = [(pointer, sid) for pointer, sid in study_rules.study_ids(data) if not PLACEHOLDER.search(sid)]
        return cls(doc.path, doc.rel, limits, data.get("id"), names, rows, cited, studies)

    def problem(self, rule: str, message: Message, pointer: str) -> Problem:
        return read_yaml(self.path, self.rel, self.limits).problem(rule, message, pointer)


_Holder = tuple[_Facts, str, Any]  # an entry, the JSON pointer of a value in it, the value as written


def _catalogue_rules(entries: list[_Facts], checked: set[str], added: set[str]) -> list[Problem]:
    """Uniqueness across entries: ids, names/aliases, appendix rows, study ids; problems in the
    ``checked`` files only.

    Of the entries that share a value, one keeps it and every other one gets the problem, naming
    that one. The keeper is an entry that is not checked if there is one, else one that was not
    ``added``, else the first by file name. So a clash is reported once: on the file a contributor
    checks (``validate FILE``, ``--changed-since``), whichever file name sorts first; in a full
    run on the later file, or on the new one when the new files are known."""
    ids: dict[str, list[_Holder]] = {}
    names: dict[str, list[_Holder]] = {}
    rows: dict[tuple[str, str, int], list[_Holder]] = {}
    studies: dict[str, list[_Holder]] = {}
    problems: list[Problem] = []

    def hold(shared: dict[Any, list[_Holder]], k: Any, entry: _Facts, pointer: str, value: Any) -> bool:
        """Note that ``entry`` holds ``k``; False if it held it already (entries come one by one)."""
        holders = shared.setdefault(k, [])
        if holders and holders[-1][0] is entry:
            return False
        holders.append((entry, pointer, value))
        return True

    for entry in entries:
        if isinstance(entry.id, str):
            hold(ids, entry.id, entry, "/id", entry.id)
        for pointer, name in entry.names:
            k = key(name) if isinstance(name, str) else ""
            if k:
                hold(names, k, entry, pointer, name)  # the same name twice in one entry is no clash
        for sid, table, row, pointer in entry.rows:
            hold(rows, (sid, table, row), entry, pointer, row)
        for pointer, sid in entry.studies:
            if not hold(studies, sid, entry, pointer, sid) and entry.rel in checked:
                problems.append(entry.problem("unique-id", Message("problem.unique_study", id=repr(sid), where=Message("problem.this_entry")), pointer))

    def clashes(shared: dict[Any, list[_Holder]]) -> Iterator[tuple[Any, _Holder, _Holder]]:
        """(the shared key, a checked holder to report, the keeper it clashes with)."""
        for k, holders in shared.items():
            if len(holders) > 1:
                keeper = min(holders, key=lambda h: (h[0].rel in checked, h[0].rel in added))  # min: the first of equals
                yield from ((k, h, keeper) for h in holders if h is not keeper and h[0].rel in checked)

    for _, (entry, pointer, value), (other, _, _) in clashes(ids):
        problems.append(entry.problem("unique-id", Message("problem.unique_id", id=repr(value), file=other.rel), pointer))
    for _, (entry, pointer, value), (other, _, other_name) in clashes(names):
        problems.append(entry.problem("unique-alias", Message("problem.unique_alias", name=repr(value), file=other.rel, other=other_name), pointer))
    for (sid, table, row), (entry, pointer, _), (other, _, _) in clashes(rows):
        problems.append(entry.problem("unique-order", Message("problem.unique_order", row=row, table=table, source=repr(sid), file=other.rel), pointer))
    for _, (entry, pointer, value), (other, _, _) in clashes(studies):
        problems.append(entry.problem("unique-id", Message("problem.unique_study", id=repr(value), where=other.rel), pointer))
    return problems
