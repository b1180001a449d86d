"""The entry model: a thin, typed view over one validated YAML mapping.

Entries stay plain dicts underneath (that is what the schema describes and what exports
write); the properties below are the few structured views every command needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jwtool.catalogue.sources import Library, rows_of


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty one: a field of an entry not yet validated."""
    return value if isinstance(value, list) else []


def dig(data: Any, *path: str | int) -> Any:
    """The value at ``path`` (keys of mappings, indexes of lists) in a document not yet
    validated, or None where the path does not lead."""
    for step in path:
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and 0 <= step < len(data) else None
        else:
            data = data.get(step) if isinstance(data, dict) else None
    return data


def _strs(value: Any) -> list[str]:
    return [v for v in as_list(value) if isinstance(v, str)]


# The fields that list, filters and the graph need; everything else is long verbatim text.
_SUMMARY_FIELDS: dict[str, tuple[str, ...] | None] = {
    "id": None, "name": None, "aliases": None, "kind": None, "phases": None, "last_reviewed": None,
    "region": None, "cites": None,
    "providers": ("organisations", "commissioned_by", "developed_by", "description"),
    "target_group": ("summary", "education_levels", "age", "characteristics", "description"),  # description: the index's fallback
    "goals": ("tags",),
    "evidence": ("level", "studies"),
    "working_elements": None, "components": None, "success_factors": None,
}


# Where an entry names the terms of each vocabulary: the keys to walk, None for every item of a list.
VOCAB_REFS: list[tuple[str, tuple[str | None, ...]]] = [
    ("phases", ("phases", None)),
    ("education-levels", ("target_group", "education_levels", None)),
    ("target-characteristics", ("target_group", "characteristics", None)),
    ("goal-tags", ("goals", "tags", None)),
    ("evidence-levels", ("evidence", "level")),
    ("working-elements", ("working_elements", None, "elements", None)),
    ("success-factors", ("success_factors", None, "factor")),
    ("working-elements", ("components", None, "elements", None)),
    ("study-designs", ("evidence", "studies", None, "designs", None)),
    ("outcome-domains", ("evidence", "studies", None, "findings", None, "outcome")),
]


def values_at(data: Any, steps: tuple[str | None, ...]) -> list[Any]:
    """The values at ``steps`` in an entry's data (keys, None for every item of a list), in the
    order they stand: see :data:`VOCAB_REFS`. Step by step over all values at once: every entry's
    validation asks it ten times."""
    values = [data]
    for step in steps:
        if step is None:
            values = [item for v in values if isinstance(v, list) for item in v]
        else:
            values = [v[step] for v in values if isinstance(v, dict) and step in v]
    return values


def summary_view(data: dict[str, Any]) -> dict[str, Any]:
    """The entry without its long verbatim texts: what list, filters, the graph and the
    overview's index need (a render reads each full record as it writes its section)."""
    out: dict[str, Any] = {}
    for key, sub in _SUMMARY_FIELDS.items():
        if key not in data:
            continue
        value = data[key]
        if key == "success_factors" and isinstance(value, list):
            value = [{"factor": s.get("factor")} for s in value if isinstance(s, dict)]
        elif key == "cites" and isinstance(value, list):
            value = [{k: c[k] for k in ("source", "rows") if k in c} for c in value if isinstance(c, dict)]
        elif key in ("working_elements", "components") and isinstance(value, list):
            value = [{k: w[k] for k in ("text", "elements") if k in w} for w in value if isinstance(w, dict)]  # text: a graph link's wording
        elif key == "evidence" and isinstance(value, dict):
            value = {k: value[k] for k in sub or () if k in value}
            if isinstance(value.get("studies"), list):
                value["studies"] = [_study_summary(s) for s in value["studies"] if isinstance(s, dict)]
        elif sub is not None and isinstance(value, dict):
            value = {k: value[k] for k in sub if k in value}
        out[key] = value
    return out


def _study_summary(study: dict[str, Any]) -> dict[str, Any]:
    """A study without its verbatim texts: what the outcome and design filters need, its title,
    period and figures' years (the gap map's cell lists name each study by them) and the sources
    it cites (Entry.cited)."""
    findings = [{k: f[k] for k in ("outcome", "direction", "comparison") if k in f}
                | ({"figure": {"year": f["figure"]["year"]}} if isinstance(f.get("figure"), dict) and "year" in f["figure"] else {})
                for f in as_list(study.get("findings")) if isinstance(f, dict)]
    cites = [{"source": c["source"]} for c in as_list(study.get("cites")) if isinstance(c, dict) and "source" in c]
    # title, period and the figures' years: a study without a title is named by them (labels.fields.study_title)
    return {k: study[k] for k in ("id", "title", "designs", "period") if k in study} | {"findings": findings, "cites": cites}


ELEMENT_SOURCES = ("all", "components", "working-elements")  # where an entry's element ids come from


