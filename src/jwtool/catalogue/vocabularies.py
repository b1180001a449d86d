"""Controlled vocabularies: the one place where a term (element, level, phase, ...) is defined.

Every vocabulary is a YAML file under ``schemas/vocabularies/``. Entries refer to terms by id;
the command line also accepts labels and synonyms, matched case- and accent-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jwtool.catalogue.text import key
from jwtool.labels import Message

# The vocabularies an entry refers to, by file name, and the fields that refer to each.
VOCABULARY_NAMES = (
    "phases",
    "education-levels",
    "target-characteristics",
    "goal-tags",
    "evidence-levels",
    "working-elements",
    "success-factors",
    "study-designs",
    "outcome-domains",
)


@dataclass(frozen=True)
class Criteria:
    """What the recognition ladder asks of the studies behind an evidence level
    (``criteria`` in evidence-levels.yaml): at least ``studies`` studies, each with a design among
    ``designs`` (or, with ``comparison_finding``, a finding with ``comparison: true``) and a finding
    in the ``direction`` given; ``requires`` says it in words."""

    requires: str = ""
    studies: int = 0
    designs: tuple[str, ...] = ()
    comparison_finding: bool = False
    direction: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Criteria:
        studies = d.get("studies")
        return cls(requires=str(d.get("requires", "")), studies=studies if isinstance(studies, int) and not isinstance(studies, bool) else 0,
                   designs=tuple(str(x) for x in d.get("designs") or () if isinstance(x, str)),
                   comparison_finding=d.get("comparison_finding") is True, direction=str(d.get("direction") or ""))


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    label_en: str = ""
    definition: str = ""
    synonyms: tuple[str, ...] = ()
    phrasings: tuple[str, ...] = ()
    report_wordings: tuple[str, ...] = ()
    broader: str = ""
    group: str = ""
    rank: int | None = None
    source: tuple[str, ...] = ()
    comparison: bool = False  # study designs: compares with young people or projects without the intervention
    implies: str = ""  # study designs: the yes/no field of evidence a study of this design makes true
    criteria: Criteria | None = None  # evidence levels: what the ladder asks of the studies behind the level

    def label_for(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Term:
        tup = lambda k: tuple(str(x) for x in d.get(k) or ())  # noqa: E731
        return cls(
            id=str(d["id"]), label=str(d.get("label", d["id"])), label_en=str(d.get("label_en", "")),
            definition=str(d.get("definition", "")), synonyms=tup("synonyms"), phrasings=tup("phrasings"),
            report_wordings=tup("report_wordings"), broader=str(d.get("broader", "")), group=str(d.get("group", "")),
            rank=d.get("rank") if isinstance(d.get("rank"), int) else None, source=tup("source"),
            comparison=d.get("comparison") is True, implies=str(d.get("implies") or ""),
            criteria=Criteria.from_dict(d["criteria"]) if isinstance(d.get("criteria"), dict) else None,
        )


def group_label(group: dict[str, Any], lang: str = "nl", fallback: str = "") -> str:
    """A group's name (of working elements, say) in ``lang``: ``label_en`` for English where the
    vocabulary has one, else ``label``, as :meth:`Term.label_for` chooses a term's."""
    return str((group.get("label_en") if lang == "en" else None) or group.get("label") or fallback)


@dataclass
class Vocabulary:
    name: str
    terms: dict[str, Term] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    version: int = 1
    wordings_source: str = ""  # the source whose words the terms' report_wordings quote (evidence levels)
    _lookup: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms.values():
            for name in (term.id, term.label, *term.synonyms):
                self._lookup.setdefault(key(name), term.id)

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.terms

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.terms.values())

    def __len__(self) -> int:
        return len(self.terms)

    def resolve(self, value: str) -> str | None:
        """The id for an id, label or synonym, or None."""
        return self._lookup.get(key(value))

    def suggest(self, value: str, n: int = 1) -> list[str]:
        """Closest ids for a mistyped value ("did you mean ..."), matched on ids, labels and synonyms."""
        return _closest(value, self._lookup, n)

    def narrower(self, term_id: str) -> set[str]:
        """The term and every term whose ``broader`` chain leads to it."""
        out = {term_id}
        while new := {t.id for t in self.terms.values() if t.broader in out} - out:
            out |= new
        return out

    def label(self, term_id: str, lang: str = "nl") -> str:
        term = self.terms.get(term_id)
        return term.label_for(lang) if term else term_id

    def ordered(self) -> list[Term]:
        """Terms in rank order where ranked (evidence levels), else file order."""
        terms = list(self.terms.values())
        if all(t.rank is not None for t in terms):
            terms.sort(key=lambda t: t.rank or 0)
        return terms

    @classmethod
    def from_data(cls, name: str, data: dict[str, Any]) -> Vocabulary:
        terms = {}
        for d in data.get("terms") or []:
            if isinstance(d, dict) and isinstance(d.get("id"), str) and d["id"] not in terms:
                terms[d["id"]] = Term.from_dict(d)
        groups = {g["id"]: g for g in data.get("groups") or [] if isinstance(g, dict) and isinstance(g.get("id"), str)}
        version = data.get("version") if isinstance(data.get("version"), int) else 1
        source = data.get("wordings_source")
        return cls(name=name, terms=terms, groups=groups, version=version, wordings_source=source if isinstance(source, str) else "")


CLOSE_CUTOFF = 60  # rapidfuzz's normalised Indel similarity, 0-100: 'sterk-aanwijzing' -> 'sterke-aanwijzingen'


def close_matches(value: str, options: Iterable[str], n: int = 1) -> list[str]:
    """The ``n`` options spelled most like ``value`` (similarity at least :data:`CLOSE_CUTOFF`),
    best first: every "did you mean" of jwtool measures with this one function, by the measure
    the search's typo forgiveness (and the site's, in JavaScript) uses."""
    from rapidfuzz import fuzz, process  # deferred: the CLI's --help imports this module, and only a mistake needs it

    return [match for match, _, _ in process.extract(value, list(options), scorer=fuzz.ratio, limit=n, score_cutoff=CLOSE_CUTOFF)]


def _closest(value: str, by_key: dict[str, str], n: int) -> list[str]:
    """The ``n`` values of ``by_key`` whose folded keys are closest to ``value``: by spelling, else
    those it starts or ends a prefix of ('sterk' -> 'sterke-aanwijzingen')."""
    k = key(value)
    hits = close_matches(k, by_key, n=5)
    if not hits and k:
        hits = [name for name in by_key if name.startswith(k) or (len(name) >= 3 and k.startswith(name))]
    return list(dict.fromkeys(by_key[h] for h in hits))[:n]


def suggest(value: str, options: Iterable[str], n: int = 1) -> list[str]:
    """The options closest to a mistyped value, matched as vocabulary values are (case, accents and
    punctuation ignored): for a command's fixed choices (--rows, --from, --kind, ...)."""
    by_key: dict[str, str] = {}
    for option in options:
        by_key.setdefault(key(option), option)
    return _closest(value, by_key, n)


def did_you_mean(suggestions: list[str]) -> Message | str:
    """" (did you mean 'x'?)" as a message (worded in the language of the message it is part
    of), or nothing."""
    return Message("click.did_you_mean", names=", ".join(repr(s) for s in suggestions)) if suggestions else ""
