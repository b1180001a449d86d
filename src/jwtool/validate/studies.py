"""Rules for the studies behind an evidence level, and the reviewed markers that silence a warning.

What a level asks of its studies (``evidence.studies``) is data: the ``criteria`` of each level in
``evidence-levels.yaml``, after the Dutch recognition ladder; when they disagree with the level the
validator warns, as it does for a study that compares under niet-onderzocht. Where the source itself
is inconsistent, the entry explains it in a note and silences the warning with a marker in
``reviewed_warnings`` (``{rule, note, reviewed}``, ``note`` the beginning of exactly one note). A
silenced warning is still reported, as silenced; a marker whose warning no longer fires is a warning.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import as_list
from jwtool.catalogue.problems import WARNING, Finding, Problem, short
from jwtool.catalogue.vocabularies import Criteria, Vocabulary, close_matches, did_you_mean
from jwtool.labels import Message

if TYPE_CHECKING:
    from jwtool.catalogue.yamlfile import YamlFile

RULES: dict[str, str] = {
    "evidence-level-not-carried": "The entry's studies do not carry its evidence level: fewer studies with the designs and findings the ladder asks for it (criteria in evidence-levels.yaml) (warning).",
    "comparison-study-not-studied": "A study that compares sits under the evidence level niet-onderzocht (warning).",
    "reviewed-warning": "A reviewed_warnings marker names a rule that cannot be silenced, or a note that is not the beginning of exactly one note.",
    "stale-reviewed-warning": "A reviewed_warnings marker silences a warning that no longer fires (warning).",
}

# The warnings a reviewed marker may silence: the entry's own, about what the source says.
WARNING_RULES = ("evidence-level-not-carried", "comparison-study-not-studied")
RENAMED = {"evidence-level-without-comparison": "evidence-level-not-carried"}  # old rule -> its successor, for markers
SILENCED = "silenced"  # the severity of a warning a reviewed marker silences
NOT_STUDIED = "niet-onderzocht"


def _studies(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    evidence = data.get("evidence")
    studies = evidence.get("studies") if isinstance(evidence, dict) else None
    return [(i, s) for i, s in enumerate(as_list(studies)) if isinstance(s, dict)]


def figures(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every figure of an entry with its JSON pointer: ``results.figures`` and each finding's ``figure``."""
    results = data.get("results")
    for i, fig in enumerate(as_list(results.get("figures") if isinstance(results, dict) else None)):
        if isinstance(fig, dict):
            yield f"/results/figures/{i}", fig
    for i, study in _studies(data):
        for j, finding in enumerate(as_list(study.get("findings"))):
            if isinstance(finding, dict) and isinstance(finding.get("figure"), dict):
                yield f"/evidence/studies/{i}/findings/{j}/figure", finding["figure"]