@dataclass(frozen=True)
class Finding:
    """What one study found on one outcome domain, and the verbatim quote it rests on."""

    outcome: str
    direction: str
    comparison: bool
    quote: str = ""
    figure: dict[str, Any] | None = None
    note: str = ""


@dataclass(frozen=True)
class Study:
    """One evaluation of an entry as its source describes it (``evidence.studies[]``)."""

    id: str
    designs: tuple[str, ...]
    findings: tuple[Finding, ...]
    title: str = ""
    description: str = ""
    participants: int | None = None
    period: str = ""
    cites: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Study:
        findings = tuple(
            Finding(outcome=f["outcome"] if isinstance(f.get("outcome"), str) else "", direction=str(f.get("direction", "")),
                    comparison=f.get("comparison") is True, quote=str(f.get("quote", "")),
                    figure=f["figure"] if isinstance(f.get("figure"), dict) else None, note=str(f.get("note", "")))
            for f in as_list(d.get("findings")) if isinstance(f, dict))
        participants = d.get("participants")
        return cls(id=str(d.get("id", "")), designs=tuple(_strs(d.get("designs"))), findings=findings,
                   title=str(d.get("title", "")), description=str(d.get("description", "")),
                   participants=participants if isinstance(participants, int) and not isinstance(participants, bool) else None,
                   period=str(d.get("period", "")), cites=tuple(c for c in as_list(d.get("cites")) if isinstance(c, dict)),
                   notes=tuple(_strs(d.get("notes"))))

    @property
    def outcomes(self) -> list[str]:
        """Outcome domains the study has a finding on, in the order found, without repeats."""
        return list(dict.fromkeys(f.outcome for f in self.findings))


