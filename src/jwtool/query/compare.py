"""Comparing entries aspect by aspect, with the share of working elements they have in common.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.labels import DEFAULT_LANG, Message, fields, label
from jwtool.labels.view import EntryView, entry_view, label_key

# The rows of a comparison, in order: (key in the JSON, the field whose label names the row, the
# lines it shows). A line is a field of the entry's view (jwtool.labels.view); "a|b": the first
# of them that has a value; "a;b": both on one line; "+a": the field with its label in front.
# The working elements and the evidence add lines of their own (see _aspect_values).
ASPECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("providers", "providers", ("providers.description|providers.organisations", "+region")),
    ("phases", "phases", ("phases",)),
    ("target_group", "target_group", ("target_group.summary|target_group.description", "+target_group.education_levels",
                                      "+target_group.characteristics")),
    ("ages", "target_group.age", ("target_group.age",)),
    ("goals", "goals", ("goals.summary|goals.description", "+goals.tags")),
    ("components", "components", ("components",)),
    ("course", "course", ("course.period;course.status", "+course.scale", "course.description")),
    ("working_elements", "working_elements", ()),
    ("evidence", "evidence", ("evidence.level", "evidence.verdict")),
    ("results", "results", ("results.description",)),
)
SHARED_ALL, SHARED_SOME, UNIQUE = "all", "some", "unique"


@dataclass(frozen=True)
class Aspect:
    key: str
    label: str
    values: tuple[tuple[str, ...], ...]  # per entry: lines of text (empty tuple = not stated)


@dataclass(frozen=True)
class Comparison:
    """Entries side by side; the caveat travels with the results wherever they are shown."""

    entries: tuple[Entry, ...]
    aspects: tuple[Aspect, ...]
    element_share: dict[str, str]  # element id -> "all" | "some" | "unique"
    element_labels: dict[str, str]
    similarity: tuple[tuple[float | None, ...], ...] | None  # Jaccard matrix, three or more entries
    caveat: str
    caveat_source: str

    def elements_by_share(self, share: str) -> list[str]:
        return [e for e, s in self.element_share.items() if s == share]

    def holders(self, element: str) -> list[Entry]:
        return [e for e in self.entries if element in e.elements_from("all")]


def jaccard(a: set[str], b: set[str]) -> float | None:
    """|a ∩ b| / |a ∪ b|; None when neither entry names a working element."""
    union = a | b
    return len(a & b) / len(union) if union else None


def _one_line(value: str | tuple[str, ...]) -> str:
    return " ".join((", ".join(value) if isinstance(value, tuple) else value).split())


def _lines(view: EntryView, spec: str) -> list[str]:
    """The lines of one spec of :data:`ASPECTS` for one entry."""
    if spec.startswith("+"):
        f = view.field(spec[1:])
        return [f"{f.label}: {_one_line(f.value)}"] if f else []
    if "|" in spec:
        return next((_lines(view, s) for s in spec.split("|") if view.field(s)), [])
    if ";" in spec:
        return [fields.clauses(x for s in spec.split(";") for x in _lines(view, s))] if any(view.field(s) for s in spec.split(";")) else []
    f = view.field(spec)
    if f.items:  # tagged texts: one line each, without the tags (the elements have a row of their own)
        return [_one_line(x["text"]) for x in f.items]
    return [_one_line(f.value)] if f else []


def _aspect_values(view: EntryView, entry: Entry, aspect: str, specs: tuple[str, ...], share: dict[str, str],
                   labels: dict[str, str], lang: str) -> tuple[str, ...]:
    lines = [x for spec in specs for x in _lines(view, spec) if x]
    if aspect == "evidence":
        ev = entry.evidence
        flags = [flag for flag in ("control_group", "cost_benefit") if ev.get(flag) is True]
        if flags:
            lines.append(label(f"compare.with.{flags[0] if len(flags) == 1 else 'both'}", lang))
        for st in view.field("evidence.studies").items:  # what each study is and what it found, per outcome
            found = ", ".join(dict.fromkeys(  # each outcome once per direction and comparison
                f"{f['outcome']} ({f['direction']}" + (f", {f['comparison']})" if f["compared"] else ")") for f in st["findings"]))
            lines.append(label("compare.study", lang, designs=", ".join(st["designs"]), findings=found))
    elif aspect == "working_elements":
        lines += [f"{labels[e]} [{label(f'compare.mark.{share[e]}', lang)}]" for e in entry.elements_from("all")]
    return tuple(lines)


def compare(entries: Sequence[Entry], vocab: dict[str, Vocabulary] | None = None, meta: dict[str, object] | None = None,
            lang: str = DEFAULT_LANG, term_lang: str | None = None) -> Comparison:
    """Put two or more entries side by side; see :data:`ASPECTS` for the rows (labelled in ``lang``,
    vocabulary terms in ``term_lang``, by default ``lang`` too)."""
    term_lang = term_lang or lang
    if len(entries) < 2:
        raise ValueError(Message("cli.compare.too_few"))
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ValueError(Message("error.compare.twice", ids=", ".join(sorted({i for i in ids if ids.count(i) > 1}))))
    sets = [set(e.elements_from("all")) for e in entries]  # the working elements and the components' elements
    share: dict[str, str] = {}
    for el in dict.fromkeys(x for e in entries for x in e.elements_from("all")):
        n = sum(el in s for s in sets)
        share[el] = SHARED_ALL if n == len(entries) else SHARED_SOME if n > 1 else UNIQUE
    rank = (SHARED_ALL, SHARED_SOME, UNIQUE)
    share = dict(sorted(share.items(), key=lambda kv: rank.index(kv[1])))  # a stable sort: first named first
    v = (vocab or {}).get("working-elements")
    labels = {el: v.label(el, term_lang) if v else el for el in share}
    views = [entry_view(e, vocab, lang, term_lang) for e in entries]
    aspects = tuple(Aspect(k, label(label_key(field), lang), tuple(_aspect_values(v, e, k, specs, share, labels, lang) for v, e in zip(views, entries)))
                    for k, field, specs in ASPECTS)
    similarity = tuple(tuple(jaccard(a, b) for b in sets) for a in sets) if len(entries) >= 3 else None
    caveat, source = fields.caveat(meta or {}, lang, entries)
    return Comparison(tuple(entries), aspects, share, labels, similarity, caveat, source)