def study_citations(data: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """The ``cites`` list of every study, with the JSON pointer of that list."""
    for i, study in _studies(data):
        yield f"/evidence/studies/{i}/cites", as_list(study.get("cites"))


def study_ids(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON pointer, id) of every study of an entry."""
    return [(f"/evidence/studies/{i}/id", s["id"]) for i, s in _studies(data) if isinstance(s.get("id"), str)]


def comparison_of(study: dict[str, Any], designs: Vocabulary | None) -> Message | str:
    """Why a study counts as comparing ("" when it does not): a finding with ``comparison: true``
    or a design whose vocabulary term compares."""
    for j, finding in enumerate(as_list(study.get("findings"))):
        if isinstance(finding, dict) and finding.get("comparison") is True:
            return Message("problem.compares.finding", n=j + 1)
    for d in as_list(study.get("designs")):
        term = designs.terms.get(d) if designs is not None and isinstance(d, str) else None
        if term is not None and term.comparison:
            return Message("problem.compares.design", design=repr(d))
    return ""


def counts_for(study: dict[str, Any], criteria: Criteria) -> bool:
    """Whether ``study`` is one of the studies ``criteria`` asks for: a design among its designs
    (or a comparing finding, where that counts) and a finding in its direction."""
    findings = [f for f in as_list(study.get("findings")) if isinstance(f, dict)]
    designed = any(d in criteria.designs for d in as_list(study.get("designs")))
    compared = criteria.comparison_finding and any(f.get("comparison") is True for f in findings)
    return (designed or compared) and (not criteria.direction or any(f.get("direction") == criteria.direction for f in findings))


def carried_level(studies: list[dict[str, Any]], levels: Vocabulary) -> str:
    """The highest level that asks something of the studies and whose criteria they meet ("" when
    they carry none: the levels below rest on the description and theory, which are no studies)."""
    carried = ""
    for term in levels.ordered():
        c = term.criteria
        if c is None or not c.studies:
            continue
        if sum(counts_for(s, c) for s in studies) < c.studies:
            break
        carried = term.id
    return carried


def _asked(c: Criteria) -> Message:
    """What one counted study needs, in a line."""
    names = list(c.designs)
    designs = Message("problem.asked.either", first=", ".join(names[:-1]), second=names[-1]) if len(names) > 1 else "".join(names)
    design = Message("problem.asked.design", designs=designs) if names else None
    comparison = Message("problem.asked.comparison") if c.comparison_finding else None
    need = (Message("problem.asked.either", first=design, second=comparison) if design and comparison
            else design or comparison or Message("problem.asked.any"))
    return Message("problem.asked.direction", need=need, direction=repr(c.direction)) if c.direction else need


def level_findings(data: dict[str, Any], vocab: dict[str, Vocabulary], ok: set[str]) -> Iterator[Finding]:
    """The level against the studies: warnings (see :data:`WARNING_RULES`)."""
    levels = vocab.get("evidence-levels") if "evidence-levels" in ok else None
    evidence = data.get("evidence")
    level = evidence.get("level") if isinstance(evidence, dict) else None
    if levels is None or not isinstance(level, str) or level not in levels.terms:
        return
    designs = vocab.get("study-designs") if "study-designs" in ok else None
    studies = _studies(data)
    criteria = levels.terms[level].criteria
    if criteria is not None and criteria.studies:
        counted = [s.get("id") for _, s in studies if counts_for(s, criteria)]
        if len(counted) < criteria.studies:
            what = (Message("problem.carried.no_study") if not studies
                    else Message("problem.carried.none", n=len(studies)) if not counted
                    else Message("problem.carried.only", k=len(counted), n=len(studies), ids=", ".join(map(repr, counted))))
            carried = carried_level([s for _, s in studies], levels)
            lowest = next((t.id for t in levels.ordered() if t.criteria is not None and t.criteria.studies), level)
            lower = (Message("problem.carried.lower_to", level=repr(carried)) if carried else Message("problem.carried.lower_below", level=repr(lowest)))
            need = Message(f"problem.studies.{'one' if criteria.studies == 1 else 'other'}", n=criteria.studies)
            yield ("evidence-level-not-carried", "/evidence/level",
                   Message("problem.not_carried", level=repr(level), need=need, asked=_asked(criteria), what=what, lower=lower,
                           silence=Message("problem.how_to_silence", rule="evidence-level-not-carried")), False)
    if level == NOT_STUDIED:
        for i, s in studies:
            why = comparison_of(s, designs)
            if why:
                yield ("comparison-study-not-studied", f"/evidence/studies/{i}",
                       Message("problem.not_studied", id=repr(s.get("id")), why=why, level=repr(NOT_STUDIED),
                               silence=Message("problem.how_to_silence", rule="comparison-study-not-studied")), False)


def in_the_future(day: Any, today: _dt.date) -> bool:
    """Whether ``day`` is an ISO date after ``today`` (a date that is no date is the schema's to report)."""
    try:
        return isinstance(day, str) and _dt.date.fromisoformat(day) > today
    except ValueError:
        return False


def with_reviewed_markers(doc: YamlFile, problems: list[Problem], today: _dt.date | None = None) -> list[Problem]:
    """``problems`` of one entry with the warnings its reviewed markers silence marked
    :data:`SILENCED`, plus a problem for every marker that is wrong (an error) or stale (a warning).
    A marker dated after ``today`` silences nothing (the 'year' rule reports it)."""
    data = doc.data
    markers = data.get("reviewed_warnings") if isinstance(data, dict) else None
    if not isinstance(markers, list):
        return problems
    out, notes = list(problems), [n for n in as_list(data.get("notes")) if isinstance(n, str)]
    for i, marker in enumerate(markers):
        if not isinstance(marker, dict) or not isinstance(marker.get("rule"), str) or not isinstance(marker.get("note"), str) \
                or not marker["note"].strip():
            continue  # the schema says what is missing or empty
        rule, note, where = marker["rule"], marker["note"], f"/reviewed_warnings/{i}"
        if in_the_future(marker.get("reviewed"), today or _dt.date.today()):
            continue
        if rule not in WARNING_RULES:
            close = [RENAMED[rule]] if rule in RENAMED else close_matches(rule, WARNING_RULES)
            out.append(doc.problem("reviewed-warning", Message("problem.marker.rule", rule=repr(rule), hint=did_you_mean(close), rules=", ".join(WARNING_RULES)),
                                   f"{where}/rule"))
            continue
        begins = [k for k, n in enumerate(notes) if n.startswith(note)]
        if len(begins) != 1:
            said = (Message("problem.marker.note_none", note=short(note)) if not begins
                    else Message("problem.marker.note_many", note=short(note), n=len(begins), notes=", ".join(f"notes[{k}]" for k in begins)))
            out.append(doc.problem("reviewed-warning", said, f"{where}/note"))
            continue
        fired = [p for p in out if p.rule == rule and p.severity == WARNING]
        if not fired:
            out.append(doc.problem("stale-reviewed-warning", Message("problem.marker.stale", rule=repr(rule)), where, severity=WARNING))
        out = [replace(p, severity=SILENCED, message=_silenced(p.message, marker.get("reviewed"), note)) if p in fired else p for p in out]
    return out


def _silenced(message: Message, reviewed: Any, note: str) -> Message:
    """A warning's message once a marker silences it: without the hint how to silence it, with
    the date and note of the review."""
    without_hint = Message(message.key, **{**dict(message.values), "silence": ""})
    return Message("problem.silenced", message=without_hint, reviewed=str(reviewed), note=repr(note))