@dataclass
class Entry:
    """One entry. Its data is not changed once the entry is made: the views that filters and
    listings ask for again and again (the site's facets ask each entry about a hundred times)
    are computed once, on first use, and shared; do not change a list they give."""

    data: dict[str, Any]
    file: str = ""  # path relative to the catalogue root
    library: Library = field(default_factory=Library, repr=False)  # the catalogue's sources, to resolve cites

    @cached_property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def name(self) -> str:
        return str(self.data.get("name", self.id))

    @cached_property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def aliases(self) -> list[str]:
        return _strs(self.data.get("aliases"))

    @property
    def summary(self) -> str:
        return str(self.data.get("summary", ""))

    @cached_property
    def phases(self) -> list[str]:
        return _strs(self.data.get("phases"))

    @property
    def target_group(self) -> dict[str, Any]:
        return _dict(self.data.get("target_group"))

    @cached_property
    def education_levels(self) -> list[str]:
        return _strs(self.target_group.get("education_levels"))

    @cached_property
    def characteristics(self) -> list[str]:
        return _strs(self.target_group.get("characteristics"))

    @cached_property
    def age(self) -> tuple[int | None, int | None]:
        age = _dict(self.target_group.get("age"))
        lo, hi = age.get("min"), age.get("max")
        return (lo if isinstance(lo, int) else None, hi if isinstance(hi, int) else None)

    @property
    def goals(self) -> dict[str, Any]:
        return _dict(self.data.get("goals"))

    @cached_property
    def goal_tags(self) -> list[str]:
        return _strs(self.goals.get("tags"))

    @property
    def providers(self) -> dict[str, Any]:
        return _dict(self.data.get("providers"))

    @property
    def organisations(self) -> list[str]:
        p = self.providers
        return _strs(p.get("organisations")) + _strs(p.get("commissioned_by")) + _strs(p.get("developed_by"))

    @property
    def region(self) -> dict[str, Any]:
        return _dict(self.data.get("region"))

    @property
    def evidence(self) -> dict[str, Any]:
        return _dict(self.data.get("evidence"))

    @cached_property
    def evidence_level(self) -> str:
        return str(self.evidence.get("level", ""))

    @property
    def working_elements(self) -> list[dict[str, Any]]:
        return [w for w in as_list(self.data.get("working_elements")) if isinstance(w, dict)]

    @property
    def element_ids(self) -> list[str]:
        """Canonical working-element ids, in the order the report names them, without repeats."""
        return self.elements_from("working-elements")

    @property
    def components(self) -> list[dict[str, Any]]:
        """The components (Onderdelen): verbatim ``text`` and the ``elements`` each is an instance of."""
        return [c for c in as_list(self.data.get("components")) if isinstance(c, dict)]

    @property
    def component_texts(self) -> list[str]:
        return [str(c["text"]) for c in self.components if isinstance(c.get("text"), (str, int))]

    def tagged_items(self, source: str = "all") -> list[dict[str, Any]]:
        """The items whose ``elements`` count for ``source`` (``ELEMENT_SOURCES``): working elements, components or both."""
        return self.working_elements if source == "working-elements" else self.components if source == "components" else self.working_elements + self.components

    def elements_from(self, source: str = "all") -> list[str]:
        """Element ids tagged on the working elements, the components or both (``ELEMENT_SOURCES``), in
        the order the entry names them, without repeats; cached per source (the site's facets ask about a
        hundred times an entry)."""
        found = self._elements.get(source)
        if found is None:
            found = self._elements[source] = list(dict.fromkeys(e for w in self.tagged_items(source) for e in _strs(w.get("elements"))))
        return found

    @cached_property
    def _elements(self) -> dict[str, list[str]]:
        return {}

    @cached_property
    def studies(self) -> list[Study]:
        """The evaluations behind the evidence level, with their findings per outcome."""
        return [Study.from_dict(s) for s in as_list(self.evidence.get("studies")) if isinstance(s, dict)]

    @cached_property
    def study_outcomes(self) -> frozenset[str]:
        """The outcome domains some study of the entry has a finding on (what ``--outcome`` looks at)."""
        return frozenset(f.outcome for s in self.studies for f in s.findings)

    @cached_property
    def study_designs(self) -> frozenset[str]:
        """The designs of the entry's studies, all together (``--min-design`` takes the strongest)."""
        return frozenset(d for s in self.studies for d in s.designs)

    @property
    def cited(self) -> list[str]:
        """The ids of the sources the entry cites, itself or through one of its studies, each once
        and in order: what `cite` lists and filtered citation exports write."""
        ids = [c.get("source") for c in self.cites] + [c.get("source") for s in self.studies for c in s.cites]
        return list(dict.fromkeys(i for i in ids if isinstance(i, str)))

    @property
    def contradictions(self) -> list[str]:
        """The first words of the notes that reviewed_warnings markers name: where the report
        contradicts itself about this entry's evidence (the validator keeps the warning silenced)."""
        return list(dict.fromkeys(str(m["note"]) for m in as_list(self.data.get("reviewed_warnings"))
                                  if isinstance(m, dict) and isinstance(m.get("note"), str)))

    @property
    def success_factors(self) -> list[dict[str, Any]]:
        return [s for s in as_list(self.data.get("success_factors")) if isinstance(s, dict)]

    @property
    def factor_ids(self) -> list[str]:
        return [str(s["factor"]) for s in self.success_factors if isinstance(s.get("factor"), str)]

    @property
    def cites(self) -> list[dict[str, Any]]:
        """The entry's citations: which source, and where in it (rows, sections, page, quote)."""
        return [c for c in as_list(self.data.get("cites")) if isinstance(c, dict)]

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """Every table row the entry is: (source id, table id, row number), in the order cited."""
        return [(s, t, r) for _, _, s, t, r in rows_of(self.data)]

    def row_in(self, source_id: str, table_id: str) -> int | None:
        """The entry's row number in one table of one source, or None."""
        return next((r for s, t, r in self.rows if s == source_id and t == table_id), None)

    @property
    def sources(self) -> list[dict[str, Any]]:
        """The sources an entry cites besides the reports it is a table row of, as the renders
        show them: title, url, kind and the citation's note (how the report refers to it)."""
        with_rows = {s for s, _, _ in self.rows}
        out = []
        for c in self.cites:
            sid = c.get("source")
            if not isinstance(sid, str) or sid in with_rows:
                continue
            rec = self.library.get(sid)
            data = rec.data if rec is not None else {}
            item = {"id": sid, "title": data.get("title", sid), "kind": data.get("kind", "")}
            if isinstance(data.get("URL"), str):
                item["url"] = data["URL"]
            if isinstance(c.get("note"), str):
                item["note"] = c["note"]
            out.append(item)
        return out

    @property
    def provenance(self) -> dict[str, Any]:
        """Where the entry comes from, for cards and pages: the first source it cites, its first
        table row (``table``/``order``), a second table's row (``summary_table``) and the sections."""
        first = self.cites[0] if self.cites else {}
        out: dict[str, Any] = {}
        if isinstance(first.get("source"), str):
            out["report"] = first["source"]
        rows = [(t, r) for s, t, r in self.rows if s == out.get("report")]
        if rows:
            out["table"], out["order"] = rows[0]
        if len(rows) > 1:
            out["summary_table"] = rows[1][0]
        sections = _strs(first.get("sections"))
        if sections:
            out["sections"] = sections
        return out

    @property
    def table(self) -> str:
        rows = self.rows
        return rows[0][1] if rows else ""

    @property
    def order(self) -> int:
        rows = self.rows
        return rows[0][2] if rows else 10_000

    @property
    def notes(self) -> list[str]:
        return _strs(self.data.get("notes"))

    @cached_property
    def _sort_key(self) -> tuple[int, str, int, str]:
        rows = self.rows  # report order: the first table row, then entries without a row by id
        return (0, rows[0][1], rows[0][2], self.id) if rows else (1, "", 10_000, self.id)

    def sort_key(self) -> tuple[int, str, int, str]:
        """Report order: table rows (B2.1, then B2.2, ...), then entries without a row by id."""
        return self._sort_key
