"""Comparing entries aspect by aspect, with the share of working elements they have in common.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.labels import DEFAULT_LANG, fields, label, label_or

# The rows of a comparison, in order; each is labelled by ``compare.aspect.<key>`` in the label catalogue.
ASPECTS = ("providers", "phases", "target_group", "ages", "goals", "components", "course", "working_elements", "evidence", "results")
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


def _labels(vocab: dict[str, Vocabulary] | None, name: str, ids: Iterable[str], lang: str) -> str:
    v = (vocab or {}).get(name)
    return ", ".join(v.label(i, lang) if v else i for i in ids)


def _direction(direction: str, lang: str) -> str:
    return label_or(f"direction.{direction.replace('-', '_')}", lang, direction)


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _aspect_values(entry: Entry, aspect: str, vocab: dict[str, Vocabulary] | None, share: dict[str, str], labels: dict[str, str],
                   lang: str, term_lang: str) -> tuple[str, ...]:
    lines: list[str] = []

    def add(*parts: str) -> None:
        lines.extend(p for p in parts if p)

    if aspect == "providers":
        p = entry.providers
        add(_text(p.get("description")) or ", ".join(entry.organisations))
        region = fields.region(entry, lang)
        if region:
            add(label("compare.region", lang, text=region))
    elif aspect == "phases":
        add(_labels(vocab, "phases", entry.phases, term_lang))
    elif aspect == "target_group":
        tg = entry.target_group
        add(_text(tg.get("summary")) or _text(tg.get("description")))
        if entry.education_levels:
            add(label("compare.levels", lang, text=_labels(vocab, "education-levels", entry.education_levels, term_lang)))
        if entry.characteristics:
            add(label("compare.characteristics", lang, text=_labels(vocab, "target-characteristics", entry.characteristics, term_lang)))
    elif aspect == "ages":
        add(fields.age(entry, lang))
    elif aspect == "goals":
        g = entry.goals
        add(_text(g.get("summary")) or _text(g.get("description")))
        if entry.goal_tags:
            add(label("compare.tags", lang, text=_labels(vocab, "goal-tags", entry.goal_tags, term_lang)))
    elif aspect == "components":
        add(*[_text(c) for c in entry.component_texts])
    elif aspect == "course":
        c = entry.data.get("course") if isinstance(entry.data.get("course"), dict) else {}
        add("; ".join(x for x in (fields.period(c, lang), fields.status(c, lang)) if x))
        scale = fields.scale(c, lang)
        if scale:
            add(label("compare.scale", lang, text=", ".join(scale)))
        add(_text(c.get("description")))
    elif aspect == "results":
        r = entry.data.get("results") if isinstance(entry.data.get("results"), dict) else {}
        add(_text(r.get("description")))
    elif aspect == "evidence":
        ev = entry.evidence
        add(_labels(vocab, "evidence-levels", [entry.evidence_level], term_lang) if entry.evidence_level else "")
        add(_text(ev.get("verdict")))
        flags = [flag for flag in ("control_group", "cost_benefit") if ev.get(flag) is True]
        if flags:
            add(label(f"compare.with.{flags[0] if len(flags) == 1 else 'both'}", lang))
        for st in entry.studies:  # what each study is and what it found, per outcome
            found = ", ".join(dict.fromkeys(  # each outcome once per direction and comparison
                f"{_labels(vocab, 'outcome-domains', [f.outcome], term_lang)} ({_direction(f.direction, lang)}"
                + (f", {label('finding.with_comparison', lang)})" if f.comparison else ")") for f in st.findings))
            add(label("compare.study", lang, designs=_labels(vocab, "study-designs", st.designs, term_lang), findings=found))
    elif aspect == "working_elements":
        add(*[f"{labels[e]} [{label(f'compare.mark.{share[e]}', lang)}]" for e in entry.elements_from("all")])
    return tuple(lines)


def compare(entries: Sequence[Entry], vocab: dict[str, Vocabulary] | None = None, meta: dict[str, object] | None = None,
            lang: str = DEFAULT_LANG, term_lang: str | None = None) -> Comparison:
    """Put two or more entries side by side; see :data:`ASPECTS` for the rows (labelled in ``lang``,
    vocabulary terms in ``term_lang``, by default ``lang`` too)."""
    term_lang = term_lang or lang
    if len(entries) < 2:
        raise ValueError("compare needs at least two entries")
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ValueError("compare needs different entries; " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})) + " is named twice")
    sets = [set(e.elements_from("all")) for e in entries]  # the working elements and the components' elements
    order: list[str] = []
    for e in entries:
        order.extend(x for x in e.elements_from("all") if x not in order)
    share: dict[str, str] = {}
    for el in order:
        n = sum(el in s for s in sets)
        share[el] = SHARED_ALL if n == len(entries) else SHARED_SOME if n > 1 else UNIQUE
    rank = {SHARED_ALL: 0, SHARED_SOME: 1, UNIQUE: 2}
    share = dict(sorted(share.items(), key=lambda kv: (rank[kv[1]], order.index(kv[0]))))
    v = (vocab or {}).get("working-elements")
    labels = {el: v.label(el, term_lang) if v else el for el in share}
    aspects = tuple(Aspect(k, label(f"compare.aspect.{k}", lang), tuple(_aspect_values(e, k, vocab, share, labels, lang, term_lang) for e in entries))
                    for k in ASPECTS)
    similarity = None
    if len(entries) >= 3:
        similarity = tuple(tuple(jaccard(a, b) for b in sets) for a in sets)
    caveat, source = fields.caveat(meta or {})
    return Comparison(tuple(entries), aspects, share, labels, similarity, caveat, source)
